"""functions/openapi.yaml is the API contract (DESIGN §3): check it against the template and the apps.

The fuzzing runs schemathesis in-process: each endpoint gets ENT_CONTRACT_EXAMPLES examples
(default 100), half valid and half invalid bodies as schemathesis generates them from the spec.
Valid ones are often given real state (accounts in every state, sessions, emailed links) so the
happy paths and every documented refusal are reached, and a few are sent across origins or as
text to meet the CSRF rules. Every answer must be documented: status, body, content type and
headers; no 5xx; invalid data refused; and, where the state makes the answer certain, exactly it.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import schemathesis
import yaml
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client

from functions.core.lifecycle import AccountState, Profile
from functions.core.mail import Mailer
from functions.core.sessions import COOKIE_NAME, SessionScope, session_hash
from functions.core.store import Store
from functions.core.tokens import TokenKind
from infra.template import routes
from tests.apps import FlowApps
from tests.contract.stack import (
    BIRTH_DATE,
    NEW_PASSWORD,
    PASSWORD,
    SAME_ORIGIN,
    World,
)
from tests.contract.staff_scenarios import (
    STAFF_SCENARIOS,
    staff_cookies_for,
    staff_mail_case,
    staff_path_parameters,
)

SPEC_PATH = Path(__file__).resolve().parents[2] / "functions" / "openapi.yaml"
EXAMPLES = int(os.environ.get("ENT_CONTRACT_EXAMPLES", "100"))
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

# Checks on every answer; negative_data_rejection only when the request is otherwise well-formed.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def load_spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


SPEC = load_spec()
SCHEMA = schemathesis.openapi.from_path(SPEC_PATH)
OPERATIONS = [(path, method.upper()) for path, item in SPEC["paths"].items() for method in item if method in METHODS]


# --- the spec and the template ---------------------------------------------------------------


def test_every_route_of_the_template_is_in_the_spec_and_only_those() -> None:
    declared = [(route.method, route.path) for route in routes()]
    assert len(declared) == len(set(declared)), "a route is declared twice in infra/template.yaml"
    documented = [(method, path) for path, method in OPERATIONS]
    assert len(documented) == len(set(documented))
    assert sorted(documented) == sorted(declared)


def test_spec_is_valid_openapi_3_1() -> None:
    assert str(SPEC["openapi"]).startswith("3.1.")
    SCHEMA.validate()  # against the OpenAPI 3.1 meta-schema (schemathesis)


def test_spec_passes_openapi_spec_validator() -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(load_spec())


def _error_codes(response: dict[str, Any]) -> set[str]:
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return {
        code for part in schema.get("allOf", []) for code in part.get("properties", {}).get("error", {}).get("enum", [])
    }


def test_every_error_code_of_the_flows_is_documented() -> None:
    """A DomainError a flow can raise must appear in the spec (the secretariat-only ones excepted)."""
    import importlib
    import pkgutil

    import functions
    from functions.core.errors import DomainError

    for module in pkgutil.walk_packages(functions.__path__, "functions."):
        importlib.import_module(module.name)  # every error class gets defined

    def subclasses(cls: type[DomainError]) -> set[type[DomainError]]:
        return {sub for direct in cls.__subclasses__() for sub in {direct, *subclasses(direct)}}

    raised = {cls.code for cls in subclasses(DomainError) if cls.__module__.startswith("functions.")}
    documented = {
        code
        for item in SPEC["paths"].values()
        for method, operation in item.items()
        if method in METHODS
        for response in operation["responses"].values()
        for code in _error_codes(response)
    }
    # Raised only by the secretariat's commands (issuing, looking an account up), never by a route.
    secretariat_only = {"identifier_taken", "account_not_found", "person_already_issued"}
    secretariat_only |= {"step_up_required"}  # until the schools' routes that require it (messages.NOT_IN_API)
    assert raised - secretariat_only <= documented, (
        f"undocumented codes: {sorted(raised - secretariat_only - documented)}"
    )


# --- the running apps -------------------------------------------------------------------------


def call(api, case, headers: dict[str, str] | None = None):
    return case.call(app=api, headers={**SAME_ORIGIN, **(headers or {})})


def error_code(response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None


def test_unknown_path_is_a_json_404(api, subtests) -> None:
    for method, path in [("POST", "/api/nulle-part"), ("POST", "/api/login/"), ("GET", "/api")]:
        with subtests.test(f"{method} {path}"):
            response = Client(api).open(path, method=method, json={}, headers=SAME_ORIGIN)
            assert response.status_code == 404
            _assert_matches(SPEC["components"]["responses"]["NotFound"], response)


def test_other_method_is_a_json_405(api, subtests) -> None:
    for method, path in [("GET", "/api/login"), ("POST", "/api/session"), ("PUT", "/api/feedback")]:
        with subtests.test(f"{method} {path}"):
            response = Client(api).open(path, method=method, json={}, headers=SAME_ORIGIN)
            assert response.status_code == 405
            _assert_matches(SPEC["components"]["responses"]["MethodNotAllowed"], response)


def _assert_matches(documented: dict[str, Any], response) -> None:
    """Check a werkzeug response against a documented response (body schema and headers)."""
    schema = {**documented["content"]["application/json"]["schema"], "components": SPEC["components"]}
    jsonschema.validate(response.get_json(), schema)
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"


# --- real state for the happy paths ---------------------------------------------------------


@dataclass
class Picker:
    """Draws the scenario of one example; hypothesis shrinks these choices like the generated data."""

    data: st.DataObject

    def __call__(self, label: str, *choices: Any) -> Any:
        return self.data.draw(st.sampled_from(choices), label=label)


Expect = tuple[int, str | None]  # the status, and the error code (None for a success)
GENERATED = "generated"  # keep what schemathesis generated


def _with(case, **fields: Any) -> None:
    """Put fields into the generated body; `GENERATED` leaves the generated value."""
    case.body = {**case.body, **{name: value for name, value in fields.items() if value is not GENERATED}}


def _session(world: World, pick: Picker, case, *, scope: SessionScope = SessionScope.FULL, locked: bool = False):
    """Set the cookie: a live session of a fresh account (most often), none, bogus, revoked, wrong scope."""
    choice = pick("session", "live", "live", "live", "none", "bogus", "revoked", "other_scope", GENERATED)
    account = None
    if choice == "live":
        state = AccountState.ISSUED if scope == SessionScope.FIRST_CONNECTION else AccountState.ACTIVE
        account = world.account(state, locked=locked)
        case.cookies = {COOKIE_NAME: world.session(account, scope)}
    elif choice == "none":
        case.cookies = {}
    elif choice == "bogus":
        case.cookies = {COOKIE_NAME: "x" * 43}
    elif choice == "revoked":
        case.cookies = {COOKIE_NAME: world.revoked_session()}
    elif choice == "other_scope":
        other = SessionScope.FULL if scope == SessionScope.FIRST_CONNECTION else SessionScope.FIRST_CONNECTION
        holder = world.account(AccountState.ACTIVE if other == SessionScope.FULL else AccountState.ISSUED)
        case.cookies = {COOKIE_NAME: world.session(holder, other)}
    return account


def _token(world: World, pick: Picker, kind: TokenKind) -> tuple[str, str | None]:
    """Return a token in a drawn condition and the refusal it meets (None: fresh)."""
    condition = pick("token", "fresh", "fresh", "fresh", "used", "replaced", "other_kind", GENERATED)
    if condition == GENERATED:
        return GENERATED, "?"
    refusal = {"fresh": None, "used": "token_used", "replaced": "token_expired", "other_kind": "token_invalid"}
    return world.token(kind, condition), refusal[condition]


def _password_pair(pick: Picker, previous: str) -> tuple[str, str, str | None]:
    """Return a new password, its confirmation and the refusal they meet (None: accepted, '?': unknown)."""
    password = pick("new password", NEW_PASSWORD, NEW_PASSWORD, "motdepasse", previous, GENERATED)
    confirmation = pick("confirmation", "same", "same", "different", GENERATED)
    confirmation = {"same": password, "different": "Autre123abc"}.get(confirmation, confirmation)
    if GENERATED in (password, confirmation):
        return password, confirmation, "?"
    if password != NEW_PASSWORD:
        return password, confirmation, "password_policy"
    return password, confirmation, None if confirmation == password else "password_mismatch"


def real_login(world: World, case, pick: Picker, positive: bool) -> Expect | None:
    if not positive or pick("login", "real", "real", GENERATED) == GENERATED:
        return None
    state = pick("state", *AccountState)
    locked = pick("locked", False, False, False, True)
    account = world.account(state, locked=locked)
    password = pick("password", PASSWORD, PASSWORD, "Mauvais42x", GENERATED)
    profile = pick("profile", "right", "right", "wrong")
    identifier = pick("identifier as typed", "plain", "upper", "spaces")
    _with(
        case,
        identifier={
            "plain": account.identifier,
            "upper": account.identifier.upper(),
            "spaces": f"  {account.identifier} ",
        }[identifier],
        password=password,
        profile=account.profile.value if profile == "right" else Profile.ELEVE.value,
    )
    if locked:
        return 429, "account_locked"
    if password == GENERATED:
        return None
    if password != PASSWORD or profile == "wrong":
        return 401, "invalid_credentials"
    return {
        AccountState.ISSUED: (200, None),
        AccountState.ACTIVE: (200, None),
        AccountState.DEACTIVATED: (403, "account_deactivated"),
        AccountState.PENDING_CONFIRMATION: (403, "email_confirmation_pending"),
    }[state]


def real_session(world: World, case, pick: Picker, positive: bool) -> Expect | None:
    choice = pick("session", "live", "live", "none", "bogus", "revoked", "first_connection", "deactivated", GENERATED)
    if choice == GENERATED:
        return None
    if choice in ("live", "deactivated"):
        account = world.account(AccountState.ACTIVE if choice == "live" else AccountState.DEACTIVATED)
        case.cookies = {COOKIE_NAME: world.session(account)}
    elif choice == "first_connection":
        case.cookies = {COOKIE_NAME: world.session(world.account(AccountState.ISSUED), SessionScope.FIRST_CONNECTION)}
    elif choice == "revoked":
        case.cookies = {COOKIE_NAME: world.revoked_session()}
    else:
        case.cookies = {} if choice == "none" else {COOKIE_NAME: "x" * 43}
    return (200, None) if choice == "live" else (401, "not_authenticated")


def real_logout(world: World, case, pick: Picker, positive: bool) -> Expect | None:
    _session(world, pick, case)
    return 204, None


def real_first_connection(world: World, case, pick: Picker, positive: bool) -> Expect | None:
    locked = pick("locked", False, False, False, True)
    account = _session(world, pick, case, scope=SessionScope.FIRST_CONNECTION, locked=locked)
    if not positive or not isinstance(case.body, dict):
        return None if account else (401, "not_authenticated")
    birth = pick("birth date", "01/03/2015", "2015-03-01", "01/03/2015", "02/03/2015", "31/02/2015", GENERATED)
    email = pick("email", "valid", "valid", "invalid", GENERATED)
    password, confirmation, refusal = _password_pair(pick, PASSWORD)
    _with(
        case,
        birth_date=birth,
        new_password=password,
        new_password_confirmation=confirmation,
        email={"valid": "camille.durand@exemple.fr", "invalid": "pas-une-adresse"}.get(email, email),
    )
    if account is None:
        return 401, "not_authenticated"
    if birth == GENERATED:
        return None
    if birth == "31/02/2015":
        return 400, "invalid_input"  # not a date: no guess, counted or refused
    if locked:
        return 429, "account_locked"
    if birth == "02/03/2015":
        return 401, "birth_date_mismatch"
    if email == GENERATED:
        return None
    if email == "invalid":
        return 400, "invalid_email"
    if refusal == "?":
        return None
    return (400, refusal) if refusal else (202, None)


def real_resend(world: World, case, pick: Picker, positive: bool) -> Expect | None:
    if not positive or pick("resend", "real", "real", GENERATED) == GENERATED:
        return None
    situation = pick("account", "pending", "pending", "capped", "issued", "active", "deactivated")
    locked = pick("locked", False, False, False, True)
    state = {
        "pending": AccountState.PENDING_CONFIRMATION,
        "capped": AccountState.PENDING_CONFIRMATION,
        "issued": AccountState.ISSUED,
        "active": AccountState.ACTIVE,
        "deactivated": AccountState.DEACTIVATED,
    }[situation]
    account = world.account(state, locked=locked, recovery_mails=3 if situation == "capped" else 0)
    password = pick("password", PASSWORD, PASSWORD, "Mauvais42x", GENERATED)
    _with(case, identifier=account.identifier, password=password)
    if locked:
        return 429, "account_locked"
    if password == GENERATED:
        return None
    if password != PASSWORD:
        return 401, "invalid_credentials"
    return {
        "pending": (202, None),
        "capped": (429, "too_many_requests"),
        "issued": (400, "first_connection_required"),
        "active": (400, "already_active"),
        "deactivated": (403, "account_deactivated"),
    }[situation]


def real_correct_email(world: World, case, pick: Picker, positive: bool) -> Expect | None:
    """Like the resend, with the new address: checked once the account is known to await it."""
    expected = real_resend(world, case, pick, positive)
    if expected is None:
        return None
    email = pick("email", "valid", "valid", "invalid", GENERATED)
    _with(case, email={"valid": "camille.corrigee@exemple.fr", "invalid": "pas-une-adresse"}.get(email, email))
    if expected[0] == 202 or expected == (429, "too_many_requests"):
        if email == GENERATED:
            return None
        if email == "invalid":
            return 400, "invalid_email"
    return expected


def _real_token(kind: TokenKind) -> Callable[[World, Any, Picker, bool], Expect | None]:
    """The scenario of an endpoint that redeems a link of `kind` (200 when fresh)."""

    def scenario(world: World, case, pick: Picker, positive: bool) -> Expect | None:
        if not positive:
            return None
        token, refusal = _token(world, pick, kind)
        _with(case, token=token)
        if refusal == "?":
            return 400, "token_invalid"  # a generated token is no stored one
        return (400, refusal) if refusal else (200, None)

    return scenario


def real_first_connection_session(world: World, case, pick: Picker, positive: bool) -> Expect | None:
    choice = pick("session", "live", "live", "none", "bogus", "revoked", "full", GENERATED)
    if choice == GENERATED:
        return None
    if choice == "live":
        case.cookies = {COOKIE_NAME: world.session(world.account(AccountState.ISSUED), SessionScope.FIRST_CONNECTION)}
    elif choice == "full":
        case.cookies = {COOKIE_NAME: world.session(world.account(AccountState.ACTIVE))}
    elif choice == "revoked":
        case.cookies = {COOKIE_NAME: world.revoked_session()}
    else:
        case.cookies = {} if choice == "none" else {COOKIE_NAME: "x" * 43}
    return (200, None) if choice == "live" else (401, "not_authenticated")


def real_link_status(world: World, case, pick: Picker, positive: bool) -> Expect | None:
    """Every link state answers 200 (malformed and unknown ones too), and the link is not used."""
    if not positive:
        return None
    kind = pick("purpose", *TokenKind)
    condition = pick("token", "fresh", "used", "replaced", GENERATED)
    if condition != GENERATED:
        _with(case, token=world.token(kind, condition))
    return 200, None


def real_identifier_recovery(world: World, case, pick: Picker, positive: bool) -> Expect | None:
    if not positive:
        return None
    choice = pick("email", "known", "known", "known_upper", "unknown", "capped", "deactivated", "invalid", GENERATED)
    if choice == GENERATED:
        return None
    if choice == "invalid":
        _with(case, email="pas-une-adresse")
        return 400, "invalid_email"
    if choice == "unknown":
        _with(case, email="personne@exemple.fr")
        return 202, None
    account = world.account(
        AccountState.DEACTIVATED if choice == "deactivated" else AccountState.ACTIVE,
        recovery_mails=3 if choice == "capped" else 0,
    )
    assert account.email is not None  # world.account gives active and deactivated accounts an address
    _with(case, email=account.email.upper() if choice == "known_upper" else account.email)
    return 202, None


def real_password_recovery(world: World, case, pick: Picker, positive: bool) -> Expect | None:
    if not positive:
        return None
    choice = pick("identifier", "known", "known", "no_email", "locked", "capped", "deactivated", "issued", GENERATED)
    if choice == GENERATED:
        return None
    account = world.account(
        AccountState.DEACTIVATED
        if choice == "deactivated"
        else AccountState.ISSUED
        if choice == "issued"
        else AccountState.ACTIVE,
        email=choice != "no_email",
        locked=choice == "locked",
        recovery_mails=3 if choice == "capped" else 0,
    )
    _with(case, identifier=account.identifier)
    return 202, None


def real_password_reset(world: World, case, pick: Picker, positive: bool) -> Expect | None:
    if not positive:
        return None
    token, token_refusal = _token(world, pick, TokenKind.RESET)
    password, confirmation, refusal = _password_pair(pick, PASSWORD)
    if password == PASSWORD and confirmation not in (password, GENERATED):
        # A reset compares with the current password last, only once everything else passes.
        refusal = "password_mismatch"
    _with(case, token=token, new_password=password, new_password_confirmation=confirmation)
    if token_refusal == "?":
        return None  # a generated password may be refused before the token is looked at
    if token_refusal:
        return None if refusal == "?" else (400, token_refusal)
    if refusal == "?":
        return None
    return (400, refusal) if refusal else (200, None)


def real_change_password(world: World, case, pick: Picker, positive: bool) -> Expect | None:
    locked = pick("locked", False, False, False, True)
    account = _session(world, pick, case, locked=locked)
    if not positive or not isinstance(case.body, dict):
        return None if account else (401, "not_authenticated")
    current = pick("current password", PASSWORD, PASSWORD, "Mauvais42x", GENERATED)
    password, confirmation, refusal = _password_pair(pick, PASSWORD)
    _with(case, current_password=current, new_password=password, new_password_confirmation=confirmation)
    if account is None:
        return 401, "not_authenticated"
    if locked:
        return 429, "account_locked"
    if current == GENERATED:
        return None
    if current != PASSWORD:
        return 401, "current_password_incorrect"
    if refusal == "?":
        return None
    return (400, refusal) if refusal else (200, None)


def real_change_email(world: World, case, pick: Picker, positive: bool) -> Expect | None:
    locked = pick("locked", False, False, False, True)
    account = _session(world, pick, case, locked=locked)
    if not positive or not isinstance(case.body, dict):
        return None if account else (401, "not_authenticated")
    current = pick("current password", PASSWORD, PASSWORD, "Mauvais42x", GENERATED)
    new_email = pick("new email", "new", "new", "same", "invalid", GENERATED)
    address = {
        "new": "camille.nouvelle@exemple.fr",
        "invalid": "pas-une-adresse",
        "same": account.email.upper() if account else "camille@exemple.fr",
    }.get(new_email, new_email)
    _with(case, current_password=current, new_email=address)
    if account is None:
        return 401, "not_authenticated"
    if new_email == GENERATED:
        return None
    if new_email == "invalid":
        return 400, "invalid_email"
    if locked:
        return 429, "account_locked"
    if current == GENERATED:
        return None
    if current != PASSWORD:
        return 401, "current_password_incorrect"
    return (400, "email_unchanged") if new_email == "same" else (202, None)


def real_feedback(world: World, case, pick: Picker, positive: bool) -> Expect | None:
    if not positive or pick("feedback", "real", GENERATED) == GENERATED:
        return None
    _with(case, page=pick("page", "/premiere-connexion/", "/"), comment=pick("comment", None, "", "Merci !", GENERATED))
    return 202, None


SCENARIOS: dict[tuple[str, str], Callable[[World, Any, Picker, bool], Expect | None]] = {
    ("/api/login", "POST"): real_login,
    ("/api/session", "GET"): real_session,
    ("/api/logout", "POST"): real_logout,
    ("/api/first-connection", "POST"): real_first_connection,
    ("/api/first-connection/resend", "POST"): real_resend,
    ("/api/first-connection/email", "POST"): real_correct_email,
    ("/api/activation", "POST"): _real_token(TokenKind.ACTIVATION),
    ("/api/first-connection/session", "GET"): real_first_connection_session,
    ("/api/links/status", "POST"): real_link_status,
    ("/api/recovery/identifier", "POST"): real_identifier_recovery,
    ("/api/recovery/password", "POST"): real_password_recovery,
    ("/api/recovery/password/reset", "POST"): real_password_reset,
    ("/api/account/password", "POST"): real_change_password,
    ("/api/account/email", "POST"): real_change_email,
    ("/api/account/email/confirm", "POST"): _real_token(TokenKind.EMAIL_CHANGE),
    ("/api/feedback", "POST"): real_feedback,
    **STAFF_SCENARIOS,
}

# Where failed guesses are also counted per source address (DESIGN §6.5).
GUESSED_FROM_AN_ADDRESS = (
    "/api/login",
    "/api/first-connection/resend",
    "/api/first-connection/email",
    "/api/admin/login",
)
# The first connection's refusals that come before its birth date is counted as a guess.
CHECKED_BEFORE_THE_BIRTH_DATE = {"not_authenticated", "first_connection_done", "invalid_input", "forbidden"}

# How a request travels: mostly as the site's own script sends it; sometimes as another site would.
TRANSPORTS: dict[str, tuple[dict[str, str | None], Expect | None]] = {
    "same_origin": ({}, None),
    "no_fetch_metadata": ({"Origin": None, "Sec-Fetch-Site": None}, None),
    "typed_address": ({"Origin": None, "Sec-Fetch-Site": "none"}, None),
    "cross_origin": ({"Origin": "https://evil.example"}, (403, "forbidden")),
    "cross_site": ({"Origin": None, "Sec-Fetch-Site": "cross-site"}, (403, "forbidden")),
    "same_site": ({"Origin": None, "Sec-Fetch-Site": "same-site"}, (403, "forbidden")),
    "origin_null": ({"Origin": "null"}, (403, "forbidden")),
    "form": ({"Content-Type": "text/plain"}, (415, "unsupported_media_type")),
}


def _has_python_blank(case) -> bool:
    """Tell whether a text field is empty once stripped: the code refuses it, whatever the state."""
    return isinstance(case.body, dict) and any(
        isinstance(value, str) and not value.strip() for name, value in case.body.items() if name != "comment"
    )


def test_scenarios_cover_every_operation() -> None:
    assert sorted(SCENARIOS) == sorted(OPERATIONS)


@pytest.mark.parametrize("path, method", OPERATIONS)
def test_operation_honours_the_contract(api, world: World, path: str, method: str) -> None:
    operation = SCHEMA[path][method]
    scenario = SCENARIOS[(path, method)]
    seen: Counter[tuple[int, str | None]] = Counter()
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )
    transports = (
        ["same_origin"] * 6 + ["no_fetch_metadata", "typed_address"]
        if method == "GET"
        else ["same_origin"] * 8 + sorted(set(TRANSPORTS) - {"same_origin"})
    )

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(case=strategy, data=st.data())
    def check(case, data: st.DataObject) -> None:
        pick = Picker(data)
        positive = case.meta.generation.mode.is_positive
        expected = scenario(world, case, pick, positive)
        if expected is not None and _has_python_blank(case):
            expected = None  # refused as a missing field before the state is looked at
        blocked = pick("source address", "own", "own", "own", "own", "own", "blocked") == "blocked"
        api.source_ip = world.blocked_ip() if blocked else world.source_ip()
        if blocked and expected is not None and path in GUESSED_FROM_AN_ADDRESS:
            expected = (429, "too_many_attempts")
        if (
            blocked
            and expected is not None
            and path == "/api/first-connection"
            and expected[1] not in CHECKED_BEFORE_THE_BIRTH_DATE
        ):
            expected = (429, "too_many_attempts")  # the birth date is a guess, counted per address too
        transport = pick("transport", *transports)
        overrides, refusal = TRANSPORTS[transport]
        headers = {**SAME_ORIGIN, **overrides}
        sent = {name: value for name, value in headers.items() if value is not None}
        if refusal is not None:
            expected = refusal
        checks = CHECKS + ([negative_data_rejection] if refusal is None else [])
        response = case.call(app=api, headers=sent)
        case.validate_response(response, checks=checks, headers=sent)
        outcome = (response.status_code, error_code(response))
        seen[outcome] += 1
        if expected is not None and case.meta.generation.mode.is_positive:
            assert outcome == expected, f"{method} {path}: expected {expected}, got {outcome}: {response.text}"

    check()
    print(f"\n{method} {path}: {sum(seen.values())} requests: {dict(sorted(seen.items(), key=str))}")
    assert sum(seen.values()) >= EXAMPLES
    assert any(200 <= status < 300 for status, _ in seen), f"no success reached: {dict(seen)}"


# --- statuses the fuzzing cannot reach by itself --------------------------------------------


def _example(path: str, method: str) -> Any:
    media = SPEC["paths"][path][method.lower()].get("requestBody", {}).get("content", {}).get("application/json", {})
    return media.get("example", {})


def _cookie_for(world: World, path: str) -> dict[str, str]:
    if path.startswith("/api/admin/"):
        return staff_cookies_for(world, path)
    if path in ("/api/first-connection", "/api/first-connection/session"):
        return {COOKIE_NAME: world.session(world.account(AccountState.ISSUED), SessionScope.FIRST_CONNECTION)}
    if (path.startswith("/api/account/") and path != "/api/account/email/confirm") or path in (
        "/api/session",
        "/api/logout",
    ):
        return {COOKIE_NAME: world.session(world.account())}
    return {}


POSTS = [(path, method) for path, method in OPERATIONS if method == "POST"]


def test_body_over_16_kib_is_refused_with_413(api, world: World, subtests) -> None:
    for path, method in POSTS:
        with subtests.test(f"{method} {path}"):
            body = {**_example(path, method), "padding": "x" * (16 * 1024)}
            case = SCHEMA[path][method].Case(
                body=body,
                cookies=_cookie_for(world, path),
                path_parameters=staff_path_parameters(world, path),
                media_type="application/json",
            )
            response = call(api, case)
            case.validate_response(response, checks=CHECKS)
            # Every route, logout included (it never reads its body): the size is checked first.
            assert (response.status_code, error_code(response)) == (413, "payload_too_large")


# --- hostile input: documented 4xx answers, never a 500 (DESIGN §6.10) ----------------------


def _raw_call(api, path: str, method: str, raw: bytes, cookies: dict[str, str], world: World | None = None):
    parameters = staff_path_parameters(world, path) if world else {}
    case = SCHEMA[path][method].Case(
        body=raw, cookies=cookies, path_parameters=parameters, media_type="application/json"
    )
    response = call(api, case)
    case.validate_response(response, checks=CHECKS)  # not_a_server_error first: a 500 fails here
    return response


def test_deeply_nested_json_is_refused_as_invalid_input(api, world: World, subtests) -> None:
    raw = b"[" * 2000 + b"]" * 2000  # 4 KB, far under the size limit, deeper than the JSON parser recurses
    for path, method in POSTS:
        if path in ("/api/logout", "/api/admin/logout"):
            continue  # never reads its body
        with subtests.test(f"{method} {path}"):
            response = _raw_call(api, path, method, raw, _cookie_for(world, path), world)
            assert (response.status_code, error_code(response)) == (400, "invalid_input")


def test_lone_surrogate_in_a_text_field_is_not_a_500(api, world: World, subtests) -> None:
    """JSON may escape a lone UTF-16 surrogate (`\\ud800`): Python reads it, but it encodes to no UTF-8."""
    for path, method in POSTS:
        for field, value in _example(path, method).items():
            if not isinstance(value, str):
                continue
            with subtests.test(f"{method} {path} {field}"):
                body = {**_example(path, method), field: "Velours42b\ud800"}
                raw = json.dumps(body).encode("ascii")  # the escape travels as six ASCII characters
                response = _raw_call(api, path, method, raw, _cookie_for(world, path), world)
                assert response.status_code < 500  # refused, or (recovery) the same answer as for any input


def test_feedback_page_with_a_trailing_newline_is_refused(api) -> None:
    """`page` must be a site path (`^/[A-Za-z0-9/_.\\-]*$` in the spec, where `$` is the very end)."""
    case = SCHEMA["/api/feedback"]["POST"].Case(
        body={"page": "/aide/\n", "helpful": True}, media_type="application/json"
    )
    response = call(api, case)
    case.validate_response(response, checks=CHECKS)
    assert (response.status_code, error_code(response)) == (400, "invalid_input")


class _Busy:
    """A DynamoDB client that is always throttled."""

    def __getattr__(self, operation: str) -> Callable[..., Any]:
        def throttled(*args: Any, **kwargs: Any) -> Any:
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "busy"}}, operation
            )

        return throttled


def test_busy_table_is_a_503_with_retry_after(
    settings, store, clock, world: World, no_response_floor, subtests
) -> None:
    busy = FlowApps(settings, Store(settings.table_name, dynamodb=_Busy()), clock)
    for path, method in OPERATIONS:
        with subtests.test(f"{method} {path}"):
            cookies = _cookie_for(world, path)  # made on the real table; the apps read the busy one
            case = SCHEMA[path][method].Case(
                body=_example(path, method),
                cookies=cookies,
                path_parameters=staff_path_parameters(world, path),
                media_type="application/json",
            )
            response = call(busy, case)
            case.validate_response(response, checks=[check for check in CHECKS if check is not not_a_server_error])
            assert (response.status_code, error_code(response)) == (503, "service_unavailable")
            assert int(response.headers["retry-after"][0]) > 0


class _SesDown:
    def send_email(self, **kwargs: Any) -> Any:
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "SendEmail")


def _mail_case(world: World, path: str) -> tuple[dict[str, Any], dict[str, str]]:
    """A request that must send a mail now: its body and cookies, on real state."""
    if path == "/api/first-connection":
        account = world.account(AccountState.ISSUED)
        cookies = {COOKIE_NAME: world.session(account, SessionScope.FIRST_CONNECTION)}
        return {
            "birth_date": f"{BIRTH_DATE:%d/%m/%Y}",
            "email": "camille@exemple.fr",
            "new_password": NEW_PASSWORD,
            "new_password_confirmation": NEW_PASSWORD,
        }, cookies
    if path == "/api/first-connection/resend":
        account = world.account(AccountState.PENDING_CONFIRMATION)
        return {"identifier": account.identifier, "password": PASSWORD}, {}
    if path == "/api/first-connection/email":
        account = world.account(AccountState.PENDING_CONFIRMATION)
        return {"identifier": account.identifier, "password": PASSWORD, "email": "camille.corrigee@exemple.fr"}, {}
    if path == "/api/recovery/identifier":
        return {"email": world.account().email}, {}
    if path == "/api/recovery/password":
        return {"identifier": world.account().identifier}, {}
    if path == "/api/admin/staff/invitations":
        return staff_mail_case(world)
    assert path == "/api/account/email"
    return {"current_password": PASSWORD, "new_email": "camille.nouvelle@exemple.fr"}, {
        COOKIE_NAME: world.session(world.account())
    }


MAILING = [
    path
    for path, method in OPERATIONS
    if "mail_unavailable" in _error_codes(SPEC["paths"][path][method.lower()]["responses"].get("503", {}))
]


def test_mailing_operations_are_the_expected_ones() -> None:
    assert sorted(MAILING) == sorted(
        [
            "/api/first-connection",
            "/api/first-connection/resend",
            "/api/first-connection/email",
            "/api/recovery/identifier",
            "/api/recovery/password",
            "/api/account/email",
            "/api/admin/staff/invitations",
        ]
    )


def test_mail_down_is_a_503_mail_unavailable(settings, store, clock, world: World, no_response_floor, subtests) -> None:
    down = FlowApps(settings, store, clock, mailer=Mailer(settings.mail_from, ses=_SesDown()))
    for path in MAILING:
        with subtests.test(path):
            body, cookies = _mail_case(world, path)
            case = SCHEMA[path]["POST"].Case(body=body, cookies=cookies, media_type="application/json")
            response = call(down, case)
            case.validate_response(response, checks=[check for check in CHECKS if check is not not_a_server_error])
            assert (response.status_code, error_code(response)) == (503, "mail_unavailable")


def test_logout_revokes_the_session(api, world: World, store: Store) -> None:
    cookie = world.session(world.account())
    case = SCHEMA["/api/logout"]["POST"].Case(body={}, cookies={COOKIE_NAME: cookie}, media_type="application/json")
    response = call(api, case)
    case.validate_response(response, checks=CHECKS)
    assert response.status_code == 204
    assert store.get_session(session_hash(cookie)) is None


def test_lock_window_is_what_retry_after_says(api, world: World, clock) -> None:
    account = world.account(locked=True)
    api.source_ip = world.source_ip()  # the lock is this client's: its budget is spent
    case = SCHEMA["/api/login"]["POST"].Case(
        body={"identifier": account.identifier, "password": PASSWORD, "profile": "parent"},
        media_type="application/json",
    )
    response = call(api, case)
    case.validate_response(response, checks=CHECKS)
    assert response.status_code == 429
    clock.advance(seconds=int(response.headers["retry-after"][0]))
    assert call(api, case).status_code == 200
