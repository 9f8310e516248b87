"""Routes of the login flow: Login, the current session and logout."""

from __future__ import annotations

from flask import Blueprint, Flask, abort

from functions.core.settings import Settings
from functions.core.store import Store
from functions.web import create_flow_app

blueprint = Blueprint("login", __name__)


@blueprint.post("/api/login")
def login() -> None:
    abort(501)


@blueprint.get("/api/session")
def session() -> None:
    abort(401)  # sessions arrive with the self-service issue: nobody is logged in yet


@blueprint.post("/api/logout")
def logout() -> None:
    abort(501)


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> Flask:
    """Build the login app."""
    return create_flow_app(__name__, blueprint, settings, store=store)
