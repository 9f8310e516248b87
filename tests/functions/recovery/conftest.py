"""Fixtures of the recovery flow: its client, a mailer SES refuses, a response floor that does not sleep."""

from __future__ import annotations

import pytest

from functions.core import timing
from functions.core.mail import Mailer
from functions.recovery.app import create_app
from tests.conftest import MAIL_FROM
from tests.functions.recovery.steps import RefusingSES


@pytest.fixture(autouse=True)
def floor_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the response floor's sleeps instead of sleeping: fast tests that can see the floor."""
    slept: list[float] = []
    monkeypatch.setattr(timing, "sleep", slept.append)
    return slept


@pytest.fixture
def client(make_client):
    return make_client(create_app)


@pytest.fixture
def refusing_client(make_client):
    """The recovery app with a mailer whose every send fails."""
    return make_client(create_app, mailer=Mailer(MAIL_FROM, ses=RefusingSES()))
