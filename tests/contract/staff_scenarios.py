"""The console's staff routes in the contract fuzzing: real members, invitations and sessions to reach.

Each scenario puts real state into the generated request, as tests/contract/test_openapi.py's own
do, and says the answer when the state makes it certain (None otherwise).
"""

from __future__ import annotations

from typing import Any

from functions.core.staff import STAFF_COOKIE, StaffRole
from tests.staff import STAFF_PASSWORD, StaffFactory

GENERATED = "generated"
Expect = tuple[int, str | None]


def _with(case: Any, **fields: Any) -> None:
    case.body = {**case.body, **{name: value for name, value in fields.items() if value is not GENERATED}}


def _staff(world: Any) -> StaffFactory:
    if not hasattr(world, "staff"):
        world.staff = StaffFactory(world.store, world.clock)
    return world.staff


def staff_cookie(world: Any, pick: Any, case: Any, *, role: StaffRole = StaffRole.ACADEMIE) -> bool:
    """Set the staff cookie: a live session of a new member (most often), none, bogus, a disabled member's."""
    choice = pick("staff session", "live", "live", "live", "none", "bogus", "disabled", "family")
    if choice in ("live", "disabled"):
        enrolled = _staff(world).make(role=role, schools=() if role == StaffRole.ACADEMIE else ("0750654D",))
        case.cookies = {STAFF_COOKIE: _staff(world).session(enrolled)}
        if choice == "disabled":
            from dataclasses import replace

            member = enrolled.member
            world.store.save_staff(
                replace(member, disabled_at=world.clock(), session_version=member.session_version + 1), listed=True
            )
    elif choice == "family":
        case.cookies = {"__Host-ent-session": world.session(world.account())}
    else:
        case.cookies = {} if choice == "none" else {STAFF_COOKIE: "x" * 43}
    return choice == "live"


def real_choose_password(world: Any, case: Any, pick: Any, positive: bool) -> Expect | None:
    if not positive or not isinstance(case.body, dict):
        return None
    condition = pick("invitation", "fresh", "fresh", "unknown", GENERATED)
    password = pick("password", STAFF_PASSWORD, STAFF_PASSWORD, "court", GENERATED)
    confirmation = pick("confirmation", "same", "same", "different", GENERATED)
    confirmation = {"same": password, "different": "Autre-Mot-De-Passe-7"}.get(confirmation, confirmation)
    token = GENERATED
    if condition == "fresh":
        _, token = _staff(world).invitation()
    elif condition == "unknown":
        token = "inconnu" * 5
    _with(case, token=token, password=password, password_confirmation=confirmation)
    if GENERATED in (condition, password, confirmation):
        return None
    if condition == "unknown":
        return 400, "invitation_invalid"
    if password != STAFF_PASSWORD:
        return 400, "password_policy"
    return (200, None) if confirmation == password else (400, "password_mismatch")


def real_confirm_enrolment(world: Any, case: Any, pick: Any, positive: bool) -> Expect | None:
    if not positive or not isinstance(case.body, dict):
        return None
    from functions.admin.staff.enrolment import choose_password
    from tests.staff import totp_code

    condition = pick("invitation", "chosen", "chosen", "not_chosen", GENERATED)
    if condition == GENERATED:
        return None
    _, token = _staff(world).invitation()
    code = pick("code", "right", "right", "wrong", GENERATED)
    if condition == "chosen":
        enrolment = choose_password(
            world.store, token=token, password=STAFF_PASSWORD, confirmation=STAFF_PASSWORD, now=world.clock()
        )
        code = {"right": totp_code(enrolment.otp_secret, world.clock()), "wrong": "000000"}.get(code, code)
    else:
        code = {"right": "123456", "wrong": "000000"}.get(code, code)
    _with(case, token=token, code=code)
    if condition == "not_chosen":
        return 400, "invitation_invalid"
    if code == GENERATED:
        return None
    return (200, None) if code != "000000" else (401, "staff_code_incorrect")


def real_staff_login(world: Any, case: Any, pick: Any, positive: bool) -> Expect | None:
    if not positive or not isinstance(case.body, dict) or pick("login", "real", "real", GENERATED) == GENERATED:
        return None
    enrolled = _staff(world).make(role=pick("role", *StaffRole))
    password = pick("password", STAFF_PASSWORD, STAFF_PASSWORD, "Mauvais-Mot-De-Passe-1", GENERATED)
    code = pick("code", "right", "right", "wrong", "recovery", GENERATED)
    typed = {
        "right": _staff(world).code(enrolled),
        "wrong": "000000",
        "recovery": enrolled.recovery_codes[0],
    }.get(code, code)
    _with(case, email=enrolled.member.email.upper(), password=password, code=typed)
    if GENERATED in (password, code):
        return None
    if password != STAFF_PASSWORD or code == "wrong":
        return 401, "staff_invalid_credentials"
    return 200, None


