"""Routes of the recovery flow: forgotten identifier, forgotten password and its reset."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify

from functions.core.audit import Client
from functions.core.clock import Clock, utc_now
from functions.core.mail import Mailer
from functions.core.settings import Settings
from functions.core.store import Store
from functions.core.timing import response_floor
from functions.recovery import flow
from functions.web import client_info, create_flow_app, json_body, service, set_device_cookie, text_field

# Seconds every request for a mail lasts at least, known account or not: above the slowest normal
# known-account answer (a few DynamoDB calls and one SES call, ~100-300 ms on Lambda). An address
# with many accounts costs no more: flow.remind_identifiers handles at most 10, side by side.
RESPONSE_FLOOR = 0.5

blueprint = Blueprint("recovery", __name__)


@blueprint.post("/api/recovery/identifier")
def identifier() -> tuple[Response, int]:
    body = json_body()
    email = text_field(body, "email", max_length=320)  # past MAX_EMAIL_LENGTH (254) it is invalid_email
    with response_floor(RESPONSE_FLOOR):
        flow.remind_identifiers(
            service("store"),
            service("mailer"),
            email=email,
            now=service("clock")(),
            public_url=service("settings").public_url,
            client=Client(*client_info()),
        )
    return jsonify(flow.IDENTIFIER_SENT), 202


@blueprint.post("/api/recovery/password")
def password() -> tuple[Response, int]:
    body = json_body()
    identifier = text_field(body, "identifier", max_length=64)
    with response_floor(RESPONSE_FLOOR):
        flow.request_password_reset(
            service("store"),
            service("mailer"),
            identifier=identifier,
            now=service("clock")(),
            public_url=service("settings").public_url,
            client=Client(*client_info()),
        )
    return jsonify(flow.PASSWORD_SENT), 202


@blueprint.post("/api/recovery/password/reset")
def password_reset() -> Response:
    body = json_body()
    device = flow.reset_password(
        service("store"),
        service("mailer"),
        token=text_field(body, "token", max_length=256, required=False),  # empty: token_invalid
        new_password=text_field(body, "new_password", max_length=128),
        new_password_confirmation=text_field(body, "new_password_confirmation", max_length=128),
        now=service("clock")(),
        public_url=service("settings").public_url,
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
    clock: Clock = utc_now,
) -> Flask:
    """Build the recovery app."""
    settings = settings or Settings.from_env()
    return create_flow_app(
        __name__, blueprint, settings, store=store, mailer=mailer or Mailer.from_settings(settings), clock=clock
    )
