"""Guess throttling per account, after the CNIL's 2022 recommendation (case 2).

After 5 consecutive failures every attempt, even a right one, is refused for 1 minute, then 2, 4…
capped at 1 hour; and never more than 25 failures in 24 hours. A success clears it all, and so does
a password reset (recovery still works while locked).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

FREE_FAILURES = 5
FIRST_LOCK = timedelta(minutes=1)
LONGEST_LOCK = timedelta(hours=1)
DAILY_FAILURES = 25
DAY = timedelta(hours=24)


@dataclass(frozen=True)
class GuessState:
    consecutive_failures: int = 0
    locked_until: datetime | None = None
    # Times of the failures of the last 24 h, oldest first (at most DAILY_FAILURES kept).
    recent_failures: tuple[datetime, ...] = field(default_factory=tuple)


def retry_after(state: GuessState, now: datetime) -> int:
    """Return the seconds to wait before a guess is heard again, 0 when it may be tried now."""
    if state.locked_until and state.locked_until > now:
        return max(1, int((state.locked_until - now).total_seconds() + 0.999))
    return 0


def _lock_length(consecutive_failures: int) -> timedelta:
    doublings = consecutive_failures - FREE_FAILURES
    return min(FIRST_LOCK * (2 ** min(doublings, 12)), LONGEST_LOCK)


def record_failure(state: GuessState, now: datetime) -> GuessState:
    """Return the state after one more wrong guess."""
    recent = (*tuple(moment for moment in state.recent_failures if now - moment < DAY), now)
    recent = recent[-DAILY_FAILURES:]
    consecutive = state.consecutive_failures + 1
    locked_until = state.locked_until
    if consecutive >= FREE_FAILURES:
        locked_until = now + _lock_length(consecutive)
    if len(recent) >= DAILY_FAILURES:
        # The 25th failure of the day: nothing more until the oldest one is 24 h old.
        locked_until = max(locked_until or now, recent[0] + DAY)
    return replace(state, consecutive_failures=consecutive, locked_until=locked_until, recent_failures=recent)


def cleared() -> GuessState:
    """Return the state after a success or a password reset."""
    return GuessState()


# Per source IP, whatever the identifiers tried: stops one machine guessing across many accounts.
IP_WINDOW = timedelta(minutes=15)
IP_FAILURES_PER_WINDOW = 50


def ip_window(now: datetime) -> tuple[str, datetime]:
    """Return the name of the IP counting window containing `now`, and when it ends."""
    seconds = int(IP_WINDOW.total_seconds())
    start = datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=now.tzinfo)
    return start.isoformat(), start + IP_WINDOW


# Mails an account may trigger (recovery, activation resend), against mail bombing (DESIGN §6.5).
MAILS_PER_HOUR = 3
MAIL_WINDOW = timedelta(hours=1)


def mails_this_hour(sent: tuple[datetime, ...], now: datetime) -> tuple[datetime, ...]:
    """Return the sending times still within the last hour."""
    return tuple(moment for moment in sent if now - moment < MAIL_WINDOW)


def may_mail(sent: tuple[datetime, ...], now: datetime) -> bool:
    """Tell whether one more mail fits in this hour's allowance."""
    return len(mails_this_hour(sent, now)) < MAILS_PER_HOUR
