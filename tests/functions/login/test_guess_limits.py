"""Guess limits under attack: counted before they are checked, never aimed at a family (issue 11)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from functions.core import auth, passwords
from functions.core.lifecycle import AccountState
from functions.core.throttling import IP_FAILURES_PER_WINDOW
from functions.first_connection.app import create_app as create_first_connection_app
from functions.login.app import create_app
from tests.conftest import failed_guesses

PASSWORD = "Soleil2024x"
WRONG = "Mauvais1234"


def log_in(client: Any, identifier: str, password: str) -> Any:
    return client.post("/api/login", {"identifier": identifier, "password": password, "profile": "parent"})


@pytest.fixture
def new_client(make_client: Callable[..., Any]) -> Callable[[str], Any]:
    """A browser of its own, at `address`: no cookie yet."""

    def build(address: str) -> Any:
        client = make_client(create_app)
        client.client.environ_base["REMOTE_ADDR"] = address
        return client

    return build


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every argon2 verification of a password the service makes, real or dummy."""
    seen: list[str] = []
    real_verify, real_burn = passwords.verify_password, passwords.burn_verify_time

    def verify(stored: str, candidate: str) -> bool:
        seen.append(candidate)
        return real_verify(stored, candidate)

    def burn(candidate: str) -> None:
        seen.append(candidate)
        real_burn(candidate)

    monkeypatch.setattr(auth, "verify_password", verify)
    monkeypatch.setattr(auth, "burn_verify_time", burn)
    return seen


def burst(count: int, send: Callable[[int], Any]) -> list[Any]:
    """Send `count` requests at once, each from its own thread."""
    answers: list[Any] = [None] * count
    start = threading.Barrier(count)

    def run(index: int) -> None:
        start.wait()
        answers[index] = send(index)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_a_burst_of_guesses_is_counted_whole_and_none_past_the_limit_is_verified(
    new_client, accounts, store, verifications
):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email="famille@example.fr")
    attacker = new_client("203.0.113.7")
    answers = burst(40, lambda _: log_in(attacker, account.identifier, WRONG))
    heard = [answer for answer in answers if answer.status_code == 401]
    assert len(verifications) == len(heard) <= 5  # the free failures; every other guess is refused unverified
    assert failed_guesses(store, account.identifier) == len(heard)
    assert {answer.json["error"] for answer in answers if answer.status_code != 401} <= {
        "account_locked",
        "concurrent_update",
    }
    # The right password, sent in the burst's wake, is refused unverified like the others.
    late = log_in(attacker, account.identifier, PASSWORD)
    assert (late.status_code, late.json["error"]) == (429, "account_locked")
    assert len(verifications) == len(heard)


def test_many_identifiers_from_one_address_stop_at_its_limit(new_client, verifications):
    attacker = new_client("203.0.113.8")
    answers = burst(80, lambda index: log_in(attacker, f"inconnu.numero{index}", WRONG))
    assert sum(answer.status_code == 401 for answer in answers) <= IP_FAILURES_PER_WINDOW
    assert sum(answer.json["error"] == "too_many_attempts" for answer in answers) >= 80 - IP_FAILURES_PER_WINDOW
    assert len(verifications) <= IP_FAILURES_PER_WINDOW


def test_an_ipv6_client_is_counted_per_64(new_client, accounts):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email="famille@example.fr")
    for host in range(5):
        log_in(new_client(f"2001:db8:1:2::{host + 1:x}"), account.identifier, WRONG)
    locked = log_in(new_client("2001:db8:1:2:ffff::9"), account.identifier, PASSWORD)
    assert (locked.status_code, locked.json["error"]) == (429, "account_locked")
    assert log_in(new_client("2001:db8:1:3::1"), account.identifier, PASSWORD).status_code == 200


@pytest.mark.slow
def test_a_thousand_wrong_guesses_a_day_do_not_lock_the_family_out(new_client, accounts, clock):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email="famille@example.fr")
    family = new_client("192.0.2.10")
    assert log_in(family, account.identifier, PASSWORD).status_code == 200  # the family's phone, once
    attackers = [new_client(f"198.51.100.{index % 200 + 1}") for index in range(200)]  # many addresses
    for guess in range(1000):
        log_in(attackers[guess % len(attackers)], account.identifier, WRONG)
        clock.advance(seconds=86)
        if guess % 100 == 99:  # now and then during the day, the family logs in from its phone
            assert log_in(family, account.identifier, PASSWORD).status_code == 200
    # A stranger's new browser is locked out of this account: untrusted clients share a ceiling.
    stranger = log_in(new_client("203.0.113.99"), account.identifier, PASSWORD)
    assert (stranger.status_code, stranger.json["error"]) == (429, "account_locked")
    assert log_in(family, account.identifier, PASSWORD).status_code == 200


@pytest.mark.slow
def test_an_issued_account_completes_its_first_connection_under_attack(new_client, make_client, accounts, clock):
    account, letter_password = accounts.make()  # issued: the letter's random password
    attackers = [new_client(f"198.51.100.{index % 200 + 1}") for index in range(200)]
    for guess in range(1000):
        log_in(attackers[guess % len(attackers)], account.identifier, WRONG)
        clock.advance(seconds=86)
    family = new_client("192.0.2.10")  # the family's own connection, never used before
    assert log_in(family, account.identifier, letter_password).json == {"next": "first-connection"}
    first_connection = make_client(create_first_connection_app)
    first_connection.client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    first_connection.client.set_cookie("__Host-ent-session", family.cookie(), domain="localhost", secure=True)
    answer = first_connection.post(
        "/api/first-connection",
        {
            "birth_date": "01/03/2015",
            "email": "famille@example.fr",
            "new_password": "Tournesol42",
            "new_password_confirmation": "Tournesol42",
        },
    )
    assert (answer.status_code, answer.json) == (202, {"next": "check-email"})


def test_an_unknown_identifier_locks_after_the_same_failures_as_a_known_one(new_client, accounts):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email="famille@example.fr")
    answers = {}
    for identifier in (account.identifier, "camille.inconnue"):
        attacker = new_client("203.0.113.20")
        answers[identifier] = [log_in(attacker, identifier, WRONG).json["error"] for _ in range(7)]
    assert answers[account.identifier] == answers["camille.inconnue"]
    assert answers["camille.inconnue"] == ["invalid_credentials"] * 5 + ["account_locked"] * 2


def test_known_and_unknown_identifiers_cost_the_same_work(new_client, accounts, store, verifications):
    """The same argon2 work and the same DynamoDB calls, so timing tells nothing (bench: guess-timing)."""
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email="famille@example.fr")
    calls: list[str] = []

    def record(model: Any, params: Any, **_: Any) -> None:
        calls.append(model.name)

    store.dynamodb.meta.events.register("provide-client-params.dynamodb.*", record)
    work = {}
    for identifier in (account.identifier, "camille.inconnue"):
        calls.clear()
        verifications.clear()
        assert log_in(new_client("203.0.113.30"), identifier, WRONG).json["error"] == "invalid_credentials"
        work[identifier] = (sorted(calls), len(verifications))
    assert work[account.identifier] == work["camille.inconnue"]


def test_a_right_password_clears_only_its_own_budget(new_client, accounts, store):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email="famille@example.fr")
    for _ in range(3):
        log_in(new_client("203.0.113.40"), account.identifier, WRONG)
    assert log_in(new_client("192.0.2.10"), account.identifier, PASSWORD).status_code == 200
    assert failed_guesses(store, account.identifier) == 3  # the stranger's failures still count
