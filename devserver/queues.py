"""The template's SQS queues on moto, and Lambda's SQS event source for the local stack.

`create_queues` makes each queue of infra/template.yaml (dead-letter queues first, so a redrive
policy names a queue that exists); the tests make theirs with it too. `QueuePoller` is the event
source mapping: a daemon thread per consumer receives up to its batch size, invokes the function
(in-process, through `Functions`) with the SQS event, deletes the messages handled and leaves the
failed ones (`batchItemFailures`) for their visibility timeout, as Lambda does.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from devserver.lambdas import Functions
from functions.sweep.queue import SweepQueue
from infra.template import queue_consumers, queues

POLL_SECONDS = 1  # long polling: an idle queue costs one request a second
logger = logging.getLogger("devserver.queues")


def queue_name(prefix: str, logical_id: str) -> str:
    """The local name of a template queue (CloudFormation makes up its own on AWS)."""
    return f"{prefix}-{logical_id}"


def create_queues(sqs: Any, prefix: str) -> dict[str, str]:
    """Create every queue of the template on `sqs`; return their URLs by logical id."""
    urls: dict[str, str] = {}
    for logical_id, attributes in queues().items():
        made = dict(attributes)
        if "RedrivePolicy" in made:
            policy = json.loads(made["RedrivePolicy"])
            target = sqs.get_queue_attributes(
                QueueUrl=urls[policy.pop("deadLetterTargetLogicalId")], AttributeNames=["QueueArn"]
            )["Attributes"]["QueueArn"]
            made["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": target, **policy})
        urls[logical_id] = sqs.create_queue(QueueName=queue_name(prefix, logical_id), Attributes=made)["QueueUrl"]
    return urls


class QueuePoller:
    """One daemon thread per SQS-fed function of the template, polling its queue on moto."""

    def __init__(self, functions: Functions, sqs: Any, urls: dict[str, str]) -> None:
        self.functions = functions
        self._stopped = threading.Event()
        self._threads = [
            threading.Thread(
                target=self._poll,
                args=(function_name, consumer, SweepQueue(sqs, urls[consumer["queue"]])),
                name=f"devserver-queue-{function_name}",
                daemon=True,
            )
            for function_name, consumer in queue_consumers().items()
        ]

    def poll_once(
        self, function_name: str, consumer: dict[str, Any], queue: SweepQueue, wait: int = POLL_SECONDS
    ) -> int:
        """Receive one batch and give it to the function; return how many messages it held."""

        def invoke(event: dict[str, Any]) -> dict[str, Any]:
            answer = self.functions.invoke(function_name, consumer["handler"], event)
            failed = answer.get("batchItemFailures", []) if isinstance(answer, dict) else []
            logger.info("File %s : %d message(s), %d en échec", consumer["queue"], len(event["Records"]), len(failed))
            return {"batchItemFailures": failed}

        messages = queue.sqs.receive_message(
            QueueUrl=queue.url, MaxNumberOfMessages=consumer["batch_size"], WaitTimeSeconds=wait, AttributeNames=["All"]
        ).get("Messages", [])
        if messages:
            queue.handle(messages, invoke, retry_at_once=False)  # the failed wait, as under Lambda
        return len(messages)

    def _poll(self, function_name: str, consumer: dict[str, Any], queue: SweepQueue) -> None:
        while not self._stopped.is_set():
            try:
                self.poll_once(function_name, consumer, queue)
            except Exception:  # a failing batch must not stop the polling
                if self._stopped.is_set():
                    return  # moto is going away
                logger.exception("File %s : échec", consumer["queue"])
                self._stopped.wait(POLL_SECONDS)

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stopped.set()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)
