"""The reset link: a new password once, every session closed, the lock cleared, a notice sent."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from functions.core.lifecycle import AccountState
from functions.core.links import prepare_link
from functions.core.mail import Mailer
from functions.core.passwords import verify_password
from functions.core.tokens import TokenKind
from functions.login.app import create_app as create_login_app
from functions.recovery.app import create_app
from functions.web import services_of
from tests.conftest import MAIL_FROM
from tests.functions.recovery.steps import (
    NEW_PASSWORD,
    PASSWORD,
    NoticeFailingMailer,
    ask_reset,
    choose_password,
    reset_links,
    token_of,
)

ADDRESS = "zoe.parent@example.fr"


@pytest.fixture
def active(accounts):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email=ADDRESS)
    return account


@pytest.fixture
def login(make_client):
    return make_client(create_login_app)


def log_in(login, identifier: str, password: str):
    return login.post("/api/login", {"identifier": identifier, "password": password, "profile": "parent"})


def new_token(client, outbox, identifier: str) -> str:
    ask_reset(client, identifier)
    return token_of(reset_links(outbox())[-1])


def test_the_link_sets_the_new_password(client, active, login, outbox):
    response = choose_password(client, new_token(client, outbox, active.identifier))
    assert (response.status_code, response.json) == (200, {"status": "password_changed"})
    assert log_in(login, active.identifier, NEW_PASSWORD).json == {"next": "home"}
    assert log_in(login, active.identifier, PASSWORD).json["error"] == "invalid_credentials"


def test_the_link_works_only_once(client, active, outbox):
    token = new_token(client, outbox, active.identifier)
    assert choose_password(client, token).status_code == 200
    again = choose_password(client, token, "Autre2024zz")
    assert (again.status_code, again.json["error"], again.json["field"]) == (400, "token_used", "token")


def test_the_link_expires_after_one_hour(client, active, outbox, clock):
    token = new_token(client, outbox, active.identifier)
    clock.advance(minutes=60)
    expired = choose_password(client, token)
    assert (expired.status_code, expired.json["error"]) == (400, "token_expired")


def test_the_link_still_works_just_before_the_hour(client, active, outbox, clock):
    token = new_token(client, outbox, active.identifier)
    clock.advance(minutes=59)
    assert choose_password(client, token).status_code == 200


@pytest.mark.parametrize(
    "token, error",
    [
        ("x" * 43, "token_invalid"),  # well formed, but no such link
        ("abc", "token_invalid"),
        ("not a token at all !", "token_invalid"),
        ("a" * 200, "token_invalid"),
        ("", "token_invalid"),
        (None, "token_invalid"),
        (12345, "invalid_input"),
        ("a" * 257, "invalid_input"),
    ],
)
def test_a_garbled_link_is_refused(client, active, token, error):
    response = client.post(
        "/api/recovery/password/reset",
        {
            "token": token,
            "new_password": NEW_PASSWORD,
            "new_password_confirmation": NEW_PASSWORD,
        },
    )
    assert (response.status_code, response.json["error"], response.json["field"]) == (400, error, "token")


def test_an_activation_link_cannot_reset_the_password(client, active, store, clock):
    holding, link = prepare_link(store, active, TokenKind.ACTIVATION, clock(), "https://aide.ent.example.fr")
    store.save_account(holding)
    response = choose_password(client, token_of(link))
    assert response.json["error"] == "token_invalid"


def test_a_newer_request_cancels_the_older_link(client, active, outbox):
    older = new_token(client, outbox, active.identifier)
    newer = new_token(client, outbox, active.identifier)
    response = choose_password(client, older)
    assert (response.status_code, response.json["error"]) == (400, "token_expired")
    assert choose_password(client, newer).status_code == 200


@pytest.mark.parametrize(
    "password", ["Court1", "sansChiffres", "12345678901", "Zoe.Martin2024", "Azerty123", PASSWORD, "a" * 15 + "1"]
)
def test_the_new_password_follows_the_rule(client, active, outbox, password):
    token = new_token(client, outbox, active.identifier)
    response = choose_password(client, token, password)
    assert (response.status_code, response.json["error"], response.json["field"]) == (
        400,
        "password_policy",
        "new_password",
    )
    assert choose_password(client, token).status_code == 200  # a refused password does not spend the link


def test_the_two_passwords_must_match(client, active, outbox):
    token = new_token(client, outbox, active.identifier)
    response = choose_password(client, token, NEW_PASSWORD, confirmation="Marelle58vo1")
    assert (response.status_code, response.json["error"], response.json["field"]) == (
        400,
        "password_mismatch",
        "new_password_confirmation",
    )


def test_resetting_closes_every_open_session(client, active, login, outbox):
    log_in(login, active.identifier, PASSWORD)
    assert login.get("/api/session").status_code == 200
    choose_password(client, new_token(client, outbox, active.identifier))
    assert login.get("/api/session").status_code == 401


def test_resetting_clears_a_lock(client, active, login, outbox):
    for _ in range(5):
        log_in(login, active.identifier, "Mauvais123")
    assert log_in(login, active.identifier, PASSWORD).status_code == 429
    choose_password(client, new_token(client, outbox, active.identifier))
    assert log_in(login, active.identifier, NEW_PASSWORD).json == {"next": "home"}


def test_resetting_does_not_log_in(client, active, outbox):
    response = choose_password(client, new_token(client, outbox, active.identifier))
    assert response.status_code == 200
    # No session: only the device cookie, which lets this browser keep its own guess budget.
    cookies = response.headers.getlist("Set-Cookie")
    assert [cookie.split("=", 1)[0] for cookie in cookies] == ["__Host-ent-device"]


def test_resetting_cancels_every_outstanding_link(client, active, store, outbox, clock):
    token = new_token(client, outbox, active.identifier)
    fresh = store.get_account(active.identifier)
    holding, _ = prepare_link(store, fresh, TokenKind.EMAIL_CHANGE, clock(), "https://aide.ent.example.fr")
    store.save_account(holding)
    choose_password(client, token)
    assert store.get_account(active.identifier).live_tokens == {}


def test_a_notice_is_sent_to_the_confirmed_address(client, active, outbox):
    choose_password(client, new_token(client, outbox, active.identifier))
    notice = outbox()[-1]
    assert notice["to"] == ADDRESS
    assert notice["subject"] == "Votre mot de passe ENT a été changé"
    assert active.identifier in notice["text"]
    assert "30/11/2026 à 10h00" in notice["text"]  # Paris time
    assert "https://aide.ent.example.fr/mot-de-passe-oublie/" in notice["text"]
    assert "#t=" not in notice["text"] + notice["html"]  # nothing in it logs in
    assert NEW_PASSWORD not in notice["text"] + notice["html"]


def test_a_notice_that_cannot_be_sent_does_not_undo_the_reset(make_client, active, store, outbox, login):
    client = make_client(create_app, mailer=NoticeFailingMailer(MAIL_FROM))
    response = choose_password(client, new_token(client, outbox, active.identifier))
    assert response.status_code == 200
    assert log_in(login, active.identifier, NEW_PASSWORD).json == {"next": "home"}
    [reset] = [event for event in store.events(active.identifier) if event.action == "password_reset"]
    assert reset.detail == "notice_not_sent"


def test_the_reset_is_audited(client, active, store, outbox):
    token = new_token(client, outbox, active.identifier)
    client.post(
        "/api/recovery/password/reset",
        {
            "token": token,
            "new_password": NEW_PASSWORD,
            "new_password_confirmation": NEW_PASSWORD,
        },
        headers={"User-Agent": "Firefox/1"},
    )
    [reset] = [event for event in store.events(active.identifier) if event.action == "password_reset"]
    assert (reset.detail, reset.user_agent) == ("notice_sent", "Firefox/1")
    assert token not in repr(store.events(active.identifier))


def test_a_link_of_an_account_deactivated_since_is_refused(client, active, store, outbox):
    token = new_token(client, outbox, active.identifier)
    account = store.get_account(active.identifier)
    store.save_account(replace(account, state=AccountState.DEACTIVATED))
    assert choose_password(client, token).json["error"] == "token_expired"


def test_twenty_simultaneous_uses_of_one_link_change_the_password_once(make_client, active, store, outbox):
    token = new_token(make_client(create_app), outbox, active.identifier)
    clients = [make_client(create_app) for _ in range(20)]
    passwords = [f"Marelle{number:02d}vol" for number in range(20)]
    start = threading.Barrier(len(clients))
    answers: list[tuple[int, str]] = [(0, "")] * len(clients)

    def use(index: int) -> None:
        start.wait()
        response = choose_password(clients[index], token, passwords[index])
        answers[index] = (response.status_code, (response.json or {}).get("error", ""))

    threads = [threading.Thread(target=use, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [index for index, (status, _) in enumerate(answers) if status == 200]
    assert len(winners) == 1
    # The others find the link used, or (past the link's 3 comparisons with the current password,
    # test_reset_guesses.py) spent: either way nothing else changes the password.
    losers = {answer for index, answer in enumerate(answers) if index not in winners}
    assert losers <= {(400, "token_used"), (400, "token_expired")}
    assert verify_password(store.get_account(active.identifier).password_hash, passwords[winners[0]])
    assert len([mail for mail in outbox() if mail["subject"] == "Votre mot de passe ENT a été changé"]) == 1


def test_a_body_that_is_not_json_is_a_json_400(client):
    response = client.client.post(
        "/api/recovery/password/reset",
        data="[]",
        content_type="application/json",
        headers={"Origin": "https://aide.ent.example.fr"},
    )
    assert (response.status_code, response.json["error"]) == (400, "invalid_input")


@pytest.mark.parametrize("field", ["new_password", "new_password_confirmation"])
def test_an_oversized_password_field_is_refused_without_hashing(client, field):
    body = {
        "token": "x" * 43,
        "new_password": NEW_PASSWORD,
        "new_password_confirmation": NEW_PASSWORD,
        field: "a1" * 100,
    }
    response = client.post("/api/recovery/password/reset", body)
    assert (response.status_code, response.json["field"]) == (400, field)


def test_a_form_post_from_another_site_is_refused(client):
    response = client.client.post(
        "/api/recovery/password", data="identifier=zoe.martin", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415


def test_a_default_mailer_is_built_from_the_settings(settings, store):
    app = create_app(settings, store=store)
    mailer = services_of(app).mailer
    assert isinstance(mailer, Mailer) and mailer.sender == MAIL_FROM
