"""DynamoDB round trips per endpoint: each route's usual success and usual failure, counted call by call.

Every flow's Flask app runs in this process on moto's in-process AWS (as tests/conftest.py does),
driven by Flask's test client with the JSON and Origin headers functions/web.py requires. A hook on
the store's boto3 client (`before-call.dynamodb`) counts the operations of the ONE measured request;
what the scenario does first (issuing the account, logging in, asking for the link read from the
mail in moto's SES) is not counted. SES sends are counted apart. A route that answers 501 (not
built yet), or whose app cannot be imported, is skipped with a note.
"""

from __future__ import annotations

import email
import email.policy
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.common import (
    MAIL_FROM,
    PUBLIC_URL,
    REGION,
    TABLE_NAME,
    in_process_aws,
    machine_line,
    print_table,
    quiet_service_logs,
)

PASSWORD = "Soleil2024x"
NEW_PASSWORD = "Marelle58vol"
WRONG_PASSWORD = "Mauvais12pass"
COOKIE = "__Host-ent-session"
BIRTH_DATE = date(2015, 3, 1)
# Where the usual columns go; any other operation the code makes gets its own column after them.
OPERATION_ORDER = (
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "Scan",
    "TransactWriteItems",
    "TransactGetItems",
    "BatchGetItem",
    "BatchWriteItem",
)


class Skip(Exception):
    """The scenario cannot run yet: its note says why."""


@dataclass
class Measured:
    method: str = ""
    path: str = ""
    status: int | None = None
    calls: list[str] = field(default_factory=list)
    mails: int = 0


