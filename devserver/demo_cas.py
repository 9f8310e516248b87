"""The CAS demo app of `make run` (/_dev/apps/cas/): a school-life app that signs families in by CAS.

It is what a real service does, with an independent client library: python-cas's `CASClientV3`
sends the browser to /cas/login, then validates the ticket it gets back against
/cas/p3/serviceValidate over HTTP (the local stack serves requests in threads), and shows the
`cas:user` and the attributes it received. It keeps no session of its own: each ticket is shown
once, as validated.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import parse_qs

from devserver.gateway import HttpRequest, HttpResponse

PATH = "/_dev/apps/cas/"
RETURN_PATH = PATH + "retour"
NAME = "Vie scolaire (démo CAS)"
HOSTS = ("127.0.0.1", "localhost")


def service_urls(web_port: int) -> list[str]:
    """The demo's service URL on each name of the local stack (the browser may use either)."""
    return [f"http://{host}:{web_port}{RETURN_PATH}" for host in HOSTS]


def register(store: object, web_port: int) -> None:
    """Register the demo as a CAS service, as `ent-admin client add --protocol cas` would."""
    from functions.core.clients import register_cas_client
    from functions.core.store import Store

    assert isinstance(store, Store)
    store.put_client(register_cas_client(name=NAME, service_urls=service_urls(web_port)))


def _client(base: str) -> Any:  # python-cas has no types
    from cas import CASClientV3

    return CASClientV3(service_url=base + RETURN_PATH, server_url=base + "/cas/")


def _base(request: HttpRequest) -> str:
    host = dict((name.lower(), value) for name, value in request.headers).get(
        "host", f"127.0.0.1:{request.server_port}"
    )
    return f"http://{host}"


def _page(title: str, body: str, status: int = 200) -> HttpResponse:
    html = f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><link rel="stylesheet" href="/assets/css/ent.css"></head>
<body><main class="cas-page"><p><em>Application de démonstration, en développement seulement.</em></p>
<h1>{escape(title)}</h1>
{body}
</main></body></html>
"""
    return HttpResponse(
        status, [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")], html.encode()
    )


def _home(base: str) -> HttpResponse:
    client = _client(base)
    return _page(
        NAME,
        f"""<p>Cette application connecte les familles par le protocole CAS 3.0, avec le compte de l'ENT.</p>
<p><a class="md-button md-button--primary" href="{escape(client.get_login_url())}">Se connecter avec l'ENT</a></p>
<p><a href="{escape(client.get_login_url())}&amp;gateway=true">Déjà connecté à l'ENT ? (sans redemander)</a> ·
<a href="{escape(client.get_login_url())}&amp;renew=true">Se reconnecter (mot de passe redemandé)</a></p>""",
    )


def _returned(base: str, query: str) -> HttpResponse:
    ticket = parse_qs(query).get("ticket", [""])[0]
    if not ticket:
        return _page(NAME, f"<p>Vous n'êtes pas connecté à l'ENT.</p><p><a href=\"{PATH}\">Retour</a></p>")
    client = _client(base)
    user, attributes, _ = client.verify_ticket(ticket)
    if not user:
        return _page(NAME, f'<p>Le ticket a été refusé par l\'ENT.</p><p><a href="{PATH}">Recommencer</a></p>', 403)
    rows = "\n".join(
        f'<tr><th scope="row">{escape(name)}</th><td>{escape(str(value))}</td></tr>'
        for name, value in sorted((attributes or {}).items())
    )
    logout = escape(client.get_logout_url(base + RETURN_PATH))  # a registered URL: /cas/logout goes back there
    return _page(
        f"Bienvenue, {attributes.get('prenom', '') if attributes else ''}",
        f"""<p>Connecté par l'ENT. Utilisateur CAS (propre à cette application) : <code data-cas-user>{escape(user)}</code></p>
<table data-cas-attributes><caption>Attributs reçus</caption>{rows}</table>
<p><a href="{logout}">Se déconnecter (de l'ENT et de ses applications)</a></p>""",
    )


def respond(request: HttpRequest) -> HttpResponse:
    """Answer a request under /_dev/apps/cas/."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(405, [("Allow", "GET, HEAD")])
    base = _base(request)
    if request.path == RETURN_PATH:
        return _returned(base, request.query_string)
    if request.path == PATH:
        return _home(base)
    return HttpResponse(404, [("Content-Type", "text/plain; charset=utf-8")], b"Page inconnue.")
