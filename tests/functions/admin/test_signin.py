"""Signing in to the console: address, password and a code used once; one answer for every wrong part."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from functions.admin.staff import signin
from functions.core.throttling import IP_FAILURES_PER_WINDOW
from tests.functions.admin.conftest import STAFF_PASSWORD, totp_code
from tests.functions.login.test_guess_limits import burst


def sign_in(client, email: str, password: str, code: str):
    return client.post("/api/admin/login", {"email": email, "password": password, "code": code})


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every argon2 verification the console's sign-in makes, real or dummy."""
    seen: list[str] = []
    real_verify, real_burn = vars(signin)["verify_password"], vars(signin)["burn_verify_time"]

    def verify(stored: str, candidate: str) -> bool:
        seen.append(candidate)
        return real_verify(stored, candidate)

    def burn(candidate: str) -> None:
        seen.append(candidate)
        real_burn(candidate)

    monkeypatch.setattr(signin, "verify_password", verify)
    monkeypatch.setattr(signin, "burn_verify_time", burn)
    return seen


def test_the_right_address_password_and_code_open_a_session(browser, staff_members, clock):
    enrolled = staff_members.make()
    client = browser()
    answer = sign_in(client, enrolled.member.email.upper(), STAFF_PASSWORD, totp_code(enrolled.otp_secret, clock()))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["email"] == enrolled.member.email
    assert client.get("/api/admin/me").status_code == 200


def test_every_wrong_part_gets_the_same_answer(browser, staff_members, store, clock):
    enrolled = staff_members.make()
    disabled = staff_members.make()
    store.save_staff(replace(disabled.member, disabled_at=clock()), listed=True)
    invited, _ = staff_members.invitation()
    code = totp_code(enrolled.otp_secret, clock())
    attempts = {
        "unknown address": ("personne@ac-exemple.fr", STAFF_PASSWORD, code),
        "not an address": ("personne", STAFF_PASSWORD, code),
        "wrong password": (enrolled.member.email, "Mauvais-Mot-De-Passe-9", code),
        "wrong code": (enrolled.member.email, STAFF_PASSWORD, "000000"),
        "code of another member": (enrolled.member.email, STAFF_PASSWORD, totp_code(disabled.otp_secret, clock())),
        "disabled member": (disabled.member.email, STAFF_PASSWORD, totp_code(disabled.otp_secret, clock())),
        "invited, not enrolled": (invited.email, STAFF_PASSWORD, code),
    }
    answers = {name: sign_in(browser(), *attempt) for name, attempt in attempts.items()}
    bodies = {name: (answer.status_code, answer.get_json()) for name, answer in answers.items()}
    assert len({str(body) for body in bodies.values()}) == 1, bodies
    status, body = next(iter(bodies.values()))
    assert (status, body["error"]) == (401, "staff_invalid_credentials")
    assert all("Set-Cookie" not in answer.headers for answer in answers.values())


def test_a_code_is_refused_the_second_time(browser, staff_members, clock):
    enrolled = staff_members.make()
    code = totp_code(enrolled.otp_secret, clock())
    assert sign_in(browser(), enrolled.member.email, STAFF_PASSWORD, code).status_code == 200
    clock.advance(seconds=5)  # still the same 30-second step, or the next
    replayed = sign_in(browser(), enrolled.member.email, STAFF_PASSWORD, code)
    assert (replayed.status_code, replayed.get_json()["error"]) == (401, "staff_invalid_credentials")


def test_one_code_sent_twice_at_once_opens_one_session(browser, staff_members, clock):
    enrolled = staff_members.make()
    code = totp_code(enrolled.otp_secret, clock())
    answers = burst(6, lambda _: sign_in(browser(), enrolled.member.email, STAFF_PASSWORD, code))
    assert sorted(answer.status_code for answer in answers).count(200) == 1


@pytest.mark.parametrize(("offset", "accepted"), [(-30, True), (30, True), (-60, False), (60, False)])
def test_a_phone_clock_one_step_off_is_accepted_two_steps_are_not(browser, staff_members, clock, offset, accepted):
    enrolled = staff_members.make()
    code = totp_code(enrolled.otp_secret, clock() + timedelta(seconds=offset))
    answer = sign_in(browser(), enrolled.member.email, STAFF_PASSWORD, code)
    assert (answer.status_code == 200) is accepted


