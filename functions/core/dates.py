"""Strict dates as people type them: JJ/MM/AAAA or AAAA-MM-JJ, real calendar dates only."""

from __future__ import annotations

import re
from datetime import date

from functions.core.errors import InvalidInput

_FRENCH = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
EARLIEST_YEAR = 1900


def parse_date(text: str, *, field: str = "birth_date") -> date:
    """Return the date written in `text`; raise InvalidInput naming `field` otherwise."""
    value = text.strip() if isinstance(text, str) else ""
    if match := _FRENCH.match(value):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.match(value):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise InvalidInput("La date doit être écrite JJ/MM/AAAA (par exemple 01/03/2015).", field=field)
    try:
        parsed = date(year, month, day)
    except ValueError:
        raise InvalidInput("Cette date n'existe pas dans le calendrier.", field=field) from None
    if parsed.year < EARLIEST_YEAR:
        raise InvalidInput("Cette date est trop ancienne.", field=field)
    return parsed
