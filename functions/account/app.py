"""Routes of the account flow: Mon compte: password and email changes."""

from __future__ import annotations

from flask import Blueprint, Flask, abort

from functions.core.settings import Settings
from functions.core.store import Store
from functions.web import create_flow_app

blueprint = Blueprint("account", __name__)


@blueprint.post("/api/account/password")
def change_password() -> None:
    abort(501)


@blueprint.post("/api/account/email")
def change_email() -> None:
    abort(501)


@blueprint.post("/api/account/email/confirm")
def confirm_email() -> None:
    abort(501)


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> Flask:
    """Build the account app."""
    return create_flow_app(__name__, blueprint, settings, store=store)
