"""The sweep's SQS queue: one message per due account, from the daily run to the workers.

A message names the account and the day it was due on, nothing personal (the worker reads the
account itself). The daily run sends them ten to a call (SendMessageBatch's most). `drain` is
Lambda's SQS event source mapping in a loop, for the runs by hand (`ent-admin sweep`, the tests):
it receives up to ten, hands them to the worker as an SQS event, deletes those handled and, like
`ReportBatchItemFailures`, leaves the others to be received again, until the queue's redrive
policy moves a message that keeps failing to the dead-letter queue.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

BATCH = 10  # SendMessageBatch's and ReceiveMessage's most


@dataclass(frozen=True)
class DueAccount:
    """The body of one message: which account, and the day the run handed it over for.

    The worker decides on that day, or on its own clock's day if later (a message retried after
    midnight); a day to come is only ever sent by a rehearsal on the local stack.
    """

    identifier: str
    day: date

    def body(self) -> str:
        return json.dumps({"identifier": self.identifier, "day": self.day.isoformat()})

    @classmethod
    def from_body(cls, body: str) -> DueAccount:
        fields = json.loads(body)
        return cls(str(fields["identifier"]), date.fromisoformat(str(fields["day"])))


class QueueRefused(RuntimeError):
    """SQS did not take some messages of a batch (the run stops: the next one sends them again)."""


def _batches(items: Iterable[DueAccount]) -> Iterator[list[DueAccount]]:
    batch: list[DueAccount] = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class SweepQueue:
    sqs: Any
    url: str

    def send(self, due: Iterable[DueAccount]) -> int:
        """Send one message per account, ten a call; return how many were sent."""
        sent = 0
        for batch in _batches(due):
            entries = [{"Id": str(number), "MessageBody": item.body()} for number, item in enumerate(batch)]
            answer = self.sqs.send_message_batch(QueueUrl=self.url, Entries=entries)
            if answer.get("Failed"):
                raise QueueRefused(f"{len(answer['Failed'])} message(s) refused: {answer['Failed'][0].get('Code')}")
            sent += len(batch)
        return sent

    def drain(self, worker: Callable[[dict[str, Any]], dict[str, Any]], *, retry_at_once: bool = True) -> int:
        """Feed every message to `worker` (an SQS event handler) until none is left; return the deliveries.

        A message the worker reports failed is made visible again at once (`retry_at_once`), so it
        is retried until the redrive policy moves it to the dead-letter queue; otherwise it waits
        for its visibility timeout, as under Lambda.
        """
        deliveries = 0
        while True:
            answer = self.sqs.receive_message(
                QueueUrl=self.url, MaxNumberOfMessages=BATCH, WaitTimeSeconds=0, AttributeNames=["All"]
            )
            messages = answer.get("Messages", [])
            if not messages:
                return deliveries
            deliveries += len(messages)
            self.handle(messages, worker, retry_at_once=retry_at_once)

    def handle(
        self, messages: list[dict[str, Any]], worker: Callable[[dict[str, Any]], dict[str, Any]], *, retry_at_once: bool
    ) -> None:
        """Give received messages to `worker` as one SQS event; delete the handled, release the failed."""
        failed = {item["itemIdentifier"] for item in worker(sqs_event(messages, self.url))["batchItemFailures"]}
        handled = [message for message in messages if message["MessageId"] not in failed]
        if handled:
            self.sqs.delete_message_batch(
                QueueUrl=self.url,
                Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(handled)],
            )
        if retry_at_once:
            for message in messages:
                if message["MessageId"] in failed:
                    self.sqs.change_message_visibility(
                        QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                    )


def sqs_event(messages: list[dict[str, Any]], queue_url: str) -> dict[str, Any]:
    """The event Lambda's SQS event source gives a function for received messages."""
    account, name = queue_url.rstrip("/").split("/")[-2:]
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:local:{account}:{name}",
            }
            for message in messages
        ]
    }
