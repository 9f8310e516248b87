"""Shared fixtures: a moto account, the table built from infra/template.yaml, the store, a clock."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime

import boto3
import pytest
from moto import mock_aws

from devserver.template import table_definition, time_to_live
from functions.core.accounts import issue_account
from functions.core.lifecycle import AccountState, Profile
from functions.core.model import Account
from functions.core.passwords import hash_password
from functions.core.settings import Settings
from functions.core.store import Store

TABLE_NAME = "ent-parents-test"
REGION = "eu-west-3"
MAIL_FROM = "ne-pas-repondre@ent.example.fr"


class FrozenClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.now = self.now + timedelta(**delta)


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never reach a real AWS account from a test."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


_ATOMIC_OPERATIONS = ("put_item", "update_item", "delete_item", "transact_write_items", "get_item", "query")
_moto_lock = threading.RLock()


@pytest.fixture
def aws(aws_environment: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run the test against moto's in-process AWS."""
    from moto.dynamodb.models import DynamoDBBackend

    from functions.core.aws import reset_clients

    # DynamoDB applies each condition and write atomically; moto does not under threads. Give it
    # that atomicity, so the concurrency tests test our conditions and not moto's races.
    for name in _ATOMIC_OPERATIONS:
        monkeypatch.setattr(DynamoDBBackend, name, _serialized(getattr(DynamoDBBackend, name)))
    reset_clients()
    with mock_aws():
        yield
    reset_clients()


def _serialized(operation):
    @functools.wraps(operation)
    def locked(*args, **kwargs):
        with _moto_lock:
            return operation(*args, **kwargs)

    return locked


@pytest.fixture
def table(aws: None) -> str:
    """Create the accounts table exactly as infra/template.yaml declares it."""
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(TableName=TABLE_NAME, **table_definition())
    dynamodb.update_time_to_live(TableName=TABLE_NAME, TimeToLiveSpecification=time_to_live())
    ses = boto3.client("ses")
    ses.verify_email_identity(EmailAddress=MAIL_FROM)
    return TABLE_NAME


@pytest.fixture
def settings(table: str) -> Settings:
    return Settings(table_name=table, public_url="https://aide.ent.example.fr", mail_from=MAIL_FROM)


@pytest.fixture
def store(table: str) -> Store:
    return Store(table)


@pytest.fixture
def accounts(store: Store, clock: FrozenClock):
    """Make accounts in any state: `accounts.make(state=..., password=..., email=...)`."""
    return AccountFactory(store, clock)


class AccountFactory:
    def __init__(self, store: Store, clock: FrozenClock) -> None:
        self.store, self.clock = store, clock

    def make(
        self,
        *,
        state: AccountState = AccountState.ISSUED,
        password: str | None = None,
        email: str | None = None,
        profile: Profile = Profile.PARENT,
        first_name: str = "Zoé",
        last_name: str = "Martin",
        birth_date: date = date(2015, 3, 1),
    ) -> tuple[Account, str]:
        """Return a stored account and its password (the initial one unless `password` is given)."""
        issued = issue_account(
            self.store,
            profile=profile,
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            school="0751234A",
            now=self.clock(),
        )
        account, secret = issued.account, issued.initial_password
        changes: dict = {}
        if password is not None:
            changes["password_hash"], secret = hash_password(password), password
        if email is not None:
            changes["email"] = email
        if state != AccountState.ISSUED:
            changes["state"] = state
        if state == AccountState.ACTIVE:
            changes["activated_at"] = self.clock()
        if changes:
            account = self.store.save_account(replace(account, **changes))
        return account, secret


@pytest.fixture
def clock() -> FrozenClock:
    """A clock at 30 November 2026, 10:00 in Paris."""
    return FrozenClock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))


def failed_guesses(store: Store, identifier: str, secret: str = "password") -> int:
    """Return the failures counted against `identifier` for `secret`, every budget together."""
    states = store.guess_states(identifier)
    return sum(state.consecutive_failures for name, state in states.items() if name.startswith(f"{secret}#"))
