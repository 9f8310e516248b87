"""Enrolment from the invitation mail: a password, a TOTP application, ten recovery codes shown once."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest

from functions.core.store import keys
from functions.core.tokens import token_hash
from tests.functions.admin.conftest import STAFF_PASSWORD, totp_code
from tests.functions.login.test_guess_limits import burst


def link_of(mail: dict[str, str]) -> str:
    found = re.search(r"https://\S+/secretariat/invitation/#t=([A-Za-z0-9_-]+)", mail["text"])
    assert found, mail["text"]
    return found.group(1)


def choose(client, token: str, password: str = STAFF_PASSWORD, confirmation: str | None = None):
    body = {"token": token, "password": password, "password_confirmation": confirmation or password}
    return client.post("/api/admin/invitation", body)


@pytest.fixture
def invited(staff_client, outbox):
    """An académie member invites a secretary of two schools; return the link's token and the mail."""
    academie = staff_client(role="academie", schools=())
    invitation = {
        "email": "Claire.Secretaire@AC-Exemple.fr",
        "role": "secretariat",
        "schools": ["0750654d", "0750655E"],
    }
    answer = academie.post("/api/admin/staff/invitations", invitation)
    assert answer.status_code == 201, answer.get_json()
    [mail] = outbox()
    return link_of(mail), mail


def test_the_invitation_mail_is_french_and_carries_a_single_use_link(invited):
    token, mail = invited
    assert mail["to"] == "claire.secretaire@ac-exemple.fr"
    assert "console du secrétariat" in mail["subject"]
    assert "https://aide.ent.example.fr/secretariat/invitation/#t=" in mail["text"]
    assert "0750654D" in mail["text"] and "0750655E" in mail["text"]
    assert token in mail["html"]


def test_enrolment_gives_a_totp_secret_its_qr_code_then_ten_recovery_codes(invited, browser, clock, store):
    token, _ = invited
    client = browser()
    answer = choose(client, token)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    uri = urlparse(body["otpauth_uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert parse_qs(uri.query)["secret"] == [body["otp_secret"]]
    assert body["qr_svg"].startswith("<svg") and "<script" not in body["qr_svg"]
    confirmed = client.post(
        "/api/admin/invitation/confirm", {"token": token, "code": totp_code(body["otp_secret"], clock())}
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    codes = confirmed.get_json()["recovery_codes"]
    assert len(codes) == len(set(codes)) == 10
    stored = store.get_staff("claire.secretaire@ac-exemple.fr")
    assert stored.state == "active" and stored.schools == ("0750654D", "0750655E")
    assert not set(codes) & set(stored.recovery_codes)  # only their hashes are kept
    # The member signs in with the password and the application's next code.
    clock.advance(seconds=30)
    login = {"email": stored.email, "password": STAFF_PASSWORD, "code": pyotp.TOTP(body["otp_secret"]).at(clock())}
    assert browser().post("/api/admin/login", login).status_code == 200


def test_the_link_is_used_once(invited, browser, clock):
    token, _ = invited
    secret = choose(browser(), token).get_json()["otp_secret"]
    assert (
        browser()
        .post("/api/admin/invitation/confirm", {"token": token, "code": totp_code(secret, clock())})
        .status_code
        == 200
    )
    for answer in (
        choose(browser(), token),
        browser().post("/api/admin/invitation/confirm", {"token": token, "code": totp_code(secret, clock())}),
    ):
        assert (answer.status_code, answer.get_json()["error"]) == (400, "invitation_used")


def test_two_confirmations_at_once_enrol_once(invited, browser, clock):
    token, _ = invited
    secret = choose(browser(), token).get_json()["otp_secret"]
    code = totp_code(secret, clock())
    answers = burst(5, lambda _: browser().post("/api/admin/invitation/confirm", {"token": token, "code": code}))
    assert [answer.status_code for answer in answers].count(200) == 1


def test_the_link_expires_after_72_hours(invited, browser, clock):
    token, _ = invited
    clock.advance(hours=72)
    answer = choose(browser(), token)
    assert (answer.status_code, answer.get_json()["error"]) == (400, "invitation_expired")


def test_a_new_invitation_replaces_the_older_link(staff_client, outbox, browser):
    academie = staff_client(role="academie", schools=())
    invitation = {"email": "paul@ac-exemple.fr", "role": "secretariat", "schools": ["0750654D"]}
    academie.post("/api/admin/staff/invitations", invitation)
    academie.post("/api/admin/staff/invitations", invitation)
    first, second = (link_of(mail) for mail in outbox())
    assert choose(browser(), first).get_json()["error"] == "invitation_expired"
    assert choose(browser(), second).status_code == 200


def test_an_unknown_or_malformed_link_is_invalid(browser):
    for token in ("x" * 43, "court", "é" * 43):
        answer = choose(browser(), token)
        assert (answer.status_code, answer.get_json()["error"]) == (400, "invitation_invalid"), token


def test_the_link_is_stored_only_as_its_hash(invited, store):
    token, _ = invited
    assert store._get(keys.staff_invitation_key(token)) is None
    assert store._get(keys.staff_invitation_key(token_hash(token))) is not None


@pytest.mark.parametrize(
    ("password", "field", "reason"),
    [
        ("Court-42", "password", "au moins 12 caractères"),
        ("motdepasse123", "password", "trop courant"),
        ("claire.secretaire-2026", "password", "identifiant"),
        ("Secretariat-du-college", "password", "nom"),
    ],
)
def test_a_weak_password_is_refused_with_its_reason(invited, browser, password, field, reason):
    token, _ = invited
    answer = choose(browser(), token, password)
    body = answer.get_json()
    assert (answer.status_code, body["error"], body["field"]) == (400, "password_policy", field)
    assert reason in body["message"]


def test_a_different_confirmation_is_refused_on_its_field(invited, browser):
    token, _ = invited
    body = choose(browser(), token, STAFF_PASSWORD, "Autre-Mot-De-Passe-7").get_json()
    assert (body["error"], body["field"]) == ("password_mismatch", "password_confirmation")


def test_a_wrong_first_code_keeps_the_link_usable(invited, browser, clock):
    token, _ = invited
    secret = choose(browser(), token).get_json()["otp_secret"]
    wrong = browser().post("/api/admin/invitation/confirm", {"token": token, "code": "000000"})
    assert (wrong.status_code, wrong.get_json()["error"]) == (401, "staff_code_incorrect")
    right = browser().post("/api/admin/invitation/confirm", {"token": token, "code": totp_code(secret, clock())})
    assert right.status_code == 200


def test_the_code_step_comes_after_the_password(invited, browser):
    token, _ = invited
    answer = browser().post("/api/admin/invitation/confirm", {"token": token, "code": "123456"})
    assert (answer.status_code, answer.get_json()["error"]) == (400, "invitation_invalid")


def test_an_invited_member_cannot_sign_in_before_confirming(invited, browser, clock):
    token, _ = invited
    secret = choose(browser(), token).get_json()["otp_secret"]
    login = {"email": "claire.secretaire@ac-exemple.fr", "password": STAFF_PASSWORD, "code": totp_code(secret, clock())}
    assert browser().post("/api/admin/login", login).status_code == 401
