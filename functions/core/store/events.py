"""Audit events, kept under their account's key for a year."""

from __future__ import annotations

import secrets

from functions.core.model import AuditEvent
from functions.core.store import keys
from functions.core.store.dynamodb import Table, marshal, unmarshal
from functions.core.store.items import event_from_item, event_to_item


class EventOperations(Table):
    def add_event(self, identifier: str, event: AuditEvent) -> None:
        """Record what happened to an account; kept one year (TTL)."""
        self._put(event_to_item(keys.event_key(identifier, event.at, secrets.token_hex(4)), event))

    def events(self, identifier: str, limit: int = 20) -> list[AuditEvent]:
        """Return the account's latest events, newest first."""
        response = self.dynamodb.query(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :event)",
            ExpressionAttributeValues=marshal({":pk": keys.account_key(identifier)["pk"], ":event": keys.EVENT_PREFIX}),
            ScanIndexForward=False,
            Limit=limit,
        )
        return [event_from_item(unmarshal(item)) for item in response.get("Items", [])]
