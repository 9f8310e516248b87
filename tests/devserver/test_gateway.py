"""The local API Gateway: HTTP request -> payload 2.0 event -> handler -> HTTP answer."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from devserver.api import LocalApi
from devserver.app import DevApp
from devserver.gateway import HttpRequest, HttpResponse, is_text_media_type, to_event, to_response
from devserver.site import StaticSite
from infra.template import routes
from tests.devserver.client import Client
from tests.devserver.handlers import PNG_BYTES

NOW = datetime(2026, 11, 30, 9, 0, 1, 500000, tzinfo=UTC)


def event_for(**request: object) -> dict:
    defaults: dict = {"method": "GET", "path": "/api/echo"}
    return to_event(HttpRequest(**{**defaults, **request}), "GET /api/echo", now=NOW, request_id="id-1")


def test_event_has_the_payload_2_0_shape() -> None:
    event = event_for(headers=(("Host", "127.0.0.1:8000"), ("User-Agent", "Firefox")), source_ip="10.0.0.7")

    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /api/echo"
    assert event["rawPath"] == "/api/echo"
    assert event["rawQueryString"] == ""
    assert event["isBase64Encoded"] is False
    assert "body" not in event and "cookies" not in event and "queryStringParameters" not in event
    context = event["requestContext"]
    assert context["http"] == {
        "method": "GET",
        "path": "/api/echo",
        "protocol": "HTTP/1.1",
        "sourceIp": "10.0.0.7",
        "userAgent": "Firefox",
    }
    assert context["routeKey"] == "GET /api/echo"
    assert context["stage"] == "$default"
    assert context["requestId"] == "id-1"
    assert context["timeEpoch"] == 1796029201500
    assert context["time"] == "30/Nov/2026:09:00:01 +0000"
    assert context["domainName"] == "127.0.0.1:8000"


def test_each_event_gets_a_new_request_id() -> None:
    request = HttpRequest("GET", "/api/echo")
    first, second = (to_event(request, "GET /api/echo")["requestContext"]["requestId"] for _ in range(2))
    assert first != second
    uuid.UUID(first)


def test_query_string_stays_raw_and_repeated_keys_are_joined() -> None:
    event = event_for(query_string="a=1&b=x%20y&a=2&empty=")

    assert event["rawQueryString"] == "a=1&b=x%20y&a=2&empty="
    assert event["queryStringParameters"] == {"a": "1,2", "b": "x y", "empty": ""}


def test_headers_are_lowercase_and_repeats_joined_with_commas() -> None:
    event = event_for(headers=(("Accept", "text/html"), ("X-Trace", "a"), ("accept", "application/json")))

    assert event["headers"]["accept"] == "text/html,application/json"
    assert event["headers"]["x-trace"] == "a"
    assert all(name == name.lower() for name in event["headers"])


def test_forwarding_headers_are_added_and_client_values_kept_only_for_x_forwarded_for() -> None:
    event = event_for(
        headers=(("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-Proto", "https")), source_ip="10.0.0.7", server_port=8000
    )

    assert event["headers"]["x-forwarded-for"] == "6.6.6.6,10.0.0.7"
    assert event["headers"]["x-forwarded-proto"] == "http"
    assert event["headers"]["x-forwarded-port"] == "8000"
    assert event["requestContext"]["http"]["sourceIp"] == "10.0.0.7"  # never the forwarded value


def test_cookie_header_becomes_the_cookies_list() -> None:
    event = event_for(headers=(("Cookie", "__Host-session=abc; theme=dark;  lang=fr"),))

    assert event["cookies"] == ["__Host-session=abc", "theme=dark", "lang=fr"]
    assert "cookie" not in event["headers"]


@pytest.mark.parametrize(
    ("content_type", "body", "as_text"),
    [
        ("application/json", '{"identifier": "zoé.martin"}'.encode(), True),
        ("application/json; charset=utf-8", b'{"a": 1}', True),
        ("text/plain", "bonjour é".encode(), True),
        ("application/x-www-form-urlencoded", b"identifier=zo%C3%A9&profile=parent", False),
        ("application/octet-stream", PNG_BYTES, False),
        (None, b"no type", False),
        ("application/json", b"\xff\xfe not utf-8", False),
    ],
)
def test_body_is_text_or_base64_as_api_gateway_sends_it(content_type: str | None, body: bytes, as_text: bool) -> None:
    headers = (("Content-Type", content_type),) if content_type else ()
    event = event_for(method="POST", headers=headers, body=body)

    assert event["isBase64Encoded"] is not as_text
    received = event["body"].encode("utf-8") if as_text else base64.b64decode(event["body"])
    assert received == body


@pytest.mark.parametrize(
    ("content_type", "is_text"),
    [
        ("text/html", True),
        ("application/javascript", True),
        ("application/xml", True),
        ("APPLICATION/JSON", True),
        ("multipart/form-data; boundary=x", False),
        ("", False),
        (None, False),
    ],
)
def test_text_media_types(content_type: str | None, is_text: bool) -> None:
    assert is_text_media_type(content_type) is is_text


def test_every_cookie_of_the_result_is_its_own_set_cookie_header() -> None:
    answer = to_response(
        {
            "statusCode": 200,
            "headers": {"content-type": "application/json"},
            "cookies": ["a=1; Secure", "b=2; HttpOnly", "c=3"],
            "body": "{}",
        }
    )

    assert [value for name, value in answer.headers if name == "Set-Cookie"] == ["a=1; Secure", "b=2; HttpOnly", "c=3"]


def test_base64_result_body_is_decoded() -> None:
    answer = to_response(
        {
            "statusCode": 200,
            "headers": {"content-type": "image/png"},
            "body": base64.b64encode(PNG_BYTES).decode(),
            "isBase64Encoded": True,
        }
    )

    assert answer.body == PNG_BYTES
    assert answer.header("content-type") == "image/png"


def test_result_without_status_code_is_a_json_body() -> None:
    answer = to_response({"status": "not_implemented"})

    assert (answer.status, answer.header("Content-Type")) == (200, "application/json")
    assert json.loads(answer.body) == {"status": "not_implemented"}


def test_unknown_path_is_404_json_in_french(client: Client) -> None:
    response = client.get("/api/nowhere")

    assert response.status_code == 404
    assert response.json["error"] == "not_found"
    assert "n'existe pas" in response.json["message"]


def test_known_path_with_another_method_is_405_json(client: Client) -> None:
    response = client.delete("/api/echo")

    assert response.status_code == 405
    assert response.json["error"] == "method_not_allowed"
    assert response.headers["Allow"] == "GET, POST"


def test_match_is_exact_on_the_path(api: LocalApi) -> None:
    assert isinstance(api.match("POST", "/api/echo/"), HttpResponse)
    assert api.match("POST", "/api/echo").handler.endswith(".echo")  # type: ignore[union-attr]


def test_request_reaches_the_handler_as_an_event_and_comes_back(client: Client) -> None:
    client.set_cookie("a", "1")
    client.set_cookie("b", "2")
    response = client.post("/api/echo?x=1&x=2", json={"identifier": "zoé.martin"}, headers={"X-Trace": "t"})

    assert response.status_code == 200
    assert response.headers["X-Function"] == "EchoFunction"
    assert response.headers.getlist("Set-Cookie") == ["first=1; Path=/; HttpOnly", "second=2; Path=/; Secure"]
    event = response.json
    assert event["routeKey"] == "POST /api/echo"
    assert event["rawQueryString"] == "x=1&x=2"
    assert event["queryStringParameters"] == {"x": "1,2"}
    assert event["cookies"] == ["a=1", "b=2"]
    assert event["headers"]["x-trace"] == "t"
    assert json.loads(event["body"]) == {"identifier": "zoé.martin"}
    assert event["isBase64Encoded"] is False


def test_form_body_arrives_base64_and_intact(client: Client) -> None:
    response = client.post("/api/echo", data={"identifier": "zoé", "profile": "parent"})

    event = response.json
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"identifier=zo%C3%A9&profile=parent"


def test_binary_result_is_sent_as_bytes(client: Client) -> None:
    response = client.get("/api/picture")

    assert response.status_code == 201
    assert response.headers["Content-Type"] == "image/png"
    assert response.data == PNG_BYTES


def test_crashing_function_is_a_500_json_without_traceback(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    response = client.post("/api/crash", json={})

    assert response.status_code == 500
    assert response.json["error"] == "internal_error"
    assert "boom" not in response.get_data(as_text=True)
    assert "CrashFunction" in caplog.text


def test_too_large_body_is_413(api: LocalApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("devserver.api.MAX_REQUEST_BYTES", 10)

    answer = api.handle(HttpRequest("POST", "/api/echo", body=b"x" * 11))

    assert answer.status == 413


def test_every_template_route_is_matched() -> None:
    api = LocalApi(routes())

    for route in routes():
        assert api.match(route.method, route.path) == route


def test_real_login_handler_answers_401_without_a_session(
    table: str, site_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENT_TABLE", table)
    monkeypatch.setenv("ENT_PUBLIC_URL", "http://127.0.0.1:8000")
    client = Client(DevApp(LocalApi(routes()), StaticSite(site_dir)))

    response = client.get("/api/session", headers={"Host": "127.0.0.1:8000"})

    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json["error"] == "not_authenticated"
    assert response.headers["Cache-Control"] == "no-store"
