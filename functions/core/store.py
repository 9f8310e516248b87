"""The DynamoDB store: the only module that knows the table's key shapes.

| access pattern                         | key                                         | method                  |
| -------------------------------------- | ------------------------------------------- | ----------------------- |
| account by identifier                  | pk=ACCOUNT#<identifier>, sk=ACCOUNT         | get_account             |
| create an account (identifier unique)  | same, put if pk absent                      | create_account          |
| change an account (no lost update)     | same, put if version unchanged              | save_account            |
| delete an account                      | same                                        | delete_account          |
| identifiers of a verified email        | GSI by-email: email_key=<email>             | identifiers_for_email   |
| non-active accounts due on a day       | GSI by-due-day: due_key=<YYYY-MM-DD>#<shard>| accounts_due            |
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Iterator

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from functions.core.aws import client
from functions.core.errors import AccountNotFound, ConcurrentUpdate, IdentifierTaken
from functions.core.lifecycle import AccountState, Profile

EMAIL_INDEX = "by-email"
DUE_INDEX = "by-due-day"
# A back-to-school day can put tens of thousands of accounts on one due day: spread them.
DUE_SHARDS = 4

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


@dataclass(frozen=True)
class Account:
    identifier: str
    profile: Profile
    state: AccountState
    school: str
    first_name: str
    last_name: str
    birth_date: date
    password_hash: str
    issued_at: datetime
    activation_deadline: date
    deletion_date: date
    email: str | None = None
    pending_email: str | None = None
    activated_at: datetime | None = None
    session_version: int = 0
    version: int = 0

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def due_day(self) -> date | None:
        """The next day the sweep has work on this account; None once active."""
        if self.state == AccountState.ACTIVE:
            return None
        if self.state == AccountState.DEACTIVATED:
            return self.deletion_date
        return date.fromordinal(self.activation_deadline.toordinal() + 1)


def _account_key(identifier: str) -> dict[str, str]:
    return {"pk": f"ACCOUNT#{identifier}", "sk": "ACCOUNT"}


def due_key(day: date, shard: int) -> str:
    return f"{day.isoformat()}#{shard}"


def _due_shard(identifier: str) -> int:
    return hashlib.sha256(identifier.encode()).digest()[0] % DUE_SHARDS


def account_to_item(account: Account) -> dict[str, Any]:
    item: dict[str, Any] = {
        **_account_key(account.identifier),
        "type": "account",
        "identifier": account.identifier,
        "profile": account.profile.value,
        "state": account.state.value,
        "school": account.school,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "birth_date": account.birth_date.isoformat(),
        "password_hash": account.password_hash,
        "issued_at": account.issued_at.isoformat(),
        "activation_deadline": account.activation_deadline.isoformat(),
        "deletion_date": account.deletion_date.isoformat(),
        "session_version": account.session_version,
        "version": account.version,
    }
    if account.email:
        item["email"] = account.email
        item["email_key"] = account.email.lower()  # sparse GSI: verified addresses only
    if account.pending_email:
        item["pending_email"] = account.pending_email
    if account.activated_at:
        item["activated_at"] = account.activated_at.isoformat()
    if account.due_day:
        item["due_key"] = due_key(account.due_day, _due_shard(account.identifier))
    return item


def account_from_item(item: dict[str, Any]) -> Account:
    activated_at = item.get("activated_at")
    return Account(
        identifier=item["identifier"],
        profile=Profile(item["profile"]),
        state=AccountState(item["state"]),
        school=item["school"],
        first_name=item["first_name"],
        last_name=item["last_name"],
        birth_date=date.fromisoformat(item["birth_date"]),
        password_hash=item["password_hash"],
        issued_at=datetime.fromisoformat(item["issued_at"]),
        activation_deadline=date.fromisoformat(item["activation_deadline"]),
        deletion_date=date.fromisoformat(item["deletion_date"]),
        email=item.get("email"),
        pending_email=item.get("pending_email"),
        activated_at=datetime.fromisoformat(activated_at) if activated_at else None,
        session_version=int(item.get("session_version", 0)),
        version=int(item.get("version", 0)),
    )


def _marshal(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in item.items()}


def _unmarshal(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def _is_conditional_failure(error: ClientError) -> bool:
    # Matched by code, not class: each boto3 client has its own exception classes.
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class Store:
    """Typed access to the accounts table."""

    def __init__(self, table_name: str, dynamodb: Any | None = None) -> None:
        self.table_name = table_name
        self._dynamodb = dynamodb

    @property
    def dynamodb(self) -> Any:
        if self._dynamodb is None:
            self._dynamodb = client("dynamodb")
        return self._dynamodb

    def get_account(self, identifier: str) -> Account | None:
        """Return the account, read consistently, or None."""
        response = self.dynamodb.get_item(
            TableName=self.table_name, Key=_marshal(_account_key(identifier)), ConsistentRead=True
        )
        item = response.get("Item")
        return account_from_item(_unmarshal(item)) if item else None

    def create_account(self, account: Account) -> Account:
        """Store a new account; raise IdentifierTaken if the identifier exists."""
        try:
            self.dynamodb.put_item(
                TableName=self.table_name,
                Item=_marshal(account_to_item(account)),
                # The identifier is the key: two homonyms issued at once never share it.
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if not _is_conditional_failure(error):
                raise
            raise IdentifierTaken(field="identifier") from error
        return account

    def save_account(self, account: Account) -> Account:
        """Write `account` over the stored one if nobody changed it since it was read."""
        saved = replace(account, version=account.version + 1)
        try:
            self.dynamodb.put_item(
                TableName=self.table_name,
                Item=_marshal(account_to_item(saved)),
                # Optimistic lock: of two concurrent changes, the second one fails here.
                ConditionExpression="attribute_exists(pk) AND #version = :read_version",
                ExpressionAttributeNames={"#version": "version"},
                ExpressionAttributeValues=_marshal({":read_version": account.version}),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not _is_conditional_failure(error):
                raise
            if not error.response.get("Item"):
                raise AccountNotFound() from error
            raise ConcurrentUpdate() from error
        return saved

    def delete_account(self, identifier: str) -> None:
        """Delete the account item (linked items are the lifecycle's business)."""
        self.dynamodb.delete_item(TableName=self.table_name, Key=_marshal(_account_key(identifier)))

    def identifiers_for_email(self, email: str) -> list[str]:
        """Return every identifier whose verified address is `email` (case-insensitive)."""
        identifiers: list[str] = []
        paginator = self.dynamodb.get_paginator("query")
        pages = paginator.paginate(
            TableName=self.table_name,
            IndexName=EMAIL_INDEX,
            KeyConditionExpression="email_key = :email",
            ExpressionAttributeValues=_marshal({":email": email.strip().lower()}),
        )
        for page in pages:
            for item in page.get("Items", []):
                identifiers.append(_unmarshal(item)["pk"].removeprefix("ACCOUNT#"))
        return sorted(identifiers)

    def accounts_due(self, day: date) -> Iterator[Account]:
        """Yield the non-active accounts due on `day`, every shard, from the sparse due index."""
        paginator = self.dynamodb.get_paginator("query")
        for shard in range(DUE_SHARDS):
            pages = paginator.paginate(
                TableName=self.table_name,
                IndexName=DUE_INDEX,
                KeyConditionExpression="due_key = :due",
                ExpressionAttributeValues=_marshal({":due": due_key(day, shard)}),
            )
            for page in pages:
                for item in page.get("Items", []):
                    yield account_from_item(_unmarshal(item))
