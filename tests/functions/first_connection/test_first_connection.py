"""First connection and activation, as the school's FAQ describes them."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest

from functions.core.lifecycle import AccountState
from functions.core.mail import Mailer
from functions.first_connection.app import create_app
from functions.login.app import create_app as create_login_app
from tests.conftest import failed_guesses

NEW_PASSWORD = "Tournesol42"
FORM = {
    "birth_date": "01/03/2015",
    "email": "famille.martin@example.fr",
    "new_password": NEW_PASSWORD,
    "new_password_confirmation": NEW_PASSWORD,
}


@pytest.fixture
def client(make_client):
    return make_client(create_app)


@pytest.fixture
def login_client(make_client):
    return make_client(create_login_app)


def start_first_connection(login_client, client, account, password):
    """Log in with the letter's password and carry the first-connection session over."""
    assert login_client.post(
        "/api/login", {"identifier": account.identifier, "password": password, "profile": "parent"}
    ).json == {"next": "first-connection"}
    client.client.set_cookie("__Host-ent-session", login_client.cookie(), domain="localhost", secure=True)


def activation_token(mail: dict) -> str:
    match = re.search(r"/activation/#t=([A-Za-z0-9_-]+)", mail["text"])
    assert match, f"no activation link in {mail['text']!r}"
    return match.group(1)


def test_first_connection_sends_an_activation_link_and_waits_for_it(client, login_client, accounts, store, outbox):
    account, initial_password = accounts.make()
    start_first_connection(login_client, client, account, initial_password)
    response = client.post("/api/first-connection", FORM)
    assert (response.status_code, response.json) == (202, {"next": "check-email"})
    stored = store.get_account(account.identifier)
    assert stored.state == AccountState.PENDING_CONFIRMATION
    assert stored.email is None and stored.pending_email == "famille.martin@example.fr"
    (mail,) = outbox()
    assert mail["to"] == "famille.martin@example.fr"
    assert "Activez votre compte" in mail["subject"]
    assert mail["text"].count("https://aide.ent.example.fr/activation/#t=") == 1
    assert "https://aide.ent.example.fr/activation/#t=" in mail["html"]
    assert initial_password not in mail["text"] + mail["html"] and NEW_PASSWORD not in mail["text"] + mail["html"]


def test_first_connection_needs_the_letters_session(client, accounts):
    response = client.post("/api/first-connection", FORM)
    assert (response.status_code, response.json["error"]) == (401, "not_authenticated")


def test_wrong_birth_date_is_refused_and_counts_as_a_failed_guess(client, login_client, accounts, store):
    account, initial_password = accounts.make()
    start_first_connection(login_client, client, account, initial_password)
    response = client.post("/api/first-connection", {**FORM, "birth_date": "02/03/2015"})
    assert (response.status_code, response.json["error"], response.json["field"]) == (
        401,
        "birth_date_mismatch",
        "birth_date",
    )
    assert failed_guesses(store, account.identifier, "birth_date") == 1
    for _ in range(4):
        client.post("/api/first-connection", {**FORM, "birth_date": "02/03/2015"})
    assert client.post("/api/first-connection", FORM).status_code == 429


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"birth_date": "31/02/2015"}, "invalid_input", "birth_date"),
        ({"birth_date": "2015/03/01"}, "invalid_input", "birth_date"),
        ({"email": "pas-une-adresse"}, "invalid_email", "email"),
        ({"email": ""}, "invalid_input", "email"),
        ({"new_password": "court1", "new_password_confirmation": "court1"}, "password_policy", "new_password"),
        (
            {"new_password": "Tournesol42!abc", "new_password_confirmation": "Tournesol42!abc"},
            "password_policy",
            "new_password",
        ),
        (
            {"new_password": "sansChiffres", "new_password_confirmation": "sansChiffres"},
            "password_policy",
            "new_password",
        ),
        (
            {"new_password": "zoe.martin12", "new_password_confirmation": "zoe.martin12"},
            "password_policy",
            "new_password",
        ),
        (
            {"new_password": "Abc01032015", "new_password_confirmation": "Abc01032015"},
            "password_policy",
            "new_password",
        ),
        ({"new_password_confirmation": "Tournesol43"}, "password_mismatch", "new_password_confirmation"),
        ({"new_password": ["x"]}, "invalid_input", "new_password"),
    ],
)
def test_bad_first_connection_input_names_the_field(client, login_client, accounts, store, changes, code, field):
    account, initial_password = accounts.make()
    start_first_connection(login_client, client, account, initial_password)
    response = client.post("/api/first-connection", {**FORM, **changes})
    assert (response.status_code, response.json["error"], response.json.get("field")) == (400, code, field)
    assert response.json["message"]
    assert store.get_account(account.identifier).state == AccountState.ISSUED


