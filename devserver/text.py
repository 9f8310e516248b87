"""Text helpers of the mailbox: readable text from an email's HTML, escaped text with live links."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

URL = re.compile(r"https?://[^\s<>\"']+")
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"}
_TRAILING_PUNCTUATION = ".,;:!?)»"


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[str | None] = []
        self._link_start = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "head", "title"):
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "a":
            self._links.append(dict(attrs).get("href"))
            self._link_start = len(self.parts)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head", "title"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "a" and self._links:
            href = self._links.pop()
            label = "".join(self.parts[self._link_start :]).strip()
            if href and href != label and not href.startswith("mailto:"):
                self.parts.append(f" ({href})")  # keep the address a label would hide

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Return the readable text of an HTML email, each link's address kept next to its label."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    lines = [" ".join(line.split()) for line in "".join(extractor.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def linkify(text: str) -> str:
    """Return `text` HTML-escaped, with every http(s) address as a clickable link."""
    pieces: list[str] = []
    position = 0
    for match in URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING_PUNCTUATION)
        pieces.append(html.escape(text[position : match.start()]))
        pieces.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
        position = match.start() + len(url)
    pieces.append(html.escape(text[position:]))
    return "".join(pieces)
