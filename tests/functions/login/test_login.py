"""Login, the current session and logout, as a parent lives them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from argon2 import PasswordHasher

from functions.core.lifecycle import AccountState, Profile
from functions.login.app import create_app

PASSWORD = "Soleil2024x"


@pytest.fixture
def client(make_client):
    return make_client(create_app)


def log_in(client, identifier: str, password: str, profile: str = "parent"):
    return client.post("/api/login", {"identifier": identifier, "password": password, "profile": profile})


def test_first_login_with_the_letters_password_leads_to_first_connection(client, accounts):
    account, initial_password = accounts.make()
    response = log_in(client, account.identifier, initial_password)
    assert response.status_code == 200
    assert response.json == {"next": "first-connection"}
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-ent-session=")
    for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=900"):
        assert attribute in cookie


def test_first_connection_session_does_not_open_the_account(client, accounts):
    account, initial_password = accounts.make()
    log_in(client, account.identifier, initial_password)
    assert client.get("/api/session").status_code == 401


def test_active_account_logs_in_and_sees_who_is_connected(client, accounts):
    _account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    response = log_in(client, " Zoe.Martin ", PASSWORD)
    assert response.json == {"next": "home"}
    assert "Max-Age=43200" in response.headers["Set-Cookie"]
    session = client.get("/api/session")
    assert session.status_code == 200
    assert session.json == {
        "identifier": "zoe.martin",
        "profile": "parent",
        "display_name": "Zoé Martin",
        "school": "0751234J",
        "school_name": "0751234J",  # not named in the directory yet: its UAI
        "email": None,
        "pending_email": None,
        "child": {"first_name": "Zoé", "class": None},
    }


def test_a_parents_session_shows_the_addresses_the_school_and_the_child(client, accounts, store):
    store.set_school_name("0751234J", "Collège Victor-Hugo")
    account, _ = accounts.make(
        state=AccountState.ACTIVE, password=PASSWORD, email="zoe.parent@example.fr", classe="6e B"
    )
    store.save_account(replace(account, pending_email="nouvelle.adresse@example.fr"))
    log_in(client, account.identifier, PASSWORD)
    session = client.get("/api/session").json
    assert session["email"] == "z•••@example.fr"  # masked, like everywhere it is shown
    assert session["pending_email"] == "n•••@example.fr"
    assert session["school_name"] == "Collège Victor-Hugo"
    assert session["child"] == {"first_name": "Zoé", "class": "6e B"}


def test_a_pupils_session_has_a_school_and_no_child(client, accounts, store):
    store.set_school_name("0751234J", "Collège Victor-Hugo")
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, profile=Profile.ELEVE, classe="4e A")
    log_in(client, account.identifier, PASSWORD, profile="eleve")
    session = client.get("/api/session").json
    assert (session["profile"], session["school_name"], session["child"]) == ("eleve", "Collège Victor-Hugo", None)


def test_a_parent_of_two_children_tells_their_accounts_apart(client, accounts, make_client):
    first, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, first_name="Zoé", classe="6e B")
    second, _ = accounts.make(
        state=AccountState.ACTIVE, password=PASSWORD, first_name="Hugo", birth_date=date(2018, 9, 2), classe="CP"
    )
    other = make_client(create_app)
    log_in(client, first.identifier, PASSWORD)
    log_in(other, second.identifier, PASSWORD)
    children = [browser.get("/api/session").json["child"] for browser in (client, other)]
    assert children == [{"first_name": "Zoé", "class": "6e B"}, {"first_name": "Hugo", "class": "CP"}]


def test_wrong_password_and_unknown_identifier_get_the_same_answer(client, accounts):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    wrong_password = log_in(client, account.identifier, "Mauvais123")
    unknown = log_in(client, "personne.inconnue", "Mauvais123")
    malformed = log_in(client, "<script>", "Mauvais123")
    assert wrong_password.status_code == unknown.status_code == malformed.status_code == 401
    assert wrong_password.json == unknown.json == malformed.json
    assert wrong_password.json["error"] == "invalid_credentials"
    assert "Set-Cookie" not in wrong_password.headers


def test_unknown_identifier_costs_one_argon2_verify_like_a_known_one(client, accounts, monkeypatch):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    verifies: list[str] = []
    real_verify = PasswordHasher.verify

    def counted_verify(self, hash_, secret):
        verifies.append(hash_)
        return real_verify(self, hash_, secret)

    monkeypatch.setattr(PasswordHasher, "verify", counted_verify)
    log_in(client, account.identifier, "Mauvais123")
    log_in(client, "personne.inconnue", "Mauvais123")
    assert len(verifies) == 2


def test_deactivated_account_sees_contact_school_message(client, accounts):
    account, password = accounts.make(state=AccountState.DEACTIVATED)
    response = log_in(client, account.identifier, password)
    assert response.status_code == 403
    assert response.json["error"] == "account_deactivated"
    assert "contactez votre établissement" in response.json["message"].lower()
    assert response.json["help"]


def test_deactivated_message_needs_the_right_password(client, accounts):
    account, _ = accounts.make(state=AccountState.DEACTIVATED)
    response = log_in(client, account.identifier, "Mauvais123")
    assert (response.status_code, response.json["error"]) == (401, "invalid_credentials")


def test_pending_account_is_asked_to_confirm_its_email(client, accounts):
    account, _ = accounts.make(state=AccountState.PENDING_CONFIRMATION, password=PASSWORD, email=None)
    response = log_in(client, account.identifier, PASSWORD)
    assert (response.status_code, response.json["error"]) == (403, "email_confirmation_pending")
    assert log_in(client, account.identifier, "Mauvais123").json["error"] == "invalid_credentials"


def test_wrong_profile_is_refused_like_a_wrong_password(client, accounts):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, profile=Profile.ELEVE)
    response = log_in(client, account.identifier, PASSWORD, profile="parent")
    assert (response.status_code, response.json["error"]) == (401, "invalid_credentials")
    assert log_in(client, account.identifier, PASSWORD, profile="eleve").json == {"next": "home"}


def test_each_login_gets_a_new_session_id(client, accounts):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    log_in(client, account.identifier, PASSWORD)
    first = client.cookie()
    log_in(client, account.identifier, PASSWORD)
    assert client.cookie() != first


def test_logout_revokes_the_session_on_the_server(client, accounts, make_client):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    log_in(client, account.identifier, PASSWORD)
    stolen = client.cookie()
    response = client.post("/api/logout")
    assert response.status_code == 204
    assert "Max-Age=0" in response.headers["Set-Cookie"]
    replay = make_client(create_app)
    replay.client.set_cookie("__Host-ent-session", stolen, domain="localhost", secure=True)
    assert replay.get("/api/session").status_code == 401


def test_logout_without_a_session_is_harmless(client):
    assert client.post("/api/logout").status_code == 204


def test_session_ends_after_30_idle_minutes(client, accounts, clock):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    log_in(client, account.identifier, PASSWORD)
    clock.advance(minutes=29)
    assert client.get("/api/session").status_code == 200
    clock.advance(minutes=29)  # activity above pushed the idle limit
    assert client.get("/api/session").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/api/session")
    assert (response.status_code, response.json["error"]) == (401, "not_authenticated")


def test_session_ends_after_12_hours_even_when_active(client, accounts, clock):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    log_in(client, account.identifier, PASSWORD)
    for _ in range(24):
        clock.advance(minutes=29)
        assert client.get("/api/session").status_code == 200
    clock.advance(minutes=25)  # 12 h 01 after login, 25 minutes after the last request
    assert client.get("/api/session").status_code == 401


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, accounts, clock):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    for _ in range(5):
        assert log_in(client, account.identifier, "Mauvais123").status_code == 401
    locked = log_in(client, account.identifier, PASSWORD)
    assert (locked.status_code, locked.json["error"]) == (429, "account_locked")
    assert int(locked.headers["Retry-After"]) == 60
    clock.advance(seconds=61)
    assert log_in(client, account.identifier, PASSWORD).json == {"next": "home"}


def test_lock_doubles_after_each_new_failure_up_to_one_hour(client, accounts, clock):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    for _ in range(4):
        log_in(client, account.identifier, "Mauvais123")
    waits = []
    for _ in range(9):
        log_in(client, account.identifier, "Mauvais123")
        wait = int(log_in(client, account.identifier, PASSWORD).headers["Retry-After"])
        waits.append(wait)
        clock.advance(seconds=wait)
    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]


def test_success_clears_the_failure_count(client, accounts):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    for _ in range(4):
        log_in(client, account.identifier, "Mauvais123")
    assert log_in(client, account.identifier, PASSWORD).status_code == 200
    for _ in range(4):
        log_in(client, account.identifier, "Mauvais123")
    assert log_in(client, account.identifier, PASSWORD).status_code == 200


def test_no_more_than_25_failures_in_24_hours(client, accounts, clock):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    failures = 0
    while failures < 25:
        response = log_in(client, account.identifier, "Mauvais123")
        if response.status_code == 429:
            clock.advance(seconds=int(response.headers["Retry-After"]))
            continue
        failures += 1
    wait = int(log_in(client, account.identifier, PASSWORD).headers["Retry-After"])
    assert wait > 3600  # beyond the 1-hour cap: the daily limit holds until the first failure is 24 h old


def test_login_is_audited_with_source_ip_and_user_agent(client, accounts, store, clock):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    client.post(
        "/api/login",
        {"identifier": account.identifier, "password": "Mauvais123", "profile": "parent"},
        headers={"User-Agent": "Firefox/1"},
    )
    clock.advance(seconds=1)
    log_in(client, account.identifier, PASSWORD)
    actions = [event.action for event in store.events(account.identifier)]
    assert actions[:2] == ["login", "login_failed"]
    assert store.events(account.identifier)[1].user_agent == "Firefox/1"


def test_one_machine_guessing_across_many_accounts_is_slowed_down(make_client, accounts, clock):
    from functions.core.throttling import IP_FAILURES_PER_WINDOW

    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    attacker = make_client(create_app)
    attacker.client.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    for number in range(IP_FAILURES_PER_WINDOW):
        attacker.post(
            "/api/login",
            {"identifier": f"inconnu.{number}", "password": "Mauvais123", "profile": "parent"},
            headers={"X-Forwarded-For": f"198.51.100.{number}"},
        )  # a forged header changes nothing
    blocked = log_in(attacker, account.identifier, PASSWORD)
    assert (blocked.status_code, blocked.json["error"]) == (429, "too_many_attempts")
    assert 0 < int(blocked.headers["Retry-After"]) <= 900
    family = make_client(create_app)
    family.client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    assert log_in(family, account.identifier, PASSWORD).json == {"next": "home"}
    clock.advance(minutes=15)
    assert log_in(attacker, account.identifier, PASSWORD).json == {"next": "home"}


def test_behind_cloudfront_only_requests_carrying_the_origin_secret_are_heard(settings, store, clock, accounts):
    from dataclasses import replace as with_fields

    from tests.functions.conftest import JsonClient

    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    app = create_app(with_fields(settings, origin_verify_secret="s3cret-origin"), store=store, clock=clock)
    client = JsonClient(app.test_client())
    direct = log_in(client, account.identifier, PASSWORD)
    assert (direct.status_code, direct.json["error"]) == (403, "forbidden")
    through_cloudfront = client.post(
        "/api/login",
        {"identifier": account.identifier, "password": "Mauvais123", "profile": "parent"},
        headers={"X-Origin-Verify": "s3cret-origin", "CloudFront-Viewer-Address": "2001:db8::7:51234"},
    )
    assert through_cloudfront.status_code == 401
    # The person's own address (from CloudFront), not CloudFront's, is what the audit records.
    assert store.events(account.identifier)[0].source_ip == "2001:db8::7"


@pytest.mark.argon2_production
def test_a_hash_made_with_weaker_argon2_settings_is_upgraded_at_login(client, accounts, store):
    from dataclasses import replace as with_fields

    from argon2 import PasswordHasher, Type

    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=Type.ID).hash(PASSWORD)
    store.save_account(with_fields(store.get_account(account.identifier), password_hash=weak))
    assert log_in(client, account.identifier, PASSWORD).json == {"next": "home"}
    upgraded = store.get_account(account.identifier).password_hash
    assert upgraded != weak and "m=19456,t=2,p=1" in upgraded
    assert log_in(client, account.identifier, PASSWORD).json == {"next": "home"}
