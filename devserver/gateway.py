"""A local API Gateway (HTTP API, payload format 2.0): HTTP request -> Lambda event -> HTTP answer.

Plain functions over plain data, so every translation is testable without a socket.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

# What a real HTTP API delivers as text (checked against AWS by others); every other body, a
# form post and a body without Content-Type included, arrives base64-encoded.
TEXT_MEDIA_TYPES = ("application/json", "application/xml", "application/javascript")
ACCOUNT_ID = "123456789012"  # moto's default account
API_ID = "local"


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str  # as sent: still percent-encoded, without the query string
    query_string: str = ""  # as sent, without "?"
    headers: tuple[tuple[str, str], ...] = ()  # in order, repeats kept
    body: bytes = b""
    source_ip: str = "127.0.0.1"
    protocol: str = "HTTP/1.1"
    server_port: int = 80


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """Return the last value of header `name`, or None."""
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        return values[-1] if values else None


def json_response(status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> HttpResponse:
    """Return a JSON answer."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return HttpResponse(status, [("Content-Type", "application/json"), *(headers or [])], body)


def json_error(status: int, code: str, message: str) -> HttpResponse:
    """Return the JSON error shape of the API contract (DESIGN §3)."""
    return json_response(status, {"error": code, "message": message}, [("Cache-Control", "no-store")])


def is_text_media_type(content_type: str | None) -> bool:
    """Tell whether API Gateway would pass a body of this type as text."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type.startswith("text/") or media_type in TEXT_MEDIA_TYPES


def _joined(pairs: list[tuple[str, str]]) -> dict[str, str]:
    joined: dict[str, str] = {}
    for name, value in pairs:
        joined[name] = f"{joined[name]},{value}" if name in joined else value
    return joined


def to_event(
    request: HttpRequest, route_key: str, *, now: datetime | None = None, request_id: str | None = None
) -> dict[str, Any]:
    """Return the Lambda event API Gateway sends for `request` (HTTP API, payload 2.0)."""
    now = now or datetime.now(UTC)
    request_id = request_id or str(uuid.uuid4())
    pairs = [(name.lower(), value) for name, value in request.headers]
    cookies = [part.strip() for name, value in pairs if name == "cookie" for part in value.split(";") if part.strip()]
    # Like API Gateway: cookies move to their own list, the forwarding headers are added.
    pairs = [(name, value) for name, value in pairs if name not in ("cookie", "x-forwarded-port", "x-forwarded-proto")]
    pairs += [
        ("x-forwarded-for", request.source_ip),
        ("x-forwarded-port", str(request.server_port)),
        ("x-forwarded-proto", "http"),
    ]
    headers = _joined(pairs)
    host = headers.get("host", "127.0.0.1")
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.path,
        "rawQueryString": request.query_string,
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": host,
            "domainPrefix": host.split(".", 1)[0],
            "http": {
                "method": request.method.upper(),
                "path": request.path,
                "protocol": request.protocol,
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    query = parse_qsl(request.query_string, keep_blank_values=True)
    if query:
        event["queryStringParameters"] = _joined(query)
    if request.body:
        event.update(_event_body(request.body, headers.get("content-type")))
    return event


def _event_body(body: bytes, content_type: str | None) -> dict[str, Any]:
    if is_text_media_type(content_type):
        try:
            return {"body": body.decode("utf-8"), "isBase64Encoded": False}
        except UnicodeDecodeError:
            pass  # not UTF-8 after all: deliver the bytes intact
    return {"body": base64.b64encode(body).decode("ascii"), "isBase64Encoded": True}


def to_response(result: Any) -> HttpResponse:
    """Turn a handler's result into the HTTP answer API Gateway would send (payload 2.0)."""
    if not isinstance(result, dict) or "statusCode" not in result:
        # A result without statusCode is taken as a JSON body with status 200.
        text = result if isinstance(result, str) else json.dumps(result)
        return HttpResponse(200, [("Content-Type", "application/json")], text.encode("utf-8"))
    headers = [(str(name), str(value)) for name, value in (result.get("headers") or {}).items()]
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    headers += [("Set-Cookie", str(cookie)) for cookie in result.get("cookies") or []]
    raw_body = result.get("body") or ""
    if result.get("isBase64Encoded"):
        body = base64.b64decode(raw_body)
    else:
        body = raw_body.encode("utf-8") if isinstance(raw_body, str) else json.dumps(raw_body).encode("utf-8")
    return HttpResponse(int(result["statusCode"]), headers, body)
