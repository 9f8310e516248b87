"""Shared fixtures: a moto account, the table built from infra/template.yaml, the store, a clock.

Also what keeps the run fast: argon2 at its cheapest (except for tests marked `argon2_production`),
AWS's service models parsed once per process, and the markers each directory's tests get.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import boto3
import botocore.loaders
import botocore.session
import pytest
from moto import mock_aws

from functions.core import passwords
from functions.core.accounts import issue_account
from functions.core.lifecycle import AccountState, Profile
from functions.core.model import Account
from functions.core.passwords import hash_password
from functions.core.settings import Settings
from functions.core.store import Store
from infra.template import table_definition, time_to_live

TABLE_NAME = "ent-parents-test"
REGION = "eu-west-3"
MAIL_FROM = "ne-pas-repondre@ent.example.fr"
LETTERS_BUCKET = "ent-parents-test-letters"


# Markers by place, so `-m "not browser and not contract and not slow"` is the fast tier (`make test-fast`).
TESTS = Path(__file__).resolve().parent
_MARKERS_BY_DIRECTORY = {"browser": "browser", "contract": "contract"}
# Tests that start processes: the local stack's smoke tests, cfn-lint over the whole template.
_SLOW = {"devserver/test_smoke.py": None, "infra/test_template.py": {"test_cfn_lint_finds_nothing"}}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if not item.path.is_relative_to(TESTS):
            continue
        place = item.path.relative_to(TESTS)
        if place.parts[0] in _MARKERS_BY_DIRECTORY:
            item.add_marker(_MARKERS_BY_DIRECTORY[place.parts[0]])
        slow = _SLOW.get(place.as_posix(), set())
        if slow is None or getattr(item, "originalname", item.name) in slow:
            item.add_marker("slow")


@pytest.fixture(scope="session", autouse=True)
def service_models_parsed_once() -> Iterator[None]:
    """Share one botocore data loader between every session of the run.

    moto gives boto3 a new default session at every test, and the functions make a botocore session
    per client: each would parse the same service models (JSON) again, ~70 ms a client, most of a
    test's setup. The loader only reads botocore's own files, so sharing it changes nothing else.
    """
    shared = functools.cache(botocore.loaders.create_loader)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session, "create_loader", shared)
        yield


@pytest.fixture(autouse=True)
def cheap_argon2(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """argon2id at its cheapest (8 KiB, one pass): hashing is not what these tests test.

    A test of the production parameters says so with `@pytest.mark.argon2_production`.
    """
    if request.node.get_closest_marker("argon2_production") is None:
        monkeypatch.setattr(passwords, "ARGON2_MEMORY_KIB", 8)
        monkeypatch.setattr(passwords, "ARGON2_TIME_COST", 1)
        monkeypatch.setattr(passwords, "ARGON2_PARALLELISM", 1)
    _forget_hashers()  # the hasher (and the dummy hash) are built from the parameters once
    yield
    _forget_hashers()


def _forget_hashers() -> None:
    passwords.hasher.cache_clear()
    passwords._dummy_hash.cache_clear()


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


@functools.cache
def _setup_clients() -> tuple[Any, Any, Any]:
    """The clients that build each test's table, made once: moto answers any client while it is on."""
    session = boto3.Session(region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")
    return session.client("dynamodb"), session.client("ses"), session.client("s3")


@pytest.fixture
def table(aws: None) -> str:
    """Create the accounts table exactly as infra/template.yaml declares it (a new one for every test).

    A table per test costs ~5 ms in moto: less than what sharing one (and emptying it) would.
    """
    dynamodb, ses, _ = _setup_clients()
    dynamodb.create_table(TableName=TABLE_NAME, **table_definition())
    dynamodb.update_time_to_live(TableName=TABLE_NAME, TimeToLiveSpecification=time_to_live())
    ses.verify_email_identity(EmailAddress=MAIL_FROM)
    return TABLE_NAME


@pytest.fixture
def letters_bucket(aws: None) -> str:
    """The console's private letters bucket, as infra/template.yaml declares it (moto's S3)."""
    from infra.template import create_letters_bucket

    create_letters_bucket(_setup_clients()[2], LETTERS_BUCKET, REGION)
    return LETTERS_BUCKET


@pytest.fixture
def settings(table: str, letters_bucket: str) -> Settings:
    return Settings(
        table_name=table, public_url="https://aide.ent.example.fr", mail_from=MAIL_FROM, letters_bucket=letters_bucket
    )


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
        classe: str | None = None,
    ) -> tuple[Account, str]:
        """Return a stored account and its password (the initial one unless `password` is given)."""
        issued = issue_account(
            self.store,
            profile=profile,
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            school="0751234J",
            now=self.clock(),
            classe=classe,
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
