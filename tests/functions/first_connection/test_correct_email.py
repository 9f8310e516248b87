"""A mistyped address is not the end: the pending answer shows it, masked, and it can be corrected."""

from __future__ import annotations

from collections import Counter

import pytest

from functions.core.lifecycle import AccountState
from functions.core.mail import Mailer
from functions.first_connection.app import create_app
from functions.login.app import create_app as create_login_app
from tests.conftest import failed_guesses
from tests.functions.first_connection.test_first_connection import (
    FORM,
    NEW_PASSWORD,
    FailingSes,
    activation_token,
    start_first_connection,
)

TYPO = "famille.martin@gmial.com"
RIGHT = "famille.martin@gmail.com"


@pytest.fixture
def client(make_client):
    return make_client(create_app)


@pytest.fixture
def login_client(make_client):
    return make_client(create_login_app)


@pytest.fixture
def pending(client, login_client, accounts):
    """An account whose first connection gave a mistyped address."""
    account, initial_password = accounts.make()
    start_first_connection(login_client, client, account, initial_password)
    assert client.post("/api/first-connection", {**FORM, "email": TYPO}).status_code == 202
    return account


def correct(client, account, email=RIGHT, password=NEW_PASSWORD):
    return client.post(
        "/api/first-connection/email", {"identifier": account.identifier, "password": password, "email": email}
    )


def test_the_pending_answer_shows_the_awaited_address_masked_after_the_right_password(login_client, pending):
    answer = login_client.post(
        "/api/login", {"identifier": pending.identifier, "password": NEW_PASSWORD, "profile": "parent"}
    )
    assert (answer.status_code, answer.json["error"]) == (403, "email_confirmation_pending")
    assert answer.json["pending_email"] == "f•••@gmial.com"
    wrong = login_client.post(
        "/api/login", {"identifier": pending.identifier, "password": "Mauvais123", "profile": "parent"}
    )
    assert wrong.json["error"] == "invalid_credentials" and "pending_email" not in wrong.json


def test_the_resend_says_where_the_link_went(client, pending, clock):
    clock.advance(minutes=5)
    answer = client.post("/api/first-connection/resend", {"identifier": pending.identifier, "password": NEW_PASSWORD})
    assert (answer.status_code, answer.json) == (202, {"next": "check-email", "pending_email": "f•••@gmial.com"})


def test_a_correction_sends_a_new_link_to_the_new_address_and_the_old_link_expires(
    client, login_client, pending, store, outbox
):
    answer = correct(client, pending, email=" Famille.Martin@GMAIL.com ")
    assert (answer.status_code, answer.json) == (202, {"next": "check-email", "pending_email": "F•••@gmail.com"})
    to_typo, to_right = outbox()
    assert to_typo["to"] == TYPO and to_right["to"] == "Famille.Martin@gmail.com"
    assert "Activez votre compte" in to_right["subject"]
    stored = store.get_account(pending.identifier)
    assert (stored.state, stored.pending_email) == (AccountState.PENDING_CONFIRMATION, "Famille.Martin@gmail.com")
    assert [event.action for event in store.events(pending.identifier)].count("activation_address_corrected") == 1
    old = client.post("/api/activation", {"token": activation_token(to_typo)})
    assert (old.status_code, old.json["error"]) == (400, "token_expired")
    assert client.post("/api/activation", {"token": activation_token(to_right)}).json == {"status": "active"}
    activated = store.get_account(pending.identifier)
    assert (activated.email, activated.pending_email) == ("Famille.Martin@gmail.com", None)
    login = login_client.post(
        "/api/login", {"identifier": pending.identifier, "password": NEW_PASSWORD, "profile": "parent"}
    )
    assert login.json == {"next": "home"}


def test_a_wrong_password_is_invalid_credentials_and_counted(client, pending, store, outbox):
    answer = correct(client, pending, password="Mauvais123")
    unknown = client.post(
        "/api/first-connection/email", {"identifier": "personne.inconnue", "password": "Mauvais123", "email": RIGHT}
    )
    assert (answer.status_code, answer.json["error"]) == (401, "invalid_credentials")
    assert answer.json == unknown.json
    assert failed_guesses(store, pending.identifier, "password") == 1
    assert store.get_account(pending.identifier).pending_email == TYPO
    assert len(outbox()) == 1
    for _ in range(4):
        correct(client, pending, password="Mauvais123")
    assert correct(client, pending).status_code == 429  # locked: even the right password waits


