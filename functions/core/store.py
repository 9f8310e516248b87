"""The DynamoDB store: the only module that knows the table's key shapes.

| access pattern                         | key                                         | method                  |
| -------------------------------------- | ------------------------------------------- | ----------------------- |
| account by identifier                  | pk=ACCOUNT#<identifier>, sk=ACCOUNT         | get_account             |
| create an account (identifier unique)  | same, put if pk absent                      | create_account          |
| change an account (no lost update)     | same, put if version unchanged              | save_account            |
| delete an account                      | same                                        | delete_account          |
| identifiers of a verified email        | GSI by-email: email_key=<email>             | identifiers_for_email   |
| non-active accounts due in a period    | GSI by-due-day: due_key=<YYYY-MM>#<shard>,  | accounts_due            |
|                                        |   due_sk between <first day> and <last day> |                         |
| token by its hash                      | pk=TOKEN#<sha256>, sk=TOKEN                 | put_token, get_token    |
| use a token and change its account     | both above, in one transaction              | save_account_using_token|
| session by its hash                    | pk=SESSION#<sha256>, sk=SESSION             | put/get/touch/delete_session |
| audit events of an account             | pk=ACCOUNT#<identifier>, sk=EVENT#<time>#.. | add_event, events       |
| every item of an account               | pk=ACCOUNT#<identifier>                     | delete_account          |
|   and its person item                  |   pk=PERSON#… named by person_fingerprint   |                         |
| one person once per school and profile | pk=PERSON#<UAI>#<profile>#<sha256>, sk=PERSON | person_identifier     |
|   (roster re-import finds them again)  |   written with the account, in one transaction | create_account_for_person |
| accounts of a school (secretariat)     | GSI by-school: school=<UAI>, pk             | accounts_of_school      |
| page feedback, every page in one query | pk=FEEDBACK, sk=<page>#<time>#<random>      | add_feedback, feedback  |
| failed guesses of a source IP          | pk=IP#<ip>, sk=FAILURES#<window start>      | ip_failures, count_ip_failure |
| the sweep's last finished day          | pk=SWEEP, sk=CURSOR                         | sweep_cursor, set_sweep_cursor |
| non-personal counts per school         | pk=STATS#<UAI>, sk=COUNTS                   | count_for_school        |
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from functions.core.aws import client
from functions.core.clock import epoch_seconds
from functions.core.errors import AccountNotFound, ConcurrentUpdate, IdentifierTaken, TokenUsed
from functions.core.lifecycle import AccountState, Profile, next_due_day
from functions.core.sessions import Session, SessionScope
from functions.core.throttling import GuessState
from functions.core.tokens import TokenKind

EMAIL_INDEX = "by-email"
SCHOOL_INDEX = "by-school"
DUE_INDEX = "by-due-day"
# A back-to-school day can put tens of thousands of accounts on one due day: spread them.
DUE_SHARDS = 4


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
    guesses: GuessState = field(default_factory=GuessState)
    # Hash of the one live token per purpose: a new one, or a password change, cancels the old.
    live_tokens: dict[str, str] = field(default_factory=dict)
    recovery_mails: tuple[datetime, ...] = ()  # sent in the last hour, for the 3-per-hour cap
    reminders_sent: tuple[str, ...] = ()
    # sha256 of the normalized names and birth date, when issued from a roster (see PERSON items).
    person_fingerprint: str | None = None
    version: int = 0

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def due_day(self) -> date | None:
        """The next day the sweep has work on this account; None once active."""
        return next_due_day(self.state, self.activation_deadline, self.deletion_date, self.reminders_sent)


def _account_key(identifier: str) -> dict[str, str]:
    return {"pk": f"ACCOUNT#{identifier}", "sk": "ACCOUNT"}


def _person_key(school: str, profile: Profile, fingerprint: str) -> dict[str, str]:
    return {"pk": f"PERSON#{school}#{profile.value}#{fingerprint}", "sk": "PERSON"}


def due_key(day: date, shard: int) -> str:
    return f"{day:%Y-%m}#{shard}"


def _months(first: date, last: date) -> Iterator[date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


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
    guesses = account.guesses
    if guesses.consecutive_failures or guesses.recent_failures:
        item["consecutive_failures"] = guesses.consecutive_failures
        item["recent_failures"] = [moment.isoformat() for moment in guesses.recent_failures]
    if guesses.locked_until:
        item["locked_until"] = guesses.locked_until.isoformat()
    if account.live_tokens:
        item["live_tokens"] = dict(account.live_tokens)
    if account.recovery_mails:
        item["recovery_mails"] = [moment.isoformat() for moment in account.recovery_mails]
    if account.reminders_sent:
        item["reminders_sent"] = list(account.reminders_sent)
    if account.person_fingerprint:
        item["person_fingerprint"] = account.person_fingerprint
    if account.due_day:
        item["due_key"] = due_key(account.due_day, _due_shard(account.identifier))
        item["due_sk"] = f"{account.due_day.isoformat()}#{account.identifier}"
    return item


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _moments(texts: list[str] | None) -> tuple[datetime, ...]:
    return tuple(datetime.fromisoformat(text) for text in texts or ())


def account_from_item(item: dict[str, Any]) -> Account:
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
        activated_at=_moment(item.get("activated_at")),
        session_version=int(item.get("session_version", 0)),
        guesses=GuessState(
            consecutive_failures=int(item.get("consecutive_failures", 0)),
            locked_until=_moment(item.get("locked_until")),
            recent_failures=_moments(item.get("recent_failures")),
        ),
        live_tokens=dict(item.get("live_tokens", {})),
        recovery_mails=_moments(item.get("recovery_mails")),
        reminders_sent=tuple(item.get("reminders_sent", ())),
        person_fingerprint=item.get("person_fingerprint"),
        version=int(item.get("version", 0)),
    )


def _session_to_item(session: Session) -> dict[str, Any]:
    return {
        **_session_key(session.session_hash),
        "type": "session",
        "identifier": session.identifier,
        "scope": session.scope.value,
        "session_version": session.session_version,
        "created_at": session.created_at.isoformat(),
        "last_seen": session.last_seen.isoformat(),
        "absolute_expiry": session.absolute_expiry.isoformat(),
        "expires_at": epoch_seconds(session.expires_at),
    }


def _to_attribute(value: Any) -> dict[str, Any]:
    # Our own few lines instead of boto3.dynamodb.types: importing boto3 costs ~100 ms of cold start.
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if value is None:
        return {"NULL": True}
    if isinstance(value, (list, tuple)):
        return {"L": [_to_attribute(element) for element in value]}
    if isinstance(value, dict):
        return {"M": {key: _to_attribute(element) for key, element in value.items()}}
    raise TypeError(f"cannot store a {type(value).__name__} in DynamoDB")


def _from_attribute(attribute: dict[str, Any]) -> Any:
    ((kind, value),) = attribute.items()
    if kind == "S" or kind == "BOOL":
        return value
    if kind == "N":
        return float(value) if any(mark in value for mark in ".eE") else int(value)
    if kind == "NULL":
        return None
    if kind == "L":
        return [_from_attribute(element) for element in value]
    if kind == "M":
        return {key: _from_attribute(element) for key, element in value.items()}
    if kind == "SS":
        return set(value)
    raise TypeError(f"unexpected DynamoDB attribute type {kind}")


def _marshal(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _to_attribute(value) for name, value in item.items()}


def _unmarshal(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _from_attribute(value) for name, value in item.items()}


@dataclass(frozen=True)
class TokenRecord:
    token_hash: str
    kind: TokenKind
    identifier: str
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True)
class AuditEvent:
    at: datetime
    action: str
    source_ip: str | None = None
    user_agent: str | None = None
    detail: str | None = None


AUDIT_RETENTION_DAYS = 365
FEEDBACK_PARTITION = "FEEDBACK"


@dataclass(frozen=True)
class SchoolAccount:
    """What the by-school index holds of an account: enough to follow up a school's families."""

    identifier: str
    profile: Profile
    state: AccountState
    first_name: str
    last_name: str
    activation_deadline: date
    deletion_date: date


