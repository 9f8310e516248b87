"""Fixtures for the flows: each flow's app on the moto table, a JSON client, a mail outbox."""

from __future__ import annotations

from typing import Any

import pytest

ORIGIN = "https://aide.ent.example.fr"


class JsonClient:
    """A test client that speaks like the site's forms: JSON, same origin."""

    def __init__(self, flask_client: Any) -> None:
        self.client = flask_client

    def post(self, path: str, body: Any = None, **kwargs: Any):
        headers = {"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin", **kwargs.pop("headers", {})}
        return self.client.post(path, json=body if body is not None else {}, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any):
        return self.client.get(path, **kwargs)

    def cookie(self, name: str = "__Host-ent-session") -> str | None:
        found = self.client.get_cookie(name)
        return found.value if found else None


@pytest.fixture
def make_client(settings, store, clock):
    """Build a JSON client for one flow's app: `make_client(create_app)`."""

    def build(create_app, **services: Any) -> JsonClient:
        app = create_app(settings, store=store, clock=clock, **services)
        app.testing = True
        return JsonClient(app.test_client())

    return build


@pytest.fixture
def outbox(table):
    """Read the mails sent through moto's SES: `outbox()` → [{to, subject, text, html}]."""
    import email
    import email.policy

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    def read() -> list[dict[str, str]]:
        backend = ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-3"]
        mails = []
        for sent in backend.sent_messages:
            parsed = email.message_from_string(sent.raw_data, policy=email.policy.default)
            mails.append(
                {
                    "to": str(parsed["To"]),
                    "subject": str(parsed["Subject"]),
                    "text": parsed.get_body(("plain",)).get_content(),
                    "html": parsed.get_body(("html",)).get_content(),
                }
            )
        return mails

    return read


@pytest.fixture
def api(settings, store, clock):
    """One JSON client for the whole API: each path goes to the app the template routes it to."""
    import importlib
    import inspect

    from infra.template import routes

    apps: dict[str, Any] = {}
    by_path: dict[str, Any] = {}
    for route in routes():
        package = route.handler.rsplit(".", 2)[0]  # functions.login.handler.handler → functions.login
        if package not in apps:
            create_app = importlib.import_module(f"{package}.app").create_app
            accepted = inspect.signature(create_app).parameters
            services = {"clock": clock} if "clock" in accepted else {}
            apps[package] = create_app(settings, store=store, **services)
        by_path[route.path] = apps[package]
    fallback = next(iter(apps.values()))

    def dispatch(environ, start_response):
        return by_path.get(environ.get("PATH_INFO", ""), fallback)(environ, start_response)

    from flask.testing import FlaskClient

    client = FlaskClient(_WsgiShim(dispatch, fallback))
    return JsonClient(client)


class _WsgiShim:
    """Lets Flask's test client drive a plain WSGI dispatcher (it needs an app-like object)."""

    def __init__(self, wsgi, flask_app) -> None:
        self.wsgi, self.flask_app = wsgi, flask_app
        self.config, self.testing = flask_app.config, True
        self.response_class = flask_app.response_class
        self.test_cli_runner_class = None

    def __call__(self, environ, start_response):
        return self.wsgi(environ, start_response)

    def __getattr__(self, name):
        return getattr(self.flask_app, name)