def test_the_letters_password_cannot_be_kept(client, login_client, accounts):
    account, initial_password = accounts.make()
    start_first_connection(login_client, client, account, initial_password)
    response = client.post(
        "/api/first-connection",
        {**FORM, "new_password": initial_password, "new_password_confirmation": initial_password},
    )
    assert response.json["error"] == "password_policy"


def test_activation_link_activates_the_account_and_then_login_opens_it(client, login_client, accounts, store, outbox):
    account, initial_password = accounts.make()
    start_first_connection(login_client, client, account, initial_password)
    client.post("/api/first-connection", FORM)
    token = activation_token(outbox()[0])
    response = client.post("/api/activation", {"token": token})
    assert (response.status_code, response.json) == (200, {"status": "active"})
    stored = store.get_account(account.identifier)
    assert stored.state == AccountState.ACTIVE and stored.email == "famille.martin@example.fr"
    assert store.identifiers_for_email("famille.martin@example.fr") == [account.identifier]
    login = login_client.post(
        "/api/login", {"identifier": account.identifier, "password": NEW_PASSWORD, "profile": "parent"}
    )
    assert login.json == {"next": "home"}
    old = login_client.post(
        "/api/login", {"identifier": account.identifier, "password": initial_password, "profile": "parent"}
    )
    assert old.json["error"] == "invalid_credentials"


def test_pending_account_login_says_to_confirm_the_email(client, login_client, accounts):
    account, initial_password = accounts.make()
    start_first_connection(login_client, client, account, initial_password)
    client.post("/api/first-connection", FORM)
    response = login_client.post(
        "/api/login", {"identifier": account.identifier, "password": NEW_PASSWORD, "profile": "parent"}
    )
    assert (response.status_code, response.json["error"]) == (403, "email_confirmation_pending")


def test_activation_link_used_twice_says_already_active(client, login_client, accounts, outbox):
    account, initial_password = accounts.make()
    start_first_connection(login_client, client, account, initial_password)
    client.post("/api/first-connection", FORM)
    token = activation_token(outbox()[0])
    client.post("/api/activation", {"token": token})
    again = client.post("/api/activation", {"token": token})
    assert (again.status_code, again.json["error"]) == (400, "token_used")
    assert "connectez-vous" in again.json["message"].lower()


@pytest.mark.parametrize("token", ["", "abc", "x" * 43, None, 12, "../../etc", "a" * 500])
def test_unknown_activation_link_is_invalid(client, token):
    response = client.post("/api/activation", {"token": token})
    assert (response.status_code, response.json["error"]) == (400, "token_invalid")


def test_activation_link_expires_after_seven_days(client, login_client, accounts, outbox, clock):
    account, initial_password = accounts.make()
    start_first_connection(login_client, client, account, initial_password)
    client.post("/api/first-connection", FORM)
    clock.advance(days=7, seconds=1)
    response = client.post("/api/activation", {"token": activation_token(outbox()[0])})
    assert (response.status_code, response.json["error"]) == (400, "token_expired")
    assert response.json["help"]


def test_activation_link_never_outlives_the_activation_deadline(client, login_client, accounts, outbox, clock, store):
    account, initial_password = accounts.make()
    clock.now = clock.now + timedelta(days=88)  # 26 Feb 2027: the deadline is 28 Feb
    start_first_connection(login_client, client, account, initial_password)
    client.post("/api/first-connection", FORM)
    clock.advance(days=3)
    response = client.post("/api/activation", {"token": activation_token(outbox()[0])})
    assert response.json["error"] == "token_expired"


def test_resend_sends_a_new_link_and_cancels_the_old_one(client, login_client, accounts, outbox, clock):
    account, initial_password = accounts.make()
    start_first_connection(login_client, client, account, initial_password)
    client.post("/api/first-connection", FORM)
    clock.advance(minutes=5)
    response = client.post("/api/first-connection/resend", {"identifier": account.identifier, "password": NEW_PASSWORD})
    assert (response.status_code, response.json) == (202, {"next": "check-email", "pending_email": "f•••@example.fr"})
    first, second = outbox()
    assert client.post("/api/activation", {"token": activation_token(first)}).json["error"] == "token_expired"
    assert client.post("/api/activation", {"token": activation_token(second)}).json == {"status": "active"}


def test_resend_answers_like_login_for_a_wrong_password(client, login_client, accounts, outbox):
    account, initial_password = accounts.make()
    start_first_connection(login_client, client, account, initial_password)
    client.post("/api/first-connection", FORM)
    wrong = client.post("/api/first-connection/resend", {"identifier": account.identifier, "password": "Mauvais123"})
    unknown = client.post("/api/first-connection/resend", {"identifier": "personne.inconnue", "password": "Mauvais123"})
    assert wrong.status_code == unknown.status_code == 401 and wrong.json == unknown.json
    assert len(outbox()) == 1


