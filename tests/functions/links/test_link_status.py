"""A dead link says so at once: `POST /api/links/status` (issue 12, point 6).

Each page asks, when it opens, what its link would meet; the answer never uses the link, tells
nothing of an unknown or malformed one, and is counted per client address.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest

from functions.core.lifecycle import AccountState
from functions.core.links import prepare_link, without_tokens
from functions.core.model import Account
from functions.core.store import Store
from functions.core.tokens import LIFETIMES, TokenKind, new_token, token_hash
from functions.first_connection.app import create_app
from functions.first_connection.link_status import LOOKUPS_PER_WINDOW

PUBLIC_URL = "https://aide.ent.example.fr"
ORIGIN = {"Origin": PUBLIC_URL, "Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def app(settings, store, clock):
    built = create_app(settings, store=store, clock=clock)
    built.testing = True
    return built


def status(app, token: object, ip: str = "192.0.2.20"):
    return app.test_client().post(
        "/api/links/status", json={"token": token}, headers=ORIGIN, environ_base={"REMOTE_ADDR": ip}
    )


def holder(accounts, store: Store, kind: TokenKind) -> Account:
    """An account that can redeem a link of `kind` now."""
    if kind == TokenKind.ACTIVATION:
        account, _ = accounts.make()
        return store.save_account(
            replace(account, state=AccountState.PENDING_CONFIRMATION, pending_email="famille@exemple.fr")
        )
    account, _ = accounts.make(state=AccountState.ACTIVE, email="famille@exemple.fr")
    if kind == TokenKind.EMAIL_CHANGE:
        account = store.save_account(replace(account, pending_email="nouvelle@exemple.fr"))
    return account


def link(store: Store, account: Account, kind: TokenKind, clock) -> tuple[Account, str]:
    deadline = account.activation_deadline if kind == TokenKind.ACTIVATION else None
    with_link, url = prepare_link(store, account, kind, clock(), PUBLIC_URL, deadline)
    return store.save_account(with_link), url.split("#t=", 1)[1]


REDEEM = {
    TokenKind.ACTIVATION: ("/api/activation", {}),
    TokenKind.RESET: (
        "/api/recovery/password/reset",
        {"new_password": "Tournesol42", "new_password_confirmation": "Tournesol42"},
    ),
    TokenKind.EMAIL_CHANGE: ("/api/account/email/confirm", {}),
}


@pytest.mark.parametrize("kind", list(TokenKind))
def test_a_fresh_link_is_valid_with_its_purpose_and_still_works_after(app, api, accounts, store, clock, kind):
    _, token = link(store, holder(accounts, store, kind), kind, clock)
    for _ in range(3):  # asked again (a reload, a second tab): still not used
        response = status(app, token)
        assert (response.status_code, response.json) == (200, {"status": "valid", "purpose": kind.value})
        assert response.headers["Cache-Control"] == "no-store"
    record = store.get_token(token_hash(token))
    assert record is not None and record.used_at is None
    path, fields = REDEEM[kind]
    assert api.post(path, {"token": token, **fields}).status_code == 200  # the link works after
    assert status(app, token).json == {"status": "used", "purpose": kind.value}


@pytest.mark.parametrize("kind", list(TokenKind))
def test_a_used_link_is_used(app, accounts, store, clock, kind):
    account, token = link(store, holder(accounts, store, kind), kind, clock)
    store.save_account_using_token(without_tokens(account, kind), token_hash(token), clock())
    assert status(app, token).json == {"status": "used", "purpose": kind.value}


@pytest.mark.parametrize("kind", list(TokenKind))
def test_a_link_past_its_time_is_expired(app, accounts, store, clock, kind):
    _, token = link(store, holder(accounts, store, kind), kind, clock)
    clock.advance(seconds=LIFETIMES[kind].total_seconds())
    assert status(app, token).json == {"status": "expired", "purpose": kind.value}


@pytest.mark.parametrize("kind", list(TokenKind))
def test_a_link_replaced_by_a_newer_one_is_expired(app, accounts, store, clock, kind):
    account, token = link(store, holder(accounts, store, kind), kind, clock)
    link(store, account, kind, clock)
    assert status(app, token).json == {"status": "expired", "purpose": kind.value}


def test_an_activation_link_of_an_account_activated_since_is_used(app, accounts, store, clock):
    """Activated by another way (a newer link): the page says « déjà activé, connectez-vous »."""
    account, token = link(store, holder(accounts, store, TokenKind.ACTIVATION), TokenKind.ACTIVATION, clock)
    store.save_account(replace(account, state=AccountState.ACTIVE, email=account.pending_email, pending_email=None))
    assert status(app, token).json == {"status": "used", "purpose": "activation"}


def test_a_reset_link_of_an_account_deactivated_since_is_expired(app, accounts, store, clock):
    account, token = link(store, holder(accounts, store, TokenKind.RESET), TokenKind.RESET, clock)
    store.save_account(replace(account, state=AccountState.DEACTIVATED))
    assert status(app, token).json == {"status": "expired", "purpose": "reset"}


def test_an_address_link_without_a_pending_address_is_expired(app, accounts, store, clock):
    account, token = link(store, holder(accounts, store, TokenKind.EMAIL_CHANGE), TokenKind.EMAIL_CHANGE, clock)
    store.save_account(replace(account, pending_email=None))
    assert status(app, token).json == {"status": "expired", "purpose": "email_change"}


@pytest.mark.parametrize(
    "token",
    [
        new_token(),  # well formed, never issued
        "court",
        "x" * 129,
        "espaces interdits dans un jeton !!",
        "é" * 43,
        "q8Vb0rXoK1nq3wTt9yZ2mC4dE6fG7hJ8kL0pQ1sU2v\n",
    ],
    # Named, not shown: a random token in a test's id would differ between pytest-xdist's workers.
    ids=["never-issued", "short", "long", "spaces", "accents", "newline"],
)
def test_an_unknown_or_malformed_token_is_invalid_in_the_same_shape(app, token):
    response = status(app, token)
    assert (response.status_code, response.json) == (200, {"status": "invalid", "purpose": None})


def test_a_token_of_a_deleted_account_is_invalid(app, accounts, store, clock):
    account, token = link(store, holder(accounts, store, TokenKind.RESET), TokenKind.RESET, clock)
    store.delete_account(account.identifier)
    assert status(app, token).json == {"status": "invalid", "purpose": None}


@pytest.mark.parametrize("body", [{"token": 42}, {"token": ["a"]}, {}, {"token": "   "}, {"token": "x" * 257}])
def test_a_token_that_is_no_text_or_too_long_is_invalid_input(app, body):
    response = app.test_client().post("/api/links/status", json=body, headers=ORIGIN)
    assert (response.status_code, response.json["error"], response.json.get("field")) == (400, "invalid_input", "token")


def test_the_token_is_never_logged(app, accounts, store, clock, caplog):
    _, token = link(store, holder(accounts, store, TokenKind.RESET), TokenKind.RESET, clock)
    with caplog.at_level(logging.DEBUG):
        status(app, token)
        status(app, token[:-1] + "!")
    assert token not in caplog.text and token[:-1] not in caplog.text


def _burst(count: int, send: Callable[[int], object]) -> list:
    start = threading.Barrier(count)

    def one(n: int):
        start.wait()  # all at once: each is counted before any of them reads
        return send(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_a_parallel_burst_from_one_address_gets_at_most_the_limit(app, accounts, store, clock):
    _, token = link(store, holder(accounts, store, TokenKind.ACTIVATION), TokenKind.ACTIVATION, clock)
    count = LOOKUPS_PER_WINDOW + 20
    responses = _burst(count, lambda n: status(app, token if n % 2 else new_token(), "198.51.100.9"))
    assert sorted(r.status_code for r in responses) == [200] * LOOKUPS_PER_WINDOW + [429] * 20
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.json["error"] == "too_many_requests" and "token" not in refused.json
    assert 1 <= int(refused.headers["Retry-After"]) <= 600
    record = store.get_token(token_hash(token))
    assert record is not None and record.used_at is None


def test_each_address_counts_alone_an_ipv6_slash_64_is_one_and_the_window_ends(app, accounts, store, clock):
    token = new_token()
    for n in range(LOOKUPS_PER_WINDOW):
        assert status(app, token, f"2001:db8:7:7::{n + 1:x}").status_code == 200
    assert status(app, token, "2001:db8:7:7:ffff::1").status_code == 429  # same /64
    assert status(app, token, "2001:db8:7:8::1").status_code == 200  # another client
    assert status(app, token, "192.0.2.99").status_code == 200
    clock.advance(minutes=10)
    assert status(app, token, "2001:db8:7:7::1").status_code == 200  # a new window


def test_the_counter_is_kept_per_window_and_expires_with_it(app, store, clock):
    status(app, new_token(), "192.0.2.77")
    (item,) = store._query("pk = :pk", {":pk": "LINK_STATUS_RATE#192.0.2.77"})
    assert item["sk"].startswith("WINDOW#") and item["type"] == "counter" and int(item["attempts"]) == 1
    assert clock().timestamp() < int(item["expires_at"]) <= (clock() + timedelta(minutes=10)).timestamp()
