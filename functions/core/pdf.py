"""A small PDF writer for the letters: text in an embedded Unicode font, filled rectangles, A4 pages.

Names are printed as typed, whatever their Latin-extended diacritics (« Thị Hương », « Łukasz »,
« Nguyễn »): the text is set in DejaVu Sans (Debian's `fonts-dejavu-core`, or the folder
`ENT_LETTER_FONTS` names), embedded as a Type0 font (CIDFontType2, Identity-H: two bytes per glyph)
with its glyph widths and a ToUnicode CMap, so the letter stays searchable and copyable. Only the
glyphs used are embedded (fontTools' subsetter, glyph ids kept). A character the font cannot draw
(its cmap has none), or one of a right-to-left script, which this writer does not lay out, is never
replaced: `undrawable` names it, so that the roster's line is refused, and `Page.text` raises.
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from functions.core.errors import DomainError

MM = 72 / 25.4  # PDF units (points) per millimetre
A4_WIDTH_MM, A4_HEIGHT_MM = 210.0, 297.0
# DejaVu's faces in Debian's fonts-dejavu-core (installed with the browser tests' packages too).
FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "mono": "DejaVuSansMono-Bold.ttf"}
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts/dejavu")
FONT_PACKAGE = "fonts-dejavu-core"
_RESOURCE_NAMES = {face: f"F{number}" for number, face in enumerate(FONT_FILES, start=1)}
_RIGHT_TO_LEFT = frozenset({"R", "AL"})


class FontMissing(DomainError):
    """The letters' font or fontTools is not installed: refused before any account changes."""


class Undrawable(ValueError):
    """Text holds a character the letter's font cannot draw."""


def font_dir() -> Path:
    """Return the folder of the DejaVu fonts, or raise FontMissing saying what to install."""
    configured = os.environ.get("ENT_LETTER_FONTS")
    for folder in [configured] if configured else FONT_DIRS:
        if all((Path(folder) / name).is_file() for name in FONT_FILES.values()):
            return Path(folder)
    where = f"dans ENT_LETTER_FONTS={configured}" if configured else "sur cette machine"
    raise FontMissing(
        f"police des lettres introuvable {where} ({', '.join(FONT_FILES.values())}) : "
        f"sudo apt-get install {FONT_PACKAGE}, ou indiquez son dossier dans ENT_LETTER_FONTS"
    )


def require_fonts() -> None:
    """Refuse early, before any account changes, if the letters could not be set in their font."""
    import importlib.util

    if importlib.util.find_spec("fontTools") is None:
        raise FontMissing("le module fontTools manque pour la police des lettres : pip install -e '.[admin]'")
    font_dir()


@dataclass(frozen=True)
class _Font:
    """What layout and the PDF need of one TrueType face: its cmap and metrics, in 1/1000 em."""

    path: Path
    cmap: dict[int, int]  # code point → glyph id
    advances: dict[int, int]  # glyph id → advance width (1/1000 em)
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    postscript_name: str


@cache
def _font(face: str) -> _Font:
    from fontTools.ttLib import TTFont

    path = font_dir() / FONT_FILES[face]
    font = TTFont(str(path), lazy=True)
    scale = 1000 / font["head"].unitsPerEm
    order = font.getGlyphOrder()
    cmap = {code: font.getGlyphID(name) for code, name in font.getBestCmap().items()}
    metrics = font["hmtx"].metrics
    advances = {gid: round(metrics[name][0] * scale) for gid, name in enumerate(order)}
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    cap_height = getattr(os2, "sCapHeight", 0) or round(0.73 * font["head"].unitsPerEm)
    name = font["name"].getDebugName(6) or path.stem
    font.close()
    return _Font(
        path=path,
        cmap=cmap,
        advances=advances,
        ascent=round(hhea.ascent * scale),
        descent=round(hhea.descent * scale),
        cap_height=round(cap_height * scale),
        bbox=(round(head.xMin * scale), round(head.yMin * scale), round(head.xMax * scale), round(head.yMax * scale)),
        postscript_name=name,
    )


def _printed(text: str) -> str:
    """The text as it is drawn: composed (NFC), so « ị » typed as i + U+0323 is the font's one glyph."""
    return unicodedata.normalize("NFC", text)


def undrawable(text: str, faces: tuple[str, ...] = ("regular", "bold")) -> list[str]:
    """Return the characters of `text` the letter cannot print as typed (U+XXXX and the character)."""
    missing: list[str] = []
    for character in _printed(text):
        drawn = unicodedata.bidirectional(character) not in _RIGHT_TO_LEFT and all(
            ord(character) in _font(face).cmap for face in faces
        )
        label = f"U+{ord(character):04X} {character}"
        if not drawn and label not in missing:
            missing.append(label)
    return missing


