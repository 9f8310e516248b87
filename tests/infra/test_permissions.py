"""Least privilege: each function's role grants what its code calls, no more, no less.

infra/permissions.yaml declares, per function, the DynamoDB and SES operations its code calls.
Two checks hold it to the truth:

- the template: each function's role (inline statements and attached managed policies) must grant
  exactly the IAM actions those operations need, on the table / indexes they use, and besides only
  its own log group (and the sweep's dead-letter queue);
- the code: the journeys below drive every flow through the whole API (the `api` fixture of
  tests/functions routes each path to the app the template routes it to) and run the sweep, while
  a botocore hook on the shared clients records every call with the function whose code made it.
  The record must equal the declaration.

Why record rather than parse the code: every flow goes through the shared core (store, auth,
links, mail), so a static reading would grant every function every Store method. Recording sees
exactly which calls each function's requests make, on which index, and of which item kinds a
transaction is made. What it cannot see is a call on a path no journey takes: the journeys take
the happy path and the refusals of every endpoint; a new call in a flow shows up here as soon as
one journey takes it, and a permission nobody needs any more fails the equality too.
"""

from __future__ import annotations

import contextvars
import fnmatch
import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from functions.core.lifecycle import AccountState
from infra.template import load_template, route_for, routes
from tests.infra.iam import (
    PolicyError,
    declared_operations,
    grants_for,
    load_permissions,
    role_statements,
    statement_grants,
)

PERMISSIONS = load_permissions()
FUNCTIONS = sorted(PERMISSIONS["functions"])


