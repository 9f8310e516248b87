"""The expiry sweep at scale: DynamoDB items read per due account, ours against a naive full Scan.

The table (in-process moto, built from infra/template.yaml) holds BENCH_ACCOUNTS accounts (default
100,000), and first BENCH_ACCOUNTS_SMALL (default 10,000): 1 % are due on the measured day (half to
deactivate, a quarter to remind by mail, a quarter to delete), 60 % are active, 39 % are issued,
pending or deactivated and due on a later day (some later the same month). Deactivated accounts keep
the audit event of their deactivation, as real ones do. Items are built by
functions.core.store.account_to_item with a fixed dummy password hash (no argon2 here) and written
with batch_write_item.

On the same data, run_sweep (the sparse by-due-day index, from the cursor to today) and a naive
sweep (Scan the whole table with a filter on state and dates, then act on the same accounts with
the sweep's own code) are measured by a hook on the client's `after-call.dynamodb`: items read =
ScannedCount of each Query/Scan page (what DynamoDB reads and bills; a Scan's Count is only what
passes the filter) + 1 per GetItem that found its item + the items of BatchGetItem/TransactGetItems.
"To find" = the reads that select due accounts (Query on the due index, or the Scan); "to act" =
every other read (the cursor, a deleted account's partition...). DESIGN §7: <= 1.05 per due account,
flat as the table grows. Between the two sweeps, every item they wrote is put back as loaded.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from functools import partial
from typing import Any

from bench import moto_speedups
from bench.common import (
    MAIL_FROM,
    PUBLIC_URL,
    TABLE_NAME,
    env_int,
    in_process_aws,
    machine_line,
    print_table,
    quiet_service_logs,
)

DUE_DAY = date(2027, 3, 16)  # mid-month: accounts due later the same month share the queried partitions
DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0MTIzNA$YmVuY2htYXJrZHVtbXloYXNoMDEyMzQ1Njc4OQ"
DUE_KINDS = ("issued", "issued", "pending", "deactivated")  # due today: deactivate, deactivate, remind, delete
LATER_KINDS = ("issued", "pending", "deactivated")
BATCH = 25  # batch_write_item's limit


def _now() -> datetime:
    from functions.core.clock import PARIS

    return datetime.combine(DUE_DAY, clock_time(3, 0), tzinfo=PARIS).astimezone(UTC)


# The data --------------------------------------------------------------------------------------


def identifier(index: int) -> str:
    return f"bench.{index:07d}"


def _account(index: int, kind: str, due: date) -> Any:
    """An account of `kind` whose next due day is `due` (never, when active)."""
    from functions.core.lifecycle import AccountState, Profile
    from functions.core.model import Account

    name = identifier(index)
    account = partial(
        Account,
        identifier=name,
        profile=Profile.PARENT if index % 4 else Profile.ELEVE,
        school=f"{750000 + index % 500:07d}A",
        first_name="Camille",
        last_name=f"Banc {index}",
        birth_date=date(2012 + index % 6, 1 + index % 12, 1 + index % 28),
        password_hash=DUMMY_HASH,
    )
    if kind == "issued":  # deactivated the day after its deadline
        deadline = due - timedelta(days=1)
        issued = deadline - timedelta(days=92)
        return account(
            state=AccountState.ISSUED,
            issued_at=_moment(issued),
            activation_deadline=deadline,
            deletion_date=issued + timedelta(days=365),
        )
    if kind == "pending":  # reminded 14 days before its deadline
        deadline = due + timedelta(days=14)
        issued = deadline - timedelta(days=92)
        return account(
            state=AccountState.PENDING_CONFIRMATION,
            issued_at=_moment(issued),
            activation_deadline=deadline,
            deletion_date=issued + timedelta(days=365),
            pending_email=f"{name}@exemple.fr",
            recovery_mails=(),
        )
    if kind == "deactivated":  # deleted the day after its deletion date
        deletion = due - timedelta(days=1)
        issued = deletion - timedelta(days=365)
        return account(
            state=AccountState.DEACTIVATED,
            issued_at=_moment(issued),
            activation_deadline=issued + timedelta(days=92),
            deletion_date=deletion,
            session_version=1,
        )
    issued = DUE_DAY - timedelta(days=30 + index % 200)
    return account(
        state=AccountState.ACTIVE,
        issued_at=_moment(issued),
        activation_deadline=issued + timedelta(days=92),
        deletion_date=issued + timedelta(days=365),
        email=f"{name}@exemple.fr",
        activated_at=_moment(issued + timedelta(days=3)),
    )


def _moment(day: date) -> datetime:
    return datetime.combine(day, clock_time(8, 30), tzinfo=UTC)


def plan(index: int) -> tuple[str, date | None]:
    """What account `index` is: 1 % due today, 60 % active, 39 % due on a later day."""
    bucket = index % 100
    if bucket == 0:
        return DUE_KINDS[index // 100 % len(DUE_KINDS)], DUE_DAY
    if bucket <= 60:
        return "active", None
    return LATER_KINDS[index % 3], DUE_DAY + timedelta(days=1 + index * 7919 % 365)


def items_of(index: int) -> list[dict[str, Any]]:
    """The items of account `index` as loaded: the account, and a deactivated one's audit event."""
    from functions.core.model import AuditEvent
    from functions.core.store.items import account_to_item, event_to_item
    from functions.core.store.keys import event_key

    kind, due = plan(index)
    account = _account(index, kind, due or DUE_DAY)
    items = [account_to_item(account)]
    if kind == "deactivated":
        at = _moment(account.activation_deadline + timedelta(days=1))
        event = AuditEvent(at=at, action="deactivated_by_sweep", user_agent="ent-parents")
        items.append(event_to_item(event_key(account.identifier, at, "00000000"), event))
    return items


