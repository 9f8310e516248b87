"""Single-use tokens sent by email: random, stored only as a SHA-256, bound to one account and purpose."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from functions.core.clock import PARIS

TOKEN_BYTES = 32  # 256 bits, well above the 128-bit floor


class TokenKind(StrEnum):
    ACTIVATION = "activation"
    RESET = "reset"
    EMAIL_CHANGE = "email_change"


LIFETIMES = {
    TokenKind.ACTIVATION: timedelta(days=7),
    TokenKind.RESET: timedelta(hours=1),
    TokenKind.EMAIL_CHANGE: timedelta(days=2),
}


def new_token() -> str:
    """Return a fresh URL-safe token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """Return the SHA-256 of the token: the only form ever stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def end_of_day(day: date) -> datetime:
    """Return the last instant of `day` in Paris."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=PARIS)


def token_expiry(kind: TokenKind, now: datetime, activation_deadline: date | None = None) -> datetime:
    """Return when a token made now expires; an activation link never outlives the deadline."""
    expiry = now + LIFETIMES[kind]
    if kind == TokenKind.ACTIVATION and activation_deadline is not None:
        expiry = min(expiry, end_of_day(activation_deadline))
    return expiry
