"""Routes of the recovery flow: Forgotten identifier, forgotten password and its reset."""

from __future__ import annotations

from flask import Blueprint, Flask, abort

from functions.core.settings import Settings
from functions.core.store import Store
from functions.web import create_flow_app

blueprint = Blueprint("recovery", __name__)


@blueprint.post("/api/recovery/identifier")
def identifier() -> None:
    abort(501)


@blueprint.post("/api/recovery/password")
def password() -> None:
    abort(501)


@blueprint.post("/api/recovery/password/reset")
def password_reset() -> None:
    abort(501)


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> Flask:
    """Build the recovery app."""
    return create_flow_app(__name__, blueprint, settings, store=store)
