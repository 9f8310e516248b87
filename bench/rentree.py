"""The rentrée: 100,000 accounts due on one day — the fanned-out sweep against today's sequential one.

In-process moto cannot hold 100,000 accounts and run both sweeps in a reasonable time on 2 cores,
so a representative sample is measured (BENCH_RENTREE_SAMPLE, default 1,000 accounts, all due on
the same day: half to deactivate, a quarter to remind by mail, a quarter to delete) and the
per-account figures are extrapolated to BENCH_RENTREE_DUE (default 100,000); the output says so.

For each sweep, on the same data (loaded afresh for each): DynamoDB items read and written per
account, SQS messages per account, the per-account service time (in-process CPU, plus each call's
round trip on AWS, BENCH_ROUND_TRIP_MS, default 6 ms for DynamoDB, SQS and SES alike: moto answers
in microseconds, AWS does not) and so the time to finish:

- fanned out: the daily run lists and sends, then W workers (the template's reserved concurrency)
  share the accounts; the reminders go no faster than their pace (functions/sweep/pace.py) at SES's
  rate BENCH_SES_RATE (default 14 a second, a new production account's);
- sequential (what the sweep did before): one invocation of 900 s a day handles what it can, the
  rest waits for the next day's run; it mails as fast as it loops.

Whether the mail pace held: the reminders of each second (the pace's clock) against the share of
SES's rate they may use; for the sequential sweep, its sending rate against SES's whole rate.
"""

from __future__ import annotations

import math
import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bench import moto_speedups
from bench.common import MAIL_FROM, PUBLIC_URL, TABLE_NAME, env_int, in_process_aws, print_table, quiet_service_logs
from bench.sweep import DUE_DAY, DUE_KINDS, _account, _now, _write

LAMBDA_SECONDS = 900  # the daily sweep's Timeout (infra/template.yaml): one run a day
WRITES = {"PutItem", "UpdateItem", "DeleteItem"}


