"""Routes of the login flow: login, the current session, logout."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, request

from functions.core.audit import Client
from functions.core.auth import current_session
from functions.core.clock import Clock
from functions.core.limits import IDENTIFIER_MAX_LENGTH, PASSWORD_MAX_LENGTH
from functions.core.mail import Mailer
from functions.core.settings import Settings
from functions.core.store import Store
from functions.login import flow
from functions.web import (
    clear_session_cookie,
    client_info,
    create_flow_app,
    json_body,
    parse_profile,
    services,
    session_cookie,
    set_device_cookie,
    set_session_cookie,
    text_field,
)

blueprint = Blueprint("login", __name__)


@blueprint.post("/api/login")
def login() -> Response:
    body = json_body()
    svc = services()
    outcome = flow.login(
        svc.store,
        identifier=text_field(body, "identifier", max_length=IDENTIFIER_MAX_LENGTH),
        password=text_field(body, "password", max_length=PASSWORD_MAX_LENGTH),
        profile=parse_profile(body),
        now=svc.now(),
        client=Client(*client_info()),
    )
    response = jsonify({"next": outcome.next})
    set_session_cookie(response, outcome.session_id, outcome.max_age)
    set_device_cookie(response, outcome.device)
    return response


@blueprint.get("/api/session")
def session() -> Response:
    svc = services()
    _, account = current_session(svc.store, session_cookie(), svc.now())
    view = flow.session_view(account, svc.store.school_name(account.school))
    return jsonify({**view, "apps": flow.apps_view(svc.store, account.identifier)})


@blueprint.get("/api/sso/pending")
def sso_pending() -> Response:
    """The app a pending sign-in is for, and our own URL that resumes it once logged in."""
    svc = services()
    return jsonify(flow.pending_view(svc.store, request.args.get("demande"), svc.now()))


@blueprint.post("/api/logout")
def logout() -> Response:
    flow.logout(services().store, session_cookie())
    response = Response(status=204)
    clear_session_cookie(response)
    return response


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    mailer: Mailer | None = None,
    clock: Clock | None = None,
) -> Flask:
    """Build the login app."""
    return create_flow_app(__name__, blueprint, settings, store=store, mailer=mailer, clock=clock)