def _glyphs(text: str, face: str) -> list[int]:
    font = _font(face)
    missing = undrawable(text, (face,))
    if missing:
        raise Undrawable(f"the letter's font cannot draw {', '.join(missing)}")
    return [font.cmap[ord(character)] for character in _printed(text)]


def text_width(text: str, face: str, size: float) -> float:
    """Return the width of `text` in millimetres (a character the font lacks counts as nothing)."""
    font = _font(face)
    units = sum(font.advances.get(font.cmap.get(ord(character), 0), 0) for character in _printed(text))
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
    """Return a PDF text string (the document's title): UTF-16BE with its BOM, unless ASCII, octal-escaped."""
    out = bytearray(b"(")
    for byte in text.encode() if text.isascii() else b"\xfe\xff" + text.encode("utf-16-be"):
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
    # The glyphs each face drew, and the text of each: the subset to embed and the ToUnicode CMap.
    used: dict[str, dict[int, str]] = field(default_factory=dict)

    def text(
        self, x: float, y: float, text: str, *, face: str = "regular", size: float = 10.5, gray: float = 0.0
    ) -> None:
        """Write one line whose baseline is at `y`; raise Undrawable for a character the font lacks."""
        glyphs = _glyphs(text, face)
        used = self.used.setdefault(face, {})
        for glyph, character in zip(glyphs, _printed(text), strict=True):
            used.setdefault(glyph, character)
        self.operations.append(
            b"BT %.3f g /%s %.2f Tf %.2f %.2f Td <%s> Tj ET"
            % (
                gray,
                _RESOURCE_NAMES[face].encode(),
                size,
                x * MM,
                (A4_HEIGHT_MM - y) * MM,
                "".join(f"{glyph:04X}" for glyph in glyphs).encode(),
            )
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


def _subset(face: str, glyphs: set[int]) -> bytes:
    """Return the TrueType file of `face` with only `glyphs` (and .notdef), their ids unchanged."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.retain_gids = True  # the content streams name glyphs by their id in the whole font
    options.notdef_outline = True
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = True
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: not needed, and the subsetter would warn
    font = TTFont(str(_font(face).path))
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=sorted(glyphs | {0}))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _to_unicode(used: dict[int, str]) -> bytes:
    """The CMap that gives each glyph back its text: what search, copy and pypdf read."""
    lines = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        "1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    pairs = sorted(used.items())
    for start in range(0, len(pairs), 100):  # at most 100 entries a block
        chunk = pairs[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{glyph:04X}> <{character.encode('utf-16-be').hex().upper()}>" for glyph, character in chunk]
        lines.append("endbfchar")
    lines.append("endcmap CMapName currentdict /CMap defineresource pop end end")
    return "\n".join(lines).encode()


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data)
    return b"<< /Length %d /Filter /FlateDecode%s >>\nstream\n%s\nendstream" % (len(packed), extra, packed)


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
        used: dict[str, dict[int, str]] = {}
        for page in self.pages:
            for face, glyphs in page.used.items():
                for glyph, character in glyphs.items():
                    used.setdefault(face, {}).setdefault(glyph, character)
        fonts = {face: self._font_objects(add, face, glyphs) for face, glyphs in used.items()}
        font_resources = b" ".join(
            b"/%s %d 0 R" % (_RESOURCE_NAMES[face].encode(), number) for face, number in fonts.items()
        )
        kids = []
        for page in self.pages:
            contents = add(_stream(page.content()))
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

    @staticmethod
    def _font_objects(add: Callable[[bytes], int], face: str, used: dict[int, str]) -> int:
        """Add one face's Type0 font (its subset, descriptor, widths and ToUnicode); return its number."""
        font = _font(face)
        data = _subset(face, set(used))
        # A subset's name: six capitals from its glyphs, then the font's own name (PDF 1.7, 9.6.4).
        digest = hashlib.sha256(repr(sorted(used)).encode()).digest()
        name = ("".join(chr(ord("A") + byte % 26) for byte in digest[:6]) + "+" + font.postscript_name).encode()
        font_file = add(_stream(data, b" /Length1 %d" % len(data)))
        descriptor = add(
            b"<< /Type /FontDescriptor /FontName /%s /Flags 32 /FontBBox [%d %d %d %d] /ItalicAngle 0 "
            b"/Ascent %d /Descent %d /CapHeight %d /StemV 80 /FontFile2 %d 0 R >>"
            % (name, *font.bbox, font.ascent, font.descent, font.cap_height, font_file)
        )
        widths = b" ".join(b"%d [%d]" % (glyph, font.advances.get(glyph, 0)) for glyph in sorted(used))
        descendant = add(
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            b"/FontDescriptor %d 0 R /CIDToGIDMap /Identity /DW 1000 /W [%s] >>" % (name, descriptor, widths)
        )
        to_unicode = add(_stream(_to_unicode(used)))
        return add(
            b"<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H "
            b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (name, descendant, to_unicode)
        )
