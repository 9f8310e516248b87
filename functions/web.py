"""What every flow's Flask app shares: JSON errors, security headers, one log line per request.

The only module besides the flows' `app.py` that imports Flask; the core never does.
"""

from __future__ import annotations

import hmac
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, Response, abort, g, jsonify, request
from werkzeug.exceptions import HTTPException

from functions.core.clock import Clock, utc_now
from functions.core.errors import DomainError, InvalidInput, ServiceBusy
from functions.core.guessing import DEVICE_COOKIE, DEVICE_TRUST
from functions.core.lifecycle import Profile
from functions.core.limits import BODY_MAX_BYTES, USER_AGENT_MAX_LENGTH
from functions.core.mail import Mailer
from functions.core.messages import CATALOGUE, Code, Entry, help_for
from functions.core.sessions import COOKIE_NAME
from functions.core.settings import Settings
from functions.core.store import Store
from functions.core.text import is_encodable

logger = logging.getLogger("ent")

# The refusals made before a flow runs (werkzeug's, or this module's `abort`), by HTTP status;
# their messages are the catalogue's (DESIGN §3 error shape). Any other status: `Code.ERROR`.
_HTTP_ERRORS: dict[int, Code] = {
    400: Code.BAD_REQUEST,
    401: Code.NOT_AUTHENTICATED,
    403: Code.FORBIDDEN,
    404: Code.NOT_FOUND,
    405: Code.METHOD_NOT_ALLOWED,
    413: Code.PAYLOAD_TOO_LARGE,
    415: Code.UNSUPPORTED_MEDIA_TYPE,
    429: Code.TOO_MANY_REQUESTS,
}

_SERVICES = "ent"  # the app's `extensions` key of its Services


@dataclass(frozen=True)
class Services:
    """What a flow's routes work with, built once with the app: `services().store`."""

    settings: Settings
    store: Store
    mailer: Mailer
    clock: Clock

    def now(self) -> datetime:
        """Return the current time by the app's clock."""
        return self.clock()


def services_of(app: Flask) -> Services:
    """Return the services `app` was built with (by `create_flow_app`)."""
    found = app.extensions[_SERVICES]
    if not isinstance(found, Services):
        raise RuntimeError(f"{app.name} was not built by create_flow_app")
    return found


def services() -> Services:
    """Return the services of the app handling the current request."""
    from flask import current_app

    return services_of(current_app)


# AWS answers that mean "too busy now", not "wrong request": the person may simply retry.
_BUSY_AWS_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TransactionConflictException",
}


def error_response(code: str, message: str, status: int, **extra: Any) -> Response:
    """Return the JSON error body of DESIGN §3; `help` defaults to the catalogue's for `code`."""
    body: dict[str, Any] = {"error": code, "message": message}
    body.update({key: value for key, value in extra.items() if value is not None})
    help_link = body.get("help") or help_for(code)
    if help_link:
        body["help"] = help_link
    response = jsonify(body)
    response.status_code = status
    return response


def _domain_error_response(error: DomainError) -> Response:
    response = error_response(
        error.code,
        error.message,
        error.status,
        **{**getattr(error, "extra", {}), "field": error.field, "help": error.help},
    )
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


class _StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stdout is now (Lambda ships stdout to CloudWatch Logs)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


def _configure_logging() -> None:
    if not logger.handlers:
        handler = _StdoutHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def _entry_response(entry: Entry, status: int | None = None) -> Response:
    return error_response(entry.code, entry.message, status or entry.status)


def create_flow_app(
    name: str,
    blueprint: Blueprint | Sequence[Blueprint],
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    mailer: Mailer | None = None,
    clock: Clock | None = None,
) -> Flask:
    """Build the Flask app of one flow around its blueprint(s); what is not given comes from `settings`."""
    settings = settings or Settings.from_env()
    app = Flask(name)
    app.config["MAX_CONTENT_LENGTH"] = BODY_MAX_BYTES
    app.extensions[_SERVICES] = Services(
        settings=settings,
        store=store or Store(settings.table_name),
        mailer=mailer or Mailer.from_settings(settings),  # no SES client until a mail is sent
        clock=clock or utc_now,
    )
    for one in [blueprint] if isinstance(blueprint, Blueprint) else blueprint:
        app.register_blueprint(one)
    _configure_logging()

    app.register_error_handler(DomainError, _domain_error_response)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        return _entry_response(CATALOGUE[_HTTP_ERRORS.get(status, Code.ERROR)], status)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        aws_code = (getattr(error, "response", None) or {}).get("Error", {}).get("Code")
        if aws_code in _BUSY_AWS_CODES:
            logger.warning(json.dumps({"aws_busy": aws_code}))
            return _domain_error_response(ServiceBusy())
        logger.exception("unhandled error")  # traceback to the logs, never to the person
        return _entry_response(CATALOGUE[Code.INTERNAL_ERROR])

    @app.before_request
    def _start_timer() -> None:
        g.started = time.perf_counter()

    @app.before_request
    def _guard_request() -> None:
        """Refuse what never reaches a flow: not via our CDN, oversized, or a cross-site write."""
        if settings.origin_verify_secret and not hmac.compare_digest(
            request.headers.get("X-Origin-Verify", "").encode(), settings.origin_verify_secret.encode()
        ):
            abort(403)  # not through our CloudFront: its viewer-address header cannot be trusted
        upload = _upload_of(app, request.endpoint)
        limit = upload.max_bytes if upload else BODY_MAX_BYTES
        request.max_content_length = limit  # a body without Content-Length stops there too
        if (request.content_length or 0) > limit:
            abort(413)  # even where the route never reads its body
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        if request.mimetype != (upload.mimetype if upload else "application/json"):
            abort(415)  # a cross-site form can send neither JSON nor text/csv without a CORS preflight
        origin = request.headers.get("Origin")
        if origin is not None and origin.rstrip("/") != _origin_of(settings.public_url):
            abort(403)
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            abort(403)

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        _log_request(response)
        return response

    return app


