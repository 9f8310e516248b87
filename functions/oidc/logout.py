"""RP-initiated logout 1.0: end the SSO session an ID token names, go back where the app registered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from functions.core import audit
from functions.core.limits import (
    CLIENT_ID_MAX_LENGTH,
    ID_TOKEN_HINT_MAX_LENGTH,
    OIDC_STATE_MAX_LENGTH,
    REDIRECT_URI_MAX_LENGTH,
)
from functions.core.sessions import session_hash
from functions.core.store import Store
from functions.oidc.authorization import Params
from functions.oidc.claims import pairwise_subject
from functions.oidc.errors import InvalidRedirectUri, MalformedLogout
from functions.oidc.exchange import Issuer
from functions.oidc.flow import to_app

LOGOUT_LIMITS = {
    "id_token_hint": ID_TOKEN_HINT_MAX_LENGTH,
    "client_id": CLIENT_ID_MAX_LENGTH,
    "post_logout_redirect_uri": REDIRECT_URI_MAX_LENGTH,
    "state": OIDC_STATE_MAX_LENGTH,
}


@dataclass(frozen=True)
class LoggedOut:
    ended: bool  # the SSO session was closed
    location: str | None  # the app's registered post-logout address, else our page


def logout(
    store: Store, issuer: Issuer, *, params: Params, session_id: str | None, now: datetime, client_info: audit.Client
) -> LoggedOut:
    """RP-initiated logout 1.0: end the session the ID token names, then go where the app registered.

    Without a valid `id_token_hint` for the current session nothing is ended (a link on another
    site cannot sign a family out) and our page offers the logout instead.
    """
    first = {name: values[0] for name, values in params.items() if values}
    if any(len(first.get(name, "")) > limit for name, limit in LOGOUT_LIMITS.items()):
        raise MalformedLogout()
    hint = issuer.keys.verify(first.get("id_token_hint", ""))
    if hint is not None and hint.get("iss") != issuer.url:
        hint = None
    client_id = first.get("client_id") or (hint or {}).get("aud")
    client = store.get_client(client_id) if isinstance(client_id, str) else None
    if hint is not None and (client is None or hint.get("aud") != client.client_id):
        hint = None
    location = None
    wanted = first.get("post_logout_redirect_uri")
    if wanted is not None:
        if client is None or wanted not in client.post_logout_redirect_uris:
            raise InvalidRedirectUri()
        location = to_app(wanted, {"state": first.get("state")})
    ended = False
    if hint is not None and client is not None and session_id and len(session_id) <= 128:
        session = store.get_session(session_hash(session_id))
        if session is not None and hint.get("sub") == pairwise_subject(
            issuer.pairwise_secret, client.client_id, session.identifier
        ):
            store.delete_session(session.session_hash)  # every app's codes and tokens end with it
            audit.record(store, session.identifier, "logout", now, client_info, detail=f"oidc {client.client_id}")
            ended = True
    return LoggedOut(ended=ended, location=location if hint is not None else None)
