"""Sessions: a 256-bit random id in a `__Host-` cookie, stored only as its SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

COOKIE_NAME = "__Host-ent-session"
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
FIRST_CONNECTION_TIMEOUT = timedelta(minutes=15)
# Writing last-seen on every request would double the writes: refresh at most this often.
TOUCH_INTERVAL = timedelta(minutes=5)


class SessionScope(StrEnum):
    FULL = "full"
    FIRST_CONNECTION = "first_connection"  # may only complete the first connection


@dataclass(frozen=True)
class Session:
    session_hash: str
    identifier: str
    scope: SessionScope
    session_version: int  # the account's at login; bumping the account's revokes every session
    created_at: datetime
    last_seen: datetime
    absolute_expiry: datetime

    @property
    def idle_expiry(self) -> datetime:
        return self.last_seen + IDLE_TIMEOUT

    @property
    def expires_at(self) -> datetime:
        return min(self.idle_expiry, self.absolute_expiry)

    def is_live(self, now: datetime) -> bool:
        return now < self.expires_at

    def needs_touch(self, now: datetime) -> bool:
        return now - self.last_seen >= TOUCH_INTERVAL


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def open_session(identifier: str, scope: SessionScope, session_version: int, now: datetime) -> tuple[str, Session]:
    """Return a new session id (for the cookie) and its record (for the store)."""
    session_id = new_session_id()
    lifetime = FIRST_CONNECTION_TIMEOUT if scope == SessionScope.FIRST_CONNECTION else ABSOLUTE_TIMEOUT
    record = Session(
        session_hash=session_hash(session_id),
        identifier=identifier,
        scope=scope,
        session_version=session_version,
        created_at=now,
        last_seen=now,
        absolute_expiry=now + lifetime,
    )
    return session_id, record
