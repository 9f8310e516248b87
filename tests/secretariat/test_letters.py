"""The letters' PDF: A4 pages a reader opens, text that can be searched, room for long names."""

from __future__ import annotations

import io
from datetime import date

import pypdf
import pytest

from functions.core.lifecycle import Profile
from secretariat.letters import TITLE, Letter, letters_pdf
from secretariat.pdf import encodable, text_width, wrap

LONG = "Wolfeschlegelsteinhausenbergerdorff de la Tour d'Auvergne-Lauraguais"


def letter(**changes) -> Letter:
    values = dict(
        school="0751234A",
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
    assert "zoe.martin" in text and "Zoé Lefèvre-Martin" in text and "Établissement 0751234A" in text


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


def test_text_outside_windows_1252_loses_only_its_accent():
    assert encodable("Łukasz Nguyễn Œdipe « ’ » 李") == "Lukasz Nguyen Œdipe « ’ » ?"


def test_wrapping_keeps_french_punctuation_with_its_word():
    lines = wrap("Cliquez sur « Enregistrer » : c'est fait.", "regular", 10.5, 40)
    assert all(text_width(line, "regular", 10.5) <= 40 for line in lines)
    assert not any(line.startswith((":", "»")) or line.endswith("«") for line in lines)
