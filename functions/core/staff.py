"""Staff of the secretariat's console: who they are, which schools they reach, their sessions.

Separate from families in everything: their own items (`STAFF#<email>`), cookie (`__Host-ent-staff`),
sessions (shorter: idle 15 minutes, at most 8 hours), invitations and guess counts. A member is
created by an invitation (72 h, single use), enrols with a password and a TOTP application, and
signs in with both. Plain rules, no Flask, no DynamoDB.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

STAFF_COOKIE = "__Host-ent-staff"
IDLE_TIMEOUT = timedelta(minutes=15)
ABSOLUTE_TIMEOUT = timedelta(hours=8)
# A short idle timeout means frequent refreshes; refresh last-seen at most this often.
TOUCH_INTERVAL = timedelta(minutes=1)
# Bulk import and reissuing an active account need a code entered this recently.
STEP_UP_WINDOW = timedelta(minutes=5)
INVITATION_LIFETIME = timedelta(hours=72)
STAFF_PASSWORD_MIN_LENGTH = 12
# Guess counts of staff live under GUESSES#STAFF#<email>: family identifiers never hold a '#'.
GUESS_PREFIX = "STAFF#"


class StaffRole(StrEnum):
    SECRETARIAT = "secretariat"  # one or more schools, by UAI
    ACADEMIE = "academie"  # every school; manages the staff and the school directory


@dataclass(frozen=True)
class StaffMember:
    """A member of the staff; `schools` are UAIs (an `academie` member reaches every school anyway)."""

    email: str  # lower case: the member's key
    role: StaffRole
    schools: tuple[str, ...]
    invited_by: str = ""  # who invited them: an académie member's email or the operator's IAM ARN
    invited_at: datetime | None = None
    password_hash: str | None = None
    otp_secret: str | None = None  # base32, the TOTP application's shared secret
    enrolled_at: datetime | None = None  # set once the first code confirmed the application
    last_otp_step: int = 0  # the last TOTP time step used: a code is accepted once
    recovery_codes: tuple[str, ...] = ()  # SHA-256 of the unused recovery codes
    disabled_at: datetime | None = None
    disabled_by: str | None = None
    invitation_hash: str | None = None  # the one live invitation: a new one replaces it
    session_version: int = 0  # bumped on disable and re-enrolment: every session is revoked
    version: int = 0  # optimistic lock

    def reaches(self, uai: str) -> bool:
        """Tell whether this member may see and act on school `uai`."""
        if self.disabled:
            return False
        return self.role == StaffRole.ACADEMIE or uai in self.schools

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None

    @property
    def enrolled(self) -> bool:
        return self.enrolled_at is not None and self.password_hash is not None and self.otp_secret is not None

    @property
    def state(self) -> str:
        """`invited`, `active` or `disabled`, as the staff list shows it."""
        if self.disabled:
            return "disabled"
        return "active" if self.enrolled else "invited"

    @property
    def guess_identifier(self) -> str:
        """The identifier its guesses are counted under (functions.core.guessing)."""
        return f"{GUESS_PREFIX}{self.email}"


def staff_key_of(email: str) -> str:
    """Return the form of an address the member is stored under: stripped, lower case."""
    return email.strip().lower()


@dataclass(frozen=True)
class StaffInvitation:
    """An invitation link's record, found by the SHA-256 of its token."""

    token_hash: str
    email: str
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True)
class StaffSession:
    session_hash: str
    email: str
    session_version: int  # the member's at sign-in; bumping the member's revokes every session
    created_at: datetime
    last_seen: datetime
    stepped_up_at: datetime  # the last code entered: at sign-in, then at each step-up

    @property
    def absolute_expiry(self) -> datetime:
        return self.created_at + ABSOLUTE_TIMEOUT

    @property
    def expires_at(self) -> datetime:
        return min(self.last_seen + IDLE_TIMEOUT, self.absolute_expiry)

    def is_live(self, now: datetime) -> bool:
        return now < self.expires_at

    def needs_touch(self, now: datetime) -> bool:
        return now - self.last_seen >= TOUCH_INTERVAL

    def is_stepped_up(self, now: datetime) -> bool:
        return now - self.stepped_up_at < STEP_UP_WINDOW


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def open_staff_session(member: StaffMember, now: datetime) -> tuple[str, StaffSession]:
    """Return a new session id (for the cookie) and its record (for the store)."""
    session_id = secrets.token_urlsafe(32)
    record = StaffSession(
        session_hash=session_hash(session_id),
        email=member.email,
        session_version=member.session_version,
        created_at=now,
        last_seen=now,
        stepped_up_at=now,  # a code was just entered to sign in
    )
    return session_id, record
