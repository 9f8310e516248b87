"""The sweep's worker: a batch of SQS messages, one due account each, each one retried on its own.

Lambda's SQS event source gives up to ten messages; the answer names the ones that failed
(`ReportBatchItemFailures`), and only those are received again, after the queue's visibility
timeout, until its redrive policy moves one that keeps failing to the dead-letter queue (alarmed).
A message handled twice changes nothing the second time: the account is read again and has moved
on (its reminder marked, its state changed, or gone).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from functions.sweep.accounts import SweepTools, sweep_account
from functions.sweep.queue import DueAccount

logger = logging.getLogger("ent")
TIME_MARGIN = 15.0  # seconds: under this, the batch's remaining messages are left for a retry


@dataclass
class BatchResult:
    actions: dict[str, str | None] = field(default_factory=dict)  # identifier -> what was done (None: nothing)
    failed: dict[str, str] = field(default_factory=dict)  # identifier (or message id) -> error
    failed_messages: list[str] = field(default_factory=list)

    def response(self) -> dict[str, Any]:
        """The answer Lambda expects with ReportBatchItemFailures."""
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in self.failed_messages]}


def handle_batch(
    tools: SweepTools, records: list[dict[str, Any]], time_left: Callable[[], float] = lambda: float("inf")
) -> BatchResult:
    """Handle each message's account; a failure is that message's alone."""
    result = BatchResult()
    for record in records:
        message_id = record["messageId"]
        if time_left() < TIME_MARGIN:
            result.failed_messages.append(message_id)  # not tried: received again later
            continue
        try:
            due = DueAccount.from_body(record["body"])
        except (ValueError, KeyError, TypeError):
            # Only the daily run and the secretariat may send here: kept for a person to read (DLQ).
            logger.warning('{"sweep_message_unreadable": "%s"}', message_id)
            result.failed[message_id] = "UnreadableMessage"
            result.failed_messages.append(message_id)
            continue
        try:
            result.actions[due.identifier] = sweep_account(tools, due.identifier, due.day)
        except Exception as error:  # this account's message is retried, never the batch's others
            logger.warning('{"sweep_failed": "%s", "error": "%s"}', due.identifier, type(error).__name__)
            result.failed[due.identifier] = type(error).__name__
            result.failed_messages.append(message_id)
    return result