def real_step_up(world: Any, case: Any, pick: Any, positive: bool) -> Expect | None:
    enrolled = _staff(world).make(role=StaffRole.SECRETARIAT)
    choice = pick("staff session", "live", "live", "none")
    case.cookies = {STAFF_COOKIE: _staff(world).session(enrolled, stepped_up=False)} if choice == "live" else {}
    if not positive or not isinstance(case.body, dict):
        return None if choice == "live" else (401, "staff_not_signed_in")
    code = pick("code", "right", "right", "wrong", GENERATED)
    _with(case, code={"right": _staff(world).code(enrolled), "wrong": "000000"}.get(code, code))
    if choice != "live":
        return 401, "staff_not_signed_in"
    if code == GENERATED:
        return None
    return (200, None) if code == "right" else (401, "staff_code_incorrect")


def real_staff_logout(world: Any, case: Any, pick: Any, positive: bool) -> Expect | None:
    staff_cookie(world, pick, case)
    return 204, None


def real_me(world: Any, case: Any, pick: Any, positive: bool) -> Expect | None:
    live = staff_cookie(world, pick, case, role=pick("role", *StaffRole))
    return (200, None) if live else (401, "staff_not_signed_in")


def real_staff_list(world: Any, case: Any, pick: Any, positive: bool) -> Expect | None:
    role = pick("role", StaffRole.ACADEMIE, StaffRole.ACADEMIE, StaffRole.SECRETARIAT)
    live = staff_cookie(world, pick, case, role=role)
    if not live:
        return 401, "staff_not_signed_in"
    return (200, None) if role == StaffRole.ACADEMIE else (403, "academie_only")


def real_invite(world: Any, case: Any, pick: Any, positive: bool) -> Expect | None:
    role = pick("role", StaffRole.ACADEMIE, StaffRole.ACADEMIE, StaffRole.SECRETARIAT)
    live = staff_cookie(world, pick, case, role=role)
    if not positive or not isinstance(case.body, dict):
        return None if live else (401, "staff_not_signed_in")
    schools = pick("schools", ["0750654D"], ["0750654D", "0750655E"], ["0751234A"], GENERATED)
    number = next(world._numbers)
    _with(case, email=f"invitee.{number}@ac-exemple.fr", role="secretariat", schools=schools)
    if not live:
        return 401, "staff_not_signed_in"
    if role != StaffRole.ACADEMIE:
        return 403, "academie_only"
    if schools == GENERATED:
        return None
    return (400, "invalid_uai") if schools == ["0751234A"] else (201, None)


def real_disable(world: Any, case: Any, pick: Any, positive: bool) -> Expect | None:
    role = pick("role", StaffRole.ACADEMIE, StaffRole.ACADEMIE, StaffRole.SECRETARIAT)
    live = staff_cookie(world, pick, case, role=role)
    target = pick("member", "known", "known", "unknown", GENERATED)
    if target == "known":
        case.path_parameters = {"email": _staff(world).make().member.email}
    elif target == "unknown":
        case.path_parameters = {"email": "personne@ac-exemple.fr"}
    if not live:
        return 401, "staff_not_signed_in"
    if role != StaffRole.ACADEMIE:
        return 403, "academie_only"
    if not positive or not isinstance(case.body, dict) or target == GENERATED:
        return None
    return (200, None) if target == "known" else (404, "staff_not_found")


STAFF_SCENARIOS = {
    ("/api/admin/invitation", "POST"): real_choose_password,
    ("/api/admin/invitation/confirm", "POST"): real_confirm_enrolment,
    ("/api/admin/login", "POST"): real_staff_login,
    ("/api/admin/step-up", "POST"): real_step_up,
    ("/api/admin/logout", "POST"): real_staff_logout,
    ("/api/admin/me", "GET"): real_me,
    ("/api/admin/staff", "GET"): real_staff_list,
    ("/api/admin/staff/invitations", "POST"): real_invite,
    ("/api/admin/staff/{email}/disable", "POST"): real_disable,
}


def staff_cookies_for(world: Any, path: str) -> dict[str, str]:
    """A stepped-up académie member's cookie, for the routes behind the console's sign-in."""
    if not path.startswith("/api/admin/") or path in (
        "/api/admin/login",
        "/api/admin/invitation",
        "/api/admin/invitation/confirm",
    ):
        return {}
    return {STAFF_COOKIE: _staff(world).session(_staff(world).make(role=StaffRole.ACADEMIE, schools=()))}


def staff_path_parameters(world: Any, path: str) -> dict[str, str]:
    """Real values for the path's parameters (a member who exists)."""
    if "{email}" in path:
        return {"email": _staff(world).make().member.email}
    return {}


def staff_mail_case(world: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """An invitation that must be mailed now: its body and cookies."""
    number = next(world._numbers)
    body = {"email": f"invitee.{number}@ac-exemple.fr", "role": "secretariat", "schools": ["0750654D"]}
    return body, staff_cookies_for(world, "/api/admin/staff/invitations")
