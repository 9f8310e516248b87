"""Mon compte: changing the password, as the FAQ's « Puis-je changer de mot de passe ? » describes it."""

from __future__ import annotations

import threading

import pytest

from functions.account.app import create_app
from functions.core.passwords import verify_password
from tests.conftest import failed_guesses

from .conftest import NEW_PASSWORD, OLD_EMAIL, PASSWORD, carry_session

FORM = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirmation": NEW_PASSWORD}


def change(client, **fields):
    return client.post("/api/account/password", {**FORM, **fields})


def test_changing_password_keeps_this_browser_logged_in_with_a_new_session(client, account, store):
    before = client.cookie()
    response = change(client)
    assert (response.status_code, response.json) == (200, {"status": "password_changed"})
    cookie = response.headers["Set-Cookie"]
    for attribute in ("__Host-ent-session=", "Secure", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"):
        assert attribute in cookie
    assert client.cookie() != before
    stored = store.get_account(account.identifier)
    assert verify_password(stored.password_hash, NEW_PASSWORD)
    assert stored.session_version == account.session_version + 1


def test_changing_password_needs_the_current_one(client, account, store):
    response = change(client, current_password="")
    assert (response.status_code, response.json["field"]) == (400, "current_password")
    assert verify_password(store.get_account(account.identifier).password_hash, PASSWORD)


def test_wrong_current_password_counts_as_a_failed_guess(client, account, store):
    for _ in range(5):
        response = change(client, current_password="Mauvais123")
        assert response.status_code == 401
        assert (response.json["error"], response.json["field"]) == ("current_password_incorrect", "current_password")
    assert failed_guesses(store, account.identifier) == 5
    locked = change(client)  # even the right one, while locked
    assert (locked.status_code, locked.json["error"]) == (429, "account_locked")
    assert int(locked.headers["Retry-After"]) == 60
    assert verify_password(store.get_account(account.identifier).password_hash, PASSWORD)


def test_wrong_current_password_is_not_taken_for_a_lost_session(client):
    change(client, current_password="Mauvais123")
    assert change(client).status_code == 200  # the session survived the wrong guess


def test_account_lock_from_the_login_page_also_holds_here(client, account, login_client, clock):
    for _ in range(5):
        login_client.post(
            "/api/login", {"identifier": account.identifier, "password": "Mauvais123", "profile": "parent"}
        )
    assert change(client).status_code == 429
    clock.advance(seconds=61)
    assert change(client).status_code == 200


@pytest.mark.parametrize(
    ("new_password", "confirmation", "error", "field"),
    [
        ("Court1", "Court1", "password_policy", "new_password"),
        ("Seulementdeslettres", "Seulementdeslettres", "password_policy", "new_password"),
        ("12345678901", "12345678901", "password_policy", "new_password"),
        ("Beaucouptroplong123", "Beaucouptroplong123", "password_policy", "new_password"),
        ("zoe.martin42", "zoe.martin42", "password_policy", "new_password"),
        ("Martin2024ab", "Martin2024ab", "password_policy", "new_password"),
        ("ab01032015", "ab01032015", "password_policy", "new_password"),
        ("password123", "password123", "password_policy", "new_password"),
        (NEW_PASSWORD, "Nuage7lunf", "password_mismatch", "new_password_confirmation"),
        ("", "", "invalid_input", "new_password"),
    ],
)
def test_new_password_must_follow_the_rule(client, account, store, new_password, confirmation, error, field):
    response = change(client, new_password=new_password, new_password_confirmation=confirmation)
    assert response.status_code == 400
    assert (response.json["error"], response.json["field"]) == (error, field)
    assert response.json["message"]
    assert verify_password(store.get_account(account.identifier).password_hash, PASSWORD)


def test_new_password_cannot_be_the_current_one(client):
    response = change(client, new_password=PASSWORD, new_password_confirmation=PASSWORD)
    assert (response.status_code, response.json["error"]) == (400, "password_policy")
    assert "différent de l'ancien" in response.json["message"]


def test_rule_is_not_checked_before_the_current_password(client):
    """Else « must differ from the old one » would confirm guesses of it without counting them."""
    response = change(
        client, current_password="Mauvais123", new_password="Mauvais123", new_password_confirmation="Mauvais123"
    )
    assert response.json["error"] == "current_password_incorrect"


def test_password_change_revokes_other_sessions_but_keeps_this_one(client, account, log_in, login_client):
    other_device = log_in(account.identifier)
    assert change(client).status_code == 200
    assert (
        other_device.post(
            "/api/account/email", {"current_password": NEW_PASSWORD, "new_email": "a@exemple.fr"}
        ).status_code
        == 401
    )
    carry_session(client, login_client)  # the same browser, on the login app's GET /api/session
    assert login_client.get("/api/session").status_code == 200
    carry_session(other_device, login_client)
    response = login_client.get("/api/session")
    assert (response.status_code, response.json["error"]) == (401, "not_authenticated")


def test_the_old_session_id_no_longer_works(client, login_client):
    old = client.cookie()
    change(client)
    login_client.client.set_cookie("__Host-ent-session", old, domain="localhost", secure=True)
    assert login_client.get("/api/session").status_code == 401


# The two requests overlap (both past the session check) only while verifying takes argon2's real time.
@pytest.mark.argon2_production
def test_two_simultaneous_changes_from_the_same_password_one_wins(account, log_in, store):
    browsers = [log_in(account.identifier) for _ in range(2)]
    wanted = ["Premier7choix", "Second8choix"]
    answers: dict[str, tuple[int, str | None]] = {}

    def submit(browser, new_password: str) -> None:
        response = change(browser, new_password=new_password, new_password_confirmation=new_password)
        answers[new_password] = (response.status_code, (response.json or {}).get("error"))

    threads = [threading.Thread(target=submit, args=pair) for pair in zip(browsers, wanted, strict=False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers.values(), key=str) == [(200, None), (401, "current_password_incorrect")]
    (winner,) = [password for password, (status, _) in answers.items() if status == 200]
    assert verify_password(store.get_account(account.identifier).password_hash, winner)


def test_new_password_works_at_login_and_old_one_does_not(client, account, login_client):
    change(client)
    old = login_client.post("/api/login", {"identifier": account.identifier, "password": PASSWORD, "profile": "parent"})
    assert (old.status_code, old.json["error"]) == (401, "invalid_credentials")
    new = login_client.post(
        "/api/login", {"identifier": account.identifier, "password": NEW_PASSWORD, "profile": "parent"}
    )
    assert new.json == {"next": "home"}


def test_password_change_sends_a_notice_without_the_password(client, outbox):
    change(client)
    (mail,) = outbox()
    assert mail["to"] == OLD_EMAIL
    body = mail["subject"] + mail["text"] + mail["html"]
    assert "zoe.martin" in body
    assert "30/11/2026" in body  # when, in Paris time
    assert "https://aide.ent.example.fr/" in mail["text"]
    assert PASSWORD not in body and NEW_PASSWORD not in body


def test_links_in_the_notice_ignore_the_host_header(client, outbox):
    client.post(
        "/api/account/password", FORM, headers={"X-Forwarded-Host": "evil.example", "Forwarded": "host=evil.example"}
    )
    (mail,) = outbox()
    assert "evil.example" not in mail["text"] + mail["html"]


def test_password_is_changed_even_when_the_notice_cannot_be_sent(account, log_in, failing_mailer, store):
    client = log_in(account.identifier, mailer=failing_mailer())
    response = change(client)
    assert response.status_code == 200
    assert verify_password(store.get_account(account.identifier).password_hash, NEW_PASSWORD)
    (event,) = [event for event in store.events(account.identifier) if event.action == "password_changed"]
    assert event.detail == "notice_not_sent"


def test_password_change_cancels_a_pending_email_change(client, account, store, outbox, make_client):
    client.post("/api/account/email", {"current_password": PASSWORD, "new_email": "intrus@exemple.org"})
    link_mail = next(mail for mail in outbox() if mail["to"] == "intrus@exemple.org")
    change(client)
    assert store.get_account(account.identifier).pending_email is None
    token = link_mail["text"].split("#t=")[1].split()[0]
    response = make_client(create_app).post("/api/account/email/confirm", {"token": token})
    assert (response.status_code, response.json["error"]) == (400, "token_expired")
    assert store.get_account(account.identifier).email == OLD_EMAIL


def test_password_change_is_audited(client, account, store, clock):
    clock.advance(seconds=1)  # after the login's event
    change(client, current_password="Mauvais123")
    clock.advance(seconds=1)
    client.post("/api/account/password", FORM, headers={"User-Agent": "Firefox/1"})
    latest, failed = store.events(account.identifier)[:2]
    assert (latest.action, failed.action) == ("password_changed", "password_change_wrong_current_password")
    assert latest.user_agent == "Firefox/1"
