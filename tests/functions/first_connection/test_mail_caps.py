"""First connection's mails: the typed address's daily cap (point 5), the old address told (point 12)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from functions.core.lifecycle import AccountState
from functions.first_connection.app import create_app
from functions.login.app import create_app as create_login_app
from tests.functions.first_connection.test_first_connection import (
    FORM,
    NEW_PASSWORD,
    activation_token,
    start_first_connection,
)

VICTIM = "victime@exemple.org"
OLD_EMAIL = "ancienne.adresse@exemple.fr"
FIRST_NAMES = ["Ana", "Bea", "Cleo", "Dina", "Eva", "Fanny", "Gina"]


@pytest.fixture
def client(make_client):
    return make_client(create_app)


@pytest.fixture
def login_client(make_client):
    return make_client(create_login_app)


def first_connection(make_client, login_client, account, password, email: str):
    browser = make_client(create_app)
    start_first_connection(login_client, browser, account, password)
    return browser.post("/api/first-connection", {**FORM, "email": email})


def resend(client, account):
    return client.post("/api/first-connection/resend", {"identifier": account.identifier, "password": NEW_PASSWORD})


def test_letters_aimed_at_one_address_give_it_five_mails_a_day(
    make_client, login_client, client, accounts, store, outbox, clock
):
    made = [accounts.make(first_name=first_name) for first_name in FIRST_NAMES]
    answers = [first_connection(make_client, login_client, account, password, VICTIM) for account, password in made]
    assert {(answer.status_code, answer.json["next"]) for answer in answers} == {(202, "check-email")}
    for account, _ in made:
        clock.advance(minutes=1)
        assert resend(client, account).status_code == 202  # the same answer, capped or not
    assert Counter(mail["to"] for mail in outbox())[VICTIM] == 5
    # The first connections over the cap are made all the same, their mail held back and audited.
    held = made[5][0]
    stored = store.get_account(held.identifier)
    assert (stored.state, stored.pending_email) == (AccountState.PENDING_CONFIRMATION, VICTIM)
    [event] = [event for event in store.events(held.identifier) if event.action == "first_connection"]
    assert event.detail == "capped"
    resent = [event.detail for event in store.events(held.identifier) if event.action == "activation_link_resent"]
    assert resent == ["capped"]
    # The next day (Paris), the family asks for its link again and gets it.
    clock.advance(days=1)
    assert resend(client, held).status_code == 202
    assert Counter(mail["to"] for mail in outbox())[VICTIM] == 6
    assert client.post("/api/activation", {"token": activation_token(outbox()[-1])}).json == {"status": "active"}


def reissued_active(accounts, store):
    """An account reissued while active: a new letter, its verified address kept (ent-admin reissue)."""
    account, password = accounts.make()
    return store.save_account(replace(account, email=OLD_EMAIL)), password


def test_a_first_connection_that_replaces_a_verified_address_tells_the_old_one(
    make_client, login_client, accounts, store, outbox
):
    account, password = reissued_active(accounts, store)
    response = first_connection(make_client, login_client, account, password, "Nouvelle.Adresse@exemple.org")
    assert response.status_code == 202
    activation, notice = outbox()
    assert activation["to"] == "Nouvelle.Adresse@exemple.org"
    assert notice["to"] == OLD_EMAIL
    assert "première connexion" in notice["text"] and account.identifier in notice["text"]
    assert "N•••@exemple.org" in notice["text"] and "Nouvelle.Adresse" not in notice["text"] + notice["html"]
    assert "#t=" not in notice["text"] + notice["html"]  # nothing in it activates or logs in
    assert "https://aide.ent.example.fr/mot-de-passe-oublie/" in notice["text"]
    assert "établissement" in notice["text"] and NEW_PASSWORD not in notice["text"] + notice["html"]
    [event] = [event for event in store.events(account.identifier) if event.action == "first_connection_address_notice"]
    assert event.detail == "notice_sent"
    assert store.get_account(account.identifier).email == OLD_EMAIL  # until the new one is confirmed


def test_the_same_address_again_or_none_before_sends_no_notice(make_client, login_client, accounts, store, outbox):
    account, password = reissued_active(accounts, store)
    first_connection(make_client, login_client, account, password, " Ancienne.Adresse@EXEMPLE.fr ")
    fresh, fresh_password = accounts.make(first_name="Noa")
    first_connection(make_client, login_client, fresh, fresh_password, "noa@exemple.fr")
    assert [mail["to"].casefold() for mail in outbox()] == [OLD_EMAIL, "noa@exemple.fr"]  # activations only
