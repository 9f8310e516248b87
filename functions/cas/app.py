"""Routes of the CAS 3.0 server: login, ticket validation (CAS 3.0 and 2.0 paths), logout."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, request

from functions.cas import flow, pages
from functions.core.audit import Client as Caller
from functions.core.clock import Clock
from functions.core.mail import Mailer
from functions.core.settings import Settings
from functions.core.store import Store
from functions.web import clear_session_cookie, client_info, create_flow_app, services, session_cookie

blueprint = Blueprint("cas", __name__)


def _flag(name: str) -> bool:
    return request.args.get(name, "").lower() == "true"  # §2.1.1: "true" (case as sent by clients)


def _html(body: str, status: int = 200) -> Response:
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = pages.CONTENT_SECURITY_POLICY
    return response


def _redirect(location: str) -> Response:
    # 303: the browser follows with a GET, whatever brought it here.
    return Response(status=303, headers={"Location": location})


@blueprint.get("/cas/login")
def login() -> Response:
    svc = services()
    cas_request = flow.LoginRequest(
        service=request.args.get("service"),
        renew=_flag("renew"),
        gateway=_flag("gateway"),
        reference=request.args.get("demande"),
    )
    try:
        location = flow.login(
            svc.store, cas_request, session_id=session_cookie(), now=svc.now(), caller=Caller(*client_info())
        )
    except flow.UnknownService:
        return _html(pages.unknown_service(), 400)  # never a redirect to a service nobody registered
    return _redirect(location)


def _validation() -> Response:
    svc = services()
    answer = flow.validate(
        svc.store,
        service=request.args.get("service"),
        ticket=request.args.get("ticket"),
        renew=_flag("renew"),
        now=svc.now(),
    )
    return Response(answer, mimetype="application/xml")


@blueprint.get("/cas/p3/serviceValidate")
def service_validate_v3() -> Response:
    return _validation()


@blueprint.get("/cas/serviceValidate")
def service_validate_v2() -> Response:
    """CAS 2.0's path: the same answer (its clients ignore `cas:attributes`)."""
    return _validation()


@blueprint.get("/cas/logout")
def logout() -> Response:
    svc = services()
    service = flow.logout(
        svc.store,
        session_id=session_cookie(),
        service=request.args.get("service"),
        now=svc.now(),
        caller=Caller(*client_info()),
    )
    response = _redirect(service) if service else _html(pages.signed_out())
    clear_session_cookie(response)
    return response


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    mailer: Mailer | None = None,
    clock: Clock | None = None,
) -> Flask:
    """Build the CAS app."""
    return create_flow_app(__name__, blueprint, settings, store=store, mailer=mailer, clock=clock)
