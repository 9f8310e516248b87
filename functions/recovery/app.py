"""Routes of the recovery flow: forgotten identifier, forgotten password and its reset."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify

from functions.core.audit import Client
from functions.core.clock import Clock
from functions.core.limits import (
    EMAIL_INPUT_MAX_LENGTH,
    IDENTIFIER_MAX_LENGTH,
    PASSWORD_MAX_LENGTH,
    TOKEN_INPUT_MAX_LENGTH,
)
from functions.core.mail import Mailer
from functions.core.settings import Settings
from functions.core.store import Store
from functions.core.timing import response_floor
from functions.recovery import flow
from functions.web import client_info, create_flow_app, json_body, services, set_device_cookie, text_field

# Seconds every request for a mail lasts at least, known account or not: above the slowest normal
# known-account answer (a few DynamoDB calls and one SES call, ~100-300 ms on Lambda). An address
# with many accounts costs no more: flow.remind_identifiers handles at most 10, side by side.
RESPONSE_FLOOR = 0.5

blueprint = Blueprint("recovery", __name__)


@blueprint.post("/api/recovery/identifier")
def identifier() -> tuple[Response, int]:
    body = json_body()
    email = text_field(body, "email", max_length=EMAIL_INPUT_MAX_LENGTH)  # past EMAIL_MAX_LENGTH: invalid_email
    svc = services()
    with response_floor(RESPONSE_FLOOR):
        flow.remind_identifiers(
            svc.store,
            svc.mailer,
            email=email,
            now=svc.now(),
            public_url=svc.settings.public_url,
            client=Client(*client_info()),
        )
    return jsonify(flow.IDENTIFIER_SENT), 202


@blueprint.post("/api/recovery/password")
def password() -> tuple[Response, int]:
    body = json_body()
    identifier = text_field(body, "identifier", max_length=IDENTIFIER_MAX_LENGTH)
    svc = services()
    with response_floor(RESPONSE_FLOOR):
        flow.request_password_reset(
            svc.store,
            svc.mailer,
            identifier=identifier,
            now=svc.now(),
            public_url=svc.settings.public_url,
            client=Client(*client_info()),
        )
    return jsonify(flow.PASSWORD_SENT), 202


@blueprint.post("/api/recovery/password/reset")
def password_reset() -> Response:
    body = json_body()
    svc = services()
    device = flow.reset_password(
        svc.store,
        svc.mailer,
        token=text_field(body, "token", max_length=TOKEN_INPUT_MAX_LENGTH, required=False),  # empty: token_invalid
        new_password=text_field(body, "new_password", max_length=PASSWORD_MAX_LENGTH),
        new_password_confirmation=text_field(body, "new_password_confirmation", max_length=PASSWORD_MAX_LENGTH),
        now=svc.now(),
        public_url=svc.settings.public_url,
        client=Client(*client_info()),
    )
    response = jsonify({"status": "password_changed"})  # no session: the person logs in with the new password
    set_device_cookie(response, device)
    return response


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    mailer: Mailer | None = None,
    clock: Clock | None = None,
) -> Flask:
    """Build the recovery app."""
    return create_flow_app(__name__, blueprint, settings, store=store, mailer=mailer, clock=clock)
