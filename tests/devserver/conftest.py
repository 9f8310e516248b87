"""Fixtures of the local stack's tests: a gateway on fake routes, a small built site, a client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devserver import mailbox
from devserver.api import LocalApi
from devserver.app import DevApp
from devserver.site import StaticSite
from infra.template import Route
from tests.devserver.client import Client

HANDLERS = "tests.devserver.handlers"


@pytest.fixture
def fake_routes() -> list[Route]:
    """Routes as the template declares them, to the tiny handlers of tests/devserver/handlers.py."""
    return [
        Route(method="POST", path="/api/echo", function="EchoFunction", handler=f"{HANDLERS}.echo"),
        Route(method="GET", path="/api/echo", function="EchoFunction", handler=f"{HANDLERS}.echo"),
        Route(method="GET", path="/api/picture", function="PictureFunction", handler=f"{HANDLERS}.binary"),
        Route(method="POST", path="/api/crash", function="CrashFunction", handler=f"{HANDLERS}.crash"),
    ]


@pytest.fixture
def api(fake_routes: list[Route]) -> LocalApi:
    return LocalApi(fake_routes)


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    """A built site in miniature: pages, a 404 page and assets of several types."""
    root = tmp_path / "site"
    (root / "connexion").mkdir(parents=True)
    (root / "assets").mkdir()
    (root / "index.html").write_text("<title>Aide ENT Parents</title><p>Accueil</p>", encoding="utf-8")
    (root / "connexion" / "index.html").write_text("<title>Connexion</title>", encoding="utf-8")
    (root / "404.html").write_text("<title>Page introuvable</title>", encoding="utf-8")
    (root / "assets" / "style.css").write_text("body { color: black; }", encoding="utf-8")
    (root / "assets" / "app.js").write_text("console.log('é');", encoding="utf-8")
    (root / "assets" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "search.json").write_text("{}", encoding="utf-8")
    (root / "sitemap.xml.gz").write_bytes(b"\x1f\x8b")
    (tmp_path / "secret.txt").write_text("outside the site", encoding="utf-8")
    return root


@pytest.fixture
def client(api: LocalApi, site_dir: Path) -> Client:
    """A WSGI client of the whole local app (site, API, mailbox), no socket involved."""
    return Client(DevApp(api, StaticSite(site_dir)))


@pytest.fixture
def recording() -> Iterator[None]:
    """Make moto keep the sending time and both parts of every mail, as the stack does."""
    mailbox.record()
    yield
    mailbox.stop_recording()
