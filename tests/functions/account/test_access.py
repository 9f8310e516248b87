"""Mon compte needs a full session; whatever is sent, the answer is a clear refusal, never a 500."""

from __future__ import annotations

import json

import pytest

from functions.account.app import create_app
from functions.login.app import create_app as create_login_app

from .conftest import NEW_EMAIL, NEW_PASSWORD, PASSWORD, carry_session

ENDPOINTS = {
    "/api/account/password": {
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "new_password_confirmation": NEW_PASSWORD,
    },
    "/api/account/email": {"current_password": PASSWORD, "new_email": NEW_EMAIL},
}


@pytest.mark.parametrize("path", ENDPOINTS)
def test_not_logged_in_gets_401(make_client, account, path):
    response = make_client(create_app).post(path, ENDPOINTS[path])
    assert (response.status_code, response.json["error"]) == (401, "not_authenticated")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_forged_session_cookie_gets_401(make_client, account, path):
    client = make_client(create_app)
    for forged in ("x", "a" * 200, ""):
        client.client.set_cookie("__Host-ent-session", forged, domain="localhost", secure=True)
        assert client.post(path, ENDPOINTS[path]).status_code == 401


@pytest.mark.parametrize("path", ENDPOINTS)
def test_first_connection_session_cannot_use_mon_compte(make_client, accounts, path):
    account, initial_password = accounts.make()
    login = make_client(create_login_app)
    login.post("/api/login", {"identifier": account.identifier, "password": initial_password, "profile": "parent"})
    client = make_client(create_app)
    carry_session(login, client)
    body = {**ENDPOINTS[path], "current_password": initial_password}
    assert client.post(path, body).status_code == 401


@pytest.mark.parametrize("path", ENDPOINTS)
def test_expired_session_gets_401(client, clock, path):
    clock.advance(minutes=31)
    assert client.post(path, ENDPOINTS[path]).status_code == 401


@pytest.mark.parametrize("path", [*ENDPOINTS, "/api/account/email/confirm"])
@pytest.mark.parametrize("body", [[], "texte", 3, None])
def test_a_body_that_is_not_a_json_object_is_refused(client, path, body):
    response = client.client.post(
        path, data=json.dumps(body), content_type="application/json", headers={"Origin": "https://aide.ent.example.fr"}
    )
    assert response.status_code == 400
    assert response.json["error"]


@pytest.mark.parametrize("path", [*ENDPOINTS, "/api/account/email/confirm"])
def test_broken_json_is_refused_without_a_trace(client, path):
    response = client.client.post(path, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize(("path", "field"), [(path, field) for path, body in ENDPOINTS.items() for field in body])
def test_every_field_is_bounded_and_typed(client, path, field):
    for value in ("x" * 5000, 12, {"a": 1}, True):
        response = client.post(path, {**ENDPOINTS[path], field: value})
        assert response.status_code == 400, (field, value)
        assert response.json["field"] == field


@pytest.mark.parametrize("path", [*ENDPOINTS, "/api/account/email/confirm"])
def test_cross_site_requests_are_refused(client, path):
    assert client.client.post(path, data="{}", content_type="text/plain").status_code == 415
    forged = client.post(path, {}, headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert forged.status_code == 403


def test_answers_are_never_cached(client):
    response = client.post("/api/account/email", ENDPOINTS["/api/account/email"])
    assert response.headers["Cache-Control"] == "no-store"