def function_ids() -> set[str]:
    return {
        logical_id
        for logical_id, resource in load_template()["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def test_every_function_is_declared():
    assert set(FUNCTIONS) == function_ids()


@pytest.mark.parametrize("function_id", FUNCTIONS)
def test_role_grants_exactly_what_the_code_calls(function_id: str):
    statements, log_group = role_statements(load_template(), function_id)
    granted = statement_grants(statements, own_log_group=log_group)
    needed = grants_for(declared_operations(PERMISSIONS["functions"][function_id]))
    platform = {("logs:CreateLogStream", "own-log-group"), ("logs:PutLogEvents", "own-log-group")}
    if function_id == "SweepFunction":
        platform.add(("sqs:SendMessage", "dead-letter-queue"))  # failed runs (EventInvokeConfig)
    assert granted - platform == needed, (
        f"{function_id}: granted but not needed {sorted(granted - platform - needed)}, "
        f"needed but not granted {sorted(needed - granted)}"
    )
    assert platform <= granted


def granted_to(function_id: str) -> set[tuple[str, str]]:
    statements, log_group = role_statements(load_template(), function_id)
    return statement_grants(statements, own_log_group=log_group)


def test_only_the_sweep_deletes_accounts_and_feedback_writes_only_feedback():
    deleting = {
        function_id: sorted(where for action, where in granted_to(function_id) if action == "dynamodb:DeleteItem")
        for function_id in FUNCTIONS
    }
    assert {function_id for function_id, places in deleting.items() if "table" in places} == {"SweepFunction"}
    # Logout and a password change delete session items, a right guess its count, and nothing else.
    assert deleting["LoginFunction"] == deleting["AccountFunction"] == ["table[GUESSES#*]", "table[SESSION#*]"]
    assert {grant for grant in granted_to("FeedbackFunction") if grant[0].startswith("dynamodb:")} == {
        ("dynamodb:PutItem", "table[FEEDBACK]"),
        ("dynamodb:UpdateItem", "table[FEEDBACK_RATE#*]"),  # its own counters per client, nothing else
    }


def test_secretariat_policy_grants_what_ent_admin_needs():
    template = load_template()
    policy = template["Resources"]["SecretariatPolicy"]
    assert policy["Type"] == "AWS::IAM::ManagedPolicy"
    granted = statement_grants(policy["Properties"]["PolicyDocument"]["Statement"])
    declared = grants_for(declared_operations(PERMISSIONS["SecretariatPolicy"]))
    assert granted == declared
    assert template["Outputs"]["SecretariatPolicyArn"]["Value"] == {"Ref": "SecretariatPolicy"}
    # `ent-admin sweep` runs the sweep's code: whatever the sweep function may do, so may they.
    sweep = grants_for(declared_operations(PERMISSIONS["functions"]["SweepFunction"]))
    covered = {(action, "*" if where not in ("table", "mail") else where) for action, where in sweep}
    assert covered <= granted


def test_no_policy_in_the_template_grants_on_every_resource():
    for logical_id, resource in load_template()["Resources"].items():
        documents = []
        if resource["Type"] == "AWS::IAM::Role":
            documents = [policy["PolicyDocument"] for policy in resource["Properties"].get("Policies", [])]
        elif resource["Type"] == "AWS::IAM::ManagedPolicy":
            documents = [resource["Properties"]["PolicyDocument"]]
        for document in documents:
            for statement in document["Statement"]:
                resources = (
                    statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
                )
                assert "*" not in resources, logical_id


def test_a_statement_with_another_resource_is_refused():
    with pytest.raises(PolicyError):
        statement_grants([{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}])
    with pytest.raises(PolicyError):
        statement_grants([{"Effect": "Allow", "Action": "ses:SendEmail", "Resource": {"Fn::Sub": "arn:x:identity/*"}}])


# --- the code: record what each function's journeys call ------------------------------------------

_acting: contextvars.ContextVar[str | None] = contextvars.ContextVar("acting", default=None)


class Recorder:
    """Records (service, operation, where) per function, from a botocore hook on the shared clients."""

    def __init__(self, table_name: str) -> None:
        self.table_name = table_name
        # function -> {(service, operation, where, partition key or None)}
        self.calls: dict[str, set[tuple[str, str, str, str | None]]] = {}
        self.routes = routes()

    def function(self) -> str | None:
        import flask

        if flask.has_request_context():
            route = route_for(self.routes, flask.request.path)
            assert route is not None, flask.request.path
            return route.function
        return _acting.get()  # None: a test's own set-up, not a function's code

    def __call__(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        function = self.function()
        if function is None:
            return
        service, operation = model.service_model.service_name, model.name
        found = self.calls.setdefault(function, set())
        if service == "sesv2":
            (content,) = params["Content"]
            found.add((service, f"{operation}.{content}", "mail", None))
        elif operation in ("TransactWriteItems", "TransactGetItems"):
            for item in params["TransactItems"]:
                ((kind, request),) = item.items()
                assert request["TableName"] == self.table_name
                found.add((service, f"{operation}.{kind}", "table", _partition_key(request)))
        else:
            assert params["TableName"] == self.table_name
            found.add((service, operation, params.get("IndexName", "table"), _partition_key(params)))


def _partition_key(request: dict[str, Any]) -> str | None:
    item = request.get("Key") or request.get("Item")
    if item:
        return str(item["pk"]["S"])
    # A query of one partition of the table (not an index) acts where its key condition says.
    if request.get("KeyConditionExpression", "").startswith("pk = :pk") and "IndexName" not in request:
        return str(request["ExpressionAttributeValues"][":pk"]["S"])
    return None


def unexplained_and_unused(calls: set[tuple[str, str, str, str | None]], declared: set[tuple[str, str, str]]):
    """The calls no declared operation allows, and the declared operations no call needed."""
    used: set[tuple[str, str, str]] = set()
    unexplained = set()
    for service, operation, where, key in calls:
        allowing = {
            entry
            for entry in declared
            if entry[:2] == (service, operation)
            and (
                entry[2] == where
                or (
                    where == "table"
                    and key is not None
                    and re.fullmatch(r"table\[.+\]", entry[2])
                    and fnmatch.fnmatchcase(key, entry[2][6:-1])
                )
            )
        }
        if allowing:
            used |= allowing
        else:
            unexplained.add((service, operation, where, key))
    return unexplained, declared - used


@pytest.fixture
def recorder(table: str, monkeypatch: pytest.MonkeyPatch) -> Recorder:
    import functions.recovery.app as recovery_app
    from functions.core.aws import client

    if hasattr(recovery_app, "RESPONSE_FLOOR"):
        monkeypatch.setattr(recovery_app, "RESPONSE_FLOOR", 0)  # the time floor is tested elsewhere
    recording = Recorder(table)
    for service in ("dynamodb", "sesv2"):
        client(service).meta.events.register(f"before-parameter-build.{service}", recording)
    return recording


PASSWORD, NEW_PASSWORD, NEWER_PASSWORD, RESET_PASSWORD = "Soleil2024x", "Tournesol42", "Girafe2027b", "Papillon33z"


def token_of(mail: dict[str, str]) -> str:
    found = re.search(r"#t=([A-Za-z0-9_-]+)", mail["text"])
    assert found, mail["text"]
    return found.group(1)


def login(api, identifier: str, password: str) -> int:
    return api.post("/api/login", {"identifier": identifier, "password": password, "profile": "parent"}).status_code


def drive_every_flow(api, accounts, outbox, store) -> None:
    """The happy path and the refusals of every endpoint, as a browser would send them."""
    post = api.post
    # Login: unknown identifier, wrong password, deactivated account, session, logout.
    assert login(api, "personne.inconnue", "Mauvais123") == 401
    deactivated, _ = accounts.make(state=AccountState.DEACTIVATED, password=PASSWORD, first_name="Léo")
    assert login(api, deactivated.identifier, PASSWORD) == 403
    assert api.get("/api/session").status_code == 401
    # First connection: initial password, a wrong birth date, then the right one; resend; activation.
    account, initial_password = accounts.make()
    assert login(api, account.identifier, "Mauvais123") == 401
    assert login(api, account.identifier, initial_password) == 200
    assert api.get("/api/first-connection/session").status_code == 200
    form = {"email": "famille@exemple.fr", "new_password": NEW_PASSWORD, "new_password_confirmation": NEW_PASSWORD}
    assert post("/api/first-connection", {"birth_date": "02/03/2015", **form}).status_code == 401
    assert post("/api/first-connection", {"birth_date": "01/03/2015", **form}).status_code == 202
    assert (
        post("/api/first-connection/resend", {"identifier": account.identifier, "password": "Mauvais123"}).status_code
        == 401
    )
    assert (
        post("/api/first-connection/resend", {"identifier": account.identifier, "password": NEW_PASSWORD}).status_code
        == 202
    )
    correction = {"identifier": account.identifier, "password": NEW_PASSWORD, "email": "famille.bis@exemple.fr"}
    assert post("/api/first-connection/email", {**correction, "password": "Mauvais123"}).status_code == 401
    assert post("/api/first-connection/email", correction).status_code == 202
    activation = token_of(outbox()[-1])
    assert post("/api/links/status", {"token": activation}).get_json()["status"] == "valid"
    assert post("/api/links/status", {"token": "inconnu" * 4}).get_json()["status"] == "invalid"
    assert post("/api/activation", {"token": "inconnu" * 4}).status_code == 400
    assert post("/api/activation", {"token": activation}).status_code == 200
    assert post("/api/activation", {"token": activation}).status_code == 400
    # Logged in: the session, Mon compte (password, email and its confirmation), logout.
    assert login(api, account.identifier, NEW_PASSWORD) == 200
    assert api.get("/api/session").status_code == 200
    change = {"new_password": NEWER_PASSWORD, "new_password_confirmation": NEWER_PASSWORD}
    assert post("/api/account/password", {"current_password": "Mauvais123", **change}).status_code == 401
    assert post("/api/account/password", {"current_password": NEW_PASSWORD, **change}).status_code == 200
    assert (
        post("/api/account/email", {"current_password": NEWER_PASSWORD, "new_email": "nouvelle@exemple.fr"}).status_code
        == 202
    )
    confirmation = token_of([mail for mail in outbox() if mail["to"] == "nouvelle@exemple.fr"][-1])
    assert post("/api/account/email/confirm", {"token": confirmation}).status_code == 200
    assert post("/api/account/email/confirm", {"token": confirmation}).status_code == 400
    assert post("/api/logout").status_code == 204
    # Recovery: identifier by email (known, unknown), password request and reset.
    assert post("/api/recovery/identifier", {"email": "nouvelle@exemple.fr"}).status_code == 202
    assert post("/api/recovery/identifier", {"email": "inconnue@exemple.fr"}).status_code == 202
    assert post("/api/recovery/password", {"identifier": "personne.inconnue"}).status_code == 202
    assert post("/api/recovery/password", {"identifier": account.identifier}).status_code == 202
    reset = token_of(outbox()[-1])
    short = {"token": reset, "new_password": "court", "new_password_confirmation": "court"}
    assert post("/api/recovery/password/reset", short).status_code == 400
    assert (
        post(
            "/api/recovery/password/reset",
            {"token": reset, "new_password": RESET_PASSWORD, "new_password_confirmation": RESET_PASSWORD},
        ).status_code
        == 200
    )
    # Feedback.
    assert post("/api/feedback", {"page": "/aide/courrier/", "helpful": True, "comment": "merci"}).status_code == 202
    assert post("/api/feedback", {"page": "/aide/courrier/", "helpful": "oui"}).status_code == 400


def drive_the_console(api, store, outbox, clock) -> None:
    """The console's staff: an invitation, enrolment, sign-in (wrong, right), step-up, staff management."""
    import pyotp

    from tests.functions.admin.conftest import StaffFactory

    post = api.post
    academie = StaffFactory(store, clock).make(role="academie", schools=())
    code = pyotp.TOTP(academie.otp_secret).at(clock())
    assert post("/api/admin/login", {"email": academie.member.email, "password": "x", "code": code}).status_code == 401
    signed = {"email": academie.member.email, "password": academie.password, "code": code}
    assert post("/api/admin/login", signed).status_code == 200
    assert api.get("/api/admin/me").status_code == 200
    assert api.get("/api/admin/staff").status_code == 200
    invitation = {"email": "secretariat@ac-exemple.fr", "role": "secretariat", "schools": ["0750654D"]}
    assert post("/api/admin/staff/invitations", invitation).status_code == 201
    clock.advance(seconds=30)
    assert post("/api/admin/step-up", {"code": pyotp.TOTP(academie.otp_secret).at(clock())}).status_code == 200
    token = token_of(outbox()[-1])
    password = {"token": token, "password": "Lanterne-Verger-42", "password_confirmation": "Lanterne-Verger-42"}
    secret = post("/api/admin/invitation", password).get_json()["otp_secret"]
    confirm = {"token": token, "code": pyotp.TOTP(secret).at(clock())}
    assert post("/api/admin/invitation/confirm", confirm).status_code == 200
    assert post("/api/admin/staff/secretariat@ac-exemple.fr/disable").status_code == 200
    assert post("/api/admin/logout").status_code == 204


def run_the_sweep(accounts, store, settings, clock) -> None:
    """A reminder, a deactivation and deletions, run as the sweep function's code."""
    from functions.core.mail import Mailer
    from functions.sweep.flow import run_sweep

    unactivated, _ = accounts.make(first_name="Ines")
    pending, _ = accounts.make(state=AccountState.PENDING_CONFIRMATION, first_name="Noa")
    store.save_account(replace(pending, pending_email="noa.famille@exemple.fr"))
    deadline, deletion = unactivated.activation_deadline, unactivated.deletion_date
    token = _acting.set("SweepFunction")
    try:
        for today in (deadline - timedelta(days=14), deadline + timedelta(days=1), deletion + timedelta(days=1)):
            clock.now = clock.now.replace(year=today.year, month=today.month, day=today.day)
            report = run_sweep(
                store, Mailer(settings.mail_from), today=today, now=clock(), public_url=settings.public_url
            )
            assert not report.failed, report.failed
    finally:
        _acting.reset(token)
    assert store.get_account(unactivated.identifier) is None


def test_the_declared_operations_are_what_each_function_calls(recorder, api, accounts, outbox, store, settings, clock):
    drive_every_flow(api, accounts, outbox, store)
    drive_the_console(api, store, outbox, clock)
    run_the_sweep(accounts, store, settings, clock)

    for function_id in FUNCTIONS:
        declared = declared_operations(PERMISSIONS["functions"][function_id])
        unexplained, unused = unexplained_and_unused(recorder.calls.get(function_id, set()), declared)
        assert (unexplained, unused) == (set(), set()), (
            f"{function_id}: called but not declared {sorted(unexplained, key=str)}, declared but not called {sorted(unused)}"
        )


def test_a_call_outside_a_declared_partition_is_unexplained():
    declared = {("dynamodb", "DeleteItem", "table[SESSION#*]")}
    assert unexplained_and_unused({("dynamodb", "DeleteItem", "table", "SESSION#abc")}, declared) == (set(), set())
    assert unexplained_and_unused({("dynamodb", "DeleteItem", "table", "ACCOUNT#zoe")}, declared) == (
        {("dynamodb", "DeleteItem", "table", "ACCOUNT#zoe")},
        declared,
    )
