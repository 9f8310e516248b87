"""Guess limits, after the CNIL's délibération 2022-100 (case 2: a password of ≥ 50 bits of entropy
with a restriction of access to the account), as pure rules; `auth` applies them to the store.

Each secret has its own counts: the password, and the birth date asked at first connection. A
password's counts are kept per *budget*: a browser that once logged in to the account (its device
cookie, OWASP "Slow down online guessing attacks with device cookies") has its own; every other
client is counted per source address (IPv6 per /64). A stranger who names an account exhausts only
their own budget: the family's device, or their home connection, keeps its own. Untrusted budgets
of an account that chose its password also share a daily ceiling, so many addresses cannot add up
to a dictionary attack; an `issued` account's letter password (10 random characters, ~58 bits) has
no such ceiling, so no one can keep a family from its first connection.

Every attempt is counted *before* the secret is checked: the count is reserved with one
conditional write, so parallel guesses are all counted and none past the limit is verified.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Schedule:
    """How failures of one budget slow it down: doubling waits after `free_failures`."""

    free_failures: int = 5
    first_wait: timedelta = timedelta(minutes=1)
    longest_wait: timedelta = timedelta(hours=1)
    daily_failures: int | None = 25  # then nothing until the oldest failure is 24 h old
    spent_after: int | None = None  # then never again (the letter is spent)
    retention: timedelta = timedelta(hours=24)  # counts are forgotten this long after the last change


PASSWORD = Schedule()
# The birth date is only asked of whoever holds the letter's password: 5 tries, then doubling
# waits, and the 10th wrong date spends the letter (the school issues a new one).
BIRTH_DATE = Schedule(daily_failures=None, spent_after=10, retention=timedelta(days=400))

DAY = timedelta(hours=24)


@dataclass(frozen=True)
class GuessState:
    consecutive_failures: int = 0
    locked_until: datetime | None = None
    # Times of the failures of the last 24 h, oldest first (at most the daily allowance kept).
    recent_failures: tuple[datetime, ...] = field(default_factory=tuple)


class Refused(Exception):
    """This budget may not guess now: wait `retry_after` seconds, or never (`spent`)."""

    def __init__(self, retry_after: int, *, spent: bool = False) -> None:
        super().__init__(retry_after)
        self.retry_after, self.spent = retry_after, spent


def retry_after(state: GuessState, now: datetime) -> int:
    """Return the seconds to wait before a guess is heard again, 0 when it may be tried now."""
    if state.locked_until and state.locked_until > now:
        return max(1, int((state.locked_until - now).total_seconds() + 0.999))
    return 0


def _wait(consecutive_failures: int, schedule: Schedule) -> timedelta:
    doublings = consecutive_failures - schedule.free_failures
    return min(schedule.first_wait * (1 << max(0, min(doublings, 12))), schedule.longest_wait)


def record_failure(state: GuessState, now: datetime, schedule: Schedule = PASSWORD) -> GuessState:
    """Return the state after one more wrong guess."""
    recent = (*(moment for moment in state.recent_failures if now - moment < DAY), now)
    if schedule.daily_failures:
        recent = recent[-schedule.daily_failures :]
    consecutive = state.consecutive_failures + 1
    locked_until = state.locked_until
    if consecutive >= schedule.free_failures:
        locked_until = now + _wait(consecutive, schedule)
    if schedule.daily_failures and len(recent) >= schedule.daily_failures:
        # The last failure of the day's allowance: nothing more until the oldest one is 24 h old.
        locked_until = max(locked_until or now, recent[0] + DAY)
    return replace(state, consecutive_failures=consecutive, locked_until=locked_until, recent_failures=recent)


def reserve(state: GuessState, now: datetime, schedule: Schedule = PASSWORD) -> GuessState:
    """Return the state with this attempt counted as a failure, or raise Refused.

    A right guess then clears the budget (or, for the birth date, takes the letter out of use).
    """
    if schedule.spent_after and state.consecutive_failures >= schedule.spent_after:
        raise Refused(0, spent=True)
    wait = retry_after(state, now)
    if wait:
        raise Refused(wait)
    return record_failure(state, now, schedule)


def is_spent(state: GuessState, schedule: Schedule) -> bool:
    return bool(schedule.spent_after and state.consecutive_failures >= schedule.spent_after)


def cleared() -> GuessState:
    """Return the state after a success or a password reset."""
    return GuessState()


# Per source address (IPv6 per /64), whatever the identifiers tried: stops one client guessing
# across many accounts. Counted before checking, given back on success.
IP_WINDOW = timedelta(minutes=15)
IP_FAILURES_PER_WINDOW = 50
# Failures from untrusted clients, all addresses together, on an account that chose its password.
UNTRUSTED_WINDOW = timedelta(hours=24)
UNTRUSTED_FAILURES_PER_WINDOW = 50


def window_of(now: datetime, length: timedelta) -> tuple[str, datetime]:
    """Return the name of the fixed counting window of `length` containing `now`, and its end."""
    seconds = int(length.total_seconds())
    start = datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=now.tzinfo)
    return start.isoformat(), start + length


def ip_window(now: datetime) -> tuple[str, datetime]:
    """Return the name of the IP counting window containing `now`, and when it ends."""
    return window_of(now, IP_WINDOW)


# Mails an account may trigger (recovery, activation resend), against mail bombing (DESIGN §6.5).
MAILS_PER_HOUR = 3
MAIL_WINDOW = timedelta(hours=1)


def mails_this_hour(sent: tuple[datetime, ...], now: datetime) -> tuple[datetime, ...]:
    """Return the sending times still within the last hour."""
    return tuple(moment for moment in sent if now - moment < MAIL_WINDOW)


def may_mail(sent: tuple[datetime, ...], now: datetime) -> bool:
    """Tell whether one more mail fits in this hour's allowance."""
    return len(mails_this_hour(sent, now)) < MAILS_PER_HOUR
