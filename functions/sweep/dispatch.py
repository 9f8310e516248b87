"""The daily run: list what is due, hand each account to the workers (one SQS message each).

It reads only the accounts due (the sparse by-due-day index), from the day after the cursor up to
today, so its cost follows what is due and never the size of the table; it decides on the index's
copy only whether an account needs anything (the worker decides again on a fresh read). The cursor
is the last day whose due accounts were all handed over: moved to today once every message is
sent, so a second run the same day sends nothing. A run stopped midway (time, SQS) leaves the
cursor where it was and the next run sends those days again: a duplicate message changes nothing.
What happens to each account afterwards is the queue's business (retries, then the dead-letter
queue), never the cursor's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from functions.core.store import Store
from functions.sweep.accounts import action_for
from functions.sweep.queue import DueAccount, SweepQueue

# With no cursor yet (first run), look back far enough to catch anything the table may hold.
FIRST_RUN_LOOKBACK = timedelta(days=400)
TIME_MARGIN = 30.0  # seconds: under this the run stops listing; the next one picks up from the cursor


@dataclass
class Dispatched:
    today: date
    planned: dict[str, list[str]] = field(default_factory=dict)  # action (as the index's copy says) -> identifiers
    sent: int = 0
    days_read: int = 0
    finished: bool = True


def dispatch(
    store: Store,
    queue: SweepQueue | None,
    *,
    today: date,
    time_left: Callable[[], float] = lambda: float("inf"),
    move_cursor: bool = True,
) -> Dispatched:
    """Send a message for every account due up to `today` that needs something; None: only list (dry run)."""
    result = Dispatched(today=today)
    cursor = store.sweep_cursor() or today - FIRST_RUN_LOOKBACK
    if cursor >= today:
        return result  # today was handed over already

    def due() -> Iterator[DueAccount]:
        for account in store.accounts_due(cursor + timedelta(days=1), today):
            if time_left() < TIME_MARGIN:
                result.finished = False
                return
            action = action_for(account, today)
            if action is not None:
                result.planned.setdefault(action, []).append(account.identifier)
                yield DueAccount(account.identifier, today)

    if queue is None:
        sum(1 for _ in due())
    else:
        result.sent = queue.send(due())
    result.days_read = (today - cursor).days
    if move_cursor and queue is not None and result.finished:
        store.set_sweep_cursor(today)
    return result
