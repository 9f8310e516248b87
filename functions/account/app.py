"""Routes of the account flow (Mon compte): changing the password or the email address."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify

from functions.account import flow
from functions.core.audit import Client
from functions.core.auth import current_session
from functions.core.clock import Clock
from functions.core.limits import EMAIL_INPUT_MAX_LENGTH, PASSWORD_MAX_LENGTH
from functions.core.mail import Mailer
from functions.core.settings import Settings
from functions.core.store import Store
from functions.web import (
    client_info,
    create_flow_app,
    json_body,
    services,
    session_cookie,
    set_session_cookie,
    text_field,
)

blueprint = Blueprint("account", __name__)


@blueprint.post("/api/account/password")
def change_password() -> Response:
    svc = services()
    store, now = svc.store, svc.now()
    session, account = current_session(store, session_cookie(), now)
    body = json_body()
    outcome = flow.change_password(
        store,
        svc.mailer,
        session,
        account,
        current_password=text_field(body, "current_password", max_length=PASSWORD_MAX_LENGTH),
        new_password=text_field(body, "new_password", max_length=PASSWORD_MAX_LENGTH),
        new_password_confirmation=text_field(body, "new_password_confirmation", max_length=PASSWORD_MAX_LENGTH),
        now=now,
        public_url=svc.settings.public_url,
        client=Client(*client_info()),
    )
    response = jsonify({"status": "password_changed"})
    set_session_cookie(response, outcome.session_id, outcome.max_age)
    return response


@blueprint.post("/api/account/email")
def change_email() -> tuple[Response, int]:
    svc = services()
    store, now = svc.store, svc.now()
    _, account = current_session(store, session_cookie(), now)
    body = json_body()
    flow.request_email_change(
        store,
        svc.mailer,
        account,
        current_password=text_field(body, "current_password", max_length=PASSWORD_MAX_LENGTH),
        new_email=text_field(body, "new_email", max_length=EMAIL_INPUT_MAX_LENGTH),
        now=now,
        public_url=svc.settings.public_url,
        client=Client(*client_info()),
    )
    return jsonify({"status": "check-email"}), 202


@blueprint.post("/api/account/email/confirm")
def confirm_email() -> Response:
    # No session needed: the link may be opened on another device; the token is the proof.
    body = json_body()
    svc = services()
    flow.confirm_email(svc.store, token=body.get("token"), now=svc.now(), client=Client(*client_info()))
    return jsonify({"status": "email_confirmed"})


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    mailer: Mailer | None = None,
    clock: Clock | None = None,
) -> Flask:
    """Build the account app."""
    return create_flow_app(__name__, blueprint, settings, store=store, mailer=mailer, clock=clock)
