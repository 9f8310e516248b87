"""Who is asking: password checks with guess throttling, and the session behind a cookie."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from functions.core import audit
from functions.core.audit import Client
from functions.core.errors import AccountLocked, InvalidCredentials, NotAuthenticated, TooManyAttempts
from functions.core.identifiers import is_well_formed, normalize_identifier
from functions.core.lifecycle import AccountState, Profile
from functions.core.model import Account
from functions.core.password_policy import PolicyContext, enforce
from functions.core.passwords import burn_verify_time, hash_password, needs_rehash, verify_password
from functions.core.sessions import Session, SessionScope, session_hash
from functions.core.store import Store
from functions.core.throttling import IP_FAILURES_PER_WINDOW, cleared, ip_window, record_failure, retry_after


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


def refuse_if_locked(account: Account, now: datetime) -> None:
    """Refuse every guess, even a right one, while the account is locked."""
    wait = retry_after(account.guesses, now)
    if wait:
        raise AccountLocked(wait)


def record_wrong_guess(store: Store, account: Account, now: datetime) -> Account:
    """Count one wrong password, birth date or current password."""
    return store.update_account(account, lambda fresh: replace(fresh, guesses=record_failure(fresh.guesses, now)))


def check_secret(store: Store, account: Account, password: str, now: datetime) -> tuple[bool, Account]:
    """Verify `password` under throttling; on success clear the failures and upgrade the hash."""
    refuse_if_locked(account, now)
    if not verify_password(account.password_hash, password):
        return False, record_wrong_guess(store, account, now)
    upgrade = needs_rehash(account.password_hash)
    if account.guesses != cleared() or upgrade:
        new_hash = hash_password(password) if upgrade else None
        account = store.update_account(
            account,
            lambda fresh: replace(fresh, guesses=cleared(), password_hash=new_hash or fresh.password_hash),
        )
    return True, account


def refuse_if_ip_blocked(store: Store, client: Client, now: datetime) -> None:
    """Refuse guesses from a source IP that failed too often in the current window."""
    if not client.source_ip:
        return
    window, window_end = ip_window(now)
    if store.ip_failures(client.source_ip, window) >= IP_FAILURES_PER_WINDOW:
        raise TooManyAttempts(max(1, int((window_end - now).total_seconds())))


def count_ip_failure(store: Store, client: Client, now: datetime) -> None:
    if client.source_ip:
        window, window_end = ip_window(now)
        store.count_ip_failure(client.source_ip, window, expires_at=window_end)


def verify_credentials(
    store: Store, *, identifier: str, password: str, profile: Profile | None, now: datetime, client: Client
) -> Account:
    """Return the account of these credentials; one same refusal for every kind of wrong guess."""
    refuse_if_ip_blocked(store, client, now)
    identifier = normalize_identifier(identifier)
    account = store.get_account(identifier) if is_well_formed(identifier) else None
    if account is None:
        burn_verify_time(password)  # an unknown identifier answers in the time of a known one
        count_ip_failure(store, client, now)
        raise InvalidCredentials()
    right, account = check_secret(store, account, password, now)
    if not right:
        count_ip_failure(store, client, now)
        audit.record(store, account.identifier, "login_failed", now, client)
        raise InvalidCredentials()
    if profile is not None and account.profile != profile:
        audit.record(store, account.identifier, "login_wrong_profile", now, client)
        raise InvalidCredentials()
    return account


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
