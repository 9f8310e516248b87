"""Logging out through an app (CAS) ends the ENT session: every app and Mon compte with it."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.sso_support import SERVICE


def test_cas_logout_ends_the_session_and_shows_the_signed_out_page(signed_in, service):
    response = signed_in.get("/cas/logout")
    assert response.status_code == 200
    assert "Vous êtes déconnecté" in response.get_data(as_text=True)
    assert "__Host-ent-session=;" in response.headers["Set-Cookie"]
    assert signed_in.get("/api/session").status_code == 401
    assert signed_in.get("/cas/login?" + urlencode({"service": SERVICE})).headers["Location"].startswith("/connexion/")


def test_cas_logout_returns_to_a_registered_service_only(signed_in, service):
    assert signed_in.get("/cas/logout?" + urlencode({"service": SERVICE})).headers["Location"] == SERVICE
    elsewhere = signed_in.get("/cas/logout?" + urlencode({"service": "https://pirate.example.com/"}))
    assert elsewhere.status_code == 200 and "Location" not in elsewhere.headers


def test_the_ent_logout_ends_the_apps_sign_in_too(signed_in, service):
    assert signed_in.post("/api/logout").status_code == 204
    location = signed_in.get("/cas/login?" + urlencode({"service": SERVICE})).headers["Location"]
    assert location.startswith("/connexion/?demande=")


def test_a_stolen_cookie_of_a_logged_out_session_is_dead(signed_in, service, api):
    cookie = signed_in.cookie()
    signed_in.get("/cas/logout")
    api.client.set_cookie("__Host-ent-session", cookie, domain="localhost")
    assert api.get("/api/session").status_code == 401
