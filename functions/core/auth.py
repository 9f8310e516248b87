"""Who is asking: password checks with guess throttling, and the session behind a cookie."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from functions.core import audit
from functions.core.audit import Client
from functions.core.errors import InvalidCredentials, NotAuthenticated
from functions.core.guessing import (
    DEVICE_TRUST,
    budget_of,
    device_hash,
    reserve_address,
    reserve_guess,
    reserve_untrusted,
)
from functions.core.identifiers import is_well_formed, normalize_identifier
from functions.core.lifecycle import AccountState, Profile
from functions.core.model import Account, AuditEvent
from functions.core.password_policy import PolicyContext, enforce
from functions.core.passwords import burn_verify_time, hash_password, needs_rehash, verify_password
from functions.core.sessions import Session, SessionScope, session_hash
from functions.core.store import Store
from functions.core.tokens import new_token

SECRET_PASSWORD = "password"


def enforce_new_password(account: Account, new_password: str, confirmation: str) -> str:
    """Apply the password rule for this account (its identifier, names, birth date, current password)."""
    return enforce(
        new_password,
        confirmation=confirmation,
        context=PolicyContext(
            identifier=account.identifier,
            names=(account.first_name, account.last_name),
            birth_date=account.birth_date,
            # The current one: the letter's initial password at first connection.
            is_previous=lambda candidate: verify_password(account.password_hash, candidate),
        ),
    )


def check_secret(store: Store, account: Account, password: str, now: datetime, client: Client) -> tuple[bool, Account]:
    """Verify `password`, counted before it is checked; on success give the count back, upgrade the hash."""
    budget = budget_of(store, account.identifier, client)
    reservation = reserve_guess(store, account.identifier, SECRET_PASSWORD, budget, now)
    if not budget.trusted and account.state != AccountState.ISSUED:
        reservation.counters.append(reserve_untrusted(store, account.identifier, now))
    if not verify_password(account.password_hash, password):
        return False, account
    reservation.give_back()
    if needs_rehash(account.password_hash):
        new_hash = hash_password(password)
        account = store.update_account(account, lambda fresh: replace(fresh, password_hash=new_hash))
    return True, account


def verify_credentials(
    store: Store, *, identifier: str, password: str, profile: Profile | None, now: datetime, client: Client
) -> Account:
    """Return the account of these credentials; one same refusal for every kind of wrong guess.

    A known and an unknown identifier take the same path: the same counts (so both lock alike), the
    same argon2 work and the same writes, so neither the answer nor its time tells them apart.
    """
    address = reserve_address(store, client, now)
    identifier = normalize_identifier(identifier)
    if not is_well_formed(identifier):  # nothing we ever issued: no count to keep
        burn_verify_time(password)
        raise InvalidCredentials()
    account = store.get_account(identifier)
    budget = budget_of(store, identifier, client)
    reservation = reserve_guess(store, identifier, SECRET_PASSWORD, budget, now)
    if address:
        reservation.counters.append(address)
    if not budget.trusted and (account is None or account.state != AccountState.ISSUED):
        reservation.counters.append(reserve_untrusted(store, identifier, now))
    if account is None:
        burn_verify_time(password)  # an unknown identifier answers in the time of a known one
        store.add_guess_event(identifier, _event("login_failed", now, client))
        raise InvalidCredentials()
    if not verify_password(account.password_hash, password):
        audit.record(store, account.identifier, "login_failed", now, client)
        raise InvalidCredentials()
    reservation.give_back()
    if needs_rehash(account.password_hash):
        new_hash = hash_password(password)
        account = store.update_account(account, lambda fresh: replace(fresh, password_hash=new_hash))
    if profile is not None and account.profile != profile:
        audit.record(store, account.identifier, "login_wrong_profile", now, client)
        raise InvalidCredentials()
    return account


def _event(action: str, now: datetime, client: Client) -> AuditEvent:
    return AuditEvent(at=now, action=action, source_ip=client.source_ip, user_agent=client.user_agent)


def trust_device(store: Store, account: Account, client: Client, now: datetime) -> str:
    """Let this browser keep its own guess budget for the account; return its device cookie."""
    device = client.device if client.device and len(client.device) <= 128 else new_token()
    store.trust_device(device_hash(device), account.identifier, expires_at=now + DEVICE_TRUST)
    return device


def current_session(
    store: Store, session_id: str | None, now: datetime, scope: SessionScope = SessionScope.FULL
) -> tuple[Session, Account]:
    """Return the live session of the cookie and its account, or raise NotAuthenticated."""
    if not session_id or len(session_id) > 128:
        raise NotAuthenticated()
    session = store.get_session(session_hash(session_id))
    if session is None or not session.is_live(now) or session.scope != scope:
        raise NotAuthenticated()
    account = store.get_account(session.identifier)
    if account is None or account.session_version != session.session_version:
        raise NotAuthenticated()  # revoked: password change, reset, deactivation or deletion
    if scope == SessionScope.FULL and account.state != AccountState.ACTIVE:
        raise NotAuthenticated()
    if session.needs_touch(now):
        session = store.touch_session(session, now)
    return session, account