@dataclass(frozen=True)
class Feedback:
    page: str
    helpful: bool
    comment: str | None
    at: datetime


def _token_key(token_hash: str) -> dict[str, str]:
    return {"pk": f"TOKEN#{token_hash}", "sk": "TOKEN"}


def _session_key(session_hash: str) -> dict[str, str]:
    return {"pk": f"SESSION#{session_hash}", "sk": "SESSION"}


def _cancellation_reasons(error: ClientError) -> list[str | None]:
    """Return why each item of a cancelled transaction failed; re-raise any other error."""
    if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        raise error
    return [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]


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

    def delete_account(self, identifier: str, *, known: Account | None = None) -> int:
        """Delete the account and every item under its key (audit events); return how many.

        Its person item (roster deduplication) goes too, so a later roster issues a new identifier.
        Pass the account when it was just read (`known`, as the sweep has it): it is not read again.
        """
        account = known or self.get_account(identifier)
        deleted = 0
        paginator = self.dynamodb.get_paginator("query")
        pages = paginator.paginate(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :event)",
            ExpressionAttributeValues=_marshal({":pk": _account_key(identifier)["pk"], ":event": "EVENT#"}),
            ProjectionExpression="pk, sk",
        )
        for page in pages:
            for item in page.get("Items", []):
                self.dynamodb.delete_item(TableName=self.table_name, Key=item)
                deleted += 1
        if account is not None:
            self.dynamodb.delete_item(TableName=self.table_name, Key=_marshal(_account_key(identifier)))
            deleted += 1
            if account.person_fingerprint:
                self.forget_person(account.school, account.profile, account.person_fingerprint, identifier)
        return deleted

    # People (roster deduplication) -------------------------------------------------------

    def create_account_for_person(self, account: Account) -> str | None:
        """Store a new account and its person item together.

        Return None once stored; if this person (account.person_fingerprint, school, profile) already
        has an identifier, write nothing and return it. Raise IdentifierTaken if the identifier exists.
        """
        if not account.person_fingerprint:
            raise ValueError("create_account_for_person needs account.person_fingerprint")
        person_key = _person_key(account.school, account.profile, account.person_fingerprint)
        try:
            self.dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self.table_name,
                            "Item": _marshal(account_to_item(account)),
                            # The identifier is the key: two homonyms issued at once never share it.
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Put": {
                            "TableName": self.table_name,
                            "Item": _marshal({**person_key, "type": "person", "identifier": account.identifier}),
                            # One identifier per person: the same roster imported twice creates nobody twice.
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                ]
            )
        except ClientError as error:
            reasons = _cancellation_reasons(error)
            if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                existing = self.person_identifier(account.school, account.profile, account.person_fingerprint)
                if existing is None:  # deleted in between: the caller may simply try again
                    raise ConcurrentUpdate() from error
                return existing
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise IdentifierTaken(field="identifier") from error
            raise
        return None

    def person_identifier(self, school: str, profile: Profile, fingerprint: str) -> str | None:
        """Return the identifier issued to this person in this school and profile, or None."""
        response = self.dynamodb.get_item(
            TableName=self.table_name, Key=_marshal(_person_key(school, profile, fingerprint)), ConsistentRead=True
        )
        item = response.get("Item")
        return _unmarshal(item)["identifier"] if item else None

    def forget_person(self, school: str, profile: Profile, fingerprint: str, identifier: str) -> None:
        """Delete the person item if it still points to `identifier` (never a newer one)."""
        try:
            self.dynamodb.delete_item(
                TableName=self.table_name,
                Key=_marshal(_person_key(school, profile, fingerprint)),
                ConditionExpression="identifier = :identifier",
                ExpressionAttributeValues=_marshal({":identifier": identifier}),
            )
        except ClientError as error:
            if not _is_conditional_failure(error):
                raise

    def accounts_of_school(self, school: str) -> list[SchoolAccount]:
        """Return the school's accounts by identifier, from the by-school index (no Scan)."""
        rows: list[SchoolAccount] = []
        paginator = self.dynamodb.get_paginator("query")
        pages = paginator.paginate(
            TableName=self.table_name,
            IndexName=SCHOOL_INDEX,
            KeyConditionExpression="school = :school",
            ExpressionAttributeValues=_marshal({":school": school}),
        )
        for page in pages:
            for item in map(_unmarshal, page.get("Items", [])):
                rows.append(
                    SchoolAccount(
                        identifier=item["identifier"],
                        profile=Profile(item["profile"]),
                        state=AccountState(item["state"]),
                        first_name=item["first_name"],
                        last_name=item["last_name"],
                        activation_deadline=date.fromisoformat(item["activation_deadline"]),
                        deletion_date=date.fromisoformat(item["deletion_date"]),
                    )
                )
        return rows

    # Tokens -------------------------------------------------------------------------------

    def put_token(self, record: TokenRecord) -> None:
        """Store a token's hash; DynamoDB's TTL removes it some time after it expires."""
        self.dynamodb.put_item(
            TableName=self.table_name,
            Item=_marshal(
                {
                    **_token_key(record.token_hash),
                    "type": "token",
                    "kind": record.kind.value,
                    "identifier": record.identifier,
                    "expires_at": epoch_seconds(record.expires_at),
                }
            ),
        )

    def get_token(self, token_hash: str) -> TokenRecord | None:
        response = self.dynamodb.get_item(
            TableName=self.table_name, Key=_marshal(_token_key(token_hash)), ConsistentRead=True
        )
        if "Item" not in response:
            return None
        item = _unmarshal(response["Item"])
        return TokenRecord(
            token_hash=token_hash,
            kind=TokenKind(item["kind"]),
            identifier=item["identifier"],
            expires_at=datetime.fromtimestamp(int(item["expires_at"]), tz=UTC),
            used_at=_moment(item.get("used_at")),
        )

    def save_account_using_token(self, account: Account, token_hash: str, now: datetime) -> Account:
        """Mark the token used and save the account, both or neither."""
        saved = replace(account, version=account.version + 1)
        try:
            self.dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self.table_name,
                            "Key": _marshal(_token_key(token_hash)),
                            "UpdateExpression": "SET used_at = :now",
                            # Single use even under concurrent clicks: only the first request finds it unused.
                            "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(used_at)",
                            "ExpressionAttributeValues": _marshal({":now": now.isoformat()}),
                        }
                    },
                    {
                        "Put": {
                            "TableName": self.table_name,
                            "Item": _marshal(account_to_item(saved)),
                            "ConditionExpression": "attribute_exists(pk) AND #version = :read_version",
                            "ExpressionAttributeNames": {"#version": "version"},
                            "ExpressionAttributeValues": _marshal({":read_version": account.version}),
                        }
                    },
                ]
            )
        except ClientError as error:
            reasons = _cancellation_reasons(error)
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise TokenUsed() from error
            raise ConcurrentUpdate() from error
        return saved

    # Sessions -----------------------------------------------------------------------------

    def put_session(self, session: Session) -> None:
        self.dynamodb.put_item(TableName=self.table_name, Item=_marshal(_session_to_item(session)))

    def get_session(self, session_hash: str) -> Session | None:
        response = self.dynamodb.get_item(
            TableName=self.table_name, Key=_marshal(_session_key(session_hash)), ConsistentRead=True
        )
        if "Item" not in response:
            return None
        item = _unmarshal(response["Item"])
        return Session(
            session_hash=session_hash,
            identifier=item["identifier"],
            scope=SessionScope(item["scope"]),
            session_version=int(item["session_version"]),
            created_at=datetime.fromisoformat(item["created_at"]),
            last_seen=datetime.fromisoformat(item["last_seen"]),
            absolute_expiry=datetime.fromisoformat(item["absolute_expiry"]),
        )

    def touch_session(self, session: Session, now: datetime) -> Session:
        touched = replace(session, last_seen=now)
        self.put_session(touched)
        return touched

    def delete_session(self, session_hash: str) -> None:
        self.dynamodb.delete_item(TableName=self.table_name, Key=_marshal(_session_key(session_hash)))

    # Audit --------------------------------------------------------------------------------

    def add_event(self, identifier: str, event: AuditEvent) -> None:
        """Record what happened to an account; kept one year (TTL)."""
        item: dict[str, Any] = {
            "pk": _account_key(identifier)["pk"],
            "sk": f"EVENT#{event.at.isoformat()}#{secrets.token_hex(4)}",
            "type": "event",
            "action": event.action,
            "at": event.at.isoformat(),
            "expires_at": epoch_seconds(event.at) + AUDIT_RETENTION_DAYS * 86400,
        }
        for name in ("source_ip", "user_agent", "detail"):
            if getattr(event, name):
                item[name] = getattr(event, name)[:512]
        self.dynamodb.put_item(TableName=self.table_name, Item=_marshal(item))

    def events(self, identifier: str, limit: int = 20) -> list[AuditEvent]:
        """Return the account's latest events, newest first."""
        response = self.dynamodb.query(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :event)",
            ExpressionAttributeValues=_marshal({":pk": _account_key(identifier)["pk"], ":event": "EVENT#"}),
            ScanIndexForward=False,
            Limit=limit,
        )
        return [
            AuditEvent(
                at=datetime.fromisoformat(item["at"]),
                action=item["action"],
                source_ip=item.get("source_ip"),
                user_agent=item.get("user_agent"),
                detail=item.get("detail"),
            )
            for item in map(_unmarshal, response.get("Items", []))
        ]

    def delete_tokens(self, token_hashes: list[str]) -> None:
        """Delete token items (the account's live links) before their TTL does."""
        for hashed in token_hashes:
            self.dynamodb.delete_item(TableName=self.table_name, Key=_marshal(_token_key(hashed)))

    # Guesses per source IP ---------------------------------------------------------------

    def ip_failures(self, source_ip: str, window: str) -> int:
        """Return the failed guesses counted for `source_ip` in the time window `window`."""
        response = self.dynamodb.get_item(
            TableName=self.table_name, Key=_marshal({"pk": f"IP#{source_ip}", "sk": f"FAILURES#{window}"})
        )
        return int(_unmarshal(response["Item"]).get("failures", 0)) if "Item" in response else 0

    def count_ip_failure(self, source_ip: str, window: str, expires_at: datetime) -> None:
        """Add one failed guess to the IP's counter for the window (atomic; TTL cleans up)."""
        self.dynamodb.update_item(
            TableName=self.table_name,
            Key=_marshal({"pk": f"IP#{source_ip}", "sk": f"FAILURES#{window}"}),
            UpdateExpression="ADD failures :one SET expires_at = :expires_at, #type = :type",
            ExpressionAttributeNames={"#type": "type"},
            ExpressionAttributeValues=_marshal({":one": 1, ":expires_at": epoch_seconds(expires_at), ":type": "ip"}),
        )

    # Sweep --------------------------------------------------------------------------------

    def sweep_cursor(self) -> date | None:
        """Return the last day whose due accounts were all handled."""
        response = self.dynamodb.get_item(
            TableName=self.table_name, Key=_marshal({"pk": "SWEEP", "sk": "CURSOR"}), ConsistentRead=True
        )
        item = response.get("Item")
        return date.fromisoformat(_unmarshal(item)["day"]) if item else None

    def set_sweep_cursor(self, day: date) -> None:
        """Move the cursor forward to `day` (never backwards, even if two runs overlap)."""
        try:
            self.dynamodb.put_item(
                TableName=self.table_name,
                Item=_marshal({"pk": "SWEEP", "sk": "CURSOR", "type": "sweep", "day": day.isoformat()}),
                ConditionExpression="attribute_not_exists(#day) OR #day < :day",
                ExpressionAttributeNames={"#day": "day"},
                ExpressionAttributeValues=_marshal({":day": day.isoformat()}),
            )
        except ClientError as error:
            if not _is_conditional_failure(error):
                raise

    def count_for_school(self, school: str, counter: str, amount: int = 1) -> None:
        """Add to a per-school counter: statistics that outlive the deleted accounts."""
        self.dynamodb.update_item(
            TableName=self.table_name,
            Key=_marshal({"pk": f"STATS#{school}", "sk": "COUNTS"}),
            UpdateExpression="ADD #counter :amount SET #type = :type",
            ExpressionAttributeNames={"#counter": counter, "#type": "type"},
            ExpressionAttributeValues=_marshal({":amount": amount, ":type": "stats"}),
        )

    def school_counts(self, school: str) -> dict[str, int]:
        response = self.dynamodb.get_item(
            TableName=self.table_name, Key=_marshal({"pk": f"STATS#{school}", "sk": "COUNTS"})
        )
        item = _unmarshal(response.get("Item", {})) if response.get("Item") else {}
        return {name: int(value) for name, value in item.items() if name not in ("pk", "sk", "type")}

    # Feedback -----------------------------------------------------------------------------

    def add_feedback(self, page: str, helpful: bool, comment: str | None, at: datetime) -> None:
        item: dict[str, Any] = {
            # One partition for every page: the report reads them all with one query, never a Scan.
            "pk": FEEDBACK_PARTITION,
            "sk": f"{page}#{at.isoformat()}#{secrets.token_hex(4)}",
            "type": "feedback",
            "page": page,
            "helpful": helpful,
            "at": at.isoformat(),
        }
        if comment:
            item["comment"] = comment
        self.dynamodb.put_item(TableName=self.table_name, Item=_marshal(item))

    def feedback(self) -> list[Feedback]:
        """Return every page answer, by page then time."""
        answers: list[Feedback] = []
        paginator = self.dynamodb.get_paginator("query")
        pages = paginator.paginate(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues=_marshal({":pk": FEEDBACK_PARTITION}),
        )
        for page in pages:
            for item in map(_unmarshal, page.get("Items", [])):
                answers.append(
                    Feedback(
                        page=item["page"],
                        helpful=bool(item["helpful"]),
                        comment=item.get("comment"),
                        at=datetime.fromisoformat(item["at"]),
                    )
                )
        return answers

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

    def accounts_due(self, first_day: date, last_day: date) -> Iterator[Account]:
        """Yield the non-active accounts due from `first_day` to `last_day`, from the sparse index.

        One query per month and shard; the range condition on due_sk means accounts due later
        are neither read nor billed.
        """
        paginator = self.dynamodb.get_paginator("query")
        for month in _months(first_day, last_day):
            for shard in range(DUE_SHARDS):
                pages = paginator.paginate(
                    TableName=self.table_name,
                    IndexName=DUE_INDEX,
                    KeyConditionExpression="due_key = :month AND due_sk BETWEEN :first AND :last",
                    ExpressionAttributeValues=_marshal(
                        {
                            ":month": due_key(month, shard),
                            ":first": first_day.isoformat(),
                            ":last": f"{last_day.isoformat()}#~",  # '~' sorts after any identifier
                        }
                    ),
                )
                for page in pages:
                    for item in page.get("Items", []):
                        yield account_from_item(_unmarshal(item))