def test_resend_is_limited_to_three_mails_an_hour(client, login_client, accounts, outbox, clock):
    account, initial_password = accounts.make()
    start_first_connection(login_client, client, account, initial_password)
    client.post("/api/first-connection", FORM)
    statuses = [
        client.post(
            "/api/first-connection/resend", {"identifier": account.identifier, "password": NEW_PASSWORD}
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [202, 202, 429]
    clock.advance(hours=1, seconds=1)
    assert (
        client.post(
            "/api/first-connection/resend", {"identifier": account.identifier, "password": NEW_PASSWORD}
        ).status_code
        == 202
    )


def test_twenty_clicks_on_one_activation_link_activate_once(
    settings, store, clock, login_client, accounts, outbox, make_client
):
    account, initial_password = accounts.make()
    client = make_client(create_app)
    start_first_connection(login_client, client, account, initial_password)
    client.post("/api/first-connection", FORM)
    token = activation_token(outbox()[0])
    statuses: list[int] = []

    def click() -> None:
        statuses.append(make_client(create_app).post("/api/activation", {"token": token}).status_code)

    threads = [threading.Thread(target=click) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [400] * 19


def test_two_concurrent_first_connections_one_wins_the_other_is_told(
    make_client, login_client, accounts, store, outbox
):
    account, initial_password = accounts.make()
    clients = [make_client(create_app) for _ in range(2)]
    for each in clients:
        start_first_connection(login_client, each, account, initial_password)
    answers: list = []
    barrier = threading.Barrier(2)

    def submit(each) -> None:
        barrier.wait()
        answers.append(each.post("/api/first-connection", FORM))

    threads = [threading.Thread(target=submit, args=(each,)) for each in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(answer.status_code for answer in answers)
    assert codes[0] == 202 and codes[1] in (401, 409)
    loser = next(answer for answer in answers if answer.status_code != 202)
    assert loser.json["error"] in ("first_connection_done", "not_authenticated") and loser.json["message"]


class FailingSes:
    def send_email(self, **_):
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, "SendEmail")


def test_mail_failure_answers_503_and_leaves_the_account_as_it_was(
    settings, make_client, login_client, accounts, store, outbox
):
    account, initial_password = accounts.make()
    failing = make_client(create_app, mailer=Mailer(settings.mail_from, ses=FailingSes()))
    start_first_connection(login_client, failing, account, initial_password)
    response = failing.post("/api/first-connection", FORM)
    assert (response.status_code, response.json["error"]) == (503, "mail_unavailable")
    stored = store.get_account(account.identifier)
    assert stored.state == AccountState.ISSUED and stored.pending_email is None
    assert stored.password_hash == account.password_hash
    working = make_client(create_app)
    start_first_connection(login_client, working, account, initial_password)
    assert working.post("/api/first-connection", FORM).status_code == 202


def test_activation_retries_when_the_account_changed_meanwhile(
    client, login_client, accounts, store, outbox, monkeypatch
):
    """A failed login landing between the link's read and its use does not make activation fail."""
    account, initial_password = accounts.make()
    start_first_connection(login_client, client, account, initial_password)
    client.post("/api/first-connection", FORM)
    token = activation_token(outbox()[0])
    original = store.save_account_using_token
    interfered: list[object] = []

    def with_a_login_in_between(changed, token_hash, now):
        if not interfered:
            interfered.append(store.save_account(store.get_account(account.identifier)))
        return original(changed, token_hash, now)

    monkeypatch.setattr(store, "save_account_using_token", with_a_login_in_between)
    response = client.post("/api/activation", {"token": token})
    assert (response.status_code, response.json) == (200, {"status": "active"})
    assert interfered and store.get_account(account.identifier).state == AccountState.ACTIVE


def test_a_resend_that_ses_refuses_leaves_the_older_link_working_and_uncounted(
    settings, make_client, client, login_client, accounts, store, outbox, clock
):
    account, initial_password = accounts.make()
    start_first_connection(login_client, client, account, initial_password)
    client.post("/api/first-connection", FORM)
    before = store.get_account(account.identifier)
    failing = make_client(create_app, mailer=Mailer(settings.mail_from, ses=FailingSes()))
    answer = failing.post("/api/first-connection/resend", {"identifier": account.identifier, "password": NEW_PASSWORD})
    assert (answer.status_code, answer.json["error"]) == (503, "mail_unavailable")
    after = store.get_account(account.identifier)
    assert after.live_tokens == before.live_tokens and after.recovery_mails == before.recovery_mails
    (first,) = outbox()
    assert client.post("/api/activation", {"token": activation_token(first)}).json == {"status": "active"}
