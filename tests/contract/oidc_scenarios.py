"""The contract tests' scenarios of the OpenID Connect provider: a registered app, codes and tokens.

A code or token is seeded straight into the store (as the authorize and token endpoints would
write it), bound to a live session of a fresh active account, so each example reaches the happy
path or exactly one refusal.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

from functions.core.clients import Client, register_oidc_client
from functions.core.grants import ACCESS_TOKEN_LIFETIME, AccessToken, AuthorizationCode
from functions.core.sessions import COOKIE_NAME, session_hash
from functions.core.tokens import new_token, token_hash
from tests.contract.stack import World

CALLBACK = "https://vie-scolaire.example.fr/callback"
VERIFIER = "v" * 43
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
GENERATED = "generated"
Expect = tuple[int, str | None]
# The endpoints other servers call with their own credentials: no cookie, so no CSRF rule.
CREDENTIAL_PATHS = ("/api/oidc/token", "/api/oidc/userinfo")


def _app(world: World) -> tuple[Client, str]:
    """The world's one registered app (a confidential client) and its secret."""
    registered: tuple[Client, str] | None = getattr(world, "oidc_app", None)
    if registered is None:
        client, secret = register_oidc_client(name="Vie scolaire", redirect_uris=[CALLBACK])
        assert secret is not None
        world.store.put_client(client)
        registered = client, secret
        world.oidc_app = registered  # type: ignore[attr-defined]
    return registered


def basic(client: Client, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()}


def _signed_in(world: World) -> tuple[str, str]:
    """A fresh active account's live session: (its cookie, its identifier)."""
    account = world.account()
    return world.session(account), account.identifier


def _seed(world: World) -> tuple[AuthorizationCode, str, AccessToken, str]:
    """A code of a live session, and the token its redemption would store: (code, its text, token, its text)."""
    client, _ = _app(world)
    cookie, identifier = _signed_in(world)
    code, access = new_token(), new_token()
    record = AuthorizationCode(
        code_hash=token_hash(code),
        client_id=client.client_id,
        redirect_uri=CALLBACK,
        code_challenge=CHALLENGE,
        nonce="n",
        scope=("openid", "profile"),
        identifier=identifier,
        session_hash=session_hash(cookie),
        auth_time=world.clock(),
        issued_at=world.clock(),
    )
    world.store.put_authorization_code(record)
    token = AccessToken(
        token_hash=token_hash(access),
        client_id=client.client_id,
        identifier=identifier,
        session_hash=session_hash(cookie),
        scope=record.scope,
        expires_at=world.clock() + ACCESS_TOKEN_LIFETIME,
    )
    return record, code, token, access


def seed_code(world: World, *, used: bool = False) -> str:
    record, code, token, _ = _seed(world)
    if used:
        world.store.redeem_authorization_code(record, token, world.clock())
    return code


def seed_access_token(world: World) -> str:
    """A live access token, stored as the token endpoint stores it: by redeeming its code."""
    record, _, token, access = _seed(world)
    world.store.redeem_authorization_code(record, token, world.clock())
    return access


Scenario = Callable[[World, Any, Any, bool], "Expect | None"]


def real_configuration(world: World, case: Any, pick: Any, positive: bool) -> Expect | None:
    return 200, None


def real_authorize(world: World, case: Any, pick: Any, positive: bool) -> Expect | None:
    if not positive:
        return None
    choice = pick("request", "valid", "valid", "unknown_client", "other_redirect", "no_pkce", GENERATED)
    if choice == GENERATED:
        return None
    client, _ = _app(world)
    query = {
        "response_type": "code",
        "client_id": client.client_id if choice != "unknown_client" else "inconnu",
        "redirect_uri": CALLBACK if choice != "other_redirect" else "https://evil.example/",
        "scope": "openid profile",
        "state": "s",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
    }
    if choice == "no_pkce":
        del query["code_challenge"], query["code_challenge_method"]
    case.query = query
    if pick("session", "live", "none") == "live":
        case.cookies = {COOKIE_NAME: _signed_in(world)[0]}
    else:
        case.cookies = {}
    return (302, None) if choice in ("valid", "no_pkce") else (400, None)


def real_token(world: World, case: Any, pick: Any, positive: bool) -> Expect | None:
    if not positive:
        return None
    choice = pick("code", "fresh", "fresh", "used", "wrong_secret", "wrong_verifier", GENERATED)
    if choice == GENERATED:
        return None
    client, secret = _app(world)
    code = seed_code(world, used=choice == "used")
    case.body = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "code_verifier": VERIFIER if choice != "wrong_verifier" else "w" * 43,
    }
    case.headers = {**(case.headers or {}), **basic(client, secret if choice != "wrong_secret" else "faux")}
    return {
        "fresh": (200, None),
        "used": (400, "invalid_grant"),
        "wrong_secret": (401, "invalid_client"),
        "wrong_verifier": (400, "invalid_grant"),
    }[choice]


def real_userinfo(world: World, case: Any, pick: Any, positive: bool) -> Expect | None:
    choice = pick("token", "live", "live", "unknown", "none")
    headers = dict(case.headers or {})
    headers.pop("Authorization", None)
    if choice == "live":
        headers["Authorization"] = f"Bearer {seed_access_token(world)}"
    elif choice == "unknown":
        headers["Authorization"] = "Bearer " + "x" * 43
    case.headers = headers
    return (200, None) if choice == "live" else (401, "invalid_token")


def real_logout(world: World, case: Any, pick: Any, positive: bool) -> Expect | None:
    if not positive or pick("logout", "bare", GENERATED) == GENERATED:
        return None
    case.query = {}
    return 200, None


SCENARIOS: dict[tuple[str, str], Scenario] = {
    ("/.well-known/openid-configuration", "GET"): real_configuration,
    ("/api/oidc/jwks", "GET"): real_configuration,
    ("/api/oidc/authorize", "GET"): real_authorize,
    ("/api/oidc/token", "POST"): real_token,
    ("/api/oidc/userinfo", "GET"): real_userinfo,
    ("/api/oidc/userinfo", "POST"): real_userinfo,
    ("/api/oidc/logout", "GET"): real_logout,
}


def busy_request(world: World, path: str) -> dict[str, Any]:
    """What makes each endpoint read the table (which is busy): (query, headers, body, media type)."""
    if path == "/api/oidc/authorize":
        return {"query": {"client_id": "inconnu"}}
    if path == "/api/oidc/logout":
        return {"query": {"client_id": "inconnu"}}
    if path == "/api/oidc/userinfo":
        return {"headers": {"Authorization": "Bearer " + "x" * 43}}
    assert path == "/api/oidc/token", path
    form = {"grant_type": "authorization_code", "code": "c", "redirect_uri": CALLBACK, "code_verifier": VERIFIER}
    return {"body": form, "media_type": "application/x-www-form-urlencoded", "headers": {"Authorization": "Basic eDp5"}}
