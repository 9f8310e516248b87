"""Lambda entry of the daily expiry sweep (EventBridge Scheduler, 03:00 Europe/Paris)."""

from __future__ import annotations

import json
import logging
from typing import Any

from functions.core.clock import paris_day, utc_now
from functions.core.mail import Mailer
from functions.core.settings import Settings
from functions.core.store import Store
from functions.sweep.flow import run_sweep

logger = logging.getLogger("ent")


class SweepIncomplete(RuntimeError):
    """Some accounts failed: the scheduler retries, then the dead-letter queue keeps the event."""


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Run the sweep for today in Paris and report what it did."""
    settings = Settings.from_env()
    now = utc_now()
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    report = run_sweep(
        Store(settings.table_name),
        Mailer.from_settings(settings),
        today=paris_day(now),
        now=now,
        public_url=settings.public_url,
        time_left=(lambda: remaining() / 1000) if remaining else (lambda: float("inf")),
    )
    summary = report.as_dict()
    print(json.dumps({"sweep": summary}))
    if report.failed:
        raise SweepIncomplete(f"{len(report.failed)} account(s) failed; the next run retries them")
    return summary
