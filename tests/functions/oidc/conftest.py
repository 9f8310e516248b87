"""Fixtures for the OpenID Connect provider: apps registered, Authlib as each app's client, a family.

The app's server side (discovery, token, userinfo, JWKS) is Authlib's `OAuth2Session` (requests)
whose transport is the whole API in-process; the family's browser is the `api` test client, which
keeps the SSO session cookie. ID tokens are checked by PyJWT against the published JWKS.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from werkzeug.test import Client as WsgiClient

from functions.core.clients import register_oidc_client
from functions.core.lifecycle import AccountState
from tests.functions.conftest import ORIGIN

ISSUER = ORIGIN
PASSWORD = "Soleil2024x"
CALLBACK = "https://vie-scolaire.example.fr/callback"


class WsgiAdapter(BaseAdapter):
    """Requests' transport to a WSGI app, without a network (no cookies: a server calls these)."""

    def __init__(self, app: Any) -> None:
        super().__init__()
        self.client = WsgiClient(app, use_cookies=False)

    def send(self, request: requests.PreparedRequest, **_: Any) -> requests.Response:  # type: ignore[override]
        url = urlsplit(request.url or "")
        body = request.body.encode() if isinstance(request.body, str) else request.body
        answer = self.client.open(
            path=url.path,
            query_string=url.query,
            method=request.method or "GET",
            headers=dict(request.headers),
            data=body,
            base_url=f"{url.scheme}://{url.netloc}",
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(dict(answer.headers))
        response._content = answer.get_data()
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


@dataclass
class App:
    """One registered app: its Authlib session, and the PKCE verifier and nonce of its last request."""

    client_id: str
    client_secret: str | None
    session: OAuth2Session
    clock: Any
    verifier: str = ""
    nonce: str = ""
    state: str = ""

    def authorization_url(self, **extra: str) -> str:
        self.verifier, self.nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
        url, self.state = self.session.create_authorization_url(
            f"{ISSUER}/api/oidc/authorize", code_verifier=self.verifier, nonce=self.nonce, **extra
        )
        return str(url)

    def fetch_token(self, callback: str, **extra: Any) -> dict[str, Any]:
        return dict(
            self.session.fetch_token(
                f"{ISSUER}/api/oidc/token", authorization_response=callback, code_verifier=self.verifier, **extra
            )
        )

    def verify(self, id_token: str, jwks: dict[str, Any]) -> dict[str, Any]:
        """PyJWT's checks: signature by a published key, ES256 only, issuer, audience; expiry by the test clock."""
        header = jwt.get_unverified_header(id_token)
        key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]
        claims = jwt.decode(
            id_token,
            key.key,
            algorithms=["ES256"],
            audience=self.client_id,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "auth_time"], "verify_exp": False, "verify_iat": False},
        )
        assert claims["iat"] <= self.clock().timestamp() < claims["exp"]  # PyJWT would use the real time
        assert claims["nonce"] == self.nonce, "the ID token answers another request"
        return claims


@pytest.fixture(autouse=True)
def _signing_key(signing_key: str) -> str:
    return signing_key


@pytest.fixture
def transport(api) -> WsgiAdapter:
    return WsgiAdapter(api.client.application)


@pytest.fixture
def register(store, transport, clock):
    """Register an app and give it its Authlib client: register(public=False, redirect_uris=[...])."""

    def make(
        *, public: bool = False, redirect_uris: list[str] | None = None, post_logout: list[str] | None = None
    ) -> App:
        client, secret = register_oidc_client(
            name="Vie scolaire",
            redirect_uris=redirect_uris or [CALLBACK],
            post_logout_redirect_uris=post_logout,
            public=public,
        )
        store.put_client(client)
        session = OAuth2Session(
            client.client_id,
            secret,
            scope="openid profile email",
            redirect_uri=client.redirect_uris[0],
            code_challenge_method="S256",
            token_endpoint_auth_method="none" if public else "client_secret_basic",
        )
        session.mount(ISSUER, transport)
        return App(client.client_id, secret, session, clock)

    return make


@pytest.fixture
def app(register) -> App:
    return register()


@pytest.fixture
def family(api, accounts):
    """An active parent's account, signed in to the ENT in the `api` browser."""
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email="famille@exemple.fr")
    log_in(api, account.identifier)
    return account


def log_in(api, identifier: str) -> None:
    answer = api.post("/api/login", {"identifier": identifier, "password": PASSWORD, "profile": "parent"})
    assert answer.status_code == 200, answer.get_json()


@pytest.fixture
def jwks(app) -> dict[str, Any]:
    return dict(app.session.get(f"{ISSUER}/api/oidc/jwks", withhold_token=True).json())


def browse(api, url: str):
    """The family's browser opens `url` (one of ours); return the answer, not followed."""
    parts = urlsplit(url)
    return api.get(parts.path, query_string=parts.query)


def callback_params(location: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def sign_in(api, app: App, **extra: str) -> str:
    """The app sends the browser to authorize; return where we send it back (the callback URL)."""
    answer = browse(api, app.authorization_url(**extra))
    assert answer.status_code == 302, answer.get_data(as_text=True)
    location = answer.headers["Location"]
    assert location.startswith(app.session.redirect_uri), location
    return location
