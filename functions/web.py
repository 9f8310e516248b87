"""What every flow's Flask app shares: JSON errors, security headers, one log line per request.

The only module besides the flows' `app.py` that imports Flask; the core never does.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any, Callable

from flask import Blueprint, Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from functions.core.errors import DomainError
from functions.core.settings import Settings
from functions.core.store import Store

MAX_BODY_BYTES = 16 * 1024

logger = logging.getLogger("ent")

# Stable codes and French messages for the HTTP-level refusals (DESIGN §3 error shape).
_HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "La demande est mal formée."),
    401: ("not_authenticated", "Vous n'êtes pas connecté."),
    403: ("forbidden", "Cette demande n'est pas autorisée."),
    404: ("not_found", "Cette adresse n'existe pas."),
    405: ("method_not_allowed", "Cette méthode n'est pas acceptée ici."),
    413: ("payload_too_large", "La demande est trop volumineuse."),
    415: ("unsupported_media_type", "La demande doit être envoyée au format JSON."),
    429: ("too_many_requests", "Trop de demandes. Veuillez patienter avant de réessayer."),
    501: ("not_implemented", "Ce service n'est pas encore disponible."),
}


def error_response(code: str, message: str, status: int, **extra: Any) -> Response:
    """Return the JSON error body of DESIGN §3."""
    body = {"error": code, "message": message}
    body.update({key: value for key, value in extra.items() if value is not None})
    response = jsonify(body)
    response.status_code = status
    return response


def _configure_logging() -> None:
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def create_flow_app(
    name: str,
    blueprint: Blueprint,
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    **services: Any,
) -> Flask:
    """Build the Flask app of one flow around its blueprint."""
    settings = settings or Settings.from_env()
    app = Flask(name)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.extensions["ent"] = {
        "settings": settings,
        "store": store or Store(settings.table_name),
        **services,
    }
    app.register_blueprint(blueprint)
    _configure_logging()

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> Response:
        return error_response(error.code, error.message, error.status, field=error.field)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        code, message = _HTTP_ERRORS.get(status, ("error", "La demande n'a pas pu être traitée."))
        return error_response(code, message, status)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        logger.exception("unhandled error")  # traceback to the logs, never to the person
        return error_response("internal_error", "Une erreur inattendue est survenue. Veuillez réessayer plus tard.", 500)

    @app.before_request
    def _start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        _log_request(response)
        return response

    return app


def _log_request(response: Response) -> None:
    """One structured line per request: never a body, a query string, a cookie or a header value."""
    context = request.environ.get("apig_wsgi.request_context") or {}
    line = {
        "request_id": context.get("requestId"),
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule else None,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1),
    }
    logger.info(json.dumps(line))


def service(name: str) -> Any:
    """Return a service the app was built with (settings, store, mailer, clock)."""
    from flask import current_app

    return current_app.extensions["ent"][name]


def lazy_lambda_handler(create_app: Callable[[], Flask]) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """Wrap an app factory for Lambda; the app is built at the first event, then reused."""
    built: list[Callable[[dict[str, Any], Any], dict[str, Any]]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if not built:
            from apig_wsgi import make_lambda_handler

            built.append(make_lambda_handler(create_app(), binary_support=True))
        return built[0](event, context)

    return handler
