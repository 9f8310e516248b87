"""Lighthouse scores of the help centre: the home page and the login page, served by the local stack.

`python -m bench lighthouse` (or `python -m bench.lighthouse`) starts `python -m devserver` on free
ports, runs Lighthouse 12.2.3 (`npx lighthouse@12.2.3`, Node 20) with Debian's Chromium
(CHROME_PATH=/usr/bin/chromium) on each page, and prints the four category scores and every audit
of accessibility, best practices and SEO that is not fully passed. Lighthouse's default is a mobile
device on a simulated slow 4G: the performance score is a simulation, noisy from run to run on a
shared machine.

Lighthouse is the devDependency of package.json: `npm ci` installs it exactly as package-lock.json
pins it, and npx then runs that copy; without it (`make test` installs only axe-core), npx fetches
lighthouse@12.2.3 from the npm registry once into its own cache. The figures are printed, never
checked: the accessibility bar that fails the build is axe-core's, in tests/browser.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.common import ROOT
from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, Stack, build_site_if_stale

LIGHTHOUSE = "lighthouse@12.2.3"
PAGES = ("/", "/connexion/")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
DETAILED = ("accessibility", "best-practices", "seo")  # where a missed audit is something to fix
TIMEOUT_SECONDS = 300


def lighthouse(url: str, report: Path) -> dict:
    """Run Lighthouse on `url`; return its JSON report (raise RuntimeError if it failed)."""
    command = [
        "npx",
        "--yes",
        LIGHTHOUSE,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags=--headless=new {' '.join(CHROMIUM_ARGS)}",
    ]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    if result.returncode != 0 or not report.is_file():
        raise RuntimeError(f"lighthouse failed on {url} (exit {result.returncode}):\n{result.stderr[-3000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def score(category: dict) -> str:
    return "n/a" if category.get("score") is None else f"{round(category['score'] * 100)}"


def missed_audits(data: dict, category: str) -> list[str]:
    """Return the audits of `category` that count and are not fully passed: 'id (score): title'."""
    audits = data["audits"]
    lines = []
    for ref in data["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
            lines.append(f"{ref['id']} ({audit['score']:.2f}): {audit['title']}")
    return lines


def main() -> None:
    if shutil.which("npx") is None:
        print("npx not found: Lighthouse needs Node.js and npm (sudo apt-get install nodejs npm).")
        return
    build_site_if_stale()
    stack = Stack().start()
    try:
        with tempfile.TemporaryDirectory(prefix="lighthouse-") as work:
            print(f"{LIGHTHOUSE} on {CHROMIUM}, mobile preset (simulated throttling); scores out of 100")
            print(f"{'page':<16}" + "".join(f"{name:>16}" for name in CATEGORIES))
            details: list[str] = []
            for path in PAGES:
                data = lighthouse(stack.url(path), Path(work) / "report.json")
                categories = data["categories"]
                print(f"{path:<16}" + "".join(f"{score(categories[name]):>16}" for name in CATEGORIES), flush=True)
                for name in DETAILED:
                    details.extend(f"  {path} {name}: {line}" for line in missed_audits(data, name))
            print("\nAudits not fully passed (accessibility, best practices, SEO):")
            print("\n".join(details) if details else "  none")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
