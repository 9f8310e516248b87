"""Identifiers of the `prenom.nom` form, as printed on the school's letter."""

from __future__ import annotations

import re
from collections.abc import Iterator

from functions.core.text import fold

MAX_PART_LENGTH = 20
IDENTIFIER_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9.-]{0,62}[a-z0-9])?$")


def ascii_part(name: str) -> str:
    """Lowercase ASCII of a name: accents stripped, apostrophes dropped, spaces as hyphens."""
    ascii_only = fold(name).encode("ascii", "ignore").decode("ascii")
    ascii_only = re.sub(r"['’`]", "", ascii_only)
    ascii_only = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")
    return ascii_only[:MAX_PART_LENGTH].strip("-")


def base_identifier(first_name: str, last_name: str, fallback: str) -> str:
    """Return `prenom.nom`; `fallback` stands for a name with no Latin letter at all."""
    first = ascii_part(first_name) or fallback
    last = ascii_part(last_name) or fallback
    return f"{first}.{last}"


def candidates(base: str) -> Iterator[str]:
    """Yield `base`, then `base2`, `base3`, … for homonyms."""
    yield base
    suffix = 2
    while True:
        yield f"{base}{suffix}"
        suffix += 1


def normalize_identifier(raw: str) -> str:
    """Return the identifier as stored (trimmed, lowercase): people type it in any case."""
    return raw.strip().lower()


def is_well_formed(identifier: str) -> bool:
    """Tell whether `identifier` could have been issued by us."""
    return bool(IDENTIFIER_PATTERN.match(identifier))
