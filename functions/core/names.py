"""The rule for a person's name: text that reads as it prints, nothing hidden in it.

A name is printed on the school's letter, in the secretariat's terminal and spreadsheets, and in
every mail to the family. Refused: control characters (Unicode Cc, tab and line breaks included),
the bidi overrides and isolates (U+202A-U+202E, U+2066-U+2069) and every other invisible format
character (Cf: zero-width space and joiners, U+FEFF, soft hyphen...), the line and paragraph
separators (Zl, Zp), and lone surrogates (Cs), which are no text at all.
"""

from __future__ import annotations

import unicodedata

from functions.core.errors import InvalidInput

REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
LABELS = {"first_name": "prénom", "last_name": "nom"}


class UnreadableName(InvalidInput):
    """A name holds a character that hides, reorders or breaks what is printed around it."""

    def __init__(self, label: str, field: str, code_point: str) -> None:
        super().__init__(
            f"Le {label} contient un caractère invisible ou de contrôle ({code_point}) : "
            "retapez-le au clavier, sans copier-coller.",
            field=field,
        )
        self.code_point = code_point


def hidden_character(value: str) -> str | None:
    """Return the first refused character of `value` as U+XXXX, or None if the text is clean."""
    for character in value:
        if unicodedata.category(character) in REFUSED_CATEGORIES:
            return f"U+{ord(character):04X}"
    return None


def check_name(value: str, field: str, label: str | None = None) -> str:
    """Return `value` unchanged, or raise UnreadableName (an InvalidInput) naming the character."""
    code_point = hidden_character(value)
    if code_point is not None:
        raise UnreadableName(label or LABELS.get(field, field), field, code_point)
    return value
