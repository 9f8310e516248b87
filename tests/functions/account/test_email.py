"""Mon compte: changing the email address, confirmed by a link sent to the new one."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from functions.account.app import create_app
from functions.core.links import prepare_link
from functions.core.tokens import LIFETIMES, TokenKind
from tests.conftest import failed_guesses

from .conftest import NEW_EMAIL, OLD_EMAIL, PASSWORD, token_in


def request_change(client, **fields):
    return client.post("/api/account/email", {"current_password": PASSWORD, "new_email": NEW_EMAIL, **fields})


@pytest.fixture
def elsewhere(make_client):
    """The account app in another browser, without any session (the phone that opens the mail)."""
    return make_client(create_app)


def confirm(client, token):
    return client.post("/api/account/email/confirm", {"token": token})


def mail_to(outbox, address):
    (mail,) = [mail for mail in outbox() if mail["to"] == address]
    return mail


def test_email_change_sends_confirmation_to_new_and_notice_to_old(client, outbox):
    response = request_change(client)
    assert (response.status_code, response.json) == (202, {"status": "check-email"})
    confirmation, notice = mail_to(outbox, NEW_EMAIL), mail_to(outbox, OLD_EMAIL)
    assert len(outbox()) == 2
    assert confirmation["text"].count("https://aide.ent.example.fr/compte/email/#t=") == 1
    assert "https://aide.ent.example.fr/compte/email/#t=" in confirmation["html"]
    assert "zoe.martin" in confirmation["text"]
    assert "#t=" not in notice["text"] + notice["html"]  # the old address cannot confirm for the new one
    assert "changez votre mot de passe" in notice["text"]
    assert "établissement" in notice["text"]
    assert "z•••@exemple.org" in notice["text"] and NEW_EMAIL not in notice["text"]
    for mail in (confirmation, notice):
        assert PASSWORD not in mail["text"] + mail["html"]


def test_old_address_stays_the_recovery_address_until_confirmed(client, account, store, outbox, elsewhere):
    request_change(client)
    stored = store.get_account(account.identifier)
    assert (stored.email, stored.pending_email) == (OLD_EMAIL, NEW_EMAIL)
    assert store.identifiers_for_email(OLD_EMAIL) == [account.identifier]
    assert store.identifiers_for_email(NEW_EMAIL) == []
    response = confirm(elsewhere, token_in(mail_to(outbox, NEW_EMAIL)))
    assert (response.status_code, response.json) == (200, {"status": "email_confirmed"})
    stored = store.get_account(account.identifier)
    assert (stored.email, stored.pending_email) == (NEW_EMAIL, None)
    assert store.identifiers_for_email(NEW_EMAIL) == [account.identifier]
    assert store.identifiers_for_email(OLD_EMAIL) == []


def test_confirmation_link_works_once(client, outbox, elsewhere):
    request_change(client)
    token = token_in(mail_to(outbox, NEW_EMAIL))
    assert confirm(elsewhere, token).status_code == 200
    again = confirm(elsewhere, token)
    assert (again.status_code, again.json["error"], again.json["field"]) == (400, "token_used", "token")
    assert "confirmée" in again.json["message"]
    assert again.json["help"] == "/aide/lien-courriel/#lien-adresse-utilise"


def test_twenty_clicks_on_one_confirmation_link_confirm_once(client, account, store, outbox, make_client):
    request_change(client)
    token = token_in(mail_to(outbox, NEW_EMAIL))
    answers: list[tuple[int, str | None]] = []

    def click() -> None:
        response = confirm(make_client(create_app), token)
        answers.append((response.status_code, response.json.get("error")))

    threads = [threading.Thread(target=click) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers, key=str) == [(200, None)] + [(400, "token_used")] * 19
    assert store.get_account(account.identifier).email == NEW_EMAIL


def test_confirmation_link_expires(client, account, store, outbox, elsewhere, clock):
    request_change(client)
    clock.advance(seconds=LIFETIMES[TokenKind.EMAIL_CHANGE].total_seconds() + 1)
    response = confirm(elsewhere, token_in(mail_to(outbox, NEW_EMAIL)))
    assert (response.status_code, response.json["error"]) == (400, "token_expired")
    assert response.json["help"] == "/aide/lien-courriel/#lien-adresse-expire"
    assert store.get_account(account.identifier).email == OLD_EMAIL


def test_confirmation_link_is_valid_until_its_last_second(client, outbox, elsewhere, clock):
    request_change(client)
    clock.advance(seconds=LIFETIMES[TokenKind.EMAIL_CHANGE].total_seconds() - 1)
    assert confirm(elsewhere, token_in(mail_to(outbox, NEW_EMAIL))).status_code == 200


@pytest.mark.parametrize("token", [None, "", "abc", "x" * 129, 12345, ["a"], "A" * 43, "<script>alert(1)</script>"])
def test_invalid_confirmation_link(elsewhere, token):
    response = confirm(elsewhere, token)
    assert (response.status_code, response.json["error"], response.json["field"]) == (400, "token_invalid", "token")


def test_a_link_for_another_purpose_does_not_confirm_an_address(account, store, settings, clock, elsewhere):
    with_link, link = prepare_link(store, account, TokenKind.RESET, clock(), settings.public_url)
    store.save_account(replace(with_link, pending_email=NEW_EMAIL))
    response = confirm(elsewhere, link.split("#t=")[1])
    assert (response.status_code, response.json["error"]) == (400, "token_invalid")


def test_a_newer_request_replaces_the_older_link(client, account, store, outbox, elsewhere):
    request_change(client, new_email="premiere@exemple.org")
    request_change(client)
    older = confirm(elsewhere, token_in(mail_to(outbox, "premiere@exemple.org")))
    assert (older.status_code, older.json["error"]) == (400, "token_expired")
    assert confirm(elsewhere, token_in(mail_to(outbox, NEW_EMAIL))).status_code == 200
    assert store.get_account(account.identifier).email == NEW_EMAIL


def test_confirming_the_new_address_cancels_a_reset_link_sent_to_the_old_one(
    client, account, store, settings, outbox, elsewhere, clock
):
    request_change(client)
    fresh = store.get_account(account.identifier)
    with_reset, _ = prepare_link(store, fresh, TokenKind.RESET, clock(), settings.public_url)
    store.save_account(with_reset)
    confirm(elsewhere, token_in(mail_to(outbox, NEW_EMAIL)))
    assert "reset" not in store.get_account(account.identifier).live_tokens


def test_email_change_needs_the_current_password(client, account, store, outbox):
    response = request_change(client, current_password="Mauvais123")
    assert (response.status_code, response.json["error"], response.json["field"]) == (
        401,
        "current_password_incorrect",
        "current_password",
    )
    assert failed_guesses(store, account.identifier) == 1
    assert store.get_account(account.identifier).pending_email is None
    assert outbox() == []
    missing = request_change(client, current_password="")
    assert (missing.status_code, missing.json["field"]) == (400, "current_password")


def test_wrong_current_password_for_email_counts_toward_the_lock(client):
    for _ in range(5):
        assert request_change(client, current_password="Mauvais123").status_code == 401
    locked = request_change(client)
    assert (locked.status_code, locked.json["error"]) == (429, "account_locked")
    assert locked.headers["Retry-After"]


@pytest.mark.parametrize(
    "new_email",
    [
        "pas-une-adresse",
        "zoe@",
        "@exemple.fr",
        "zoe@exemple",
        "zoe martin@exemple.fr",
        "Zoé <zoe@exemple.fr>",
        "zoe@exemple.fr\nBcc: x@y.fr",
        "a" * 250 + "@exemple.fr",
        42,
        ["zoe@exemple.fr"],
    ],
)
def test_new_email_must_be_a_valid_address(client, account, store, outbox, new_email):
    response = request_change(client, new_email=new_email)
    assert response.status_code == 400
    assert response.json["field"] == "new_email"
    assert response.json["error"] in ("invalid_email", "invalid_input")
    assert store.get_account(account.identifier).pending_email is None
    assert outbox() == []


def test_malformed_or_too_long_address_is_an_invalid_email(client):
    for new_email in ("zoe@exemple", "a" * 250 + "@exemple.fr"):
        assert request_change(client, new_email=new_email).json["error"] == "invalid_email"


def test_new_email_is_required(client):
    response = request_change(client, new_email="")
    assert (response.status_code, response.json["field"]) == (400, "new_email")


def test_new_email_same_as_current_is_refused_clearly(client, outbox):
    response = request_change(client, new_email=" Zoe.Martin@EXEMPLE.fr ")
    assert (response.status_code, response.json["error"], response.json["field"]) == (
        400,
        "email_unchanged",
        "new_email",
    )
    assert "déjà" in response.json["message"]
    assert outbox() == []


def test_mail_failure_changes_nothing(account, log_in, failing_mailer, store):
    client = log_in(account.identifier, mailer=failing_mailer())
    before = store.get_account(account.identifier)
    response = request_change(client)
    assert (response.status_code, response.json["error"]) == (503, "mail_unavailable")
    # The mail counted against the hourly cap before sending is given back: only the version moved.
    assert replace(store.get_account(account.identifier), version=before.version) == before


def test_notice_failure_also_changes_nothing(account, log_in, failing_mailer, store):
    """Without the notice, the old address would not learn of a change it did not ask for."""
    client = log_in(account.identifier, mailer=failing_mailer(OLD_EMAIL))
    before = store.get_account(account.identifier)
    assert request_change(client).status_code == 503
    assert replace(store.get_account(account.identifier), version=before.version) == before


def test_links_in_emails_are_built_from_the_public_url(client, outbox):
    client.post(
        "/api/account/email",
        {"current_password": PASSWORD, "new_email": NEW_EMAIL},
        headers={"X-Forwarded-Host": "evil.example", "Forwarded": "host=evil.example"},
    )
    for mail in outbox():
        assert "evil.example" not in mail["text"] + mail["html"]
    assert "https://aide.ent.example.fr/compte/email/#t=" in mail_to(outbox, NEW_EMAIL)["text"]


def test_email_change_is_audited(client, account, store, outbox, elsewhere, clock):
    clock.advance(seconds=1)  # after the login's event
    request_change(client, current_password="Mauvais123")
    clock.advance(seconds=1)
    request_change(client)
    clock.advance(seconds=1)
    confirm(elsewhere, token_in(mail_to(outbox, NEW_EMAIL)))
    actions = [event.action for event in store.events(account.identifier)]
    assert actions[:3] == ["email_changed", "email_change_requested", "email_change_wrong_current_password"]
    assert all(NEW_EMAIL not in (event.detail or "") for event in store.events(account.identifier))