@dataclass
class Calls:
    """DynamoDB items read and written, SQS messages, every call (for the round trips)."""

    read: int = 0
    written: int = 0
    messages: int = 0
    calls: Counter = field(default_factory=Counter)
    sqs_seconds: float = 0.0  # moto's own time in SQS calls (quadratic in the queue's length)
    _sqs_started: float = 0.0

    def sqs_started(self, **_: Any) -> None:
        self._sqs_started = time.perf_counter()

    def sqs_done(self, **_: Any) -> None:
        self.sqs_seconds += time.perf_counter() - self._sqs_started

    def hook(self, service: str) -> Any:
        def after(parsed: dict[str, Any], model: Any, **_: Any) -> None:
            self.calls[f"{service}.{model.name}"] += 1
            if service == "dynamodb":
                if model.name == "Query":
                    self.read += int(parsed.get("ScannedCount", 0))
                elif model.name == "GetItem":
                    self.read += 1 if parsed.get("Item") else 0
                elif model.name in WRITES:
                    self.written += 1

        return after

    def before_hook(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name == "TransactWriteItems":
            self.written += len(params["TransactItems"])
        elif model.name == "SendMessageBatch":
            self.messages += len(params["Entries"])


class PaceClock:
    """Real elapsed time plus what the pace slept: the workers' time, without waiting for it."""

    def __init__(self) -> None:
        self.offset = time.time()
        self.slept = 0.0
        self.started = time.perf_counter()

    def __call__(self) -> float:
        return self.offset + (time.perf_counter() - self.started) + self.slept

    def sleep(self, seconds: float) -> None:
        self.slept += seconds


@contextmanager
def _messages_always_fresh() -> Iterator[None]:
    """moto checks each received message's retention by computing every attribute of its queue
    (a pass over all its messages per message received): quadratic at a few thousand. The bench's
    messages are minutes old, far inside the queue's 4 days, so the check's answer is known."""
    from moto.sqs.models import SQSBackend

    original = SQSBackend.is_message_valid_based_on_retention_period
    SQSBackend.is_message_valid_based_on_retention_period = lambda self, queue_name, message: True  # type: ignore[method-assign]
    try:
        yield
    finally:
        SQSBackend.is_message_valid_based_on_retention_period = original  # type: ignore[method-assign]


def _load(client: Any, size: int) -> dict[str, int]:
    from functions.core.store.items import account_to_item
    from functions.core.store.keys import sweep_cursor_key

    kinds = Counter(DUE_KINDS[index % len(DUE_KINDS)] for index in range(size))
    with moto_speedups.bulk_load():
        _write(client, [{**sweep_cursor_key(), "type": "sweep", "day": (DUE_DAY - timedelta(days=1)).isoformat()}])
        items = [account_to_item(_account(index, DUE_KINDS[index % len(DUE_KINDS)], DUE_DAY)) for index in range(size)]
        _write(client, items)
    return dict(kinds)


def _run(kind: str, size: int, ses_rate: float) -> dict[str, Any]:
    """Load the sample, sweep it one way, return the counts and times."""
    with in_process_aws():
        from functions.core.aws import client
        from functions.core.mail import Mailer
        from functions.core.store import Store
        from functions.sweep.accounts import SweepTools, action_for, sweep_account
        from functions.sweep.dispatch import dispatch
        from functions.sweep.pace import ReminderPace, reminders_per_second
        from functions.sweep.queue import SweepQueue
        from functions.sweep.worker import handle_batch

        dynamodb, sqs, ses = client("dynamodb"), client("sqs"), client("sesv2")
        _load(dynamodb, size)
        counts = Calls()
        for service, shared in (("dynamodb", dynamodb), ("sqs", sqs), ("sesv2", ses)):
            shared.meta.events.register(f"after-call.{service}", counts.hook(service))
            shared.meta.events.register(f"before-parameter-build.{service}", counts.before_hook)
        sqs.meta.events.register("before-send.sqs", counts.sqs_started)
        sqs.meta.events.register("after-call.sqs", counts.sqs_done)
        store, mailer = Store(TABLE_NAME, dynamodb), Mailer(MAIL_FROM)
        pace_clock = PaceClock()
        mailed_at: list[float] = []
        send = mailer.send

        def timed(message: str, *, to: str, **context: Any) -> None:
            mailed_at.append(pace_clock())
            send(message, to=to, **context)

        mailer.send = timed  # type: ignore[method-assign]
        result: dict[str, Any] = {"handled": 0}
        started = time.perf_counter()
        with moto_speedups.partition_queries(), _messages_always_fresh():
            if kind == "fanned out":
                queue = SweepQueue(sqs, os.environ["ENT_SWEEP_QUEUE_URL"])
                pace = ReminderPace(store, lambda: ses_rate, clock=pace_clock, sleep=pace_clock.sleep)
                tools = SweepTools(store, mailer, PUBLIC_URL, _now, pace.wait_for_turn)
                dispatched = dispatch(store, queue, today=DUE_DAY)
                # moto's SQS time is replaced by a round trip per call, as for every other call.
                result["dispatch_seconds"] = time.perf_counter() - started - counts.sqs_seconds
                result["dispatch_calls"] = sum(counts.calls.values())

                result["worker_seconds"], result["worker_calls"] = 0.0, 0

                def worker(event: dict[str, Any]) -> dict[str, Any]:
                    # Only the function's own time: on AWS the event source receives and deletes.
                    began, calls_before = time.perf_counter(), sum(counts.calls.values())
                    batch = handle_batch(tools, event["Records"])
                    result["worker_seconds"] += time.perf_counter() - began
                    result["worker_calls"] += sum(counts.calls.values()) - calls_before
                    result["handled"] += sum(1 for action in batch.actions.values() if action)
                    return batch.response()

                queue.drain(worker)
                result["sent"] = dispatched.sent
                result["allowed_per_second"] = reminders_per_second(ses_rate)
            else:
                tools = SweepTools(store, mailer, PUBLIC_URL, _now)  # no pace: it mailed as fast as it looped
                for account in store.accounts_due(DUE_DAY, DUE_DAY):
                    if action_for(account, DUE_DAY) and sweep_account(tools, account.identifier, DUE_DAY, copy=account):
                        result["handled"] += 1
                result["allowed_per_second"] = ses_rate
        result["seconds"] = time.perf_counter() - started
        result.update(read=counts.read, written=counts.written, messages=counts.messages, calls=dict(counts.calls))
        per_second = Counter(math.floor(moment) for moment in mailed_at)
        result["mails"] = len(mailed_at)
        result["peak_mails_per_second"] = max(per_second.values(), default=0)
        return result


def main() -> None:
    from infra.template import queue_consumers

    sample = env_int("BENCH_RENTREE_SAMPLE", 1_000, minimum=40)
    due = env_int("BENCH_RENTREE_DUE", 100_000, minimum=sample)
    ses_rate = float(env_int("BENCH_SES_RATE", 14))
    round_trip = env_int("BENCH_ROUND_TRIP_MS", 6, minimum=0) / 1000
    (consumer,) = queue_consumers().values()
    workers = env_int("BENCH_RENTREE_WORKERS", consumer["reserved_concurrency"])
    quiet_service_logs()
    scale = due / sample
    print(
        f"Rentrée: {due:,} accounts due on {DUE_DAY}, measured on a sample of {sample:,} (BENCH_RENTREE_SAMPLE) in "
        f"in-process moto and extrapolated x{scale:,.0f} per account; SES at {ses_rate:g} mails/s (BENCH_SES_RATE), "
        f"{workers} workers (the template's reserved concurrency), {round_trip * 1000:.0f} ms per AWS call "
        "(BENCH_ROUND_TRIP_MS) added to the measured CPU time."
    )
    results = {}
    for kind in ("sequential", "fanned out"):
        results[kind] = outcome = _run(kind, sample, ses_rate)
        print(f"  {kind}: {outcome['handled']:,} accounts handled in {outcome['seconds']:.1f} s in-process", flush=True)
    rows, figures = [], {}
    for kind, outcome in results.items():
        handled = max(outcome["handled"], 1)
        calls = sum(outcome["calls"].values())
        service = (outcome["seconds"] + calls * round_trip) / handled  # per account, on AWS
        reminders = due * outcome["mails"] / handled
        if kind == "fanned out":
            listing = (outcome["dispatch_seconds"] + outcome["dispatch_calls"] * round_trip) * scale
            per_account = (outcome["worker_seconds"] + outcome["worker_calls"] * round_trip) / handled
            service = per_account
            finish = listing + max(due * per_account / workers, reminders / outcome["allowed_per_second"])
            days = math.ceil(finish / 86_400)
            elapsed = finish  # from the day's run to the last account
            figures["listing"] = (listing, outcome["dispatch_calls"] * scale)
            held = outcome["peak_mails_per_second"] <= outcome["allowed_per_second"]
        else:
            finish = due * service
            daily = LAMBDA_SECONDS - 30  # one run a day, stopping 30 s before its end
            days = math.ceil(finish / daily)
            elapsed = (days - 1) * 86_400 + (finish - (days - 1) * daily)  # the last run's day, then its work
            # On AWS it mails at one account's service time per mail, whatever SES allows.
            held = 1 / service <= ses_rate
            outcome["peak_mails_per_second"] = round(1 / service, 1)  # on AWS, one per account's service time
        figures[kind] = (elapsed, days)
        rows.append(
            [
                kind,
                f"{outcome['read'] / handled:.2f}",
                f"{outcome['written'] / handled:.2f}",
                f"{outcome['messages'] / handled:.2f}",
                f"{service * 1000:.1f}",
                f"{finish / 3600:.2f}",
                f"{elapsed / 3600:.1f}",
                f"{days}",
                ("yes" if held else "NO")
                + f" (peak {outcome['peak_mails_per_second']}/s, allowed {outcome['allowed_per_second']:g}/s)",
            ]
        )
    print()
    print_table(
        [
            "sweep",
            "items read/acct",
            "items written/acct",
            "messages/acct",
            "ms/acct (AWS)",
            "hours of work",
            "hours until done",
            "daily runs",
            "mail pace held",
        ],
        rows,
        right=(1, 2, 3, 4, 5, 6, 7),
    )
    (seq_finish, seq_days), (fan_finish, fan_days) = figures["sequential"], figures["fanned out"]
    listing, listing_calls = figures["listing"]
    print(
        f"\nThe daily run's listing and sending, extrapolated: {listing:.0f} s for {listing_calls:,.0f} calls "
        f"({listing_calls * round_trip:.0f} s of them round trips, the rest in-process: the index's pages in moto; "
        f"moto's own SQS time, quadratic in the queue's length, left out), within one run of {LAMBDA_SECONDS} s: {'yes' if listing < LAMBDA_SECONDS - 30 else 'NO'}."
    )
    seq, fan = results["sequential"], results["fanned out"]
    print(
        f"\nRatios fanned out / sequential: items read {fan['read'] / max(seq['read'], 1):.2f}x "
        f"(the worker reads each account again: the message names it, nothing personal travels), "
        f"items written {fan['written'] / max(seq['written'], 1):.2f}x (the pace's counter), "
        f"time until the last account is handled {fan_finish / seq_finish:.3f}x ({fan_finish / 3600:.1f} h vs "
        f"{seq_finish / 3600:.1f} h: {fan_days} daily run vs {seq_days}; a 2-day reminder due in the sequential "
        f"sweep's last run would come {seq_days - 1} day(s) late)."
    )
    print(
        "Hours of work, fanned out = listing and sending (extrapolated) + the longer of the accounts' work shared by "
        "the workers and the reminders at their pace; sequential = the accounts one after another, "
        f"{LAMBDA_SECONDS - 30} s of them a day. Extrapolated from the sample: moto's figures compare side by side, "
        "not with DynamoDB."
    )
