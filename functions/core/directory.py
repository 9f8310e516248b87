"""The school directory: what families read of their school (letters, mails, help), as the académie wrote it.

One entry per UAI: name, postal address, the secretariat's phone and opening hours, and a contact
address (email). Every field is checked here, for the console's form and for `ent-admin directory
import` alike: plain text, no hidden characters, bounded lengths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from functions.core.errors import InvalidInput
from functions.core.names import hidden_character

NAME_MAX_LENGTH = 100
ADDRESS_MAX_LENGTH = 200
PHONE_MAX_LENGTH = 20
HOURS_MAX_LENGTH = 200
CONTACT_EMAIL_MAX_LENGTH = 254
# A French number as people write it: 01 23 45 67 89, 01.23.45.67.89, +33 1 23 45 67 89.
_PHONE = re.compile(r"\+?[0-9][0-9 .\-]{7,18}[0-9]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

FIELDS = {
    "name": ("nom de l'établissement", NAME_MAX_LENGTH),
    "address": ("adresse", ADDRESS_MAX_LENGTH),
    "phone": ("téléphone du secrétariat", PHONE_MAX_LENGTH),
    "hours": ("horaires d'ouverture", HOURS_MAX_LENGTH),
    "contact_email": ("adresse de contact", CONTACT_EMAIL_MAX_LENGTH),
}


@dataclass(frozen=True)
class SchoolEntry:
    """A school as families are told of it; every field but the UAI may still be empty."""

    uai: str
    name: str | None = None
    address: str | None = None
    phone: str | None = None
    hours: str | None = None
    contact_email: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None  # a staff member's email, or the operator's IAM identity

    def as_dict(self) -> dict[str, str | None]:
        return {
            "uai": self.uai,
            "name": self.name,
            "address": self.address,
            "phone": self.phone,
            "hours": self.hours,
            "contact_email": self.contact_email,
        }

    @property
    def contact(self) -> str:
        """The school as the families' answers name it: « Collège X, 01 23 45 67 89 (lundi-vendredi 8 h-17 h) »."""
        parts = [self.name or f"établissement {self.uai}"]
        if self.phone:
            parts.append(self.phone + (f" ({self.hours})" if self.hours else ""))
        if self.contact_email:
            parts.append(self.contact_email)
        return ", ".join(parts)


def clean_field(name: str, value: object) -> str | None:
    """Return one field as stored (spaces folded, None if empty); raise InvalidInput saying why not."""
    label, limit = FIELDS[name]
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"Le champ « {label} » doit être du texte.", field=name)
    code_point = hidden_character(value)
    if code_point is not None:
        raise InvalidInput(
            f"Le champ « {label} » contient un caractère invisible ou de contrôle ({code_point}) : retapez-le.",
            field=name,
        )
    text = " ".join(value.split())
    if len(text) > limit:
        raise InvalidInput(f"Le champ « {label} » ne doit pas dépasser {limit} caractères.", field=name)
    if text and name == "phone" and not _PHONE.fullmatch(text):
        raise InvalidInput("Le téléphone doit être un numéro, par exemple 01 23 45 67 89.", field=name)
    if text and name == "contact_email" and not _EMAIL.fullmatch(text):
        raise InvalidInput("L'adresse de contact doit être une adresse électronique.", field=name)
    return text or None


def entry_from_fields(uai: str, values: dict[str, object], *, now: datetime, by: str) -> SchoolEntry:
    """Build the entry of `uai` from its fields (each checked); a school must keep a name."""
    cleaned = {name: clean_field(name, values.get(name)) for name in FIELDS}
    if not cleaned["name"]:
        raise InvalidInput("Le nom de l'établissement est obligatoire.", field="name")
    return SchoolEntry(uai=uai, updated_at=now, updated_by=by, **cleaned)
