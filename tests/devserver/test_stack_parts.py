"""The smaller parts of the stack: environment, Lambda context, schedule, demo accounts."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, date
from typing import Any

import pytest

from devserver import environment
from devserver.environment import PortError, Ports, apply, check_port_free, export_lines, stack_variables
from devserver.lambdas import Functions, LambdaContext, import_handler, scheduled_event
from devserver.schedule import Scheduler
from devserver.seed import ACTIVE_EMAIL, ACTIVE_PASSWORD, credentials_table, seed_demo_accounts
from functions.core.lifecycle import AccountState
from functions.core.passwords import verify_password
from functions.core.store import Store
from infra.template import function_limits


def test_ports_default_and_from_environment() -> None:
    assert Ports.from_env({}) == Ports(web=8000, aws=8001)
    assert Ports.from_env({"PORT": "9000", "AWS_PORT": "0"}) == Ports(web=9000, aws=0)


@pytest.mark.parametrize("value", ["abc", "-1", "70000"])
def test_bad_port_is_refused_in_french(value: str) -> None:
    with pytest.raises(PortError, match="n'est pas un numéro de port"):
        Ports.from_env({"PORT": value})


def test_taken_port_is_reported() -> None:
    with socket.socket() as taken:
        taken.bind((environment.HOST, 0))
        taken.listen()
        with pytest.raises(PortError, match="déjà utilisé"):
            check_port_free(taken.getsockname()[1], "PORT")


def test_environment_points_boto3_at_moto_only() -> None:
    env = {"AWS_PROFILE": "prod", "AWS_SESSION_TOKEN": "x", "AWS_ENDPOINT_URL_DYNAMODB": "https://x", "HOME": "/h"}

    apply(stack_variables(8000, 8001), env)

    assert env == {
        "HOME": "/h",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:8001",
        "AWS_DEFAULT_REGION": "eu-west-3",
        "AWS_REGION": "eu-west-3",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "ENT_TABLE": "ent-parents-local",
        "ENT_SWEEP_QUEUE_URL": "http://127.0.0.1:8001/123456789012/ent-parents-local-SweepQueue",
        "ENT_PUBLIC_URL": "http://127.0.0.1:8000",
        "ENT_MAIL_FROM": "ne-pas-repondre@ent.example.fr",
        "ENT_OIDC_KEYS": "alias/ent-oidc-local",  # created in moto's KMS at start
        "ENT_PAIRWISE_SECRET": "local-pairwise-secret-never-used-on-aws",
        "ENT_LETTERS_BUCKET": "ent-parents-local-letters",
    }


def test_export_lines_for_ent_admin() -> None:
    lines = export_lines(8000, 8001)

    assert "export AWS_ENDPOINT_URL=http://127.0.0.1:8001" in lines
    assert "export ENT_TABLE=ent-parents-local" in lines
    assert "export AWS_DEFAULT_REGION=eu-west-3" in lines
    assert lines[0].startswith("unset AWS_PROFILE")


def test_lambda_context() -> None:
    context = LambdaContext("LoginFunction", timeout_seconds=10)

    assert context.invoked_function_arn == "arn:aws:lambda:eu-west-3:123456789012:function:LoginFunction"
    assert 9000 < context.get_remaining_time_in_millis() <= 10000
    assert context.aws_request_id != LambdaContext("LoginFunction").aws_request_id


@pytest.mark.parametrize("path", ["handler", "tests.devserver.handlers.PNG_BYTES"])
def test_import_handler_refuses_what_is_not_a_handler(path: str) -> None:
    with pytest.raises((ValueError, TypeError)):
        import_handler(path)


def test_function_limits_come_from_the_template() -> None:
    assert function_limits("SweepFunction") == {"Timeout": 900, "MemorySize": 1024}
    assert function_limits("LoginFunction") == {"Timeout": 10, "MemorySize": 1024}


def test_handler_context_carries_the_function_timeout() -> None:
    functions = Functions(lambda path: lambda event, context: context)

    context = functions.invoke("SweepFunction", "m.h", {})

    assert 899_000 < context.get_remaining_time_in_millis() <= 900_000
    assert context.memory_limit_in_mb == 1024


def test_functions_import_each_handler_once() -> None:
    imported: list[str] = []

    def importer(path: str) -> Any:
        imported.append(path)
        return lambda event, context: (event, context.function_name)

    functions = Functions(importer)

    assert functions.invoke("F", "m.h", {"a": 1}) == ({"a": 1}, "F")
    assert functions.invoke("F", "m.h", {"a": 2}) == ({"a": 2}, "F")
    assert imported == ["m.h"]


def test_scheduled_event_shape() -> None:
    event = scheduled_event("SweepFunction")

    assert event["detail-type"] == "Scheduled Event"
    assert event["resources"] == ["arn:aws:scheduler:eu-west-3:123456789012:schedule/default/SweepFunction"]


def test_scheduler_runs_at_start_and_survives_a_failing_handler(caplog: pytest.LogCaptureFixture) -> None:
    calls = threading.Semaphore(0)
    events: list[dict] = []

    def importer(path: str) -> Any:
        def handler(event: dict, context: Any) -> dict:
            events.append(event)
            calls.release()
            if path == "broken":
                raise RuntimeError("sweep failed")
            return {"status": "ok"}

        return handler

    schedules = {"Broken": {"handler": "broken"}, "Sweep": {"handler": "sweep"}}
    scheduler = Scheduler(Functions(importer), schedules, period=0.05)
    scheduler.start()
    for _ in range(4):  # two rounds: the failure did not stop the loop
        assert calls.acquire(timeout=5)
    scheduler.stop()

    assert events[0]["detail-type"] == "Scheduled Event"
    assert "Tâche planifiée Broken : échec" in caplog.text
    assert Scheduler(Functions(importer), schedules).run_once() == {"Sweep": {"status": "ok"}}


def test_demo_accounts(store: Store) -> None:
    from datetime import datetime

    demo = seed_demo_accounts(store, datetime(2026, 11, 30, 9, 0, tzinfo=UTC))

    assert [account.state for account in demo] == [AccountState.ISSUED, AccountState.ACTIVE, AccountState.DEACTIVATED]
    for account in demo:
        stored = store.get_account(account.identifier)
        assert stored is not None and stored.state == account.state
        assert verify_password(stored.password_hash, account.password)
    active = store.get_account(demo[1].identifier)
    assert active is not None and active.email == ACTIVE_EMAIL and active.activated_at is not None
    assert store.identifiers_for_email(ACTIVE_EMAIL) == [demo[1].identifier]
    lines = "\n".join(credentials_table(demo))
    assert all(account.identifier in lines and account.password in lines for account in demo)


def test_active_demo_password_meets_the_ent_rule(store: Store) -> None:
    from functions.core.password_policy import PolicyContext, check

    context = PolicyContext(identifier="lea.dupont", names=("Léa", "Dupont"), birth_date=date(2013, 2, 27))

    assert check(ACTIVE_PASSWORD, context=context) == []


def test_demo_staff_sign_in_to_the_console(store: Store) -> None:
    """`make run` seeds a secretary of the two demo schools and an académie member, enrolled."""
    from datetime import datetime

    import pyotp

    from devserver.seed import SCHOOL
    from devserver.seed_staff import SECOND_SCHOOL, seed_demo_staff, staff_table
    from functions.admin.staff.signin import sign_in
    from functions.core.audit import Client
    from functions.core.uai import is_valid_uai

    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    secretary, academie = seed_demo_staff(store, now)
    assert (secretary.role.value, secretary.schools) == ("secretariat", (SCHOOL, SECOND_SCHOOL))
    assert is_valid_uai(SCHOOL) and is_valid_uai(SECOND_SCHOOL) and academie.role.value == "academie"
    for member in (secretary, academie):
        code = pyotp.TOTP(member.otp_secret).at(now)
        sign_in(store, email=member.email, password=member.password, code=code, now=now, client=Client("127.0.0.1"))
    lines = "\n".join(staff_table([secretary, academie]))
    assert all(m.email in lines and m.password in lines and m.otp_secret in lines for m in (secretary, academie))


def test_ent_admin_is_given_the_url_of_the_queue_the_stack_makes() -> None:
    from devserver.environment import TABLE_NAME, aws_variables
    from devserver.queues import queue_name
    from infra.template import queue_environment

    assert queue_environment() == {"ENT_SWEEP_QUEUE_URL": "SweepQueue"}
    url = aws_variables(8001)["ENT_SWEEP_QUEUE_URL"]
    assert url == f"http://127.0.0.1:8001/123456789012/{queue_name(TABLE_NAME, 'SweepQueue')}"
