"""The OpenID Connect demo app of `make run` (/_dev/apps/oidc/): an app that signs families in by OIDC.

It does what a real app's server does, with independent libraries: Authlib's client
(`OAuth2Session`, requests) reads the discovery document, sends the browser to authorize with
PKCE S256, a `state` and a `nonce`, checks `iss` on the way back (RFC 9207), redeems the code
with its secret (client_secret_basic) over HTTP (the local stack serves requests in threads),
and PyJWT checks the ID token against the JWKS. It shows the claims of the ID token and of
userinfo, and logs out through the provider (RP-initiated logout, with `id_token_hint`).
Its own sessions live in this process's memory, behind a cookie of its path.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import parse_qs, urlencode

from devserver.gateway import HttpRequest, HttpResponse

PATH = "/_dev/apps/oidc/"
CALLBACK_PATH = PATH + "retour"
NAME = "Cahier de textes (démo OpenID Connect)"
HOSTS = ("127.0.0.1", "localhost")
COOKIE = "demo-oidc"


@dataclass
class _Registration:
    client_id: str = ""
    client_secret: str = ""
    web_port: int = 0
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_DEMO = _Registration()


def register(store: object, web_port: int) -> None:
    """Register the demo as a confidential OIDC client, as `ent-admin client add --protocol oidc` would."""
    from functions.core.clients import register_oidc_client
    from functions.core.store import Store

    assert isinstance(store, Store)
    client, secret = register_oidc_client(
        name=NAME,
        redirect_uris=[f"http://{host}:{web_port}{CALLBACK_PATH}" for host in HOSTS],
        post_logout_redirect_uris=[f"http://{host}:{web_port}{PATH}" for host in HOSTS],
    )
    assert secret is not None
    store.put_client(client)
    _DEMO.client_id, _DEMO.client_secret, _DEMO.web_port = client.client_id, secret, web_port


def _issuer() -> str:
    return f"http://127.0.0.1:{_DEMO.web_port}"  # the provider's issuer: ENT_PUBLIC_URL of the local stack


def _client(base: str) -> Any:  # Authlib's session, typed loosely (Authlib has no stubs)
    from authlib.integrations.requests_client import OAuth2Session

    return OAuth2Session(
        _DEMO.client_id,
        _DEMO.client_secret,
        scope="openid profile email",
        redirect_uri=base + CALLBACK_PATH,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )


def _configuration() -> dict[str, Any]:
    import requests

    return dict(requests.get(f"{_issuer()}/.well-known/openid-configuration", timeout=5).json())


def _base(request: HttpRequest) -> str:
    host = dict((name.lower(), value) for name, value in request.headers).get(
        "host", f"127.0.0.1:{request.server_port}"
    )
    return f"http://{host if host.split(':')[0] in HOSTS else f'127.0.0.1:{_DEMO.web_port}'}"


def _session_of(request: HttpRequest) -> tuple[str, dict[str, Any]]:
    cookies = "; ".join(value for name, value in request.headers if name.lower() == "cookie")
    found = next((part.split("=", 1)[1] for part in cookies.split("; ") if part.startswith(COOKIE + "=")), "")
    with _DEMO.lock:
        if found not in _DEMO.sessions:
            found = secrets.token_urlsafe(24)
            _DEMO.sessions[found] = {}
        return found, _DEMO.sessions[found]


def _page(session_id: str, title: str, body: str, status: int = 200, location: str | None = None) -> HttpResponse:
    html = f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><link rel="stylesheet" href="/assets/css/ent.css"></head>
<body><main class="oidc-page"><p><em>Application de démonstration, en développement seulement.</em></p>
<h1>{escape(title)}</h1>
{body}
</main></body></html>
"""
    headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", "no-store"),
        ("Set-Cookie", f"{COOKIE}={session_id}; Path={PATH}; HttpOnly; SameSite=Lax"),
    ]
    if location:
        headers.append(("Location", location))
    return HttpResponse(status, headers, b"" if location else html.encode())


def _claims_table(caption: str, claims: dict[str, Any], marker: str) -> str:
    rows = "\n".join(
        f'<tr><th scope="row">{escape(name)}</th><td><code>{escape(json.dumps(value, ensure_ascii=False))}</code></td></tr>'
        for name, value in sorted(claims.items())
    )
    return f"<table {marker}><caption>{escape(caption)}</caption>{rows}</table>"


