"""The domain model: what the flows know of accounts, links, audit events and feedback.

Plain frozen dataclasses, no DynamoDB: `functions.core.store` turns them into items and back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from functions.core.lifecycle import AccountState, Profile, next_due_day
from functions.core.tokens import TokenKind

# Audit events are kept one year (DynamoDB's TTL removes them).
AUDIT_RETENTION_DAYS = 365
# Help page answers are kept 13 months (DynamoDB's TTL removes them), and the report reads no further.
FEEDBACK_RETENTION_MONTHS = 13


@dataclass(frozen=True)
class Account:
    identifier: str
    profile: Profile
    state: AccountState
    school: str
    first_name: str
    last_name: str
    birth_date: date
    password_hash: str
    issued_at: datetime
    activation_deadline: date
    deletion_date: date
    classe: str | None = None  # the pupil's class (a parent's account: their child's), from the roster
    email: str | None = None
    pending_email: str | None = None
    activated_at: datetime | None = None
    session_version: int = 0
    # Hash of the one live token per purpose: a new one, or a password change, cancels the old.
    live_tokens: dict[str, str] = field(default_factory=dict)
    recovery_mails: tuple[datetime, ...] = ()  # sent in the last hour, for the 3-per-hour cap
    reminders_sent: tuple[str, ...] = ()
    # sha256 of the normalized names and birth date, when issued from a roster (see PERSON items).
    person_fingerprint: str | None = None
    version: int = 0

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def due_day(self) -> date | None:
        """The next day the sweep has work on this account; None once active."""
        return next_due_day(self.state, self.activation_deadline, self.deletion_date, self.reminders_sent)


@dataclass(frozen=True)
class TokenRecord:
    token_hash: str
    kind: TokenKind
    identifier: str
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True)
class AuditEvent:
    at: datetime
    action: str
    source_ip: str | None = None
    user_agent: str | None = None
    detail: str | None = None
    # Who did it, when not the account's own holder: a staff member's email, the operator's IAM ARN.
    actor: str | None = None


@dataclass(frozen=True)
class SchoolAccount:
    """What the by-school index holds of an account: enough to follow up a school's families."""

    identifier: str
    profile: Profile
    state: AccountState
    first_name: str
    last_name: str
    activation_deadline: date
    deletion_date: date
    classe: str | None = None


@dataclass(frozen=True)
class Feedback:
    page: str
    helpful: bool
    comment: str | None
    at: datetime


@dataclass(frozen=True)
class RecentFeedback:
    """What the report reads: the pages' recent answers, and the pages where older ones were left out."""

    answers: list[Feedback]
    capped_pages: tuple[str, ...] = ()
