"""Routes of the first_connection flow: First connection, the activation link and its resend."""

from __future__ import annotations

from flask import Blueprint, Flask, abort

from functions.core.settings import Settings
from functions.core.store import Store
from functions.web import create_flow_app

blueprint = Blueprint("first_connection", __name__)


@blueprint.post("/api/first-connection")
def first_connection() -> None:
    abort(501)


@blueprint.post("/api/first-connection/resend")
def resend() -> None:
    abort(501)


@blueprint.post("/api/activation")
def activation() -> None:
    abort(501)


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> Flask:
    """Build the first_connection app."""
    return create_flow_app(__name__, blueprint, settings, store=store)
