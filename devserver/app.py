"""The local stack's WSGI app: the site at `/`, the API at `/api`, `/cas` and `/.well-known`, the mailbox at `/_dev/mailbox`,
the demo apps at `/_dev/apps/`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, urlsplit

from werkzeug.wsgi import get_input_stream

from devserver import demo_apps
from devserver.api import MAX_REQUEST_BYTES, LocalApi
from devserver.gateway import HttpRequest, HttpResponse
from devserver.mailbox_page import mailbox_html, mailbox_json
from devserver.site import StaticSite

StartResponse = Callable[..., Any]
logger = logging.getLogger("devserver.http")


def request_from_environ(environ: dict[str, Any]) -> HttpRequest:
    """Return the HTTP request a WSGI server received (body read up to the gateway's limit + 1)."""
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw_uri:
        path = urlsplit(raw_uri).path or "/"
    else:
        path = quote(environ.get("PATH_INFO", "/").encode("latin-1"), safe="/:@!$&'()*+,;=-._~%")
    headers: list[tuple[str, str]] = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.append((key[5:].replace("_", "-").lower(), value))
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            headers.append((key.replace("_", "-").lower(), value))
    body = get_input_stream(environ, max_content_length=None).read(MAX_REQUEST_BYTES + 1)
    return HttpRequest(
        method=environ["REQUEST_METHOD"].upper(),
        path=path,
        query_string=environ.get("QUERY_STRING", ""),
        headers=tuple(headers),
        body=body,
        source_ip=environ.get("REMOTE_ADDR", "127.0.0.1"),
        protocol=environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
        server_port=int(environ.get("SERVER_PORT") or 80),
    )


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class DevApp:
    """Dispatch each request to the API, the dev mailbox or the static site; log one line."""

    def __init__(self, api: LocalApi, site: StaticSite) -> None:
        self.api = api
        self.site = site

    def respond(self, request: HttpRequest) -> HttpResponse:
        """Return the answer to `request`."""
        # As CloudFront routes them: /cas the CAS server, /.well-known the OpenID Connect discovery.
        if request.path == "/api" or request.path.startswith(("/api/", "/cas/", "/.well-known/")):
            return self.api.handle(request)
        if request.path in ("/_dev/mailbox", "/_dev/mailbox.json"):
            if request.method not in ("GET", "HEAD"):
                return HttpResponse(
                    405,
                    [("Allow", "GET, HEAD"), ("Content-Type", "text/plain; charset=utf-8")],
                    "Méthode non acceptée.".encode(),
                )
            answer = mailbox_json() if request.path.endswith(".json") else mailbox_html()
            if request.method == "HEAD":
                answer.headers.append(("Content-Length", str(len(answer.body))))
                answer.body = b""
            return answer
        if request.path.startswith(demo_apps.PREFIX):
            demo = demo_apps.respond(request)
            if demo is not None:
                return demo
        if request.path in ("/", "/index.html") and request.method == "GET":
            # Uncompressed, to add the demo apps' links (development only).
            return demo_apps.with_home_links(self.site.serve(request.method, request.path, request.query_string))
        accept_encoding = ", ".join(value for name, value in request.headers if name.lower() == "accept-encoding")
        return self.site.serve(request.method, request.path, request.query_string, accept_encoding)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        request = request_from_environ(environ)
        answer = self.respond(request)
        headers = list(answer.headers)
        if not any(name.lower() == "content-length" for name, _ in headers):
            headers.append(("Content-Length", str(len(answer.body))))
        start_response(_status_line(answer.status), headers)
        # Method, path and status only: never a query string, a body, a cookie or a header.
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.info("%s %s %s %.0f ms", request.method, request.path, answer.status, elapsed_ms)
        return [answer.body]
