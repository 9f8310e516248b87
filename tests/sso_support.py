"""Shared by the single sign-on tests: python-cas talking to the in-process API, a registered service."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter
from werkzeug.test import Client

from functions.core.clients import Client as RegisteredClient
from functions.core.clients import register_cas_client
from functions.core.store import Store

SERVICE = "https://vie-scolaire.example.fr/cas/retour"
SERVER = "https://aide.ent.example.fr/cas/"


class WsgiAdapter(BaseAdapter):
    """Lets `requests` (python-cas's transport) reach a WSGI app in-process, as if over HTTPS."""

    def __init__(self, app: Any) -> None:
        super().__init__()
        self.client = Client(app)

    def send(  # requests passes its transport options: unused in-process
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        parts = urlsplit(request.url or "")
        answer = self.client.open(parts.path, method=request.method or "GET", query_string=parts.query)
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.get_data()
        response.headers.update(dict(answer.headers))
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


def session_for(app: Any) -> requests.Session:
    session = requests.Session()
    session.mount("https://aide.ent.example.fr", WsgiAdapter(app))
    return session


def register_service(store: Store, name: str = "Vie scolaire", url: str = SERVICE) -> RegisteredClient:
    client = register_cas_client(name=name, service_urls=[url])
    store.put_client(client)
    return client


def query_of(location: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}
