"""A school's UAI (code of the Répertoire national des établissements): 7 digits and a key letter.

The key letter is the one at index `n mod 23` of ABCDEFGHJKLMNPRSTUVWXYZ (no I, O, Q): 0750654D is
valid, 0751234A is not. A typo in a UAI would give a staff member the wrong school, so every UAI
typed by the académie is checked.
"""

from __future__ import annotations

import re

KEY_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
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
