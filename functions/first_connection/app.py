"""Routes of the first connection flow: first connection, activation, resending the link."""

from __future__ import annotations

import math
from datetime import UTC

from flask import Blueprint, Flask, Response, jsonify

from functions.core import sso
from functions.core.audit import Client
from functions.core.auth import current_session
from functions.core.clock import Clock
from functions.core.emails import mask_email
from functions.core.limits import (
    BIRTH_DATE_MAX_LENGTH,
    EMAIL_INPUT_MAX_LENGTH,
    IDENTIFIER_MAX_LENGTH,
    PASSWORD_MAX_LENGTH,
    TOKEN_INPUT_MAX_LENGTH,
)
from functions.core.mail import Mailer
from functions.core.model import Account
from functions.core.sessions import SessionScope
from functions.core.settings import Settings
from functions.core.store import Store
from functions.first_connection import flow, link_status
from functions.web import (
    clear_session_cookie,
    client_info,
    create_flow_app,
    json_body,
    services,
    session_cookie,
    text_field,
)

blueprint = Blueprint("first_connection", __name__)


@blueprint.post("/api/first-connection")
def first_connection() -> Response:
    svc = services()
    store, now = svc.store, svc.now()
    _, account = current_session(store, session_cookie(), now, scope=SessionScope.FIRST_CONNECTION)
    body = json_body()
    flow.complete_first_connection(
        store,
        svc.mailer,
        account,
        birth_date=text_field(body, "birth_date", max_length=BIRTH_DATE_MAX_LENGTH),
        email=text_field(body, "email", max_length=EMAIL_INPUT_MAX_LENGTH),
        new_password=text_field(body, "new_password", max_length=PASSWORD_MAX_LENGTH),
        new_password_confirmation=text_field(body, "new_password_confirmation", max_length=PASSWORD_MAX_LENGTH),
        now=now,
        public_url=svc.settings.public_url,
        client=Client(*client_info()),
    )
    # The app this login came from, if any: the activation (maybe on another device) offers it.
    sso.bind_to_account(store, body.get("demande"), account.identifier, now)
    response = jsonify({"next": "check-email"})
    response.status_code = 202
    clear_session_cookie(response)
    return response


@blueprint.post("/api/first-connection/resend")
def resend() -> tuple[Response, int]:
    body = json_body()
    svc = services()
    account = flow.resend_activation(
        svc.store,
        svc.mailer,
        identifier=text_field(body, "identifier", max_length=IDENTIFIER_MAX_LENGTH),
        password=text_field(body, "password", max_length=PASSWORD_MAX_LENGTH),
        now=svc.now(),
        public_url=svc.settings.public_url,
        client=Client(*client_info()),
    )
    return _link_sent(account), 202


@blueprint.post("/api/first-connection/email")
def correct_email() -> tuple[Response, int]:
    body = json_body()
    svc = services()
    account = flow.correct_pending_email(
        svc.store,
        svc.mailer,
        identifier=text_field(body, "identifier", max_length=IDENTIFIER_MAX_LENGTH),
        password=text_field(body, "password", max_length=PASSWORD_MAX_LENGTH),
        email=text_field(body, "email", max_length=EMAIL_INPUT_MAX_LENGTH),
        now=svc.now(),
        public_url=svc.settings.public_url,
        client=Client(*client_info()),
    )
    return _link_sent(account), 202


def _link_sent(account: Account) -> Response:
    """The answer of a link sent with the right password: the awaited address, masked, to check it."""
    return jsonify({"next": "check-email", "pending_email": mask_email(account.pending_email or "")})


@blueprint.post("/api/activation")
def activation() -> Response:
    body = json_body()
    svc = services()
    now = svc.now()
    account = flow.activate(svc.store, token=body.get("token"), now=now, client=Client(*client_info()))
    answer: dict[str, object] = {"status": "active"}
    continuation = sso.continuation_for(svc.store, account.identifier, now)
    if continuation:  # « Continuer vers <app> »: the app the first connection came from
        answer["continue"] = continuation
    return jsonify(answer)


@blueprint.get("/api/first-connection/session")
def first_connection_session() -> Response:
    """When the first-connection session of this browser ends (the page counts down to it)."""
    svc = services()
    now = svc.now()
    session, _ = current_session(svc.store, session_cookie(), now, scope=SessionScope.FIRST_CONNECTION)
    remaining = max(0, math.floor((session.expires_at - now).total_seconds()))
    return jsonify({"expires_at": session.expires_at.astimezone(UTC).isoformat(), "expires_in": remaining})


@blueprint.post("/api/links/status")
def links_status() -> Response:
    """The state of an emailed link (activation, reset, address change), without using it."""
    body = json_body()
    # Only a body that is no object, a token that is no text, or one past the input limit is a 400:
    # any other token answers, `invalid` when malformed, in the shape of the others.
    token = text_field(body, "token", max_length=TOKEN_INPUT_MAX_LENGTH)
    svc = services()
    source_ip, _, _ = client_info()
    state = link_status.lookup(svc.store, token=token, source_ip=source_ip, now=svc.now())
    return jsonify(state.as_json())


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    mailer: Mailer | None = None,
    clock: Clock | None = None,
) -> Flask:
    """Build the first connection app."""
    return create_flow_app(__name__, blueprint, settings, store=store, mailer=mailer, clock=clock)
