"""The browser tests' harness: the site built, the local stack started, Debian's Chromium launched.

`Stack` is `python -m devserver` on free ports, started as `make run` starts it, with what it
printed (address, AWS environment, demo accounts); `launch_chromium` drives Debian's Chromium
headless through Playwright (never `playwright install`). `make screenshots` (tools/screenshots.py)
uses the same, so the tests and the committed screenshots see the same stack and browser.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SITE_SOURCES = ("docs", "overrides", "mkdocs.yml")

CHROMIUM = "/usr/bin/chromium"  # Debian's: never `playwright install`
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_SECONDS = 90
STOP_SECONDS = 15


def newest_source_time() -> float:
    """Return the modification time of the newest file the site is built from."""
    times: list[float] = []
    for name in SITE_SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else [item for item in path.rglob("*") if item.is_file()]
        times.extend(item.stat().st_mtime for item in files)
    return max(times)


def build_site_if_stale() -> None:
    """Build site/ with `mkdocs build --strict` when it is missing or older than its sources."""
    index = ROOT / "site" / "index.html"
    if index.is_file() and index.stat().st_mtime >= newest_source_time():
        return
    subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "--quiet"],
        cwd=ROOT,
        check=True,
        timeout=300,
        env={**clean_environment(), "NO_MKDOCS_2_WARNING": "1"},
    )


def clean_environment(**extra: str) -> dict[str, str]:
    """Return this environment without AWS or ENT settings (the stack prints its own)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "ENT_"))}
    return {**env, **extra}


@dataclass(frozen=True)
class DemoAccount:
    identifier: str
    password: str
    profile: str
    birth_date: str  # JJ/MM/AAAA, as printed
    state: str  # issued, active, deactivated


@dataclass
class Stack:
    """`python -m devserver` on free ports (PORT=0), and what it printed: address, env, demo accounts."""

    lines: list[str] = field(default_factory=list)
    process: subprocess.Popen[str] | None = None
    base_url: str = ""
    env: dict[str, str] = field(default_factory=dict)
    demo: dict[str, DemoAccount] = field(default_factory=dict)

    def start(self) -> Stack:
        """Start the stack and wait until it serves the site; raise RuntimeError if it cannot."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devserver"],
            cwd=ROOT,
            env=clean_environment(PORT="0", AWS_PORT="0"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"devserver exited with {self.process.returncode}:\n{self.output}")
            if "Ctrl-C" in self.output:
                self._parse()
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"devserver not ready after {STARTUP_SECONDS} s:\n{self.output}")

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def _parse(self) -> None:
        output = self.output
        address = re.search(r"site \+ API : (http://127\.0\.0\.1:\d+)/", output)
        if address is None:
            raise RuntimeError(f"devserver printed no address:\n{output}")
        self.base_url = address.group(1)
        self.env = dict(re.findall(r"^\s*export (\w+)=(\S+)$", output, re.MULTILINE))
        row = re.compile(r"^\s+(\S+)\s+(\S+)\s+(parent|eleve)\s+(\d\d/\d\d/\d{4})\s+(\w+)", re.MULTILINE)
        for identifier, password, profile, birth_date, state in row.findall(output):
            self.demo[state] = DemoAccount(identifier, password, profile, birth_date, state)

    def url(self, path: str) -> str:
        return self.base_url + path

    def mails(self) -> list[dict[str, Any]]:
        """Return the dev mailbox, newest first: [{to, subject, text, html, sent_at}]."""
        with urllib.request.urlopen(self.url("/_dev/mailbox.json"), timeout=10) as response:
            return json.load(response)

    def stop(self) -> None:
        """Stop the stack (SIGINT, then a kill if it lingers) and release its pipe."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch Debian's Chromium headless with the flags measured here (TOOLCHAIN.md)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
