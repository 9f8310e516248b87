"""Account states and the dates that move an account from one to the next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from functions.core.clock import add_months

ACTIVATION_MONTHS = 3
DELETION_MONTHS = 12


class AccountState(StrEnum):
    ISSUED = "issued"
    PENDING_CONFIRMATION = "pending_confirmation"
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


class Profile(StrEnum):
    PARENT = "parent"
    ELEVE = "eleve"


@dataclass(frozen=True)
class Deadlines:
    activation_deadline: date
    deletion_date: date


def deadlines_for(issue_day: date) -> Deadlines:
    """Return the last day to activate (issue + 3 months) and the deletion day (issue + 1 year)."""
    return Deadlines(
        activation_deadline=add_months(issue_day, ACTIVATION_MONTHS),
        deletion_date=add_months(issue_day, DELETION_MONTHS),
    )


# Reminders to a pending account (it has an address), by name and days before the deadline.
REMINDERS = {"reminder_14_days": 14, "reminder_2_days": 2}


def next_due_day(
    state: AccountState, activation_deadline: date, deletion_date: date, reminders_sent: tuple[str, ...]
) -> date | None:
    """Return the next day the daily sweep has something to do for this account, if any."""
    if state == AccountState.ACTIVE:
        return None
    if state == AccountState.DEACTIVATED:
        return deletion_date + timedelta(days=1)
    deactivation_day = activation_deadline + timedelta(days=1)
    if state == AccountState.PENDING_CONFIRMATION:
        reminder_days = [
            activation_deadline - timedelta(days=days_before)
            for name, days_before in REMINDERS.items()
            if name not in reminders_sent
        ]
        return min([*reminder_days, deactivation_day])
    return deactivation_day


def reminders_not_needed(activation_deadline: date, today: date) -> tuple[str, ...]:
    """Return the reminders whose day has come already: a fresh link was just sent instead."""
    return tuple(
        name for name, days_before in REMINDERS.items() if activation_deadline - timedelta(days=days_before) <= today
    )


def due_reminder(activation_deadline: date, today: date, reminders_sent: tuple[str, ...]) -> str | None:
    """Return the reminder to send today, the latest one due when several are (a missed run)."""
    due = [
        (days_before, name)
        for name, days_before in REMINDERS.items()
        if name not in reminders_sent and activation_deadline - timedelta(days=days_before) <= today
    ]
    return min(due)[1] if due else None
