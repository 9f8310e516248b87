"""A school's accounts as the secretariat follows them up: who to chase first, counts, masked addresses.

Shared by `ent-admin status` and the console (`functions/admin/schools/`): the same order, the same
states, the same spreadsheet columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from functions.core.emails import mask_email
from functions.core.follow_up import STATE_LABELS
from functions.core.lifecycle import AccountState
from functions.core.model import SchoolAccount
from functions.core.throttling import GuessState

WAITING = (AccountState.ISSUED, AccountState.PENDING_CONFIRMATION)
# The dashboard's horizon: families still to activate whose deadline falls within it are to chase.
CHASE_WITHIN = timedelta(days=14)

CSV_HEADER = [
    "identifiant",
    "nom",
    "prenom",
    "profil",
    "classe",
    "etat",
    "etat_libelle",
    "date_limite_activation",
    "date_suppression",
]


def masked(address: str | None) -> str | None:
    """Return f***@example.fr for famille@example.fr (plain ASCII for any terminal)."""
    return mask_email(address, filler="***") if address else None


def follow_up_order(row: SchoolAccount) -> tuple[int, date, str]:
    """Families still to activate first, the most urgent on top; then the deactivated; then the active."""
    rank = 0 if row.state in WAITING else 1 if row.state == AccountState.DEACTIVATED else 2
    return rank, row.activation_deadline, row.identifier


def to_chase(rows: Iterable[SchoolAccount], today: date) -> list[SchoolAccount]:
    """The accounts still to activate whose deadline is within CHASE_WITHIN, the most urgent first."""
    horizon = today + CHASE_WITHIN
    return sorted(
        (row for row in rows if row.state in WAITING and today <= row.activation_deadline <= horizon),
        key=follow_up_order,
    )


def counts_by_state(rows: Iterable[SchoolAccount]) -> dict[str, int]:
    """How many accounts in each state (every state named, 0 included)."""
    counts = {state.value: 0 for state in AccountState}
    for row in rows:
        counts[row.state.value] += 1
    return counts


def running_lock(guesses: Mapping[str, GuessState], now: datetime) -> datetime | None:
    """The latest lock of any budget (a device, an address, the letter) still running."""
    locks = [state.locked_until for state in guesses.values() if state.locked_until and state.locked_until > now]
    return max(locks, default=None)


def consecutive_failures(guesses: Mapping[str, GuessState]) -> int:
    return max((state.consecutive_failures for state in guesses.values()), default=0)


def csv_row(row: SchoolAccount) -> list[str]:
    """One account as the spreadsheet's columns (CSV_HEADER); dates only where they still apply."""
    return [
        row.identifier,
        row.last_name,
        row.first_name,
        row.profile.value,
        row.classe or "",
        row.state.value,
        STATE_LABELS[row.state],
        f"{row.activation_deadline:%d/%m/%Y}" if row.state in WAITING else "",
        f"{row.deletion_date:%d/%m/%Y}" if row.state != AccountState.ACTIVE else "",
    ]
