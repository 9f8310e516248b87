"""The OpenID Connect provider as plain functions: authorize, userinfo, logout, discovery.

The token endpoint is `exchange.exchange_code`; the request's checks are `authorization`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from functions.core import audit, sso
from functions.core.auth import current_session
from functions.core.errors import NotAuthenticated
from functions.core.grants import AuthorizationCode
from functions.core.sessions import Session, session_hash
from functions.core.store import Store
from functions.core.tokens import new_token, token_hash
from functions.oidc.authorization import AuthorizationRequest, Params, read_request
from functions.oidc.claims import SCOPES, pairwise_subject, scoped_claims
from functions.oidc.errors import AuthorizationRefused, InvalidRedirectUri, InvalidToken, LoginRequired, MalformedLogout
from functions.oidc.exchange import Issuer
from functions.oidc.sessions import account_of_live_session

AUTHORIZE_PATH = "/api/oidc/authorize"
ACCESS_TOKEN_MAX_LENGTH = 128
LOGOUT_LIMITS = {"id_token_hint": 4096, "client_id": 128, "post_logout_redirect_uri": 512, "state": 512}


def authorize(
    store: Store,
    issuer: Issuer,
    *,
    params: Params,
    query: str,
    session_id: str | None,
    now: datetime,
    client_info: audit.Client,
) -> str:
    """Return where the browser goes: the app with a code or an error, or « Se connecter »."""
    try:
        request = read_request(store, params)  # a page, never a redirect, for a bad client or address
        session, identifier = _signed_in(store, request, session_id, now)
    except AuthorizationRefused as refused:
        answer = {"error": refused.code, "error_description": refused.message, "state": refused.state}
        return _to_app(refused.redirect_uri, {**answer, "iss": issuer.url})
    if session is None:
        reference = sso.start_pending(
            store, protocol="oidc", client=request.client, resume_url=_resume_url(query), now=now
        )
        return sso.login_url(reference)
    code = new_token()
    store.put_authorization_code(
        AuthorizationCode(
            code_hash=token_hash(code),
            client_id=request.client.client_id,
            redirect_uri=request.redirect_uri,
            code_challenge=request.code_challenge,
            nonce=request.nonce,
            scope=request.scope,
            identifier=identifier,
            session_hash=session.session_hash,
            auth_time=session.created_at,
            issued_at=now,
        )
    )
    sso.record_app_sign_in(store, identifier=identifier, client=request.client, now=now)
    audit.record(store, identifier, "app_sign_in", now, client_info, detail=request.client.client_id)
    return _to_app(request.redirect_uri, {"code": code, "state": request.state, "iss": issuer.url})


def _signed_in(
    store: Store, request: AuthorizationRequest, session_id: str | None, now: datetime
) -> tuple[Session | None, str]:
    """Return the SSO session fit for this request (None: a login is needed first)."""
    session: Session | None = None
    identifier = ""
    try:
        session, account = current_session(store, session_id, now)  # only `active` accounts
        identifier = account.identifier
    except NotAuthenticated:
        pass
    if session is not None:
        pending = sso.resumed_request(
            store, request.reference, protocol="oidc", client_id=request.client.client_id, now=now
        )
        fresh = sso.logged_in_since(session, pending)  # this very request's login
        too_old = request.max_age is not None and now - session.created_at > timedelta(seconds=request.max_age)
        if not fresh and (request.forces_login or too_old):
            session = None
    if session is None and "none" in request.prompt:
        raise LoginRequired(request.redirect_uri, request.state)
    return session, identifier


def _resume_url(query: str) -> str:
    """This same request, run again after the login (without a previous `demande`)."""
    kept = "&".join(part for part in query.split("&") if part and not part.startswith("demande="))
    return f"{AUTHORIZE_PATH}?{kept}"


def _to_app(redirect_uri: str, params: dict[str, str | None]) -> str:
    """The registered address with our answer added to its own query (RFC 6749 §4.1.2, RFC 9207)."""
    query = urlencode({name: value for name, value in params.items() if value is not None})
    return f"{redirect_uri}{'&' if urlsplit(redirect_uri).query else '?'}{query}"


def userinfo(store: Store, *, authorization: str | None, now: datetime, pairwise_secret: str) -> dict[str, Any]:
    """Return the claims of a live access token whose SSO session is still open (OIDC Core §5.3)."""
    scheme, _, access_token = (authorization or "").partition(" ")
    access_token = access_token.strip()
    if scheme.lower() != "bearer" or not access_token or len(access_token) > ACCESS_TOKEN_MAX_LENGTH:
        raise InvalidToken()
    token = store.get_access_token(token_hash(access_token))
    if token is None or now >= token.expires_at:
        raise InvalidToken()
    account = account_of_live_session(store, token.session_hash, now)
    if account is None or account.identifier != token.identifier:
        raise InvalidToken()  # logged out of the ENT: every app's tokens end with the session
    return {
        "sub": pairwise_subject(pairwise_secret, token.client_id, account.identifier),
        **scoped_claims(account, store.school_name(account.school), token.scope),
    }


@dataclass(frozen=True)
class LoggedOut:
    ended: bool  # the SSO session was closed
    location: str | None  # the app's registered post-logout address, else our page


def logout(store: Store, issuer: Issuer, *, params: Params, session_id: str | None, now: datetime) -> LoggedOut:
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
        location = _to_app(wanted, {"state": first.get("state")})
    ended = False
    if hint is not None and client is not None and session_id and len(session_id) <= 128:
        session = store.get_session(session_hash(session_id))
        if session is not None and hint.get("sub") == pairwise_subject(
            issuer.pairwise_secret, client.client_id, session.identifier
        ):
            store.delete_session(session.session_hash)
            ended = True
    return LoggedOut(ended=ended, location=location if hint is not None else None)


def discovery(issuer: str) -> dict[str, Any]:
    """OpenID Connect Discovery 1.0 §3: what an app's library reads to configure itself."""
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}{AUTHORIZE_PATH}",
        "token_endpoint": f"{issuer}/api/oidc/token",
        "userinfo_endpoint": f"{issuer}/api/oidc/userinfo",
        "jwks_uri": f"{issuer}/api/oidc/jwks",
        "end_session_endpoint": f"{issuer}/api/oidc/logout",
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "none"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "at_hash",
            "given_name",
            "family_name",
            "email",
            "email_verified",
            "ent",
        ],
        "prompt_values_supported": ["none", "login", "consent"],
        "authorization_response_iss_parameter_supported": True,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "claims_parameter_supported": False,
    }