def _home(session_id: str, session: dict[str, Any]) -> HttpResponse:
    if "claims" not in session:
        return _page(
            session_id,
            NAME,
            f"""<p>Cette application connecte les familles par OpenID Connect, avec le compte de l'ENT.</p>
<p><a class="md-button md-button--primary" href="{PATH}connexion">Se connecter avec l'ENT</a></p>
<p><a href="{PATH}connexion?prompt=none">Déjà connecté à l'ENT ? (sans redemander)</a> ·
<a href="{PATH}connexion?prompt=login">Se reconnecter (mot de passe redemandé)</a></p>""",
        )
    claims, userinfo = session["claims"], session["userinfo"]
    return _page(
        session_id,
        f"Bienvenue, {claims.get('given_name', '')}",
        f"""<p>Connecté par l'ENT. Identifiant propre à cette application (<code>sub</code>) :
<code data-oidc-sub>{escape(claims["sub"])}</code></p>
{_claims_table("Jeton d'identité (vérifié)", claims, "data-oidc-claims")}
{_claims_table("Réponse de userinfo", userinfo, "data-oidc-userinfo")}
<p><a href="{PATH}deconnexion">Se déconnecter (de l'ENT et de ses applications)</a></p>""",
    )


def _login(base: str, session_id: str, session: dict[str, Any], query: str) -> HttpResponse:
    prompt = parse_qs(query).get("prompt", [""])[0]
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    extra = {"prompt": prompt} if prompt in ("none", "login") else {}
    url, state = _client(base).create_authorization_url(
        _configuration()["authorization_endpoint"], code_verifier=verifier, nonce=nonce, **extra
    )
    session.update(state=state, verifier=verifier, nonce=nonce)
    return _page(session_id, NAME, "", 302, url)


def _returned(base: str, session_id: str, session: dict[str, Any], query: str) -> HttpResponse:
    import jwt

    params = {name: values[0] for name, values in parse_qs(query).items()}
    configuration = _configuration()
    if params.get("iss") != configuration["issuer"] or params.get("state") != session.get("state"):
        return _page(
            session_id,
            NAME,
            f'<p>Réponse refusée : émetteur ou état inattendu.</p><p><a href="{PATH}">Recommencer</a></p>',
            400,
        )
    if "error" in params:
        return _page(
            session_id,
            NAME,
            f"<p>L'ENT a répondu : <code data-oidc-error>{escape(params['error'])}</code> "
            f'({escape(params.get("error_description", ""))})</p><p><a href="{PATH}">Retour</a></p>',
        )
    client = _client(base)
    token = client.fetch_token(
        configuration["token_endpoint"],
        authorization_response=f"{base}{CALLBACK_PATH}?{query}",
        code_verifier=session["verifier"],
    )
    jwks = jwt.PyJWKSet.from_dict(client.get(configuration["jwks_uri"], withhold_token=True).json())
    key = jwks[jwt.get_unverified_header(token["id_token"])["kid"]]
    claims = jwt.decode(
        token["id_token"], key.key, algorithms=["ES256"], audience=_DEMO.client_id, issuer=configuration["issuer"]
    )
    if claims.get("nonce") != session["nonce"]:
        return _page(session_id, NAME, "<p>Jeton d'identité refusé : nonce inattendu.</p>", 400)
    userinfo = client.get(configuration["userinfo_endpoint"]).json()
    session.clear()
    session.update(claims=claims, userinfo=userinfo, id_token=token["id_token"])
    return _page(session_id, NAME, "", 302, PATH)


def _logout(base: str, session_id: str, session: dict[str, Any]) -> HttpResponse:
    id_token = session.get("id_token")
    session.clear()
    if not id_token:
        return _page(session_id, NAME, "", 302, PATH)
    state = secrets.token_urlsafe(12)
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": base + PATH, "state": state})
    return _page(session_id, NAME, "", 302, f"{_configuration()['end_session_endpoint']}?{query}")


def respond(request: HttpRequest) -> HttpResponse:
    """Answer a request under /_dev/apps/oidc/."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(405, [("Allow", "GET, HEAD")])
    base = _base(request)
    session_id, session = _session_of(request)
    if request.path == CALLBACK_PATH:
        return _returned(base, session_id, session, request.query_string)
    if request.path == PATH + "connexion":
        return _login(base, session_id, session, request.query_string)
    if request.path == PATH + "deconnexion":
        return _logout(base, session_id, session)
    if request.path == PATH:
        return _home(session_id, session)
    return HttpResponse(404, [("Content-Type", "text/plain; charset=utf-8")], b"Page inconnue.")
