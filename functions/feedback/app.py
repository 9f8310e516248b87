"""Routes of the feedback flow: the help pages' « utile ? » widget."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify

from functions.core.clock import Clock
from functions.core.mail import Mailer
from functions.core.settings import Settings
from functions.core.store import Store
from functions.feedback import flow
from functions.web import client_info, create_flow_app, json_body, services

blueprint = Blueprint("feedback", __name__)


@blueprint.post("/api/feedback")
def feedback() -> tuple[Response, int]:
    body = json_body()
    svc = services()
    flow.record_feedback(
        svc.store,
        page=body.get("page"),
        helpful=body.get("helpful"),
        comment=body.get("comment"),
        source_ip=client_info()[0],
        now=svc.now(),
    )
    return jsonify({"status": "received"}), 202


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    mailer: Mailer | None = None,
    clock: Clock | None = None,
) -> Flask:
    """Build the feedback app."""
    return create_flow_app(__name__, blueprint, settings, store=store, mailer=mailer, clock=clock)
