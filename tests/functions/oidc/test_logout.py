"""An app logs the family out (RP-initiated logout 1.0): the SSO session ends, and with it every app's tokens."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from werkzeug.test import Client

from functions.core.lifecycle import AccountState
from tests.functions.conftest import JsonClient
from tests.functions.oidc.conftest import ISSUER, PASSWORD, browse, log_in, sign_in

BYE = "https://vie-scolaire.example.fr/au-revoir"


@pytest.fixture
def app(register):
    return register(post_logout=[BYE])


def _logout(api, **params: str):
    return browse(api, f"{ISSUER}/api/oidc/logout?{urlencode(params)}")


def _signed_in_app(api, app):
    token = app.fetch_token(sign_in(api, app))
    return token["id_token"], token["access_token"]


def _userinfo(app, access_token: str) -> int:
    headers = {"Authorization": f"Bearer {access_token}"}
    return int(app.session.get(f"{ISSUER}/api/oidc/userinfo", headers=headers, withhold_token=True).status_code)


def test_logout_with_the_id_token_ends_the_session_and_returns_to_the_registered_address(api, app, family, store):
    id_token, access_token = _signed_in_app(api, app)
    answer = _logout(api, id_token_hint=id_token, post_logout_redirect_uri=BYE, state="xyz")
    assert answer.status_code == 302 and answer.headers["Location"] == f"{BYE}?state=xyz"
    assert "__Host-ent-session=;" in answer.headers["Set-Cookie"]
    assert api.get("/api/session").status_code == 401
    assert _userinfo(app, access_token) == 401
    assert "logout" in [event.action for event in store.events(family.identifier)]


def test_logout_without_an_address_shows_our_page(api, app, family):
    id_token, _ = _signed_in_app(api, app)
    answer = _logout(api, id_token_hint=id_token)
    assert answer.status_code == 200 and "Vous êtes déconnecté" in answer.get_data(as_text=True)
    assert api.get("/api/session").status_code == 401


def test_an_unregistered_address_after_logout_is_never_a_redirect(api, app, family):
    id_token, _ = _signed_in_app(api, app)
    answer = _logout(api, id_token_hint=id_token, post_logout_redirect_uri="https://evil.example/")
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert api.get("/api/session").status_code == 200  # nothing ended on a refused request


def test_a_logout_link_without_the_id_token_signs_nobody_out(api, app, family):
    answer = _logout(api, client_id=app.client_id, post_logout_redirect_uri=BYE)
    assert answer.status_code == 200 and "Location" not in answer.headers
    assert "Mon compte" in answer.get_data(as_text=True)
    assert api.get("/api/session").status_code == 200


def test_a_forged_id_token_signs_nobody_out(api, app, family):
    id_token, _ = _signed_in_app(api, app)
    header, claims, signature = id_token.split(".")
    forged = f"{header}.{claims}.{signature[::-1]}"
    answer = _logout(api, id_token_hint=forged, post_logout_redirect_uri=BYE)
    assert answer.status_code == 400 and "Location" not in answer.headers  # no app vouched for the address
    assert api.get("/api/session").status_code == 200


def test_another_family_s_id_token_does_not_end_this_session(api, app, family, accounts):
    other_browser = JsonClient(Client(api.client.application))  # the same API, another browser
    other, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, first_name="Léa")
    log_in(other_browser, other.identifier)
    their_id_token, _ = _signed_in_app(other_browser, app)
    answer = _logout(api, id_token_hint=their_id_token, post_logout_redirect_uri=BYE)
    assert answer.status_code == 302  # the app proved who it is: back to it
    assert api.get("/api/session").status_code == 200  # but this browser's family stays signed in
