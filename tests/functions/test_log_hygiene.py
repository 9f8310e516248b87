"""Logs never hold a password, a token, a link or a birth date (DESIGN §6.12), on every journey."""

from __future__ import annotations

import logging
import re

from functions.core.lifecycle import AccountState

NEW_PASSWORD = "Tournesol42"
NEWER_PASSWORD = "Girafe2027b"
RESET_PASSWORD = "Papillon33z"


def token_of(mail: dict) -> str:
    found = re.search(r"#t=([A-Za-z0-9_-]+)", mail["text"])
    assert found, mail["text"]
    return found.group(1)


def test_no_journey_writes_a_secret_to_the_logs(api, accounts, outbox, caplog, capsys):
    caplog.set_level(logging.DEBUG, logger="ent")
    caplog.set_level(logging.INFO)
    account, initial_password = accounts.make()
    post = api.post
    assert (
        post(
            "/api/login", {"identifier": account.identifier, "password": "Mauvais123", "profile": "parent"}
        ).status_code
        == 401
    )
    assert (
        post(
            "/api/login", {"identifier": account.identifier, "password": initial_password, "profile": "parent"}
        ).status_code
        == 200
    )
    post(
        "/api/first-connection",
        {
            "birth_date": "02/03/2015",
            "email": "f@example.fr",
            "new_password": NEW_PASSWORD,
            "new_password_confirmation": NEW_PASSWORD,
        },
    )
    assert (
        post(
            "/api/first-connection",
            {
                "birth_date": "01/03/2015",
                "email": "famille@example.fr",
                "new_password": NEW_PASSWORD,
                "new_password_confirmation": NEW_PASSWORD,
            },
        ).status_code
        == 202
    )
    assert (
        post("/api/first-connection/resend", {"identifier": account.identifier, "password": NEW_PASSWORD}).status_code
        == 202
    )
    activation = token_of(outbox()[-1])
    assert post("/api/activation", {"token": activation}).status_code == 200
    post("/api/activation", {"token": activation})
    assert (
        post(
            "/api/login", {"identifier": account.identifier, "password": NEW_PASSWORD, "profile": "parent"}
        ).status_code
        == 200
    )
    assert api.get("/api/session").status_code == 200
    assert (
        post(
            "/api/account/password",
            {
                "current_password": NEW_PASSWORD,
                "new_password": NEWER_PASSWORD,
                "new_password_confirmation": NEWER_PASSWORD,
            },
        ).status_code
        == 200
    )
    assert (
        post("/api/account/email", {"current_password": NEWER_PASSWORD, "new_email": "nouvelle@example.fr"}).status_code
        == 202
    )
    email_token = token_of([mail for mail in outbox() if mail["to"] == "nouvelle@example.fr"][-1])
    assert post("/api/account/email/confirm", {"token": email_token}).status_code == 200
    assert post("/api/logout").status_code == 204
    assert post("/api/recovery/identifier", {"email": "nouvelle@example.fr"}).status_code == 202
    assert post("/api/recovery/password", {"identifier": account.identifier}).status_code == 202
    reset = token_of(outbox()[-1])
    post(
        "/api/recovery/password/reset", {"token": reset, "new_password": "court", "new_password_confirmation": "court"}
    )
    assert (
        post(
            "/api/recovery/password/reset",
            {"token": reset, "new_password": RESET_PASSWORD, "new_password_confirmation": RESET_PASSWORD},
        ).status_code
        == 200
    )
    post("/api/feedback", {"page": "/aide/courrier/", "helpful": True, "comment": "merci"})

    stdout = capsys.readouterr().out
    logged = caplog.text + stdout
    assert stdout.count('"route": "/api/') == 18  # one structured line per request
    secrets = [
        initial_password,
        "Mauvais123",
        NEW_PASSWORD,
        NEWER_PASSWORD,
        RESET_PASSWORD,
        "court",
        activation,
        email_token,
        reset,
        "#t=",
        "01/03/2015",
        "2015-03-01",
        "02/03/2015",
    ]
    for secret in secrets:
        assert secret not in logged, f"a secret reached the logs: {secret[:3]}…"


def test_each_log_line_is_json_with_request_id_route_status_and_duration(api, accounts, capsys):
    import json

    accounts.make(state=AccountState.ACTIVE, password=NEW_PASSWORD)
    api.post(
        "/api/login",
        {"identifier": "zoe.martin", "password": NEW_PASSWORD, "profile": "parent"},
        environ_base={"apig_wsgi.request_context": {"requestId": "req-123", "http": {"sourceIp": "192.0.2.1"}}},
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    (line,) = [entry for entry in lines if entry.get("route") == "/api/login"]
    assert line["request_id"] == "req-123" and line["status"] == 200 and line["method"] == "POST"
    assert isinstance(line["duration_ms"], float)
