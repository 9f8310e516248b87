"""The login flow as plain functions: no Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from functions.core import audit
from functions.core.audit import Client
from functions.core.auth import check_secret
from functions.core.errors import AccountDeactivated, EmailConfirmationPending, InvalidCredentials
from functions.core.identifiers import is_well_formed, normalize_identifier
from functions.core.lifecycle import AccountState, Profile
from functions.core.passwords import burn_verify_time
from functions.core.sessions import (
    ABSOLUTE_TIMEOUT, FIRST_CONNECTION_TIMEOUT, SessionScope, open_session, session_hash,
)
from functions.core.store import Account, Store


@dataclass(frozen=True)
class LoginOutcome:
    next: str  # "home" or "first-connection"
    session_id: str
    max_age: int


def authenticate(store: Store, *, identifier: str, password: str, profile: Profile, now: datetime, client: Client) -> Account:
    """Return the account whose password this is; the same refusal for every wrong guess.

    The deactivated and pending answers come only after the right password, so they reveal
    nothing to someone who does not know it.
    """
    identifier = normalize_identifier(identifier)
    account = store.get_account(identifier) if is_well_formed(identifier) else None
    if account is None:
        burn_verify_time(password)  # an unknown identifier answers in the time of a known one
        raise InvalidCredentials()
    right, account = check_secret(store, account, password, now)
    if not right:
        audit.record(store, account.identifier, "login_failed", now, client)
        raise InvalidCredentials()
    if account.profile != profile:
        audit.record(store, account.identifier, "login_wrong_profile", now, client)
        raise InvalidCredentials()
    if account.state == AccountState.DEACTIVATED:
        audit.record(store, account.identifier, "login_refused_deactivated", now, client)
        raise AccountDeactivated()
    if account.state == AccountState.PENDING_CONFIRMATION:
        raise EmailConfirmationPending()
    return account


def login(store: Store, *, identifier: str, password: str, profile: Profile, now: datetime, client: Client) -> LoginOutcome:
    """Check the credentials and open a session: full, or scoped to the first connection."""
    account = authenticate(store, identifier=identifier, password=password, profile=profile, now=now, client=client)
    if account.state == AccountState.ISSUED:
        scope, lifetime, next_step = SessionScope.FIRST_CONNECTION, FIRST_CONNECTION_TIMEOUT, "first-connection"
    else:
        scope, lifetime, next_step = SessionScope.FULL, ABSOLUTE_TIMEOUT, "home"
    session_id, session = open_session(account.identifier, scope, account.session_version, now)
    store.put_session(session)
    audit.record(store, account.identifier, "login", now, client, detail=scope.value)
    return LoginOutcome(next=next_step, session_id=session_id, max_age=int(lifetime.total_seconds()))


def logout(store: Store, session_id: str | None) -> None:
    """Revoke the session server-side (whatever the cookie holds)."""
    if session_id and len(session_id) <= 128:
        store.delete_session(session_hash(session_id))
