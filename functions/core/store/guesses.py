"""Guess counts: per secret and budget, per client address, per account; and trusted devices."""

from __future__ import annotations

import secrets
from datetime import datetime

from botocore.exceptions import ClientError

from functions.core.clock import epoch_seconds
from functions.core.errors import ConcurrentUpdate
from functions.core.model import AuditEvent
from functions.core.store import keys
from functions.core.store.dynamodb import Table, is_conditional_failure, marshal
from functions.core.store.items import event_to_item, guess_state_from_item, guess_state_to_item
from functions.core.throttling import GuessState


class GuessOperations(Table):
    def guess_state(self, identifier: str, secret: str, budget: str) -> tuple[GuessState, int]:
        """Return the budget's state and its version (0 when never counted)."""
        item = self._get(keys.guess_key(identifier, secret, budget))
        return (guess_state_from_item(item), int(item["version"])) if item else (GuessState(), 0)

    def save_guess_state(
        self, identifier: str, secret: str, budget: str, state: GuessState, read_version: int, expires_at: datetime
    ) -> None:
        """Write the budget's state if nobody counted since it was read (ConcurrentUpdate otherwise)."""
        item = {
            **keys.guess_key(identifier, secret, budget),
            "type": "guesses",
            **guess_state_to_item(state),
            "version": read_version + 1,
            "expires_at": epoch_seconds(expires_at),
        }
        try:
            self.dynamodb.put_item(
                TableName=self.table_name,
                Item=marshal(item),
                # Of N parallel guesses each reads a version and only one may write it: all N
                # are counted (or refused), never fewer.
                ConditionExpression="attribute_not_exists(pk) OR #version = :read_version",
                ExpressionAttributeNames={"#version": "version"},
                ExpressionAttributeValues=marshal({":read_version": read_version}),
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
            raise ConcurrentUpdate() from error

    def delete_guess_state(self, identifier: str, secret: str, budget: str) -> None:
        self._delete(keys.guess_key(identifier, secret, budget))

    def guess_states(self, identifier: str) -> dict[str, GuessState]:
        """Return every counted budget of the identifier, by `<secret>#<budget>`."""
        items = self._query(
            "pk = :pk",
            {":pk": keys.guesses_partition(identifier), ":guesses": "guesses"},
            FilterExpression="#type = :guesses",
            ExpressionAttributeNames={"#type": "type"},
        )
        return {item["sk"]: guess_state_from_item(item) for item in items}

    def forget_guesses(self, identifier: str) -> int:
        """Delete every count of the identifier (a reset, an unlock, a new letter); return how many."""
        items = self._query("pk = :pk", {":pk": keys.guesses_partition(identifier)}, ProjectionExpression="pk, sk")
        deleted = 0
        for item in items:
            if not item["sk"].startswith(keys.EVENT_PREFIX):
                self._delete({"pk": item["pk"], "sk": item["sk"]})
                deleted += 1
        return deleted

    def add_guess_event(self, identifier: str, event: AuditEvent) -> None:
        """Audit a failed guess at an identifier without an account (kept a year, like any audit event)."""
        self._put(event_to_item(keys.guess_event_key(identifier, event.at, secrets.token_hex(4)), event))

    def trusts_device(self, device_hash: str, identifier: str) -> bool:
        return self._get(keys.device_key(device_hash, identifier), consistent=False) is not None

    def trust_device(self, device_hash: str, identifier: str, expires_at: datetime) -> None:
        self._put(
            {**keys.device_key(device_hash, identifier), "type": "device", "expires_at": epoch_seconds(expires_at)}
        )
