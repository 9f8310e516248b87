"""Counters: limits counted before they are checked, per-school statistics, the sweep's cursor."""

from __future__ import annotations

from datetime import date, datetime

from botocore.exceptions import ClientError

from functions.core.clock import epoch_seconds
from functions.core.store import keys
from functions.core.store.dynamodb import Table, is_conditional_failure, marshal


class CounterOperations(Table):
    def reserve(self, key: keys.Key, limit: int, expires_at: datetime) -> bool:
        """Count one more in the counter at `key` unless it reached `limit`; tell whether it did."""
        try:
            self.dynamodb.update_item(
                TableName=self.table_name,
                Key=marshal(key),
                # Counted and checked in one atomic write: parallel requests cannot pass the limit.
                UpdateExpression="ADD attempts :one SET expires_at = :expires_at, #type = :type",
                ConditionExpression="attribute_not_exists(attempts) OR attempts < :limit",
                ExpressionAttributeNames={"#type": "type"},
                ExpressionAttributeValues=marshal(
                    {":one": 1, ":limit": limit, ":expires_at": epoch_seconds(expires_at), ":type": "counter"}
                ),
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
            return False
        return True

    def give_back(self, key: keys.Key) -> None:
        """Uncount one reserved attempt that turned out right."""
        try:
            self.dynamodb.update_item(
                TableName=self.table_name,
                Key=marshal(key),
                UpdateExpression="ADD attempts :minus_one",
                ConditionExpression="attempts > :zero",  # never below zero, even if its window ended
                ExpressionAttributeValues=marshal({":minus_one": -1, ":zero": 0}),
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise

    def count_for_school(self, school: str, counter: str, amount: int = 1) -> None:
        """Add to a per-school counter: statistics that outlive the deleted accounts."""
        self.dynamodb.update_item(
            TableName=self.table_name,
            Key=marshal(keys.school_counts_key(school)),
            UpdateExpression="ADD #counter :amount SET #type = :type",
            ExpressionAttributeNames={"#counter": counter, "#type": "type"},
            ExpressionAttributeValues=marshal({":amount": amount, ":type": "stats"}),
        )

    def school_counts(self, school: str) -> dict[str, int]:
        item = self._get(keys.school_counts_key(school), consistent=False) or {}
        return {name: int(value) for name, value in item.items() if name not in ("pk", "sk", "type")}

    def sweep_cursor(self) -> date | None:
        """Return the last day whose due accounts were all handed to the sweep's workers."""
        item = self._get(keys.sweep_cursor_key())
        return date.fromisoformat(item["day"]) if item else None

    def set_sweep_cursor(self, day: date) -> None:
        """Move the cursor forward to `day` (never backwards, even if two runs overlap)."""
        try:
            self.dynamodb.put_item(
                TableName=self.table_name,
                Item=marshal({**keys.sweep_cursor_key(), "type": "sweep", "day": day.isoformat()}),
                ConditionExpression="attribute_not_exists(#day) OR #day < :day",
                ExpressionAttributeNames={"#day": "day"},
                ExpressionAttributeValues=marshal({":day": day.isoformat()}),
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
