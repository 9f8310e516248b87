"""Routes of the feedback flow: Help page feedback."""

from __future__ import annotations

from flask import Blueprint, Flask, abort

from functions.core.settings import Settings
from functions.core.store import Store
from functions.web import create_flow_app

blueprint = Blueprint("feedback", __name__)


@blueprint.post("/api/feedback")
def feedback() -> None:
    abort(501)


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> Flask:
    """Build the feedback app."""
    return create_flow_app(__name__, blueprint, settings, store=store)
