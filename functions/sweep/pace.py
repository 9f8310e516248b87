"""The reminders' pace: at most a share of SES's sending rate, counted per second across workers.

SES refuses (throttles) mail sent faster than the account's `MaxSendRate`; activation, recovery and
email-change mails are sent at once by their flows and must never wait behind reminders. So the
reminders get a fixed share of the rate, counted in one atomic counter per wall-clock second in the
table (`Store.reserve`, the project's one counter): every worker takes its turn from the same count,
whatever the concurrency. SES's own rate is read from SES (`GetSendQuota`) once per worker instance
and again every few minutes; 80 % of it is used at all, and half of that goes to reminders, so the
interactive mails always keep at least 60 % of SES's rate for themselves.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from functions.core.store import Store, keys

USABLE_SHARE = 0.8  # of SES's MaxSendRate: headroom for SES's own measure of the rate
REMINDER_SHARE = 0.5  # of the usable rate; the rest is for the flows' own mails
QUOTA_FRESH_SECONDS = 300.0
COUNTER_LIFETIME = timedelta(minutes=2)  # the counter of a second is useless a second later (TTL)


def reminders_per_second(max_send_rate: float) -> int:
    """The reminders allowed per second for an SES account sending at most `max_send_rate` a second."""
    return max(1, math.floor(max_send_rate * USABLE_SHARE * REMINDER_SHARE))


def ses_send_rate(ses: Any) -> float:
    """Read the account's sending rate (mails per second) from SES."""
    return float(ses.get_send_quota()["MaxSendRate"])


@dataclass
class ReminderPace:
    """Waits until a reminder may go, so that every worker together keeps the per-second share.

    `clock` (seconds since the epoch) and `sleep` are injected: tests move time, never wait for it.
    """

    store: Store
    send_rate: Callable[[], float]
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    _per_second: int = field(default=0, init=False)
    _read_at: float = field(default=-math.inf, init=False)
    waited: float = field(default=0.0, init=False)

    def per_second(self) -> int:
        """The reminders allowed per second, from SES's rate as last read."""
        now = self.clock()
        if now - self._read_at > QUOTA_FRESH_SECONDS:
            self._per_second, self._read_at = reminders_per_second(self.send_rate()), now
        return self._per_second

    def wait_for_turn(self) -> int:
        """Block until this second's count has room, count one reminder in it; return the second.

        The mail goes right after: a turn whose second ended while it was being counted is not
        used, so no second ever sees more reminders than its count allows.
        """
        while True:
            now = self.clock()
            second = math.floor(now)
            expires = datetime.fromtimestamp(second, UTC) + COUNTER_LIFETIME
            if self.store.reserve(keys.reminder_pace_key(second), self.per_second(), expires):
                if math.floor(self.clock()) == second:
                    return second
                continue  # counted in a second that ended meanwhile: take a turn in this one
            pause = max(second + 1 - now, 0.001)  # until the next second's count begins
            self.waited += pause
            self.sleep(pause)
