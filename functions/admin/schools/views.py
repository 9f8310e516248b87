"""What the console shows of a school and its accounts: plain dictionaries for JSON, from the model."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from functions.core.directory import SchoolEntry
from functions.core.follow_up import STATE_LABELS
from functions.core.lifecycle import AccountState
from functions.core.model import Account, AuditEvent, SchoolAccount
from functions.core.school_accounts import (
    CHASE_WITHIN,
    WAITING,
    consecutive_failures,
    counts_by_state,
    masked,
    running_lock,
    to_chase,
)
from functions.core.throttling import GuessState

CHASE_FIRST = 10  # the dashboard's « who to chase first »
EVENTS_SHOWN = 50


def event_view(event: AuditEvent) -> dict[str, object]:
    return {"at": event.at.isoformat(), "action": event.action, "actor": event.actor, "detail": event.detail}


def row_view(row: SchoolAccount, last_event: AuditEvent | None = None) -> dict[str, object]:
    """One line of a school's list: who, which state, which deadlines still apply, what happened last."""
    return {
        "identifier": row.identifier,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "profile": row.profile.value,
        "classe": row.classe,
        "state": row.state.value,
        "state_label": STATE_LABELS[row.state],
        "activation_deadline": row.activation_deadline.isoformat() if row.state in WAITING else None,
        "deletion_date": row.deletion_date.isoformat() if row.state != AccountState.ACTIVE else None,
        "last_event": event_view(last_event) if last_event else None,
    }


def directory_view(school: str, entry: SchoolEntry | None) -> dict[str, str | None]:
    return (entry or SchoolEntry(uai=school)).as_dict()


def school_view(
    school: str,
    entry: SchoolEntry | None,
    rows: list[SchoolAccount],
    today: date,
    swept: Mapping[str, int],
) -> dict[str, object]:
    """The dashboard: the directory entry, counts by state, and the families to chase before their deadline."""
    chase = to_chase(rows, today)
    return {
        "school": directory_view(school, entry),
        "total": len(rows),
        "counts": counts_by_state(rows),
        "to_chase": len(chase),
        "chase_within_days": CHASE_WITHIN.days,
        "chase_first": [row_view(row) for row in chase[:CHASE_FIRST]],
        "deactivated_unactivated": int(swept.get("deactivated_unactivated", 0)),
        "deleted_unactivated": int(swept.get("deleted_unactivated", 0)),
    }


def account_view(
    account: Account, events: list[AuditEvent], guesses: Mapping[str, GuessState], now: datetime
) -> dict[str, object]:
    """One account: state, deadlines, masked addresses, lock, and its trail with who did what."""
    lock = running_lock(guesses, now)
    return {
        "identifier": account.identifier,
        "school": account.school,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "profile": account.profile.value,
        "classe": account.classe,
        "state": account.state.value,
        "state_label": STATE_LABELS[account.state],
        "issued_at": account.issued_at.isoformat(),
        "activation_deadline": account.activation_deadline.isoformat(),
        "deletion_date": account.deletion_date.isoformat(),
        "activated_at": account.activated_at.isoformat() if account.activated_at else None,
        "email": masked(account.email),
        "pending_email": masked(account.pending_email),
        "locked_until": lock.isoformat() if lock else None,
        "consecutive_failures": consecutive_failures(guesses),
        "events": [event_view(event) for event in events],
    }
