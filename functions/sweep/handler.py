"""Lambda entries of the sweep: the daily run (EventBridge Scheduler, 03:00 Paris) and its workers (SQS)."""

from __future__ import annotations

import json
import logging
from functools import cache
from typing import Any

from functions.core.aws import client
from functions.core.clock import paris_day, utc_now
from functions.core.mail import Mailer
from functions.core.settings import Settings, SettingsError
from functions.core.store import Store
from functions.sweep.accounts import SweepTools
from functions.sweep.dispatch import dispatch
from functions.sweep.pace import ReminderPace, ses_send_rate
from functions.sweep.queue import SweepQueue
from functions.sweep.worker import handle_batch

logger = logging.getLogger("ent")


class SweepIncomplete(RuntimeError):
    """The run stopped before every due account was handed over: Lambda retries it, then the DLQ keeps it."""


def _time_left(context: Any) -> Any:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return (lambda: remaining() / 1000) if remaining else (lambda: float("inf"))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Hand today's due accounts (Paris) to the workers, one message each."""
    settings = Settings.from_env()
    if not settings.sweep_queue_url:
        raise SettingsError("ENT_SWEEP_QUEUE_URL is not set: the template gives the sweep its queue's URL.")
    queue = SweepQueue(client("sqs"), settings.sweep_queue_url)
    result = dispatch(Store(settings.table_name), queue, today=paris_day(utc_now()), time_left=_time_left(context))
    summary = {
        "today": result.today.isoformat(),
        "days_read": result.days_read,
        "sent": result.sent,
        "finished": result.finished,
        **{action: len(identifiers) for action, identifiers in sorted(result.planned.items())},
    }
    print(json.dumps({"sweep": summary}))
    if not result.finished:
        raise SweepIncomplete(f"{result.sent} account(s) handed over; the retry hands over the rest")
    return summary


@cache
def _tools() -> SweepTools:
    """One per worker instance: the pace keeps SES's rate as read for a few minutes."""
    settings = Settings.from_env()
    store = Store(settings.table_name)
    pace = ReminderPace(store, lambda: ses_send_rate(client("ses")))
    return SweepTools(store, Mailer.from_settings(settings), settings.public_url, utc_now, pace.wait_for_turn)


def worker_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Handle a batch of due accounts; name the messages that failed (ReportBatchItemFailures)."""
    result = handle_batch(_tools(), event.get("Records", []), _time_left(context))
    if result.failed:
        print(json.dumps({"sweep_worker_failed": sorted(result.failed)}))
    return result.response()