class World:
    """The table, a frozen clock, the flows' apps, and the counters of the measured request."""

    def __init__(self) -> None:
        from functions.core.aws import client
        from functions.core.settings import Settings
        from functions.core.store import Store
        from infra.template import routes

        self.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # 10:00 in Paris, as the tests
        self.settings = Settings(table_name=TABLE_NAME, public_url=PUBLIC_URL, mail_from=MAIL_FROM)
        self.store = Store(TABLE_NAME)
        self.routes = {(route.method, route.path): route for route in routes()}
        self.apps: dict[str, Any] = {}
        self.counting = False
        self.measured = Measured()
        self.serial = 0  # people made so far: unique names and addresses
        self.visitor = 0  # scenarios run so far: each from its own IP address
        client("dynamodb").meta.events.register("before-call.dynamodb", self._count_dynamodb)
        client("sesv2").meta.events.register("before-call.sesv2", self._count_mail)

    # Counting ------------------------------------------------------------------------------

    def _count_dynamodb(self, model: Any, **_: Any) -> None:
        if self.counting:
            self.measured.calls.append(model.name)

    def _count_mail(self, model: Any, **_: Any) -> None:
        if self.counting and model.name == "SendEmail":
            self.measured.mails += 1

    def clock(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    # Requests ------------------------------------------------------------------------------

    def app(self, method: str, path: str) -> Any:
        """The Flask app of the function the template routes `method path` to."""
        route = self.routes.get((method, path))
        if route is None:
            raise Skip(f"{method} {path} is not a route of infra/template.yaml")
        module_name = route.handler.rpartition(".")[0].rpartition(".")[0] + ".app"
        if module_name not in self.apps:
            try:
                create_app = importlib.import_module(module_name).create_app
            except (ImportError, AttributeError) as error:
                raise Skip(f"{module_name}.create_app cannot be imported ({error})") from None
            self.apps[module_name] = create_app(self.settings, store=self.store, clock=self.clock)
        return self.apps[module_name]

    def _send(self, method: str, path: str, body: dict[str, Any] | None, session: str | None) -> Any:
        headers = {"Origin": PUBLIC_URL, "Sec-Fetch-Site": "same-origin", "User-Agent": "bench"}
        if session:
            headers["Cookie"] = f"{COOKIE}={session}"
        client = self.app(method, path).test_client(use_cookies=False)
        # Each scenario is another person, from another address (the per-IP guess limit stays out of it).
        environ = {"REMOTE_ADDR": f"198.51.100.{self.visitor % 250 + 1}"}
        if method == "GET":
            return client.get(path, headers=headers, environ_base=environ)
        return client.open(
            path, method=method, json=body if body is not None else {}, headers=headers, environ_base=environ
        )

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        session: str | None = None,
        expect: int | None = None,
    ) -> Any:
        """A preparatory request, not counted; a 501 or an unexpected status skips the scenario."""
        response = self._send(method, path, body, session)
        if response.status_code == 501:
            raise Skip(f"needs {method} {path}, which answers 501 (not built yet)")
        if expect is not None and response.status_code != expect:
            raise Skip(
                f"preparing with {method} {path} answered {response.status_code}, not {expect}: "
                f"{response.get_data(as_text=True)[:200]}"
            )
        return response

    def measure(self, method: str, path: str, body: dict[str, Any] | None = None, session: str | None = None) -> Any:
        """The one request whose DynamoDB calls are counted."""
        self.measured = Measured(method=method, path=path)
        self.counting = True
        try:
            response = self._send(method, path, body, session)
        finally:
            self.counting = False
        self.measured.status = response.status_code
        if response.status_code == 501:
            raise Skip("answers 501 (not built yet)")
        return response

    # People --------------------------------------------------------------------------------

    def person(
        self, state: str = "active", password: str = PASSWORD, email_verified: bool = True
    ) -> tuple[Any, str, str]:
        """Issue a fresh account (argon2 and all) in `state`; return it, its password and its address."""
        from functions.core.accounts import issue_account
        from functions.core.lifecycle import AccountState, Profile
        from functions.core.passwords import hash_password

        self.serial += 1
        letters = "".join(chr(ord("a") + int(digit)) for digit in str(self.serial))  # names have no digits
        issued = issue_account(
            self.store,
            profile=Profile.PARENT,
            first_name="Zoé",
            last_name=f"Bench {letters}",
            birth_date=BIRTH_DATE,
            school="0751234J",
            now=self.now,
        )
        account, secret = issued.account, issued.initial_password
        address = f"famille.{letters}@exemple.fr"
        if state == "issued":
            return account, secret, address
        changes: dict[str, Any] = {"password_hash": hash_password(password), "state": AccountState(state)}
        if state == "active":
            changes["activated_at"] = self.now
            if email_verified:
                changes["email"] = address
        account = self.store.save_account(replace(account, **changes))
        return account, password, address

    def log_in(self, identifier: str, password: str) -> str:
        response = self.request(
            "POST", "/api/login", {"identifier": identifier, "password": password, "profile": "parent"}, expect=200
        )
        for header in response.headers.getlist("Set-Cookie"):
            match = re.match(rf"{re.escape(COOKIE)}=([^;]+)", header)
            if match:
                return match.group(1)
        raise Skip("the login answered without a session cookie")

    def first_connection(self) -> tuple[Any, str]:
        """An account whose first connection is done: pending, its activation link sent."""
        account, initial, address = self.person("issued")
        session = self.log_in(account.identifier, initial)
        self.request(
            "POST",
            "/api/first-connection",
            {
                "birth_date": BIRTH_DATE.strftime("%d/%m/%Y"),
                "email": address,
                "new_password": NEW_PASSWORD,
                "new_password_confirmation": NEW_PASSWORD,
            },
            session=session,
            expect=202,
        )
        return account, address

    def mail_count(self) -> int:
        return len(self._sent())

    def token_sent(self, to: str, since: int) -> str:
        """The link's token in the latest mail sent to `to` since `since` (a mail_count())."""
        for sent in reversed(self._sent()[since:]):
            parsed = email.message_from_string(sent.raw_data, policy=email.policy.default)
            if to in str(parsed["To"]):
                plain = parsed.get_body(("plain",))
                match = re.search(r"#t=([A-Za-z0-9_-]+)", plain.get_content()) if plain is not None else None
                if match:
                    return match.group(1)
        raise Skip(f"no mail with a link was sent to {to}")

    @staticmethod
    def _sent() -> list[Any]:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        return ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages


# Scenarios: (endpoint as shown, case, expected status, what to do). Each one makes its own people.
Scenario = tuple[str, str, int, Callable[[World], Any]]


def _login_ok(w: World) -> Any:
    account, password, _ = w.person()
    return w.measure(
        "POST", "/api/login", {"identifier": account.identifier, "password": password, "profile": "parent"}
    )


def _login_wrong_password(w: World) -> Any:
    account, _, _ = w.person()
    return w.measure(
        "POST", "/api/login", {"identifier": account.identifier, "password": WRONG_PASSWORD, "profile": "parent"}
    )


def _login_unknown(w: World) -> Any:
    return w.measure(
        "POST", "/api/login", {"identifier": "personne.inconnue", "password": WRONG_PASSWORD, "profile": "parent"}
    )


def _session_ok(w: World) -> Any:
    account, password, _ = w.person()
    return w.measure("GET", "/api/session", session=w.log_in(account.identifier, password))


