"""Real state for fuzzing the console's school-scoped routes: signed-in members, their schools' accounts, imports.

Each scenario signs a member in (most often one of the world's school, sometimes of another school,
the académie, or nobody), points the path at a real school, account or import, and says the answer
that state makes certain (None where the generated data decides).
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from functions.core.lifecycle import AccountState
from functions.core.staff import STAFF_COOKIE, STEP_UP_WINDOW, StaffRole, StaffSession, session_hash
from tests.contract.stack import SCHOOL, World
from tests.functions.admin.conftest import StaffFactory
from tests.functions.admin.test_imports import ROSTER

OTHER_SCHOOL = "0750654D"  # a real UAI, none of the member's in the `other_school` case
_numbers = itertools.count(1)

Expect = tuple[int, str | None]
Scenario = Callable[[World, Any, Any, bool], Expect | None]


MEMBERS = ("secretary", "secretary", "secretary", "academie", "other_school", "none")


def _sign_in(
    world: World, case: Any, pick: Any, *, stepped_up: bool | None = None, members: tuple[str, ...] = MEMBERS
) -> str:
    """Set the staff cookie; return who is signed in: `secretary`, `academie`, `other_school` or `none`,
    with `_not_stepped_up` after the first two when their last code is older than the step-up window."""
    who = pick("member", *members)
    if who == "none":
        case.cookies = {}
        return who
    role = StaffRole.ACADEMIE if who == "academie" else StaffRole.SECRETARIAT
    schools = () if who == "academie" else (OTHER_SCHOOL,) if who == "other_school" else (SCHOOL,)
    member = (
        StaffFactory(world.store, world.clock)
        .make(role=role, schools=schools, email=f"membre.{next(_numbers)}@ac-exemple.fr")
        .member
    )
    cookie, now = secrets.token_urlsafe(32), world.clock()
    fresh = pick("step-up", True, False) if stepped_up is None else stepped_up
    world.store.put_staff_session(
        StaffSession(
            session_hash=session_hash(cookie),
            email=member.email,
            session_version=member.session_version,
            created_at=now,
            last_seen=now,
            stepped_up_at=now if fresh else now - STEP_UP_WINDOW - timedelta(seconds=1),
        )
    )
    case.cookies = {STAFF_COOKIE: cookie}
    return who if fresh else f"{who}_not_stepped_up"


def _refusal(who: str, missing: Expect) -> Expect | None:
    if who == "none":
        return 401, "staff_not_signed_in"
    if who.startswith("other_school"):
        return missing
    return None


def school_scenario(success: int = 200, *, academie_only: bool = False) -> Scenario:
    members = ("academie", "academie", "academie", "secretary", "other_school", "none") if academie_only else MEMBERS

    def scenario(world: World, case: Any, pick: Any, positive: bool) -> Expect | None:
        who = _sign_in(world, case, pick, stepped_up=True, members=members)
        world.account(AccountState.ISSUED)
        if positive:  # a negative case may be negative in its path: keep what was generated there
            case.path_parameters = {"uai": SCHOOL}
        refused = _refusal(who, (404, "school_not_found"))
        if refused or not positive:
            return refused
        if academie_only and not who.startswith("academie"):
            return 403, "academie_only"
        return None if case.query or academie_only else (success, None)

    return scenario


def real_directory_write(world: World, case: Any, pick: Any, positive: bool) -> Expect | None:
    expected = school_scenario(academie_only=True)(world, case, pick, positive)
    if expected is None and positive and isinstance(case.body, dict) and pick("entry", "real", "generated") == "real":
        case.body = {"name": "Collège Victor Hugo", "phone": "01 23 45 67 89"}
        return 200, None
    return expected


def real_import_preview(world: World, case: Any, pick: Any, positive: bool) -> Expect | None:
    who = _sign_in(world, case, pick, stepped_up=True)
    if positive:  # a negative case may be negative in its path: keep what was generated there
        case.path_parameters = {"uai": SCHOOL}
    refused = _refusal(who, (404, "school_not_found"))
    if refused or not positive:
        return refused
    if pick("roster", "real", "generated") == "real":
        case.body = ROSTER.decode()
        return 201, None
    return None


def real_import_confirm(world: World, case: Any, pick: Any, positive: bool) -> Expect | None:
    from functions.core.letter_bucket import LetterBucket
    from functions.core.staff import StaffMember

    who = _sign_in(world, case, pick)
    session = world.store.get_staff_session(session_hash(case.cookies[STAFF_COOKIE])) if case.cookies else None
    owner = (
        session.email
        if session and pick("import of", "mine", "mine", "a colleague's") == "mine"
        else "autre@ac-exemple.fr"
    )
    from functions.admin.schools import imports

    member = StaffMember(email=owner, role=StaffRole.ACADEMIE, schools=())
    bucket = LetterBucket(world.settings.letters_bucket or "")
    school = OTHER_SCHOOL if who.startswith("other_school") else SCHOOL  # the member's own school
    preview = imports.preview(world.store, bucket, member, school, ROSTER, world.clock())
    if positive:  # a negative case may be negative in its path: keep what was generated there
        case.path_parameters = {"import_id": preview["id"]}
    if who == "none":
        return 401, "staff_not_signed_in"
    if not positive:
        return None
    if owner != (session.email if session else None):
        return 404, "import_not_found"
    if who.endswith("_not_stepped_up"):
        return 403, "step_up_required"
    if pick("body", "object", "object", "generated") == "object":
        case.body = {}
    return (200, None) if isinstance(case.body, dict) else None  # else: not a JSON object


def account_scenario(action: str | None) -> Scenario:
    def scenario(world: World, case: Any, pick: Any, positive: bool) -> Expect | None:
        who = _sign_in(world, case, pick)
        # A reactivation succeeds on a deactivated account only: drawn more often there.
        states = (AccountState.DEACTIVATED,) * 3 if action == "reactivate" else ()
        state = pick("state", *states, *AccountState)
        account = world.account(state)
        if positive:  # a negative case may be negative in its path: keep what was generated there
            case.path_parameters = {"identifier": account.identifier}
        refused = _refusal(who, (404, "account_not_found"))
        if refused or not positive:
            return refused
        if action is None:
            return 200, None
        if action == "unlock":
            if pick("body", "object", "object", "generated") == "object":
                case.body = {}
            return (200, None) if isinstance(case.body, dict) else None  # else: not a JSON object
        if not isinstance(case.body, dict):
            return None
        confirm = pick("confirm", True, False, "generated")
        if confirm != "generated":
            case.body = {**case.body, "confirm": confirm}
        if case.body.get("confirm") is True and who.endswith("_not_stepped_up"):
            return 403, "step_up_required"
        if action == "reactivate":
            return (200, None) if state == AccountState.DEACTIVATED else (409, "wrong_state")
        if state == AccountState.ACTIVE and case.body.get("confirm") is not True:
            return 409, "confirmation_needed"
        return 200, None

    return scenario


CONSOLE_SCENARIOS: dict[tuple[str, str], Scenario] = {
    ("/api/admin/schools/{uai}", "GET"): school_scenario(),
    ("/api/admin/schools/{uai}/accounts", "GET"): school_scenario(),
    ("/api/admin/schools/{uai}/accounts.csv", "GET"): school_scenario(),
    ("/api/admin/schools/{uai}/directory", "GET"): school_scenario(),
    ("/api/admin/schools/{uai}/directory", "PUT"): real_directory_write,
    ("/api/admin/schools/{uai}/imports", "POST"): real_import_preview,
    ("/api/admin/imports/{import_id}/confirm", "POST"): real_import_confirm,
    ("/api/admin/accounts/{identifier}", "GET"): account_scenario(None),
    ("/api/admin/accounts/{identifier}/reissue", "POST"): account_scenario("reissue"),
    ("/api/admin/accounts/{identifier}/reactivate", "POST"): account_scenario("reactivate"),
    ("/api/admin/accounts/{identifier}/unlock", "POST"): account_scenario("unlock"),
}


def console_cookie(world: World) -> dict[str, str]:
    """A stepped-up académie member's cookie: every school-scoped route reaches its body with it."""
    member = (
        StaffFactory(world.store, world.clock)
        .make(role=StaffRole.ACADEMIE, schools=(), email=f"membre.{next(_numbers)}@ac-exemple.fr")
        .member
    )
    cookie, now = secrets.token_urlsafe(32), world.clock()
    session = StaffSession(session_hash(cookie), member.email, member.session_version, now, now, now)
    world.store.put_staff_session(session)
    world.console_member = member  # type: ignore[attr-defined]  # whose import console_path_parameters makes
    return {STAFF_COOKIE: cookie}


def console_path_parameters(world: World, path: str) -> dict[str, str]:
    """Real path parameters for a console route (none for the others)."""
    if "{uai}" in path:
        return {"uai": SCHOOL}
    if "{identifier}" in path:
        return {"identifier": world.account().identifier}
    if "{import_id}" in path:
        from functions.admin.schools import imports
        from functions.core.letter_bucket import LetterBucket
        from functions.core.staff import StaffMember

        member = getattr(world, "console_member", None) or StaffMember("import@ac-exemple.fr", StaffRole.ACADEMIE, ())
        bucket = LetterBucket(world.settings.letters_bucket or "")
        return {"import_id": str(imports.preview(world.store, bucket, member, SCHOOL, ROSTER, world.clock())["id"])}
    return {}
