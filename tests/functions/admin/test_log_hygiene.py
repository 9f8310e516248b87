"""The console's logs never hold a password, a code, a TOTP secret, an invitation link or a session id."""

from __future__ import annotations

import logging
import re

from functions.core.staff import STAFF_COOKIE
from tests.functions.admin.conftest import STAFF_PASSWORD, totp_code


def test_no_console_journey_writes_a_secret_to_the_logs(staff_client, browser, outbox, clock, caplog, capsys):
    caplog.set_level(logging.DEBUG, logger="ent")
    academie = staff_client(role="academie", schools=())
    invitation = {"email": "claire@ac-exemple.fr", "role": "secretariat", "schools": ["0750654D"]}
    assert academie.post("/api/admin/staff/invitations", invitation).status_code == 201
    found = re.search(r"#t=([A-Za-z0-9_-]+)", outbox()[-1]["text"])
    assert found
    token = found.group(1)
    newcomer = browser("203.0.113.5")
    body = {"token": token, "password": STAFF_PASSWORD, "password_confirmation": STAFF_PASSWORD}
    secret = newcomer.post("/api/admin/invitation", body).get_json()["otp_secret"]
    first_code = totp_code(secret, clock())
    codes = newcomer.post("/api/admin/invitation/confirm", {"token": token, "code": first_code}).get_json()
    clock.advance(seconds=30)
    login = {"email": "claire@ac-exemple.fr", "password": STAFF_PASSWORD, "code": totp_code(secret, clock())}
    newcomer.post("/api/admin/login", {**login, "password": "Mauvais-Mot-De-Passe-9"})
    assert newcomer.post("/api/admin/login", login).status_code == 200
    academie.step_up()
    assert academie.post("/api/admin/logout").status_code == 204

    logged = caplog.text + capsys.readouterr().out
    secrets = [STAFF_PASSWORD, "Mauvais-Mot-De-Passe-9", token, secret, first_code, login["code"]]
    secrets += codes["recovery_codes"] + [academie.enrolled.otp_secret, newcomer.cookie(STAFF_COOKIE) or "-"]
    assert "/api/admin/login" in logged  # the requests were logged, and only their shape
    for value in secrets:
        assert value not in logged
