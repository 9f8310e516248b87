"""The demo apps of `make run`, served on the same origin under /_dev/apps/, and the home page's links.

Each demo is one module with `PATH`, `NAME`, `register(store, web_port)` (as `ent-admin client
add` would) and `respond(request)`. The home page of the local stack only (never the built site)
gets a box linking them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from devserver import demo_cas, demo_oidc
from devserver.gateway import HttpRequest, HttpResponse

PREFIX = "/_dev/apps/"


@dataclass(frozen=True)
class Demo:
    path: str
    name: str
    register: Callable[[object, int], None]
    respond: Callable[[HttpRequest], HttpResponse]


DEMOS = [
    Demo(demo_oidc.PATH, demo_oidc.NAME, demo_oidc.register, demo_oidc.respond),
    Demo(demo_cas.PATH, demo_cas.NAME, demo_cas.register, demo_cas.respond),
]


def register_all(store: object, web_port: int) -> None:
    for demo in DEMOS:
        demo.register(store, web_port)


def respond(request: HttpRequest) -> HttpResponse | None:
    """The demo that owns this path, if any."""
    for demo in DEMOS:
        if request.path.startswith(demo.path) or request.path == demo.path.rstrip("/"):
            if request.path == demo.path.rstrip("/"):
                return HttpResponse(301, [("Location", demo.path)])
            return demo.respond(request)
    return None


def links_box() -> bytes:
    items = "".join(f'<li><a href="{escape(demo.path)}">{escape(demo.name)}</a></li>' for demo in DEMOS)
    return (
        '<aside class="ent-panel" data-dev-apps><p><strong>Développement</strong> : applications de démonstration '
        f"connectées par l'ENT.</p><ul>{items}</ul></aside>"
    ).encode()


def with_home_links(answer: HttpResponse) -> HttpResponse:
    """The home page with the demo links, at the top of its content (the local stack only)."""
    marker = b'<article class="md-content__inner md-typeset">'
    if answer.status != 200 or marker not in answer.body:
        return answer
    body = answer.body.replace(marker, marker + links_box(), 1)
    headers = [(name, value) for name, value in answer.headers if name.lower() != "content-length"]
    return HttpResponse(answer.status, [*headers, ("Content-Length", str(len(body)))], body)
