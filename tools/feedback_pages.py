"""Regenerate functions/feedback/pages.txt: the help centre's pages, the only ones feedback is taken for.

Usage (from the repository root):

    .venv/bin/python -m tools.feedback_pages           # rewrite the file from docs/ and mkdocs.yml
    .venv/bin/python -m tools.feedback_pages --check   # exit 1 if it is out of date

The paths are the ones mkdocs gives the pages it builds (its own file discovery and URL rule, with
mkdocs.yml's `docs_dir`, `use_directory_urls` and exclusions): what `location.pathname` is on the
page whose « Cette page vous a-t-elle été utile ? » widget posts to /api/feedback.
tests/functions/feedback/test_pages.py fails while the file and the site disagree.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MKDOCS_CONFIG = ROOT / "mkdocs.yml"
OUTPUT = ROOT / "functions" / "feedback" / "pages.txt"
HEADER = (
    "# The help centre's pages, as their address reads in the browser: /api/feedback takes answers for\n"
    "# these only. Generated from docs/ and mkdocs.yml by `python -m tools.feedback_pages`; do not edit.\n"
)


def site_pages(config_file: Path = MKDOCS_CONFIG) -> list[str]:
    """Return the path of every page mkdocs builds from the config's docs_dir, sorted."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    config = load_config(str(config_file))
    paths = set()
    for page in get_files(config).documentation_pages():
        url = page.url  # "aide/courrier/", "./" for the home page (use_directory_urls: true)
        paths.add("/" if url in ("", "./") else "/" + url.removeprefix("./"))
    return sorted(paths)


def render(pages: list[str]) -> str:
    return HEADER + "".join(f"{page}\n" for page in pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only tell whether the file is up to date")
    arguments = parser.parse_args(argv)
    expected = render(site_pages())
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
    if arguments.check:
        if current != expected:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run python -m tools.feedback_pages", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(expected, encoding="utf-8")
    print(f"{OUTPUT.relative_to(ROOT)}: {len(expected.splitlines()) - HEADER.count(chr(10))} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
