"""The sweep at the rentrée: one message per due account, each retried on its own, mail at SES's pace."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from functions.core.clock import PARIS, paris_day
from functions.core.lifecycle import AccountState
from functions.core.mail import Mailer
from functions.sweep.accounts import SweepTools
from functions.sweep.dispatch import dispatch
from functions.sweep.flow import run_sweep
from functions.sweep.pace import ReminderPace, reminders_per_second
from functions.sweep.queue import SweepQueue
from functions.sweep.worker import handle_batch
from tests.functions.sweep.conftest import at
from tests.functions.sweep.test_sweep import FailingFor, pending


@pytest.fixture
def queue(sqs, settings):
    return SweepQueue(sqs, settings.sweep_queue_url)


@pytest.fixture
def sqs_calls(sqs):
    calls: list[str] = []
    sqs.meta.events.register("before-call.sqs", lambda model, **_: calls.append(model.name))
    return calls


def received(sqs, queue) -> list[dict]:
    return sqs.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])


def test_the_daily_run_sends_one_message_per_due_account_ten_to_a_call(accounts, store, queue, sqs, sqs_calls):
    made = [accounts.make(first_name=f"Enfant{number}")[0] for number in range(12)]
    accounts.make(state=AccountState.ACTIVE, first_name="Active")  # never due
    handed = dispatch(store, queue, today=date(2027, 3, 1))
    assert (handed.sent, sorted(handed.planned["deactivate"])) == (12, sorted(a.identifier for a in made))
    assert sqs_calls.count("SendMessageBatch") == 2  # 10 + 2
    body = json.loads(received(sqs, queue)[0]["Body"])
    assert set(body) == {"identifier", "day"} and body["day"] == "2027-03-01"  # nothing personal
    assert {store.get_account(a.identifier).state for a in made} == {AccountState.ISSUED}  # the workers' job
    assert store.sweep_cursor() == date(2027, 3, 1)
    sqs_calls.clear()
    assert dispatch(store, queue, today=date(2027, 3, 1)).sent == 0 and sqs_calls == []  # handed over already


def test_the_workers_handle_every_account_the_run_handed_over(accounts, store, sweep_tools, queue):
    made = [accounts.make(first_name=f"Enfant{number}")[0] for number in range(4)]
    dispatch(store, queue, today=date(2027, 3, 1))
    deliveries = queue.drain(lambda event: handle_batch(sweep_tools, event["Records"]).response())
    assert deliveries == 4
    assert {store.get_account(a.identifier).state for a in made} == {AccountState.DEACTIVATED}


@pytest.fixture
def sweep_tools(store, settings, pace):
    return SweepTools(store, Mailer(settings.mail_from), settings.public_url, lambda: at(date(2027, 3, 1)))


def test_a_failing_account_alone_is_retried_then_kept_in_the_dead_letter_queue(
    accounts, store, settings, pace, dead_letters
):
    broken = pending(accounts, store, email="cassee@example.fr", first_name="Un")
    others = [pending(accounts, store, email=f"ok{n}@example.fr", first_name=f"Autre{n}") for n in range(3)]
    ses = FailingFor("cassee@example.fr")
    attempts: Counter[str] = Counter()
    mailer = Mailer(settings.mail_from, ses=ses)
    send = mailer.send

    def counting(message, *, to, **context):
        attempts[to] += 1
        send(message, to=to, **context)

    mailer.send = counting  # type: ignore[method-assign]
    report = run_sweep(
        store, mailer, today=date(2027, 2, 14), now=at(date(2027, 2, 14)), public_url=settings.public_url, pace=pace
    )
    assert attempts["cassee@example.fr"] == 5  # the queue's maxReceiveCount
    assert [attempts[f"ok{n}@example.fr"] for n in range(3)] == [1, 1, 1]  # never retried with it
    assert sorted(report.reminded) == sorted(a.identifier for a in others)
    assert dead_letters() == [broken.identifier]


def test_a_message_delivered_twice_mails_once_and_changes_the_account_once(
    accounts, store, settings, pace, outbox, queue, sqs
):
    account = pending(accounts, store)
    tools = SweepTools(
        store, Mailer(settings.mail_from), settings.public_url, lambda: at(date(2027, 2, 14)), pace.wait_for_turn
    )
    dispatch(store, queue, today=date(2027, 2, 14))
    (message,) = received(sqs, queue)
    record = {"messageId": message["MessageId"], "body": message["Body"]}
    first = handle_batch(tools, [record])
    after_first = store.get_account(account.identifier)
    second = handle_batch(tools, [record])  # SQS delivers at least once
    assert (first.actions, second.actions) == ({account.identifier: "reminder_14_days"}, {account.identifier: None})
    assert second.response() == {"batchItemFailures": []}
    assert len(outbox()) == 1
    assert store.get_account(account.identifier) == after_first
    assert [e.action for e in store.events(account.identifier)].count("reminder_14_days") == 1


def test_a_deactivation_delivered_twice_is_counted_once(accounts, store, sweep_tools, queue, sqs):
    account, _ = accounts.make()
    dispatch(store, queue, today=date(2027, 3, 1))
    (message,) = received(sqs, queue)
    record = {"messageId": message["MessageId"], "body": message["Body"]}
    handle_batch(sweep_tools, [record])
    handle_batch(sweep_tools, [record])
    assert store.get_account(account.identifier).session_version == account.session_version + 1
    assert store.school_counts("0751234J") == {"deactivated_unactivated": 1}


def test_a_reminder_whose_turn_comes_after_its_deadline_is_not_sent(accounts, store, settings, outbox, pace_time):
    account = pending(accounts, store)
    assert account.activation_deadline == date(2027, 2, 28)
    last_moment = datetime.combine(date(2027, 2, 28), time(23, 59, 59), tzinfo=PARIS).astimezone(UTC)
    pace_time.now = last_moment.timestamp() + 0.5
    pace = ReminderPace(store, lambda: 1.0, clock=pace_time, sleep=pace_time.sleep)
    pace.wait_for_turn()  # another worker took this second's only turn
    report = run_sweep(
        store,
        Mailer(settings.mail_from),
        today=date(2027, 2, 28),
        now=last_moment,
        public_url=settings.public_url,
        pace=pace,
        clock=pace_time.moment,
    )
    assert pace_time.slept and paris_day(pace_time.moment()) == date(2027, 3, 1)
    assert outbox() == [] and report.reminded == []
    assert report.deactivated == [account.identifier]  # decided again on the day it now is
    assert store.get_account(account.identifier).state == AccountState.DEACTIVATED


def test_reminders_keep_to_their_share_of_ses_rate(accounts, store, settings, pace, pace_time):
    assert reminders_per_second(14) == 5  # 80 % of SES's rate, half of it: 60 % left for the flows' mails
    assert reminders_per_second(1) == 1 and reminders_per_second(200) == 80
    made = [pending(accounts, store, email=f"f{n}@example.fr", first_name=f"Enfant{n}") for n in range(12)]
    seconds: list[int] = []
    mailer = Mailer(settings.mail_from)
    send = mailer.send

    def timed(message, *, to, **context):
        seconds.append(int(pace_time()))
        send(message, to=to, **context)

    mailer.send = timed  # type: ignore[method-assign]
    report = run_sweep(
        store, mailer, today=date(2027, 2, 14), now=at(date(2027, 2, 14)), public_url=settings.public_url, pace=pace
    )
    assert len(report.reminded) == len(made) == 12
    per_second = Counter(seconds)
    assert max(per_second.values()) <= 5 and len(per_second) == 3  # 5, 5, 2
    assert pace_time.now - at(date(2027, 2, 14)).timestamp() >= 2


def test_a_message_received_after_midnight_is_decided_on_the_new_day(
    accounts, store, settings, pace, queue, sqs, outbox
):
    account = pending(accounts, store)
    dispatch(store, queue, today=date(2027, 2, 28))  # the last day: a reminder
    (message,) = received(sqs, queue)
    late = SweepTools(
        store, Mailer(settings.mail_from), settings.public_url, lambda: at(date(2027, 3, 1)), pace.wait_for_turn
    )
    result = handle_batch(late, [{"messageId": message["MessageId"], "body": message["Body"]}])
    assert result.actions == {account.identifier: "deactivate"} and outbox() == []


def test_an_unreadable_message_is_kept_for_the_dead_letter_queue(store, sweep_tools):
    result = handle_batch(sweep_tools, [{"messageId": "m-1", "body": "not json"}])
    assert result.response() == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}


def test_the_local_stack_runs_the_same_path(accounts, store, settings, monkeypatch, queue_urls, outbox):
    """make run: the daily handler sends to moto's queue, the poller feeds the worker handler in-process."""
    from devserver.lambdas import Functions
    from devserver.queues import QueuePoller
    from functions.core.aws import client
    from functions.sweep import handler as sweep_handler
    from infra.template import queue_consumers

    account, _ = accounts.make()
    reminded = pending(accounts, store, first_name="Noa")
    monkeypatch.setenv("ENT_TABLE", settings.table_name)
    monkeypatch.setenv("ENT_PUBLIC_URL", settings.public_url)
    monkeypatch.setenv("ENT_MAIL_FROM", settings.mail_from)
    day = account.activation_deadline - timedelta(days=14)
    monkeypatch.setattr(sweep_handler, "utc_now", lambda: at(day))
    sweep_handler._tools.cache_clear()
    assert sweep_handler.handler({}, None)["sent"] == 1  # the reminder; the deactivation is not due yet
    poller = QueuePoller(Functions(), client("sqs"), queue_urls)
    ((name, consumer),) = queue_consumers().items()
    assert poller.poll_once(name, consumer, SweepQueue(client("sqs"), queue_urls[consumer["queue"]]), wait=0) == 1
    sweep_handler._tools.cache_clear()
    assert store.get_account(reminded.identifier).reminders_sent == ("reminder_14_days",)
    assert len(outbox()) == 1
    assert replace(store.get_account(account.identifier), version=0) == replace(account, version=0)


def test_a_turn_counted_as_its_second_ends_is_taken_again_in_the_next(store, pace_time):
    pace = ReminderPace(store, lambda: 14.0, clock=pace_time, sleep=pace_time.sleep)
    start = pace_time.now = float(int(pace_time.now)) + 0.999
    reserve = store.reserve

    def slow_reserve(*args, **kwargs):
        pace_time.now += 0.002  # the write takes 2 ms: the second ends meanwhile, once
        store.reserve = reserve
        return reserve(*args, **kwargs)

    store.reserve = slow_reserve
    assert pace.wait_for_turn() == int(start) + 1