def _session_touch(w: World) -> Any:
    account, password, _ = w.person()
    session = w.log_in(account.identifier, password)
    w.advance(minutes=6)  # past the 5-minute touch interval, inside the 30-minute idle timeout
    return w.measure("GET", "/api/session", session=session)


def _session_expired(w: World) -> Any:
    account, password, _ = w.person()
    session = w.log_in(account.identifier, password)
    w.advance(minutes=31)  # idle too long: the item is still there until DynamoDB's TTL removes it
    return w.measure("GET", "/api/session", session=session)


def _session_none(w: World) -> Any:
    return w.measure("GET", "/api/session")


def _logout_ok(w: World) -> Any:
    account, password, _ = w.person()
    return w.measure("POST", "/api/logout", session=w.log_in(account.identifier, password))


def _logout_none(w: World) -> Any:
    return w.measure("POST", "/api/logout")


def _first_connection_ok(w: World) -> Any:
    account, initial, address = w.person("issued")
    session = w.log_in(account.identifier, initial)
    return w.measure(
        "POST",
        "/api/first-connection",
        {
            "birth_date": BIRTH_DATE.strftime("%d/%m/%Y"),
            "email": address,
            "new_password": NEW_PASSWORD,
            "new_password_confirmation": NEW_PASSWORD,
        },
        session=session,
    )


def _first_connection_wrong_birth_date(w: World) -> Any:
    account, initial, address = w.person("issued")
    session = w.log_in(account.identifier, initial)
    return w.measure(
        "POST",
        "/api/first-connection",
        {
            "birth_date": "02/03/2015",
            "email": address,
            "new_password": NEW_PASSWORD,
            "new_password_confirmation": NEW_PASSWORD,
        },
        session=session,
    )


def _activation(w: World, twice: bool) -> Any:
    mark = w.mail_count()
    _, address = w.first_connection()
    token = w.token_sent(address, mark)
    if twice:
        w.request("POST", "/api/activation", {"token": token}, expect=200)
    return w.measure("POST", "/api/activation", {"token": token})


def _resend(w: World, password: str) -> Any:
    account, _ = w.first_connection()
    return w.measure("POST", "/api/first-connection/resend", {"identifier": account.identifier, "password": password})


def _recovery_identifier_known(w: World) -> Any:
    _, _, address = w.person()
    return w.measure("POST", "/api/recovery/identifier", {"email": address})


def _recovery_identifier_unknown(w: World) -> Any:
    return w.measure("POST", "/api/recovery/identifier", {"email": "personne.inconnue@exemple.fr"})


def _recovery_password_known(w: World) -> Any:
    account, _, _ = w.person()
    return w.measure("POST", "/api/recovery/password", {"identifier": account.identifier})


def _recovery_password_unknown(w: World) -> Any:
    return w.measure("POST", "/api/recovery/password", {"identifier": "personne.inconnue"})


def _reset(w: World, twice: bool) -> Any:
    account, _, address = w.person()
    mark = w.mail_count()
    w.request("POST", "/api/recovery/password", {"identifier": account.identifier}, expect=202)
    token = w.token_sent(address, mark)
    body = {"token": token, "new_password": NEW_PASSWORD, "new_password_confirmation": NEW_PASSWORD}
    if twice:
        w.request("POST", "/api/recovery/password/reset", body, expect=200)
    return w.measure("POST", "/api/recovery/password/reset", body)


def _account_password(w: World, current: str) -> Any:
    account, password, _ = w.person()
    session = w.log_in(account.identifier, password)
    return w.measure(
        "POST",
        "/api/account/password",
        {
            "current_password": current,
            "new_password": NEW_PASSWORD,
            "new_password_confirmation": NEW_PASSWORD,
        },
        session=session,
    )


def _account_email(w: World, current: str) -> Any:
    account, password, _ = w.person()
    session = w.log_in(account.identifier, password)
    return w.measure(
        "POST",
        "/api/account/email",
        {"current_password": current, "new_email": f"nouvelle.{account.identifier}@exemple.org"},
        session=session,
    )


def _email_confirm(w: World, twice: bool) -> Any:
    account, password, _ = w.person()
    session = w.log_in(account.identifier, password)
    new_address = f"nouvelle.{account.identifier}@exemple.org"
    mark = w.mail_count()
    w.request(
        "POST",
        "/api/account/email",
        {"current_password": password, "new_email": new_address},
        session=session,
        expect=202,
    )
    token = w.token_sent(new_address, mark)
    if twice:
        w.request("POST", "/api/account/email/confirm", {"token": token}, expect=200)
    return w.measure("POST", "/api/account/email/confirm", {"token": token})


