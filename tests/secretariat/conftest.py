"""Fixtures for ent-admin: the command run at the test clock, rosters on disk, the login API."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest

from functions.login.app import create_app as create_login_app
from secretariat.cli import main

HEADER = "nom;prenom;profil;date_naissance;classe"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def env(table, settings, monkeypatch):
    """Point ent-admin at the moto table, as `make run` prints it for the local stack."""
    monkeypatch.setenv("ENT_TABLE", table)
    monkeypatch.setenv("ENT_PUBLIC_URL", settings.public_url)
    monkeypatch.setenv("ENT_MAIL_FROM", settings.mail_from)
    return table


@pytest.fixture
def admin(env, clock, capsys):
    """Run `ent-admin ARGS…` at the test clock: admin("show", "zoe.martin") → Run(code, out, err)."""

    def run(*arguments: str) -> Run:
        capsys.readouterr()
        code = main(list(arguments), clock=clock)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def write_roster(tmp_path):
    """Write a roster file: write_roster(["Martin;Zoé;parent;01/03/2015;6e B"], encoding=…, bom=…)."""

    def write(
        lines: list[str],
        *,
        encoding: str = "utf-8",
        bom: bool = False,
        header: str = HEADER,
        name: str = "liste.csv",
        newline: str = "\r\n",
    ) -> Path:
        text = newline.join([header, *lines]) + newline
        path = tmp_path / name
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
        return path

    return write


class JsonClient:
    """The site's forms as a test client: JSON, same origin."""

    def __init__(self, flask_client: Any, origin: str) -> None:
        self.client, self.origin = flask_client, origin

    def post(self, path: str, body: Any = None):
        headers = {"Origin": self.origin, "Sec-Fetch-Site": "same-origin"}
        return self.client.post(path, json=body if body is not None else {}, headers=headers)


@pytest.fixture
def login_client(settings, store, clock) -> JsonClient:
    app = create_login_app(settings, store=store, clock=clock)
    app.testing = True
    return JsonClient(app.test_client(), settings.public_url)


@pytest.fixture
def log_in(login_client):
    """Log in through the API: log_in(identifier, password, profile) → the response."""

    def post(identifier: str, password: str, profile: str = "parent"):
        return login_client.post("/api/login", {"identifier": identifier, "password": password, "profile": profile})

    return post


@dataclass(frozen=True)
class PrintedLetter:
    text: str
    identifier: str
    password: str


def read_letters(path: Path) -> list[PrintedLetter]:
    """Read the PDF back as a person copying from paper would: one letter per page."""
    letters = []
    for page in pypdf.PdfReader(path).pages:
        text = page.extract_text().replace("\xa0", " ")
        identifier = re.search(r"Identifiant : (\S+)", text)
        password = re.search(r"Mot de passe provisoire : (\S+)", text)
        assert identifier and password, f"a page without its identifier and password: {text!r}"
        letters.append(PrintedLetter(text, identifier.group(1), password.group(1)))
    return letters
