"""DynamoDB's wire format and client: marshalling, the table, and how its refusals read.

Our own few lines instead of boto3.dynamodb.types: importing boto3 costs ~100 ms of cold start.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from functions.core.aws import client

Item = dict[str, Any]


def to_attribute(value: Any) -> dict[str, Any]:
    """Return the DynamoDB attribute of a Python value (str, int, bool, None, list, dict)."""
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if value is None:
        return {"NULL": True}
    if isinstance(value, (list, tuple)):
        return {"L": [to_attribute(element) for element in value]}
    if isinstance(value, dict):
        return {"M": {key: to_attribute(element) for key, element in value.items()}}
    raise TypeError(f"cannot store a {type(value).__name__} in DynamoDB")


def from_attribute(attribute: dict[str, Any]) -> Any:
    """Return the Python value of a DynamoDB attribute written by `to_attribute`."""
    ((kind, value),) = attribute.items()
    if kind in ("S", "BOOL"):
        return value
    if kind == "N":
        return float(value) if any(mark in value for mark in ".eE") else int(value)
    if kind == "NULL":
        return None
    if kind == "L":
        return [from_attribute(element) for element in value]
    if kind == "M":
        return {key: from_attribute(element) for key, element in value.items()}
    raise TypeError(f"unexpected DynamoDB attribute type {kind}")


def marshal(item: Item) -> dict[str, Any]:
    return {name: to_attribute(value) for name, value in item.items()}


def unmarshal(item: dict[str, Any]) -> Item:
    return {name: from_attribute(value) for name, value in item.items()}


def cancellation_reasons(error: ClientError) -> list[str | None]:
    """Return why each item of a cancelled transaction failed; re-raise any other error."""
    if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        raise error
    return [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]


def is_conditional_failure(error: ClientError) -> bool:
    # Matched by code, not class: each botocore client has its own exception classes.
    return bool(error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException")


class Table:
    """The accounts table, its client made at first use; the base of every store operation."""

    def __init__(self, table_name: str, dynamodb: Any | None = None) -> None:
        self.table_name = table_name
        self._dynamodb = dynamodb

    @property
    def dynamodb(self) -> Any:
        if self._dynamodb is None:
            self._dynamodb = client("dynamodb")
        return self._dynamodb

    def _get(self, key: dict[str, str], *, consistent: bool = True) -> Item | None:
        """Return the item at `key`, or None."""
        response = self.dynamodb.get_item(TableName=self.table_name, Key=marshal(key), ConsistentRead=consistent)
        item = response.get("Item")
        return unmarshal(item) if item else None

    def _put(self, item: Item) -> None:
        self.dynamodb.put_item(TableName=self.table_name, Item=marshal(item))

    def _delete(self, key: dict[str, str]) -> None:
        self.dynamodb.delete_item(TableName=self.table_name, Key=marshal(key))

    def _query(self, condition: str, values: Item, **options: Any) -> Iterator[Item]:
        """Yield every item matching the key condition, page after page."""
        pages = self.dynamodb.get_paginator("query").paginate(
            TableName=self.table_name,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=marshal(values),
            **options,
        )
        for page in pages:
            yield from map(unmarshal, page.get("Items", []))
