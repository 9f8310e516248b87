"""Time as an injected dependency, and the calendar rules of the account lifecycle."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]

# Deadlines are calendar days as the school and the family see them.
PARIS = ZoneInfo("Europe/Paris")


def utc_now() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def paris_day(moment: datetime) -> date:
    """Return the calendar day in Paris at `moment`."""
    return moment.astimezone(PARIS).date()


def paris_text(moment: datetime) -> str:
    """Return `moment` as people read it in an email: « 28/02/2027 à 23h59 », Paris time."""
    return moment.astimezone(PARIS).strftime("%d/%m/%Y à %Hh%M")


def add_months(day: date, months: int) -> date:
    """Add calendar months, clamping to the month's last day (30 Nov + 3 → 28 or 29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def months_after(moment: datetime, months: int) -> datetime:
    """Return the same time of day `months` calendar months later (earlier if negative), clamped like add_months."""
    day = add_months(moment.date(), months)
    return moment.replace(year=day.year, month=day.month, day=day.day)


def epoch_seconds(moment: datetime) -> int:
    """Return whole seconds since the epoch (the DynamoDB TTL format)."""
    return int(moment.timestamp())
