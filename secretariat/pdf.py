"""A small PDF writer for the letters: text in the standard faces, filled rectangles, A4 pages.

The standard faces (Helvetica, Courier) need no embedded font file and every PDF reader has them;
with WinAnsiEncoding (Windows-1252) they write all of French — é, ç, œ, « », ’ — and the text can
be searched and extracted. A character outside Windows-1252 loses its accent, or becomes "?".
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from functions.core.text import strip_accents
from secretariat.font_metrics import FIRST_CODE, MONOSPACED_WIDTH, WIDTHS

MM = 72 / 25.4  # PDF units (points) per millimetre
A4_WIDTH_MM, A4_HEIGHT_MM = 210.0, 297.0
FONTS = {"regular": "Helvetica", "bold": "Helvetica-Bold", "mono": "Courier-Bold"}
_RESOURCE_NAMES = {face: f"F{number}" for number, face in enumerate(FONTS, start=1)}


def encodable(text: str) -> str:
    """Return `text` as Windows-1252 can write it: accents dropped only where it must."""
    kept = []
    for character in text:
        try:
            character.encode("cp1252")
            kept.append(character)
        except UnicodeEncodeError:
            base = strip_accents(character)
            kept.append(base if base and base.isascii() else "?")
    return "".join(kept)


def text_width(text: str, face: str, size: float) -> float:
    """Return the width of `text` in millimetres."""
    if FONTS[face].startswith("Courier"):
        units = MONOSPACED_WIDTH * len(text)
    else:
        widths = WIDTHS[FONTS[face]]
        units = sum(widths[byte - FIRST_CODE] if byte >= FIRST_CODE else 0 for byte in encodable(text).encode("cp1252"))
    return units / 1000 * size / MM


_NO_BREAK = str.maketrans({" ": "\xa0"})
_FRENCH_SPACES = (" :", " ;", " ?", " !", " »", "« ")


def french_spacing(text: str) -> str:
    """Glue « », : ; ? ! to their word with a no-break space, as French typography does."""
    for pair in _FRENCH_SPACES:
        text = text.replace(pair, pair.translate(_NO_BREAK))
    return text


def wrap(text: str, face: str, size: float, width: float) -> list[str]:
    """Cut `text` into lines no wider than `width` millimetres, between words."""
    lines: list[str] = []
    current = ""
    for word in filter(None, french_spacing(text).split(" ")):
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, face, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _literal(text: str) -> bytes:
    """Return a PDF string literal, ASCII-only (bytes above 127 as octal escapes)."""
    out = bytearray(b"(")
    for byte in encodable(text).encode("cp1252"):
        if byte in b"\\()":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += b"\\%03o" % byte
    return bytes(out + b")")


@dataclass
class Page:
    """One A4 page; positions in millimetres from the top left corner."""

    operations: list[bytes] = field(default_factory=list)

    def text(
        self, x: float, y: float, text: str, *, face: str = "regular", size: float = 10.5, gray: float = 0.0
    ) -> None:
        """Write one line whose baseline is at `y`."""
        self.operations.append(
            b"BT %.3f g /%s %.2f Tf %.2f %.2f Td %s Tj ET"
            % (gray, _RESOURCE_NAMES[face].encode(), size, x * MM, (A4_HEIGHT_MM - y) * MM, _literal(text))
        )

    def rectangle(
        self, x: float, y: float, width: float, height: float, *, fill: float | None = None, stroke: float | None = None
    ) -> None:
        """Draw a rectangle whose top left corner is at (x, y), filled and/or outlined in gray."""
        box = b"%.3f %.3f %.3f %.3f re" % (x * MM, (A4_HEIGHT_MM - y - height) * MM, width * MM, height * MM)
        if fill is not None and stroke is not None:
            self.operations.append(b"%.3f g %.3f G 0.6 w %s B" % (fill, stroke, box))
        elif fill is not None:
            self.operations.append(b"%.3f g %s f" % (fill, box))
        elif stroke is not None:
            self.operations.append(b"%.3f G 0.6 w %s S" % (stroke, box))

    def content(self) -> bytes:
        return b"\n".join(self.operations)


@dataclass
class Document:
    """Pages, then `to_bytes()`: a PDF 1.4 file."""

    title: str
    pages: list[Page] = field(default_factory=list)

    def new_page(self) -> Page:
        page = Page()
        self.pages.append(page)
        return page

    def to_bytes(self) -> bytes:
        objects: list[bytes] = []  # object n is objects[n - 1]

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        catalog, pages = add(b""), add(b"")
        fonts = {
            face: add(b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>" % name.encode())
            for face, name in FONTS.items()
        }
        font_resources = b" ".join(
            b"/%s %d 0 R" % (_RESOURCE_NAMES[face].encode(), number) for face, number in fonts.items()
        )
        kids = []
        for page in self.pages:
            stream = zlib.compress(page.content())
            contents = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream))
            kids.append(
                add(
                    b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /Font << %s >> >> /Contents %d 0 R >>"
                    % (pages, A4_WIDTH_MM * MM, A4_HEIGHT_MM * MM, font_resources, contents)
                )
            )
        objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R /Lang (fr-FR) >>" % pages
        objects[pages - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
            b" ".join(b"%d 0 R" % kid for kid in kids),
            len(kids),
        )
        info = add(b"<< /Title %s /Producer (ent-admin) >>" % _literal(self.title))
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objects) + 1,
            catalog,
            info,
            xref,
        )
        return bytes(out)