SCENARIOS: list[Scenario] = [
    ("login", "ok (active account)", 200, _login_ok),
    ("login", "wrong password", 401, _login_wrong_password),
    ("login", "unknown identifier", 401, _login_unknown),
    ("session", "ok", 200, _session_ok),
    ("session", "ok, last-seen refresh due (6 min)", 200, _session_touch),
    ("session", "expired (idle 31 min)", 401, _session_expired),
    ("session", "no cookie", 401, _session_none),
    ("logout", "ok", 204, _logout_ok),
    ("logout", "no cookie", 204, _logout_none),
    ("first connection", "ok (link mailed)", 202, _first_connection_ok),
    ("first connection", "wrong birth date", 401, _first_connection_wrong_birth_date),
    ("activation", "ok", 200, lambda w: _activation(w, twice=False)),
    ("activation", "link already used", 400, lambda w: _activation(w, twice=True)),
    ("resend", "ok (new link mailed)", 202, lambda w: _resend(w, NEW_PASSWORD)),
    ("resend", "wrong password", 401, lambda w: _resend(w, WRONG_PASSWORD)),
    ("recovery identifier", "known address", 202, _recovery_identifier_known),
    ("recovery identifier", "unknown address", 202, _recovery_identifier_unknown),
    ("recovery password", "known identifier", 202, _recovery_password_known),
    ("recovery password", "unknown identifier", 202, _recovery_password_unknown),
    ("reset", "ok", 200, lambda w: _reset(w, twice=False)),
    ("reset", "link already used", 400, lambda w: _reset(w, twice=True)),
    ("account password", "ok", 200, lambda w: _account_password(w, PASSWORD)),
    ("account password", "wrong current password", 401, lambda w: _account_password(w, WRONG_PASSWORD)),
    ("account email", "ok (2 mails)", 202, lambda w: _account_email(w, PASSWORD)),
    ("account email", "wrong current password", 401, lambda w: _account_email(w, WRONG_PASSWORD)),
    ("email confirm", "ok", 200, lambda w: _email_confirm(w, twice=False)),
    ("email confirm", "link already used", 400, lambda w: _email_confirm(w, twice=True)),
    ("feedback", "ok", 202, lambda w: w.measure("POST", "/api/feedback", {"page": "/connexion/", "helpful": True})),
    (
        "feedback",
        "page not a site path",
        400,
        lambda w: w.measure("POST", "/api/feedback", {"page": "https://ailleurs.example/", "helpful": True}),
    ),
]


def main() -> None:
    quiet_service_logs()
    results: list[tuple[str, str, int, Measured]] = []
    notes: list[str] = []
    with in_process_aws():
        world = World()
        for endpoint, case, expected, run in SCENARIOS:
            world.visitor += 1
            try:
                run(world)
            except Skip as skip:
                notes.append(f"skipped {endpoint} / {case}: {skip}")
                continue
            except Exception as error:  # a flow in progress may break: say so, measure the rest
                notes.append(f"error in {endpoint} / {case}: {type(error).__name__}: {error}")
                continue
            results.append((endpoint, case, expected, world.measured))
        covered = {(measured.method, measured.path) for *_, measured in results}
        uncovered = sorted(set(world.routes) - covered)
    _report(results, notes, uncovered)


def _report(results: list[tuple[str, str, int, Measured]], notes: list[str], uncovered: list[tuple[str, str]]) -> None:
    seen = {name for *_, measured in results for name in measured.calls}
    columns = [name for name in OPERATION_ORDER if name in seen] + sorted(seen - set(OPERATION_ORDER))
    rows = []
    for endpoint, case, expected, measured in results:
        status = str(measured.status) if measured.status == expected else f"{measured.status} (expected {expected})"
        counts = [measured.calls.count(name) or "." for name in columns]
        rows.append(
            [
                f"{endpoint}  {measured.method} {measured.path}",
                case,
                status,
                *counts,
                len(measured.calls),
                measured.mails or ".",
            ]
        )
    print("DynamoDB operations of one request, per endpoint and case (in-process moto; setup not counted):\n")
    print_table(
        ["endpoint", "case", "status", *columns, "total", "SES"], rows, right=tuple(range(3, 3 + len(columns) + 2))
    )
    print("'.' = none. SES = mails sent by the request (SendEmail calls).")
    for note in notes:
        print(f"Note: {note}")
    for method, path in uncovered:
        print(f"Note: no scenario measures {method} {path} (a route of the template): add one to SCENARIOS.")


if __name__ == "__main__":
    print(machine_line())
    main()
