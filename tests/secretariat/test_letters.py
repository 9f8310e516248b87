"""The letters' PDF: A4 pages a reader opens, text that can be searched, room for long names."""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from typing import Any

import pypdf
import pytest

from functions.core.letters import TITLE, Letter, letters_pdf
from functions.core.lifecycle import Profile
from functions.core.pdf import Undrawable, text_width, undrawable, wrap

LONG = "Wolfeschlegelsteinhausenbergerdorff de la Tour d'Auvergne-Lauraguais"


def letter(**changes) -> Letter:
    values = dict(
        school="0751234J",
        display_name="Zoé Lefèvre-Martin",
        profile=Profile.PARENT,
        identifier="zoe.lefevre-martin",
        initial_password="Ab3kPq9xYz",
        activation_deadline=date(2027, 2, 28),
        deletion_date=date(2027, 11, 30),
        issued_on=date(2026, 11, 30),
        classe="6e B",
    )
    return Letter(**{**values, **changes})


def test_one_a4_page_per_letter_with_a_title_and_french_text():
    reader = pypdf.PdfReader(
        io.BytesIO(letters_pdf([letter(), letter(identifier="zoe.martin")], "https://aide.ent.example.fr"))
    )
    assert len(reader.pages) == 2
    assert [round(float(value)) for value in reader.pages[0].mediabox] == [0, 0, 595, 842]
    assert reader.metadata is not None
    assert reader.metadata.title == TITLE
    text = reader.pages[1].extract_text()
    assert "zoe.martin" in text and "Zoé Lefèvre-Martin" in text and "Établissement 0751234J" in text


@pytest.mark.parametrize("profile", list(Profile))
def test_the_longest_names_identifiers_and_addresses_still_fit_one_page(profile):
    long_letter = letter(
        display_name=f"{LONG} {LONG}"[:201],
        identifier="hubert-blaine-wolfe.wolfeschlegelstei1000",
        classe="Terminale générale 3",
        profile=profile,
    )
    reader = pypdf.PdfReader(io.BytesIO(letters_pdf([long_letter], "https://aide.ent.une-academie-au-nom-long.fr")))
    assert len(reader.pages) == 1
    assert "hubert-blaine-wolfe.wolfeschlegelstei1000" in reader.pages[0].extract_text()


@pytest.mark.parametrize("name", ["Thị Hương Nguyễn", "Łukasz Żółć", "Œdipe « ’ » Ğüneş", "Ngô Bảo Châu"])
def test_names_are_printed_as_typed_whatever_their_diacritics(name):
    reader = pypdf.PdfReader(io.BytesIO(letters_pdf([letter(display_name=name)], "https://aide.ent.example.fr")))
    assert name in reader.pages[0].extract_text().replace("\xa0", " ")


def test_a_decomposed_name_is_printed_composed():
    """« ị » typed as i + U+0323 is drawn as the font's one glyph, and read back as the same name."""
    decomposed = unicodedata.normalize("NFD", "Thị Hương")
    assert undrawable(decomposed) == []
    reader = pypdf.PdfReader(io.BytesIO(letters_pdf([letter(display_name=decomposed)], "https://aide.ent.example.fr")))
    assert "Thị Hương" in reader.pages[0].extract_text()


def test_what_the_font_cannot_draw_is_named_never_replaced():
    assert undrawable("Zoé 李 Martin") == ["U+674E 李"]
    assert undrawable("Zoé אבי") == ["U+05D0 א", "U+05D1 ב", "U+05D9 י"]  # right-to-left: not laid out here
    with pytest.raises(Undrawable):
        letters_pdf([letter(display_name="李小龍")], "https://aide.ent.example.fr")


def test_the_font_is_embedded_as_a_subset_with_widths_and_to_unicode():
    pdf = letters_pdf([letter(display_name="Thị Hương")], "https://aide.ent.example.fr")
    resources: Any = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]
    font = resources["/Font"]["/F1"]
    assert (font["/Subtype"], font["/Encoding"]) == ("/Type0", "/Identity-H") and "/ToUnicode" in font
    descendant = font["/DescendantFonts"][0]
    assert descendant["/Subtype"] == "/CIDFontType2" and descendant["/W"]
    assert "/FontFile2" in descendant["/FontDescriptor"]
    assert len(pdf) < 200_000  # the glyphs used, not the whole fonts (2 MB)


def test_wrapping_keeps_french_punctuation_with_its_word():
    lines = wrap("Cliquez sur « Enregistrer » : c'est fait.", "regular", 10.5, 40)
    assert all(text_width(line, "regular", 10.5) <= 40 for line in lines)
    assert not any(line.startswith((":", "»")) or line.endswith("«") for line in lines)
