"""Fixtures for Mon compte: an active account, logged in through the login app."""

from __future__ import annotations

import re
from typing import Any

import pytest

from functions.account.app import create_app
from functions.core.lifecycle import AccountState
from functions.core.mail import Mailer
from functions.login.app import create_app as create_login_app

PASSWORD = "Soleil2024x"
NEW_PASSWORD = "Nuage7lune"
OLD_EMAIL = "zoe.martin@exemple.fr"
NEW_EMAIL = "zoe.nouvelle@exemple.org"
COOKIE = "__Host-ent-session"


@pytest.fixture
def account(accounts):
    """An active account with a verified address; its password is PASSWORD."""
    made, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email=OLD_EMAIL)
    return made


@pytest.fixture
def log_in(make_client):
    """Log in through the login app and return an account-app client holding that session."""

    def build(identifier: str, password: str = PASSWORD, **services: Any):
        login = make_client(create_login_app)
        response = login.post("/api/login", {"identifier": identifier, "password": password, "profile": "parent"})
        assert response.status_code == 200, response.json
        client = make_client(create_app, **services)
        carry_session(login, client)
        return client

    return build


@pytest.fixture
def client(log_in, account):
    """The account app, logged in as `account`."""
    return log_in(account.identifier)


@pytest.fixture
def login_client(make_client):
    return make_client(create_login_app)


def carry_session(source, target) -> None:
    """Put the session cookie of one client into another (the browser shares it between apps)."""
    target.client.set_cookie(COOKIE, source.cookie(), domain="localhost", secure=True)


def token_in(mail: dict[str, str]) -> str:
    match = re.search(r"#t=([A-Za-z0-9_-]+)", mail["text"])
    assert match, f"no link in {mail['text']!r}"
    return match.group(1)


class FailingSes:
    """An SES client that refuses mail to some addresses (every address when none given)."""

    def __init__(self, *refused: str) -> None:
        self.refused = set(refused)

    def send_email(self, **request: Any) -> None:
        to = request["Destination"]["ToAddresses"][0]
        if not self.refused or to in self.refused:
            raise ConnectionError("SES is down")
        from functions.core.aws import client

        client("sesv2").send_email(**request)


@pytest.fixture
def failing_mailer(settings):
    """`failing_mailer(*addresses)`: a mailer whose sends to those addresses (or all) fail."""
    return lambda *refused: Mailer(settings.mail_from, ses=FailingSes(*refused))
