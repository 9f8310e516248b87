"""A school's UAI (code of the Répertoire national des établissements): 7 digits and a key letter.

The key letter is the one at index `n mod 23` of ABCDEFGHJKLMNPRSTUVWXYZ (no I, O, Q: they read as
1, 0, 0), `n` being the 7 digits: 0750654D is valid, 0751234A is not. A typo in a UAI would give a
staff member, a roster or a letter the wrong school, so every UAI typed anywhere is checked here.
"""

from __future__ import annotations

import re

from functions.core.errors import InvalidInput

KEY_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
EXAMPLE = "0750654D"
_SHAPE = re.compile(r"[0-9]{7}[A-Z]")


def normalize_uai(text: str) -> str:
    """Return the UAI as written in the directory: no spaces, upper case."""
    return "".join(text.split()).upper()


def key_letter(digits: str) -> str:
    """Return the key letter of a UAI's seven digits."""
    return KEY_LETTERS[int(digits) % len(KEY_LETTERS)]


def is_valid_uai(text: str) -> bool:
    """Tell whether `text` (already normalized) is 7 digits followed by their key letter."""
    return bool(_SHAPE.fullmatch(text)) and key_letter(text[:7]) == text[7]


def validate_uai(school: str, *, field: str = "school") -> str:
    """Return the UAI, normalized; raise InvalidInput saying what is wrong with it."""
    uai = normalize_uai(school)
    if not _SHAPE.fullmatch(uai):
        raise InvalidInput(
            f"Le code UAI de l'établissement compte 7 chiffres puis une lettre (ex. {EXAMPLE}).", field=field
        )
    if not is_valid_uai(uai):
        raise InvalidInput(
            f"Le code UAI {uai} n'existe pas : sa lettre-clé ne correspond pas à ses chiffres. "
            "Vérifiez-le sur un courrier officiel de l'établissement.",
            field=field,
        )
    return uai
