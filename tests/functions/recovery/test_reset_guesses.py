"""A reset link is no oracle: whoever holds it cannot test guesses of the current password with it."""

from __future__ import annotations

import threading

import pytest

from functions.core import auth, passwords
from functions.core.lifecycle import AccountState
from functions.recovery.app import create_app
from functions.recovery.flow import PREVIOUS_GUESSES_PER_LINK
from tests.functions.recovery.steps import NEW_PASSWORD, PASSWORD, ask_reset, choose_password, reset_links, token_of

ADDRESS = "zoe.parent@example.fr"


@pytest.fixture
def active(accounts):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email=ADDRESS)
    return account


@pytest.fixture
def comparisons(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each argon2 comparison with a real hash (the « different from the current one » reason)."""
    compared: list[str] = []
    real = passwords.verify_password

    def counting(password_hash: str, candidate: str) -> bool:
        if password_hash:
            compared.append(candidate)
        return real(password_hash, candidate)

    monkeypatch.setattr(auth, "verify_password", counting)
    return compared


def new_token(client, outbox, identifier: str) -> str:
    ask_reset(client, identifier)
    return token_of(reset_links(outbox())[-1])


def test_ten_guesses_of_the_current_password_compare_three_then_the_link_is_spent(
    client, active, outbox, comparisons, store
):
    token = new_token(client, outbox, active.identifier)
    answers = [choose_password(client, token, PASSWORD) for _ in range(10)]
    assert len(comparisons) == PREVIOUS_GUESSES_PER_LINK == 3
    assert [answer.json["error"] for answer in answers[:3]] == ["password_policy"] * 3
    for spent in answers[3:]:
        assert (spent.status_code, spent.json["error"], spent.json["field"]) == (400, "token_expired", "token")
        assert "nouveau lien" in spent.json["message"]
        assert spent.json["help"] == "/aide/lien-courriel/#lien-reinitialisation-expire"
    # Spent: even a good new password no longer goes through, and nothing else is compared.
    after = choose_password(client, token, NEW_PASSWORD)
    assert (after.status_code, after.json["error"]) == (400, "token_expired")
    assert len(comparisons) == 3
    assert passwords.verify_password(store.get_account(active.identifier).password_hash, PASSWORD)
    refused = [event for event in store.events(active.identifier) if event.action == "password_reset_refused"]
    assert refused and all(event.detail == "link_spent" for event in refused)


def test_a_guess_with_another_fault_is_never_compared(client, active, outbox, comparisons):
    """Today a wrong confirmation (or a common password) still ran the comparison and named it."""
    token = new_token(client, outbox, active.identifier)
    for _ in range(10):
        mismatch = choose_password(client, token, PASSWORD, confirmation=PASSWORD + "x")
        assert mismatch.json["error"] == "password_mismatch"
    assert comparisons == []
    assert choose_password(client, token).status_code == 200  # the link was not used up by them


def test_parallel_guesses_on_one_link_compare_at_most_three(make_client, active, outbox, comparisons):
    token = new_token(make_client(create_app), outbox, active.identifier)
    clients = [make_client(create_app) for _ in range(10)]
    start = threading.Barrier(len(clients))
    errors: list[str] = []

    def guess(client) -> None:
        start.wait()
        errors.append(choose_password(client, token, PASSWORD).json["error"])

    threads = [threading.Thread(target=guess, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(comparisons) <= 3
    assert sorted(errors) == ["password_policy"] * 3 + ["token_expired"] * 7


def test_a_family_that_retypes_its_old_password_once_still_resets(client, active, outbox, comparisons):
    token = new_token(client, outbox, active.identifier)
    same = choose_password(client, token, PASSWORD)
    assert (same.json["error"], same.json["field"]) == ("password_policy", "new_password")
    assert "différent de l'ancien" in same.json["message"]
    assert choose_password(client, token).status_code == 200
    assert len(comparisons) == 2
