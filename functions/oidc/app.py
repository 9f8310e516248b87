"""Routes of the OpenID Connect provider: discovery, JWKS, authorize, token, userinfo, logout."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from functions.core.audit import Client as RequestClient
from functions.core.clock import Clock
from functions.core.mail import Mailer
from functions.core.messages import help_for
from functions.core.settings import Settings, SettingsError
from functions.core.store import Store
from functions.oidc import discovery, flow
from functions.oidc import logout as rp_logout
from functions.oidc.errors import ErrorPage, InvalidClient, InvalidRequest, InvalidToken, OAuthError
from functions.oidc.exchange import Issuer, exchange_code
from functions.oidc.pages import PAGE_CSP, error_page, logout_page
from functions.oidc.signing import KeyRing
from functions.web import clear_session_cookie, client_info, create_flow_app, services, session_cookie

blueprint = Blueprint("oidc", __name__)
TOKEN_PATH, USERINFO_PATH = "/api/oidc/token", "/api/oidc/userinfo"
_ISSUER = "oidc_issuer"


def issuer() -> Issuer:
    found = current_app.extensions[_ISSUER]
    assert isinstance(found, Issuer)
    return found


@blueprint.get("/.well-known/openid-configuration")
def configuration() -> Response:
    return jsonify(discovery.discovery(issuer().url))


@blueprint.get("/api/oidc/jwks")
def jwks() -> Response:
    return jsonify(issuer().keys.jwks())


@blueprint.get("/api/oidc/authorize")
def authorize() -> Response:
    svc = services()
    location = flow.authorize(
        svc.store,
        issuer(),
        params=request.args.to_dict(flat=False),
        query=request.query_string.decode("ascii", "replace"),
        session_id=session_cookie(),
        now=svc.now(),
        client_info=RequestClient(*client_info()),
    )
    return _redirect(location)


@blueprint.post(TOKEN_PATH)
def token() -> Response:
    if request.mimetype != "application/x-www-form-urlencoded":
        raise InvalidRequest("Le corps doit être un formulaire (application/x-www-form-urlencoded).")
    svc = services()
    answer = exchange_code(
        svc.store,
        issuer(),
        form=request.form.to_dict(flat=False),
        authorization=request.headers.get("Authorization"),
        now=svc.now(),
        client_info=RequestClient(*client_info()),
    )
    return jsonify(answer)


@blueprint.route(USERINFO_PATH, methods=["GET", "POST"])
def userinfo() -> Response:
    svc = services()
    claims = flow.userinfo(
        svc.store,
        authorization=request.headers.get("Authorization"),
        now=svc.now(),
        pairwise_secret=issuer().pairwise_secret,
    )
    return jsonify(claims)


@blueprint.get("/api/oidc/logout")
def logout() -> Response:
    svc = services()
    outcome = rp_logout.logout(
        svc.store,
        issuer(),
        params=request.args.to_dict(flat=False),
        session_id=session_cookie(),
        now=svc.now(),
        client_info=RequestClient(*client_info()),
    )
    response = _redirect(outcome.location) if outcome.location else _page(logout_page(outcome.ended), 200)
    if outcome.ended:
        clear_session_cookie(response)
    return response


def _redirect(location: str) -> Response:
    return Response(status=302, headers={"Location": location})


def _page(html: str, status: int) -> Response:
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


def _error_page(error: ErrorPage) -> Response:
    return _page(error_page(error.code, error.message, error.help or help_for(error.code)), error.status)


def _oauth_error(error: OAuthError) -> Response:
    body: dict[str, Any] = {"error": error.code, "error_description": error.message, "message": error.message}
    response = jsonify(body)
    response.status_code = error.status
    if isinstance(error, InvalidClient):
        response.headers["WWW-Authenticate"] = 'Basic realm="ENT"'
    elif isinstance(error, InvalidToken):
        response.headers["WWW-Authenticate"] = 'Bearer realm="ENT", error="invalid_token"'
    return response


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    mailer: Mailer | None = None,
    clock: Clock | None = None,
    kms: Any | None = None,
) -> Flask:
    """Build the OpenID Connect provider's app (its signing keys are read from KMS at first use)."""
    settings = settings or Settings.from_env()
    if not settings.oidc_signing_keys or not settings.pairwise_secret:
        raise SettingsError("ENT_OIDC_KEYS and ENT_PAIRWISE_SECRET must be set for the OpenID Connect provider.")
    app = create_flow_app(
        __name__,
        blueprint,
        settings,
        store=store,
        mailer=mailer,
        clock=clock,
        credential_paths=frozenset({TOKEN_PATH, USERINFO_PATH}),
    )
    app.extensions[_ISSUER] = Issuer(
        settings.public_url, settings.pairwise_secret, KeyRing(settings.oidc_signing_keys, kms)
    )
    app.register_error_handler(ErrorPage, _error_page)
    app.register_error_handler(OAuthError, _oauth_error)
    return app
