"""Fixtures for the flows: each flow's app on the moto table, a JSON client, a mail outbox."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Response
from werkzeug.test import Client

from tests.apps import FlowApps

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
                    "text": _content(parsed, "plain"),
                    "html": _content(parsed, "html"),
                }
            )
        return mails

    return read


def _content(mail: Any, subtype: str) -> str:
    part = mail.get_body((subtype,))
    if part is None:
        raise AssertionError(f"the mail has no text/{subtype} part")
    return part.get_content()


@pytest.fixture
def api(settings, store, clock):
    """One JSON client for the whole API: each path goes to the app the template routes it to."""
    apps = FlowApps(settings, store, clock)
    apps.source_ip = "127.0.0.1"  # the address Flask's own test client gives every request
    return JsonClient(Client(apps, response_wrapper=Response))
