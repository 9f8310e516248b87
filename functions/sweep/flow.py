"""The sweep run by hand (`ent-admin sweep`, the tests): the daily run, then the workers in-process.

The same path as on AWS: `dispatch` lists the due accounts and sends one message each to the
sweep's SQS queue; then, instead of Lambda's event source, `SweepQueue.drain` gives the queue's
messages to the same worker code, ten at a time, retrying a failed one at once until the queue's
redrive policy moves it to the dead-letter queue. The report says what the workers did here.
Deployed workers (or the local stack's) may take some of the messages too: the same code, the
same pace, and a message handled twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from functions.core.aws import client
from functions.core.mail import Mailer
from functions.core.settings import sweep_queue_url_from_env
from functions.core.store import Store
from functions.sweep.accounts import SweepTools
from functions.sweep.dispatch import dispatch
from functions.sweep.pace import ReminderPace, ses_send_rate
from functions.sweep.queue import SweepQueue
from functions.sweep.worker import handle_batch


@dataclass
class SweepReport:
    today: date
    dry_run: bool = False
    reminded: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # still failing: retried, then the dead-letter queue
    days_read: int = 0
    finished: bool = True
    dispatched: int = 0  # messages sent to the queue by this run
    # Handed over by this run but taken by other workers (deployed ones, the local stack's poller).
    elsewhere: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "today": self.today.isoformat(),
            "dry_run": self.dry_run,
            "days_read": self.days_read,
            "finished": self.finished,
            "dispatched": self.dispatched,
            "handled_elsewhere": len(self.elsewhere),
            "reminded": len(self.reminded),
            "deactivated": len(self.deactivated),
            "deleted": len(self.deleted),
            "failed": sorted(self.failed),
        }

    def note(self, identifier: str, action: str) -> None:
        {"delete": self.deleted, "deactivate": self.deactivated}.get(action, self.reminded).append(identifier)


def default_queue() -> SweepQueue:
    return SweepQueue(client("sqs"), sweep_queue_url_from_env())


def default_pace(store: Store) -> ReminderPace:
    return ReminderPace(store, lambda: ses_send_rate(client("ses")))


def run_sweep(
    store: Store,
    mailer: Mailer,
    *,
    today: date,
    now: datetime,
    public_url: str,
    dry_run: bool = False,
    time_left: Callable[[], float] = lambda: float("inf"),
    move_cursor: bool = True,
    queue: SweepQueue | None = None,
    pace: ReminderPace | None = None,
    clock: Callable[[], datetime] | None = None,
) -> SweepReport:
    """Hand every account due up to `today` to the queue, then work the queue here until it is empty.

    `now` is the moment the workers act at (audit, links), unless `clock` is given.
    """
    queue = queue or default_queue()
    handed = dispatch(store, None if dry_run else queue, today=today, time_left=time_left, move_cursor=move_cursor)
    report = SweepReport(
        today=today, dry_run=dry_run, days_read=handed.days_read, finished=handed.finished, dispatched=handed.sent
    )
    if dry_run:
        for action, identifiers in handed.planned.items():
            for identifier in identifiers:
                report.note(identifier, action)
        return report
    tools = SweepTools(store, mailer, public_url, clock or (lambda: now), (pace or default_pace(store)).wait_for_turn)

    handled_here: set[str] = set()

    def worker(event: dict[str, Any]) -> dict[str, Any]:
        result = handle_batch(tools, event["Records"])
        for identifier, action in result.actions.items():
            report.failed.pop(identifier, None)  # a retry that worked
            if action:
                report.note(identifier, action)
        report.failed.update(result.failed)
        handled_here.update(result.actions, result.failed)
        return result.response()

    queue.drain(worker)
    report.elsewhere = sorted(
        identifier
        for identifiers in handed.planned.values()
        for identifier in identifiers
        if identifier not in handled_here
    )
    return report
