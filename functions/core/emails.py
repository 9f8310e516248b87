"""Personal email addresses, checked by email-validator (offline: no DNS lookup)."""

from __future__ import annotations

from functions.core.errors import DomainError
from functions.core.limits import EMAIL_MAX_LENGTH
from functions.core.messages import Code


class InvalidEmail(DomainError, answer=Code.INVALID_EMAIL):
    pass


def normalize_email(value: object, *, field: str = "email") -> str:
    """Return the address in its normal form, or raise InvalidEmail naming `field`."""
    from email_validator import EmailNotValidError, validate_email  # deferred: cold start

    if not isinstance(value, str) or not value.strip() or len(value) > EMAIL_MAX_LENGTH:
        raise InvalidEmail(field=field)
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidEmail(field=field) from None


def mask_email(address: str, filler: str = "•••") -> str:
    """Return « f•••@exemple.fr »: enough for its owner to recognise, not for others to learn."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}{filler}@{domain}"