def test_an_invalid_new_address_is_refused_and_changes_nothing(client, pending, store):
    answer = correct(client, pending, email="famille.martin@")
    assert (answer.status_code, answer.json["error"], answer.json["field"]) == (400, "invalid_email", "email")
    assert store.get_account(pending.identifier).pending_email == TYPO


@pytest.mark.parametrize(
    ("state", "code"),
    [
        (AccountState.ISSUED, "first_connection_required"),
        (AccountState.ACTIVE, "already_active"),
        (AccountState.DEACTIVATED, "account_deactivated"),
    ],
)
def test_only_an_account_awaiting_activation_is_corrected(client, accounts, store, outbox, state, code):
    account, password = accounts.make(state=state, password=NEW_PASSWORD, email="famille@example.fr")
    answer = correct(client, account, password=password)
    assert answer.json["error"] == code
    assert store.get_account(account.identifier).pending_email == account.pending_email
    assert outbox() == []


def test_corrections_and_resends_share_the_three_mails_an_hour(client, pending, outbox, clock):
    assert (
        client.post(
            "/api/first-connection/resend", {"identifier": pending.identifier, "password": NEW_PASSWORD}
        ).status_code
        == 202
    )
    assert correct(client, pending).status_code == 202  # the first connection's mail is the first of three
    capped = correct(client, pending, email="famille.martin@gmail.fr")
    assert (capped.status_code, capped.json["error"]) == (429, "too_many_requests")
    assert len(outbox()) == 3
    clock.advance(hours=1, seconds=1)
    assert correct(client, pending, email="famille.martin@gmail.fr").status_code == 202


def test_a_typed_address_over_its_daily_cap_is_corrected_but_not_mailed(
    client, accounts, login_client, make_client, store, outbox, clock
):
    for first_name in ["Ana", "Bea", "Cleo", "Dina", "Eva"]:
        other, other_password = accounts.make(first_name=first_name)
        browser = make_client(create_app)
        start_first_connection(login_client, browser, other, other_password)
        assert browser.post("/api/first-connection", {**FORM, "email": RIGHT}).status_code == 202
    account, initial_password = accounts.make(first_name="Fanny")
    start_first_connection(login_client, client, account, initial_password)
    client.post("/api/first-connection", {**FORM, "email": TYPO})
    typo_mail = outbox()[-1]
    answer = correct(client, account)
    assert (answer.status_code, answer.json["next"]) == (202, "check-email")  # the same answer
    assert Counter(mail["to"] for mail in outbox())[RIGHT] == 5
    stored = store.get_account(account.identifier)
    assert stored.pending_email == RIGHT  # corrected all the same, the old link cancelled
    assert client.post("/api/activation", {"token": activation_token(typo_mail)}).json["error"] == "token_expired"
    [event] = [event for event in store.events(account.identifier) if event.action == "activation_address_corrected"]
    assert event.detail == "capped"
    clock.advance(days=1)  # the next Paris day, the resend sends it
    resent = client.post("/api/first-connection/resend", {"identifier": account.identifier, "password": NEW_PASSWORD})
    assert resent.json["pending_email"] == "f•••@gmail.com"
    assert client.post("/api/activation", {"token": activation_token(outbox()[-1])}).json == {"status": "active"}


def test_a_correction_that_ses_refuses_leaves_the_account_as_it_was(
    settings, make_client, client, pending, store, outbox
):
    before = store.get_account(pending.identifier)
    failing = make_client(create_app, mailer=Mailer(settings.mail_from, ses=FailingSes()))
    answer = correct(failing, pending)
    assert (answer.status_code, answer.json["error"]) == (503, "mail_unavailable")
    after = store.get_account(pending.identifier)
    assert (after.pending_email, after.live_tokens, after.recovery_mails) == (
        before.pending_email,
        before.live_tokens,
        before.recovery_mails,
    )
    (first,) = outbox()
    assert client.post("/api/activation", {"token": activation_token(first)}).json == {"status": "active"}