def cursor_item() -> dict[str, Any]:
    from functions.core.store.keys import sweep_cursor_key

    return {**sweep_cursor_key(), "type": "sweep", "day": (DUE_DAY - timedelta(days=1)).isoformat()}


def _key(item: dict[str, Any]) -> tuple[str, str]:
    return item["pk"], item["sk"]


def _write(client: Any, puts: Iterable[dict[str, Any]] = (), deletes: Iterable[tuple[str, str]] = ()) -> int:
    """batch_write_item in batches of 25 (plain Python values in, DynamoDB JSON out)."""
    from functions.core.store.dynamodb import marshal

    requests = [{"PutRequest": {"Item": marshal(item)}} for item in puts]
    requests += [{"DeleteRequest": {"Key": marshal({"pk": pk, "sk": sk})}} for pk, sk in deletes]
    for start in range(0, len(requests), BATCH):
        pending = {TABLE_NAME: requests[start : start + BATCH]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    return len(requests)


# Counting --------------------------------------------------------------------------------------


@dataclass
class Reads:
    to_find: int = 0
    to_act: int = 0
    calls: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.to_find + self.to_act


class Recorder:
    """Counts items read (after-call) and remembers every key written, to put the table back."""

    def __init__(self, client: Any) -> None:
        from functions.core.store.keys import DUE_INDEX

        self.due_index = DUE_INDEX
        self.reads = Reads()
        self.written: set[tuple[str, str]] = set()
        self.active = False
        client.meta.events.register("before-parameter-build.dynamodb", self._before)
        client.meta.events.register("after-call.dynamodb", self._after)

    def start(self) -> None:
        self.reads, self.active = Reads(), True

    def stop(self) -> Reads:
        self.active = False
        return self.reads

    def _before(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        if not self.active:
            return
        context["bench_to_find"] = model.name == "Scan" or (
            model.name == "Query" and params.get("IndexName") == self.due_index
        )
        keys = []
        if model.name == "PutItem":
            keys.append(params["Item"])
        elif model.name in ("UpdateItem", "DeleteItem"):
            keys.append(params["Key"])
        elif model.name == "TransactWriteItems":
            for action in params["TransactItems"]:
                for request in action.values():
                    keys.append(request.get("Item") or request.get("Key"))
        elif model.name == "BatchWriteItem":
            for requests in params["RequestItems"].values():
                for request in requests:
                    for body in request.values():
                        keys.append(body.get("Item") or body.get("Key"))
        for key in keys:
            self.written.add((key["pk"]["S"], key["sk"]["S"]))

    def _after(self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        if not self.active:
            return
        name = model.name
        self.reads.calls[name] += 1
        if name in ("Query", "Scan"):
            read = int(parsed.get("ScannedCount", parsed.get("Count", 0)))
        elif name == "GetItem":
            read = 1 if parsed.get("Item") else 0
        elif name == "BatchGetItem":
            read = sum(len(items) for items in (parsed.get("Responses") or {}).values())
        elif name == "TransactGetItems":
            read = len(parsed.get("Responses") or [])
        else:
            read = 0
        if context.get("bench_to_find"):
            self.reads.to_find += read
        else:
            self.reads.to_act += read


# The two sweeps --------------------------------------------------------------------------------


@dataclass
class Outcome:
    name: str
    reads: Reads
    seconds: float
    handled: dict[str, set[str]]
    failed: dict[str, str]


def ours(store: Any, mailer: Any) -> tuple[dict[str, set[str]], dict[str, str]]:
    from functions.sweep.flow import run_sweep
    from functions.sweep.pace import ReminderPace

    # The mail's pace is `python -m bench rentree`'s subject: here SES is taken as never the limit.
    pace = ReminderPace(store, lambda: 1e9)
    report = run_sweep(store, mailer, today=DUE_DAY, now=_now(), public_url=PUBLIC_URL, pace=pace)
    if not report.finished:
        print("Note: run_sweep stopped early (time_left): the figures are for part of the work.")
    return (
        {"remind": set(report.reminded), "deactivate": set(report.deactivated), "delete": set(report.deleted)},
        dict(report.failed),
    )


def naive(store: Any, mailer: Any) -> tuple[dict[str, set[str]], dict[str, str]]:
    """What a sweep without the index does: read every item, keep the accounts with work today."""
    from functions.core.store.dynamodb import marshal, unmarshal
    from functions.core.store.items import account_from_item
    from functions.sweep.accounts import SweepTools, action_for, sweep_account

    found = []
    with moto_speedups.frozen_scans():  # nothing is written until the Scan is over
        pages = store.dynamodb.get_paginator("scan").paginate(
            TableName=store.table_name,
            # Deletion due, or not activated with its deadline past or within the first reminder's reach.
            FilterExpression="#type = :account AND (deletion_date < :today "
            "OR (#state IN (:issued, :pending) AND activation_deadline <= :reminders))",
            ExpressionAttributeNames={"#type": "type", "#state": "state"},
            ExpressionAttributeValues=marshal(
                {
                    ":account": "account",
                    ":issued": "issued",
                    ":pending": "pending_confirmation",
                    ":today": DUE_DAY.isoformat(),
                    ":reminders": (DUE_DAY + timedelta(days=14)).isoformat(),
                }
            ),
        )
        for page in pages:
            for item in page.get("Items", []):
                account = account_from_item(unmarshal(item))
                action = action_for(account, DUE_DAY)
                if action:
                    found.append((account, action))
    handled: dict[str, set[str]] = {"remind": set(), "deactivate": set(), "delete": set()}
    failed: dict[str, str] = {}
    tools = SweepTools(store, mailer, PUBLIC_URL, _now)
    for account, action in found:
        try:
            sweep_account(tools, account.identifier, DUE_DAY, copy=account)
        except Exception as error:  # as run_sweep: one account failing does not stop the others
            failed[account.identifier] = type(error).__name__
            continue
        handled[action if action in ("deactivate", "delete") else "remind"].add(account.identifier)
    return handled, failed


def _measure(
    name: str,
    sweep: Callable[[Any, Any], tuple[dict[str, set[str]], dict[str, str]]],
    store: Any,
    mailer: Any,
    recorder: Recorder,
) -> Outcome:
    recorder.start()
    started = time.perf_counter()
    with moto_speedups.partition_queries():
        handled, failed = sweep(store, mailer)
    seconds = time.perf_counter() - started
    return Outcome(name, recorder.stop(), seconds, handled, failed)


def _restore(client: Any, recorder: Recorder) -> None:
    """Put back, as loaded, every item the sweep wrote or deleted; delete the items it created."""
    originals: dict[tuple[str, str], dict[str, Any]] = {}
    from functions.core.store.keys import identifier_of

    for pk, _ in recorder.written:
        if identifier_of(pk).startswith("bench."):
            for item in items_of(int(pk.rpartition(".")[2])):
                originals[_key(item)] = item
    originals[_key(cursor_item())] = cursor_item()
    puts = [originals[key] for key in recorder.written if key in originals]
    deletes = [key for key in recorder.written if key not in originals]
    recorder.written.clear()
    _write(client, puts, deletes)


# The benchmark ---------------------------------------------------------------------------------


def _self_check(client: Any) -> None:
    """Answers with moto's speed-ups must be moto's answers: compare one of each query."""
    from functions.core.store.dynamodb import marshal
    from functions.core.store.keys import DUE_INDEX, account_key, due_key, due_sort_range

    def queries() -> list[Any]:
        answers = []
        for shard in range(4):
            answer = client.query(
                TableName=TABLE_NAME,
                IndexName=DUE_INDEX,
                KeyConditionExpression="due_key = :m AND due_sk BETWEEN :a AND :b",
                ExpressionAttributeValues=marshal(
                    {
                        ":m": due_key(DUE_DAY, shard),
                        ":a": due_sort_range(DUE_DAY, DUE_DAY + timedelta(days=10))[0],
                        ":b": due_sort_range(DUE_DAY, DUE_DAY + timedelta(days=10))[1],
                    }
                ),
            )
            answers.append((answer["Items"], answer["Count"], answer["ScannedCount"]))
        for index in (0, 70, 97):
            answer = client.query(
                TableName=TABLE_NAME,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues=marshal({":pk": account_key(identifier(index))["pk"]}),
            )
            answers.append((answer["Items"], answer["Count"], answer["ScannedCount"]))
        return answers

    same = moto_speedups.check_partition_queries(queries)
    print(f"Check: moto answers the same with and without the query speed-up: {'yes' if same else 'NO'}")
    if not same:
        raise RuntimeError("moto_speedups.partition_queries changes moto's answers: the figures would be wrong")


def main() -> None:
    large = env_int("BENCH_ACCOUNTS", 100_000, minimum=100)
    small = env_int("BENCH_ACCOUNTS_SMALL", 10_000, minimum=100)
    sizes = sorted({min(small, large), large})
    quiet_service_logs()
    print(
        f"Sweep on {DUE_DAY} (cursor at the day before), tables of {' then '.join(f'{n:,}' for n in sizes)} accounts "
        "(BENCH_ACCOUNTS_SMALL, BENCH_ACCOUNTS), 1 % due that day; in-process moto."
    )
    rows: list[list[Any]] = []
    summaries: list[str] = []
    with in_process_aws():
        from functions.core.aws import client as shared_client
        from functions.core.mail import Mailer
        from functions.core.store import Store

        dynamodb = shared_client("dynamodb")
        store, mailer = Store(TABLE_NAME, dynamodb), Mailer(MAIL_FROM)
        recorder = Recorder(dynamodb)
        loaded = items = 0
        _write(dynamodb, [cursor_item()])
        for size in sizes:
            started = time.perf_counter()
            with moto_speedups.bulk_load():
                batch: list[dict[str, Any]] = []
                for index in range(loaded, size):
                    batch.extend(items_of(index))
                    if len(batch) >= 2500:
                        items += _write(dynamodb, batch)
                        batch = []
                items += _write(dynamodb, batch)
            seconds = time.perf_counter() - started
            print(
                f"Loaded accounts {loaded:,} to {size - 1:,} in {seconds:.1f} s "
                f"({(size - loaded) / seconds:,.0f} accounts/s); the table holds {items + 1:,} items.",
                flush=True,
            )
            if loaded == 0:
                _self_check(dynamodb)
                if size < sizes[-1]:
                    print(
                        f"  (loading up to {sizes[-1]:,} should take about "
                        f"{seconds * (sizes[-1] - size) / size:.0f} s more at this rate)",
                        flush=True,
                    )
            loaded = size
            due = sum(1 for index in range(size) if plan(index)[1] == DUE_DAY)
            outcomes = []
            for name, sweep in (("ours (due index)", ours), ("naive (Scan)", naive)):
                outcome = _measure(name, sweep, store, mailer, recorder)
                _restore(dynamodb, recorder)
                outcomes.append(outcome)
                print(f"  {name} on {size:,} accounts: {outcome.seconds:.1f} s", flush=True)
            mine, theirs = outcomes
            for outcome in outcomes:
                reads = outcome.reads
                handled = sum(len(ids) for ids in outcome.handled.values())
                rows.append(
                    [
                        f"{size:,}",
                        f"{items + 1:,}",
                        f"{due:,}",
                        outcome.name,
                        f"{handled:,}",
                        f"{reads.to_find:,}",
                        f"{reads.to_act:,}",
                        f"{reads.total / due:.3f}",
                        f"{sum(reads.calls.values()) / due:.1f}",
                        f"{outcome.seconds:.1f}",
                        f"{handled / outcome.seconds:,.0f}" if outcome is mine else "",
                    ]
                )
                if outcome.failed:
                    summaries.append(
                        f"{outcome.name} at {size:,}: {len(outcome.failed)} account(s) failed, e.g. "
                        f"{next(iter(outcome.failed.items()))}"
                    )
            if theirs.reads.to_find != items + 1:
                summaries.append(
                    f"Check failed at {size:,}: the naive Scan read {theirs.reads.to_find:,} items, "
                    f"the table holds {items + 1:,} (moto_speedups.frozen_scans?)"
                )
            same = mine.handled == theirs.handled
            summaries.append(
                f"{size:,} accounts: naive / ours = {theirs.reads.total / mine.reads.total:.1f}x the items read "
                f"({theirs.reads.total / due:.2f} vs {mine.reads.total / due:.3f} per due account); ours reads "
                f"{mine.reads.to_find / due:.3f} per due account to find them "
                f"({'met' if mine.reads.to_find / due <= 1.05 else 'over'}) and {mine.reads.total / due:.3f} in all "
                f"({'met' if mine.reads.total / due <= 1.05 else 'over'} the 1.05 goal); "
                f"{' / '.join(f'{len(ids)} {action}' for action, ids in mine.handled.items())}; "
                f"same accounts as the naive sweep: {'yes' if same else 'NO'}; "
                f"DynamoDB calls by ours: {dict(mine.reads.calls)}."
            )
    print()
    print_table(
        [
            "accounts",
            "items",
            "due",
            "sweep",
            "handled",
            "read to find",
            "read to act",
            "read / due",
            "calls / due",
            "seconds",
            "due accounts/s",
        ],
        rows,
        right=(0, 1, 2, 4, 5, 6, 7, 8, 9, 10),
    )
    for line in summaries:
        print(line)
    print(
        "Items read = ScannedCount of Query/Scan pages + GetItem hits + BatchGet/TransactGet items. "
        "Seconds and accounts/s are in-process moto with its per-partition Query speed-up (bench/moto_speedups.py): "
        "compare them with each other, not with DynamoDB, where each call is a network round trip."
    )


if __name__ == "__main__":
    print(machine_line())
    main()
