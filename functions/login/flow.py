"""The login flow as plain functions: no Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from functions.core import audit, sso
from functions.core.audit import Client
from functions.core.auth import trust_device, verify_credentials
from functions.core.emails import mask_email
from functions.core.errors import AccountDeactivated, EmailConfirmationPending, LetterSpent, PendingRequestUnknown
from functions.core.guessing import letter_spent
from functions.core.lifecycle import AccountState, Profile
from functions.core.model import Account
from functions.core.sessions import (
    ABSOLUTE_TIMEOUT,
    FIRST_CONNECTION_TIMEOUT,
    SessionScope,
    open_session,
    session_hash,
)
from functions.core.store import Store


@dataclass(frozen=True)
class LoginOutcome:
    next: str  # "home" or "first-connection"
    session_id: str
    max_age: int
    device: str  # the device cookie: this browser keeps its own guess budget for the account


def authenticate(
    store: Store, *, identifier: str, password: str, profile: Profile, now: datetime, client: Client
) -> Account:
    """Return the account whose password this is, if its state lets it log in.

    The deactivated and pending answers come only after the right password, so they reveal
    nothing to someone who does not know it.
    """
    account = verify_credentials(
        store, identifier=identifier, password=password, profile=profile, now=now, client=client
    )
    if account.state == AccountState.DEACTIVATED:
        audit.record(store, account.identifier, "login_refused_deactivated", now, client)
        raise AccountDeactivated(store.school_contact(account.school))  # the right password: whom to call
    if account.state == AccountState.PENDING_CONFIRMATION:
        # The awaited address, masked: its owner recognises a typo (and corrects it, first_connection).
        raise EmailConfirmationPending(mask_email(account.pending_email) if account.pending_email else None)
    if account.state == AccountState.ISSUED and letter_spent(store, account):
        raise LetterSpent()  # only a new letter from the school opens the first connection again
    return account


def login(
    store: Store, *, identifier: str, password: str, profile: Profile, now: datetime, client: Client
) -> LoginOutcome:
    """Check the credentials and open a session: full, or scoped to the first connection."""
    account = authenticate(store, identifier=identifier, password=password, profile=profile, now=now, client=client)
    if account.state == AccountState.ISSUED:
        scope, lifetime, next_step = SessionScope.FIRST_CONNECTION, FIRST_CONNECTION_TIMEOUT, "first-connection"
    else:
        scope, lifetime, next_step = SessionScope.FULL, ABSOLUTE_TIMEOUT, "home"
    session_id, session = open_session(account.identifier, scope, account.session_version, now)
    store.put_session(session)
    audit.record(store, account.identifier, "login", now, client, detail=scope.value)
    device = trust_device(store, account, client, now)
    return LoginOutcome(next=next_step, session_id=session_id, max_age=int(lifetime.total_seconds()), device=device)


def session_view(account: Account, school_name: str | None) -> dict[str, object]:
    """What Mon compte shows: who is connected, the addresses (masked), the school and, for a parent, the child.

    A parent of two children has two accounts, each named after one child: the child's first name
    and class tell them apart. The school's name comes from the directory, else its UAI.
    """
    return {
        "identifier": account.identifier,
        "profile": account.profile.value,
        "display_name": account.display_name,
        "school": account.school,
        "school_name": school_name or account.school,
        "email": mask_email(account.email) if account.email else None,
        "pending_email": mask_email(account.pending_email) if account.pending_email else None,
        "child": {"first_name": account.first_name, "class": account.classe}
        if account.profile == Profile.PARENT
        else None,
    }


def apps_view(store: Store, identifier: str) -> list[dict[str, str]]:
    """The apps this account signed in to through the ENT, the most recent first (Mon compte)."""
    return [
        {"name": app.app_name, "protocol": app.protocol, "last_sign_in": app.last_at.isoformat()}
        for app in sso.apps_signed_in(store, identifier)
    ]


def pending_view(store: Store, reference: object, now: datetime) -> dict[str, object]:
    """`{app_name, continue_url, force_login}` of a live pending sign-in; continue_url is always ours.

    `force_login` (CAS `renew`, OIDC `prompt=login`): the page asks for the password even when
    this browser is signed in.
    """
    pending = sso.read_pending(store, reference, now)
    if pending is None or not isinstance(reference, str):
        raise PendingRequestUnknown()
    return {
        "app_name": pending.app_name,
        "continue_url": sso.continue_url(reference, pending),
        "force_login": pending.force_login,
    }


def logout(store: Store, session_id: str | None) -> None:
    """Revoke the session server-side (whatever the cookie holds)."""
    if session_id and len(session_id) <= 128:
        store.delete_session(session_hash(session_id))
