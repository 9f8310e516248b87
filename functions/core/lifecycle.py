"""Account states and the dates that move an account from one to the next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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
