"""The sweep's fixtures: a pace on a clock the test moves, the queues of the test, a redrive."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import pytest

from functions.core.clock import PARIS
from functions.sweep.pace import ReminderPace


def at(day: date) -> datetime:
    """03:00 in Paris on `day`: when the scheduler runs the sweep."""
    return datetime.combine(day, time(3, 0), tzinfo=PARIS).astimezone(UTC)


class MovedTime:
    """Seconds since the epoch that only move when something sleeps: pacing without waiting."""

    def __init__(self, start: datetime) -> None:
        self.now = start.timestamp()
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def moment(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC)


@pytest.fixture
def pace_time() -> MovedTime:
    return MovedTime(at(date(2027, 2, 14)))


@pytest.fixture
def pace(store, pace_time) -> ReminderPace:
    """SES sending 14 mails a second (a new production account): 5 reminders a second."""
    return ReminderPace(store, lambda: 14.0, clock=pace_time, sleep=pace_time.sleep)


@pytest.fixture
def sqs():
    from functions.core.aws import client

    return client("sqs")


@pytest.fixture
def dead_letters(sqs, queue_urls):
    """The identifiers whose message waits in the sweep queue's dead-letter queue."""

    def read() -> list[str]:
        url = queue_urls["SweepQueueDeadLetters"]
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])
        return sorted(json.loads(message["Body"])["identifier"] for message in messages)

    return read


@pytest.fixture
def redrive(sqs, queue_urls):
    """Move the dead letters back to the sweep queue, as an operator does once the cause is fixed."""

    def move() -> int:
        source, target = queue_urls["SweepQueueDeadLetters"], queue_urls["SweepQueue"]
        messages = sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            sqs.send_message(QueueUrl=target, MessageBody=message["Body"])
            sqs.delete_message(QueueUrl=source, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    return move