def test_a_recovery_code_signs_in_once(browser, staff_members, store):
    enrolled = staff_members.make()
    recovery = enrolled.recovery_codes[3]
    typed = recovery.lower().replace("-", " ")  # as read aloud and typed: spaces, any case
    assert sign_in(browser(), enrolled.member.email, STAFF_PASSWORD, typed).status_code == 200
    again = sign_in(browser(), enrolled.member.email, STAFF_PASSWORD, recovery)
    assert again.status_code == 401
    left = store.get_staff(enrolled.member.email).recovery_codes
    assert len(left) == 9 and recovery not in left  # hashes only, the used one gone


def test_a_burst_of_wrong_guesses_is_counted_whole_and_none_past_the_limit_is_verified(
    browser, staff_members, clock, verifications
):
    enrolled = staff_members.make()
    attacker = browser("203.0.113.7")
    answers = burst(30, lambda _: sign_in(attacker, enrolled.member.email, "Mauvais-Mot-De-Passe-9", "000000"))
    heard = [answer for answer in answers if answer.status_code == 401]
    assert len(verifications) == len(heard) <= 5
    assert {answer.get_json()["error"] for answer in answers if answer.status_code != 401} <= {
        "staff_locked",
        "concurrent_update",
    }
    # Even the right password and code, after the burst, are refused unverified from this address.
    late = sign_in(attacker, enrolled.member.email, STAFF_PASSWORD, totp_code(enrolled.otp_secret, clock()))
    assert (late.status_code, late.get_json()["error"]) == (429, "staff_locked")
    assert int(late.headers["Retry-After"]) > 0
    assert len(verifications) == len(heard)


def test_an_attacker_elsewhere_does_not_lock_the_member_out(browser, staff_members, clock):
    enrolled = staff_members.make()
    for address in ("203.0.113.7", "203.0.113.8", "2001:db8::1"):
        for _ in range(8):
            sign_in(browser(address), enrolled.member.email, "Mauvais-Mot-De-Passe-9", "000000")
    at_school = sign_in(
        browser("198.51.100.20"), enrolled.member.email, STAFF_PASSWORD, totp_code(enrolled.otp_secret, clock())
    )
    assert at_school.status_code == 200


def test_many_addresses_of_staff_from_one_client_stop_at_its_limit(browser, verifications):
    attacker = browser("203.0.113.9")
    answers = burst(70, lambda index: sign_in(attacker, f"inconnu.{index}@ac-exemple.fr", "Mauvais-1234", "000000"))
    assert sum(answer.status_code == 401 for answer in answers) <= IP_FAILURES_PER_WINDOW
    assert sum(answer.get_json()["error"] == "too_many_attempts" for answer in answers) >= 70 - IP_FAILURES_PER_WINDOW
    assert len(verifications) <= IP_FAILURES_PER_WINDOW


def test_an_unknown_address_costs_the_same_argon2_work(browser, staff_members, clock, verifications):
    enrolled = staff_members.make()
    sign_in(browser(), "personne@ac-exemple.fr", STAFF_PASSWORD, "123456")
    sign_in(browser(), enrolled.member.email, "Mauvais-Mot-De-Passe-9", "123456")
    assert len(verifications) == 2


def test_sign_ins_are_audited_under_the_member(browser, staff_members, store, clock):
    enrolled = staff_members.make()
    sign_in(browser("203.0.113.7"), enrolled.member.email, "Mauvais-Mot-De-Passe-9", "000000")
    clock.advance(seconds=1)
    sign_in(browser(), enrolled.member.email, STAFF_PASSWORD, totp_code(enrolled.otp_secret, clock()))
    events = store.staff_events(enrolled.member.email)
    assert [event.action for event in events] == ["staff_signed_in", "staff_sign_in_failed"]
    assert events[1].source_ip == "203.0.113.7" and events[0].actor == enrolled.member.email
