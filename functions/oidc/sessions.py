"""The family's SSO session behind a code or a token: still open, still the account's, still active."""

from __future__ import annotations

from datetime import datetime

from functions.core.lifecycle import AccountState
from functions.core.model import Account
from functions.core.sessions import SessionScope
from functions.core.store import Store


def account_of_live_session(store: Store, session_hash: str, now: datetime) -> Account | None:
    """Return the account while the session lives; None once logged out, expired or revoked."""
    session = store.get_session(session_hash)
    if session is None or not session.is_live(now) or session.scope != SessionScope.FULL:
        return None
    account = store.get_account(session.identifier)
    if account is None or account.session_version != session.session_version:
        return None  # a password change, reset, deactivation or deletion revoked it
    return account if account.state == AccountState.ACTIVE else None
