"""The OpenID Connect provider as plain functions: authorize and userinfo.

The token endpoint is `exchange.exchange_code`, the request's checks `authorization`, the
RP-initiated logout `logout`, the discovery document `discovery`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from functions.core import audit, sso
from functions.core.auth import current_session
from functions.core.errors import NotAuthenticated
from functions.core.grants import AuthorizationCode
from functions.core.limits import ACCESS_TOKEN_MAX_LENGTH
from functions.core.sessions import Session
from functions.core.store import Store
from functions.core.tokens import new_token, token_hash
from functions.oidc.authorization import AuthorizationRequest, Params, read_request
from functions.oidc.claims import pairwise_subject, scoped_claims
from functions.oidc.discovery import AUTHORIZE_PATH
from functions.oidc.errors import AuthorizationRefused, InvalidToken, LoginRequired
from functions.oidc.exchange import Issuer
from functions.oidc.sessions import account_of_live_session


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
        session, identifier, stale = _signed_in(store, request, session_id, now)
    except AuthorizationRefused as refused:
        answer = {"error": refused.code, "error_description": refused.message, "state": refused.state}
        return to_app(refused.redirect_uri, {**answer, "iss": issuer.url})
    if session is None:
        # A session too old for the app (prompt=login, max_age): the login page asks the password again.
        force_login = stale or request.forces_login
        reference = sso.start_pending(
            store,
            protocol="oidc",
            client=request.client,
            resume_url=_resume_url(query),
            now=now,
            force_login=force_login,
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
    return to_app(request.redirect_uri, {"code": code, "state": request.state, "iss": issuer.url})


def _signed_in(
    store: Store, request: AuthorizationRequest, session_id: str | None, now: datetime
) -> tuple[Session | None, str, bool]:
    """Return the SSO session fit for this request (None: a login is needed first), and whether one was too old."""
    session: Session | None = None
    identifier, stale = "", False
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
            session, identifier, stale = None, "", True
    if session is None and "none" in request.prompt:
        raise LoginRequired(request.redirect_uri, request.state)  # no page may be shown: the app decides
    return session, identifier, stale


def _resume_url(query: str) -> str:
    """This same request, run again after the login (without a previous `demande`)."""
    kept = "&".join(part for part in query.split("&") if part and not part.startswith("demande="))
    return f"{AUTHORIZE_PATH}?{kept}"


def to_app(redirect_uri: str, params: dict[str, str | None]) -> str:
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
