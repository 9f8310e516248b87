"""Counting guesses before checking them: the budgets of `throttling` applied to the store.

A guess first reserves its place in every count it belongs to (its client address; its secret's
budget; for an untrusted client of an account with a chosen password, that account's daily
ceiling), each with one conditional write. Only then is the secret checked; a right one gives the
reservations back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from functions.core.addresses import counting_key
from functions.core.audit import Client
from functions.core.errors import AccountLocked, LetterSpent, TooManyAttempts
from functions.core.model import Account
from functions.core.retries import retry_on_conflict
from functions.core.store import Store, keys
from functions.core.throttling import (
    BIRTH_DATE,
    IP_FAILURES_PER_WINDOW,
    IP_WINDOW,
    PASSWORD,
    UNTRUSTED_FAILURES_PER_WINDOW,
    UNTRUSTED_WINDOW,
    GuessState,
    Refused,
    Schedule,
    is_spent,
    reserve,
    window_of,
)

StateChange = Callable[[GuessState], GuessState]

DEVICE_COOKIE = "__Host-ent-device"
DEVICE_TRUST = timedelta(days=365)


def device_hash(device_cookie: str) -> str:
    return hashlib.sha256(device_cookie.encode()).hexdigest()


@dataclass(frozen=True)
class Budget:
    """Whose guesses these are: a trusted device of the account, or a client address."""

    name: str
    trusted: bool


def budget_of(store: Store, identifier: str, client: Client) -> Budget:
    """Return the budget of this client for this identifier."""
    if client.device and len(client.device) <= 128:
        hashed = device_hash(client.device)
        if store.trusts_device(hashed, identifier):
            return Budget(f"device#{hashed}", trusted=True)
    return Budget(f"address#{counting_key(client.source_ip) if client.source_ip else 'unknown'}", trusted=False)


@dataclass
class Reservation:
    """What a guess reserved, to give back if it turns out right."""

    store: Store
    identifier: str
    secret: str
    budget: Budget
    now: datetime
    schedule: Schedule
    previous: GuessState = field(default_factory=GuessState)
    counters: list[keys.Key] = field(default_factory=list)

    def give_back(self, *, keep_failures: bool = False) -> None:
        """The guess was right: clear its budget (or, `keep_failures`, restore it) and the counters."""
        for key in self.counters:
            self.store.give_back(key)
        if keep_failures:
            previous = self.previous
            _save_state(
                self.store, self.identifier, self.secret, self.budget.name, lambda _: previous, self.now, self.schedule
            )
        else:
            self.store.delete_guess_state(self.identifier, self.secret, self.budget.name)


def reserve_address(store: Store, client: Client, now: datetime) -> keys.Key | None:
    """Count one attempt of the client's address (IPv6: its /64), or refuse it past the limit."""
    if not client.source_ip:
        return None
    window, window_end = window_of(now, IP_WINDOW)
    key = keys.ip_failures_key(counting_key(client.source_ip), window)
    if not store.reserve(key, IP_FAILURES_PER_WINDOW, expires_at=window_end):
        raise TooManyAttempts(max(1, int((window_end - now).total_seconds())))
    return key


def reserve_untrusted(store: Store, identifier: str, now: datetime) -> keys.Key:
    """Count one untrusted attempt at the account, all addresses together, or lock untrusted clients."""
    window, window_end = window_of(now, UNTRUSTED_WINDOW)
    key = keys.untrusted_key(identifier, window)
    if not store.reserve(key, UNTRUSTED_FAILURES_PER_WINDOW, expires_at=window_end):
        raise AccountLocked(max(1, int((window_end - now).total_seconds())))
    return key


def _save_state(
    store: Store, identifier: str, secret: str, budget: str, change: StateChange, now: datetime, schedule: Schedule
) -> GuessState:
    """Apply `change` to the budget's stored state in one conditional write; return the state before."""

    def attempt() -> GuessState:
        state, version = store.guess_state(identifier, secret, budget)
        new_state = change(state)
        expires_at = (
            max([now, *new_state.recent_failures, *filter(None, [new_state.locked_until])]) + schedule.retention
        )
        store.save_guess_state(identifier, secret, budget, new_state, version, expires_at=expires_at)
        return state

    return retry_on_conflict(attempt)


def reserve_guess(
    store: Store, identifier: str, secret: str, budget: Budget, now: datetime, schedule: Schedule = PASSWORD
) -> Reservation:
    """Count this guess in its budget before it is checked; raise AccountLocked / LetterSpent if refused."""
    try:
        previous = _save_state(
            store, identifier, secret, budget.name, lambda state: reserve(state, now, schedule), now, schedule
        )
    except Refused as refused:
        if refused.spent:
            raise LetterSpent() from None
        raise AccountLocked(refused.retry_after) from None
    return Reservation(store, identifier, secret, budget, now, schedule, previous=previous)


SECRET_BIRTH_DATE = "birth_date"


def letter_budget(account: Account) -> Budget:
    """The birth date is counted per letter: a new letter (a new initial password) starts afresh."""
    return Budget(f"letter#{hashlib.sha256(account.password_hash.encode()).hexdigest()[:16]}", trusted=False)


def letter_spent(store: Store, account: Account) -> bool:
    """Tell whether too many wrong birth dates spent this account's letter."""
    state, _ = store.guess_state(account.identifier, SECRET_BIRTH_DATE, letter_budget(account).name)
    return is_spent(state, BIRTH_DATE)