@dataclass(frozen=True)
class Upload:
    """A route that takes a file as its body instead of JSON (a roster: `text/csv`, up to 1 MiB)."""

    mimetype: str
    max_bytes: int


_UPLOAD_ATTRIBUTE = "ent_upload"


def accepts_upload(mimetype: str, max_bytes: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a view as taking a `mimetype` body of at most `max_bytes` (the CSRF checks stay: no simple type)."""

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        setattr(view, _UPLOAD_ATTRIBUTE, Upload(mimetype, max_bytes))
        return view

    return mark


def _upload_of(app: Flask, endpoint: str | None) -> Upload | None:
    view = app.view_functions.get(endpoint or "")
    upload = getattr(view, _UPLOAD_ATTRIBUTE, None)
    return upload if isinstance(upload, Upload) else None


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


def _origin_of(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def json_body() -> dict[str, Any]:
    """Return the request's JSON object, or refuse it with a French message."""
    try:
        body = json.loads(request.get_data(cache=True) or b"null")
    except (ValueError, RecursionError):  # RecursionError: a body nested thousands deep
        body = None
    if not isinstance(body, dict):
        raise InvalidInput("La demande doit être un objet JSON.")
    return body


def text_field(body: dict[str, Any], name: str, *, max_length: int, required: bool = True) -> str:
    """Return a string field of the body, bounded in length."""
    value = body.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or not is_encodable(value):
        raise InvalidInput("Ce champ doit être du texte.", field=name)
    if len(value) > max_length:
        raise InvalidInput(f"Ce champ ne doit pas dépasser {max_length} caractères.", field=name)
    if required and not value.strip():
        raise InvalidInput("Ce champ est obligatoire.", field=name)
    return value


def parse_profile(body: dict[str, Any]) -> Profile:
    """Return the profile chosen on the form (parent or élève)."""
    value = body.get("profile")
    if isinstance(value, str) and value in {profile.value for profile in Profile}:
        return Profile(value)
    raise InvalidInput("Choisissez votre profil : parent ou élève.", field="profile")


def client_info() -> tuple[str | None, str | None, str | None]:
    """Return the source IP and user agent as API Gateway saw them (never X-Forwarded-For).

    Behind CloudFront, API Gateway sees CloudFront's address: then the person's is the
    CloudFront-Viewer-Address header, trusted because the origin secret was checked.
    """
    context = request.environ.get("apig_wsgi.request_context") or {}
    http = context.get("http") or {}
    source_ip = http.get("sourceIp") or request.remote_addr
    if services().settings.origin_verify_secret:
        viewer = request.headers.get("CloudFront-Viewer-Address", "")
        source_ip = viewer.rsplit(":", 1)[0].strip("[]") or source_ip
    user_agent = http.get("userAgent") or request.headers.get("User-Agent")
    return (
        source_ip,
        (user_agent or None) and user_agent[:USER_AGENT_MAX_LENGTH],
        request.cookies.get(DEVICE_COOKIE) or None,
    )


def session_cookie() -> str | None:
    return request.cookies.get(COOKIE_NAME)


def set_session_cookie(response: Response, session_id: str, max_age: int) -> None:
    response.set_cookie(COOKIE_NAME, session_id, max_age=max_age, path="/", secure=True, httponly=True, samesite="Lax")


def set_device_cookie(response: Response, device: str) -> None:
    """Mark this browser as one the account trusts: it keeps its own guess budget (a year)."""
    max_age = int(DEVICE_TRUST.total_seconds())
    response.set_cookie(DEVICE_COOKIE, device, max_age=max_age, path="/", secure=True, httponly=True, samesite="Strict")


def clear_session_cookie(response: Response) -> None:
    response.set_cookie(COOKIE_NAME, "", max_age=0, expires=0, path="/", secure=True, httponly=True, samesite="Lax")


def lazy_lambda_handler(create_app: Callable[[], Flask]) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """Wrap an app factory for Lambda; the app is built at the first event, then reused."""
    built: list[Callable[[dict[str, Any], Any], dict[str, Any]]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if not built:
            from apig_wsgi import make_lambda_handler

            built.append(make_lambda_handler(create_app(), binary_support=True))
        return built[0](event, context)

    return handler
