"""Shared fixtures: a moto account, the table built from infra/template.yaml, the store, a clock."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterator

import boto3
import pytest
from moto import mock_aws

from devserver.template import table_definition, time_to_live
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


@pytest.fixture
def aws(aws_environment: None) -> Iterator[None]:
    """Run the test against moto's in-process AWS."""
    from functions.core.aws import reset_clients

    reset_clients()
    with mock_aws():
        yield
    reset_clients()


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
def clock() -> FrozenClock:
    """A clock at 30 November 2026, 10:00 in Paris."""
    return FrozenClock(datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc))
