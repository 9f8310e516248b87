"""Single sign-on plumbing shared by the OIDC provider and the CAS server: no Flask here.

A browser that asks an app's sign-in (`/api/oidc/authorize`, `/cas/login`) without a session is
sent to « Se connecter » with an opaque reference to its *pending request*, kept server-side 15
minutes (only the reference's SHA-256 is stored). The request holds our own *resume URL*: the
same authorize or login call, which runs again once the session exists. The browser never
chooses where it goes next: `continue_url` is always that stored URL, one of our own endpoints
(`RESUME_PATHS`), so a reference cannot be turned into an open redirect.

A family that has never connected goes through the first connection and activation, which may end
on another device: the first connection binds the app to the account (`bind_to_account`), and
activation offers « Continuer vers <app> » with a fresh reference (`continuation_for`).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from functions.core.limits import SSO_REFERENCE_MAX_LENGTH
from functions.core.sessions import Session
from functions.core.tokens import token_hash

if TYPE_CHECKING:
    from functions.core.store import Store

PENDING_LIFETIME = timedelta(minutes=15)
# The first connection's link is valid 7 days: the app it came from is remembered as long.
BINDING_LIFETIME = timedelta(days=7)
REFERENCE_BYTES = 24  # 192 bits: not guessable, short enough for a URL
_REFERENCE = re.compile(rf"[A-Za-z0-9_-]{{16,{SSO_REFERENCE_MAX_LENGTH}}}")
# Our own endpoints that re-run an app's sign-in; nothing else may be a resume URL.
RESUME_PATHS = ("/cas/login?", "/api/oidc/authorize?")
PROTOCOLS = ("oidc", "cas")
SUBJECT_BYTES = 16


class SsoClient(Protocol):
    """What the SSO plumbing needs of a registered client (functions.core.clients.Client)."""

    @property
    def client_id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def protocol(self) -> str: ...


@dataclass(frozen=True)
class PendingRequest:
    reference_hash: str
    protocol: str  # "oidc" or "cas"
    client_id: str
    app_name: str
    resume_url: str  # one of RESUME_PATHS, with the app's own parameters
    created_at: datetime
    expires_at: datetime
    force_login: bool = False  # renew=true, prompt=login: the login page asks even if signed in

    def is_live(self, now: datetime) -> bool:
        return now < self.expires_at


@dataclass(frozen=True)
class AppBinding:
    """The app a first connection came from, remembered on the account until activation."""

    identifier: str
    protocol: str
    client_id: str
    app_name: str
    resume_url: str
    expires_at: datetime


@dataclass(frozen=True)
class AppSignIn:
    """An app this account signed in to, and when last (Mon compte lists them)."""

    client_id: str
    app_name: str
    protocol: str
    last_at: datetime


def is_resume_url(url: str) -> bool:
    return url.startswith(RESUME_PATHS) and "\\" not in url and not any(ord(c) < 0x21 for c in url)


def start_pending(
    store: Store, *, protocol: str, client: SsoClient, resume_url: str, now: datetime, force_login: bool = False
) -> str:
    """Keep the request server-side for 15 minutes; return its reference (`/connexion/?demande=<ref>`)."""
    if protocol not in PROTOCOLS or not is_resume_url(resume_url):
        raise ValueError("a resume URL is one of our own sign-in endpoints")
    reference = secrets.token_urlsafe(REFERENCE_BYTES)
    store.put_pending_request(
        PendingRequest(
            reference_hash=token_hash(reference),
            protocol=protocol,
            client_id=client.client_id,
            app_name=client.name,
            resume_url=resume_url,
            created_at=now,
            expires_at=now + PENDING_LIFETIME,
            force_login=force_login,
        )
    )
    return reference


def login_url(reference: str) -> str:
    """Where a browser without a session is sent: « Se connecter », carrying the reference."""
    return f"/connexion/?demande={reference}"


def read_pending(store: Store, reference: object, now: datetime) -> PendingRequest | None:
    """The live pending request of this reference, or None (unknown, malformed or expired)."""
    if not isinstance(reference, str) or not _REFERENCE.fullmatch(reference):
        return None
    pending = store.get_pending_request(token_hash(reference))
    return pending if pending is not None and pending.is_live(now) else None


def continue_url(reference: str, pending: PendingRequest) -> str:
    """The stored resume URL, carrying the reference so the endpoint can tell a fresh login."""
    return f"{pending.resume_url}&demande={reference}"


def resumed_request(
    store: Store, reference: object, *, protocol: str, client_id: str, now: datetime
) -> PendingRequest | None:
    """The pending request an endpoint is resuming (its `demande` parameter), if it is this client's."""
    pending = read_pending(store, reference, now)
    if pending is None or pending.protocol != protocol or pending.client_id != client_id:
        return None
    return pending


def logged_in_since(session: Session, pending: PendingRequest | None) -> bool:
    """Whether the session began after the request: what `renew=true` and `prompt=login` ask."""
    return pending is not None and session.created_at >= pending.created_at


def bind_to_account(store: Store, reference: object, identifier: str, now: datetime) -> None:
    """Remember on the account the app its first connection came from (the activation may be elsewhere)."""
    pending = read_pending(store, reference, now)
    if pending is None:
        return
    store.put_app_binding(
        AppBinding(
            identifier=identifier,
            protocol=pending.protocol,
            client_id=pending.client_id,
            app_name=pending.app_name,
            resume_url=pending.resume_url,
            expires_at=now + BINDING_LIFETIME,
        )
    )


def continuation_for(store: Store, identifier: str, now: datetime) -> dict[str, str] | None:
    """After activation: `{app_name, continue_url}` of the app the first connection came from, once.

    The continue URL is the login page with a fresh pending request (15 minutes) for that app: the
    family logs in with the password just chosen and is taken back to the app.
    """
    binding = store.take_app_binding(identifier, now)
    if binding is None or now >= binding.expires_at or store.get_client(binding.client_id) is None:
        return None
    reference = secrets.token_urlsafe(REFERENCE_BYTES)
    store.put_pending_request(
        PendingRequest(
            reference_hash=token_hash(reference),
            protocol=binding.protocol,
            client_id=binding.client_id,
            app_name=binding.app_name,
            resume_url=binding.resume_url,
            created_at=now,
            expires_at=now + PENDING_LIFETIME,
        )
    )
    return {"app_name": binding.app_name, "continue_url": login_url(reference)}


def record_app_sign_in(store: Store, *, identifier: str, client: SsoClient, now: datetime) -> str:
    """Note that this account signed in to this app now; return the account's subject for this app.

    The subject is pairwise: random, drawn at the account's first sign-in to the app and kept with
    it (one conditional write), so no two apps can link their users, and no app can derive the
    ENT identifier. It stays the same for as long as the account lives.
    """
    app = AppSignIn(client_id=client.client_id, app_name=client.name, protocol=client.protocol, last_at=now)
    return store.sign_in_to_app(identifier, app, new_subject=secrets.token_hex(SUBJECT_BYTES))


def apps_signed_in(store: Store, identifier: str) -> list[AppSignIn]:
    """The apps of this account, the most recent first."""
    return sorted(store.app_sign_ins(identifier), key=lambda app: app.last_at, reverse=True)
