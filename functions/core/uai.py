"""The UAI, a French school's national code: 7 digits and a key letter, checked wherever one is typed.

The key is the letter at index `n mod 23` of `ABCDEFGHJKLMNPRSTUVWXYZ` (no I, O, Q: they read as
1, 0, 0), where `n` is the 7 digits: 0750654D is a real code, 0751234J a typo.
"""

from __future__ import annotations

from functions.core.errors import InvalidInput

UAI_LENGTH = 8
KEY_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
EXAMPLE = "0750654D"


def key_letter(digits: str) -> str:
    """Return the key letter of a UAI's 7 digits."""
    return KEY_LETTERS[int(digits) % len(KEY_LETTERS)]


def is_uai(text: str) -> bool:
    """Tell whether `text` (already uppercase, no spaces) is a UAI whose key letter matches."""
    return len(text) == UAI_LENGTH and text[:7].isascii() and text[:7].isdigit() and text[7] == key_letter(text[:7])


def validate_uai(school: str, *, field: str = "school") -> str:
    """Return the UAI, uppercase; raise InvalidInput saying what is wrong with it."""
    uai = school.strip().upper()
    if len(uai) != UAI_LENGTH or not (uai[:7].isascii() and uai[:7].isdigit()) or uai[7] not in KEY_LETTERS:
        raise InvalidInput(
            f"Le code UAI de l'établissement compte 7 chiffres puis une lettre (ex. {EXAMPLE}).", field=field
        )
    if uai[7] != key_letter(uai[:7]):
        raise InvalidInput(
            f"Le code UAI {uai} n'existe pas : sa lettre-clé ne correspond pas à ses chiffres. "
            "Vérifiez-le sur un courrier officiel de l'établissement.",
            field=field,
        )
    return uai
