"""Text as people type it: one Unicode form, and one folding of case, accents and ligatures.

Every comparison of names, identifiers and passwords goes through `fold`; every password is
checked, hashed and verified in `canonical` form.
"""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter and an accent (so NFKD keeps them).
_WITHOUT_DECOMPOSITION = str.maketrans(
    {
        "Œ": "OE",
        "œ": "oe",
        "Æ": "AE",
        "æ": "ae",
        "ß": "ss",
        "Ø": "O",
        "ø": "o",
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Ħ": "H",
        "ħ": "h",
        "ı": "i",
    }
)


def canonical(text: str) -> str:
    """Return `text` in NFC: a Mac types « é » decomposed, a phone composed; keep one form."""
    return unicodedata.normalize("NFC", text)


def strip_accents(text: str) -> str:
    """Return `text` with accents dropped and ligatures spelled out, case kept (« Œuvre » → « OEuvre »)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_WITHOUT_DECOMPOSITION))
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def fold(text: str) -> str:
    """Return `text` without case, accents or ligatures: « Hélène », « HELENE » → « helene »."""
    return strip_accents(text.casefold())


def is_encodable(text: str) -> bool:
    """Tell whether `text` is real Unicode text (JSON can carry lone surrogates, UTF-8 cannot)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
