"""One folding of case, accents and ligatures for identifiers, rosters, passwords and letters."""

from __future__ import annotations

from datetime import date

import pytest

from functions.core.accounts import person_fingerprint
from functions.core.identifiers import ascii_part
from functions.core.text import canonical, fold, strip_accents


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Hélène", "helene"),
        ("HÉLÈNE", "helene"),
        ("Cœur", "coeur"),
        ("ŒUVRE", "oeuvre"),
        ("Læticia", "laeticia"),
        ("Strauß", "strauss"),
        ("Łukasz", "lukasz"),
        ("Øster", "oster"),
        ("Đorđe", "dorde"),
    ],
)
def test_every_spelling_of_a_name_folds_alike(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_the_identifier_and_the_roster_fingerprint_fold_alike() -> None:
    assert ascii_part("Œdipe-Łukasz") == "oedipe-lukasz"
    day = date(2015, 3, 1)
    assert person_fingerprint("Zoé", "Lefèvre", day) == person_fingerprint("ZOE", "LEFEVRE", day)
    assert person_fingerprint("Cœur", "Strauß", day) == person_fingerprint("Coeur", "Strauss", day)


def test_a_letter_keeps_the_case_of_what_it_strips() -> None:
    assert strip_accents("Łódź") == "Lodz"


def test_decomposed_and_composed_accents_are_one_password() -> None:
    assert canonical("e\u0301té") == canonical("été")
