"""The first-connection page knows its 15 minutes: `GET /api/first-connection/session` (issue 12, point 7)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from functions.core.lifecycle import AccountState
from functions.core.sessions import FIRST_CONNECTION_TIMEOUT
from functions.first_connection.app import create_app
from functions.login.app import create_app as create_login_app
from tests.functions.first_connection.test_first_connection import FORM, start_first_connection


@pytest.fixture
def client(make_client):
    return make_client(create_app)


@pytest.fixture
def login_client(make_client):
    return make_client(create_login_app)


def test_a_first_connection_session_tells_when_it_ends(client, login_client, accounts, clock):
    account, password = accounts.make()
    start_first_connection(login_client, client, account, password)
    started = clock()
    response = client.get("/api/first-connection/session")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert set(response.json) == {"expires_at", "expires_in"}
    assert datetime.fromisoformat(response.json["expires_at"]) == started + FIRST_CONNECTION_TIMEOUT
    assert response.json["expires_in"] == 15 * 60
    clock.advance(minutes=13, seconds=30)
    assert client.get("/api/first-connection/session").json["expires_in"] == 90  # asking does not prolong it
    clock.advance(seconds=90)
    assert client.get("/api/first-connection/session").status_code == 401


def test_no_session_or_a_full_one_is_401(client, login_client, accounts):
    assert client.get("/api/first-connection/session").json["error"] == "not_authenticated"
    account, _ = accounts.make(password="Tournesol42")
    active = replace(account, state=AccountState.ACTIVE, email="famille@exemple.fr")
    accounts.store.save_account(active)
    assert login_client.post(
        "/api/login", {"identifier": account.identifier, "password": "Tournesol42", "profile": "parent"}
    ).json == {"next": "home"}
    client.client.set_cookie("__Host-ent-session", login_client.cookie(), domain="localhost", secure=True)
    response = client.get("/api/first-connection/session")
    assert (response.status_code, response.json["error"]) == (401, "not_authenticated")


def test_once_the_first_connection_is_done_the_session_is_gone(client, login_client, accounts, clock):
    account, password = accounts.make()
    start_first_connection(login_client, client, account, password)
    assert client.post("/api/first-connection", FORM).status_code == 202
    assert client.get("/api/first-connection/session").status_code == 401
    assert timedelta(0) < FIRST_CONNECTION_TIMEOUT
