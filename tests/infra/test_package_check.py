"""`make package-check`: which event each function of the template gets, and what counts as a right answer.

The emulated run itself takes minutes (`make package-check`); these check its choices, offline.
"""

from __future__ import annotations

import json
from pathlib import Path

from infra import package_check
from infra.package_events import Probe, probes, verdict
from infra.template import load_template

ORIGIN = "http://127.0.0.1:8000"


def functions_of(template: dict) -> set[str]:
    return {name for name, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}


def test_every_function_of_the_template_gets_at_least_one_event():
    found = probes(ORIGIN)
    assert {probe.function for probe in found} == functions_of(load_template())


def test_a_wrong_password_login_must_be_refused_and_the_session_asked_without_cookie():
    by_route = {probe.what: probe for probe in probes(ORIGIN)}
    login = by_route["POST /api/login"]
    assert login.status == 401
    assert json.loads(login.event["body"])["password"] == "Mauvais12pass"
    assert login.event["headers"]["content-type"] == "application/json"
    assert by_route["GET /api/session"].status == 401
    assert by_route["GET /api/session"].event["requestContext"]["http"]["method"] == "GET"


def test_a_function_added_later_is_covered_by_its_own_events():
    template = {
        "Resources": {
            "AdminFunction": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Handler": "functions.admin.handler.handler",
                    "Events": {
                        "Write": {"Type": "HttpApi", "Properties": {"Method": "post", "Path": "/api/admin/x"}},
                        "Read": {"Type": "HttpApi", "Properties": {"Method": "get", "Path": "/api/admin/schools"}},
                    },
                },
            },
            "SweepWorkerFunction": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"Handler": "functions.sweep.worker.handler", "Events": {"Q": {"Type": "SQS"}}},
            },
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {}},
        }
    }
    found = probes(ORIGIN, template)
    assert [(p.function, p.what) for p in found] == [
        ("AdminFunction", "GET /api/admin/schools"),  # a GET route: reading cannot change anything
        ("SweepWorkerFunction", "SQS event (no record)"),
    ]
    assert found[1].event == {"Records": []}


def test_an_api_answer_is_right_below_500_in_json_or_at_the_exact_status_expected():
    api = Probe("F", "m.h", {}, "GET /api/x", api=True)
    exact = Probe("F", "m.h", {}, "POST /api/login", status=401, api=True)
    answer = {"statusCode": 401, "body": json.dumps({"error": "invalid_credentials"})}
    assert verdict(exact, {"result": answer}) is None
    assert verdict(api, {"result": answer}) is None
    assert verdict(exact, {"result": {**answer, "statusCode": 200}}) == "answered 200, not 401"
    assert verdict(api, {"result": {"statusCode": 502, "body": "{}"}}) == "answered 502"
    assert verdict(api, {"result": {"statusCode": 200, "body": "<html>"}}) == "answered 200 without a JSON body"
    assert verdict(api, {"result": {"statusCode": 204, "body": ""}}) is None
    assert (
        verdict(api, {"error": "ImportError: no module named _cffi_backend"})
        == "ImportError: no module named _cffi_backend"
    )


def test_an_event_function_is_right_when_it_returns():
    sweep = Probe("SweepFunction", "m.h", {}, "scheduled event")
    assert verdict(sweep, {"result": {"deactivated": 0}}) is None
    assert verdict(sweep, {"error": "SweepIncomplete: 1 account(s) failed"}) is not None


def test_the_functions_environment_resolves_queues_and_keeps_the_local_stacks_values():
    template = {
        "Globals": {"Function": {"Environment": {"Variables": {"ENT_TABLE": {"Ref": "AccountsTable"}, "A": "1"}}}},
        "Resources": {
            "Worker": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Environment": {
                        "Variables": {
                            "ENT_QUEUE_URL": {"Ref": "Queue"},
                            "ENT_QUEUE_ARN": {"Fn::GetAtt": ["Queue", "Arn"]},
                            "ENT_SECRET": {"Fn::Sub": "{{resolve:secretsmanager:x}}"},
                        }
                    }
                },
            }
        },
    }
    queues = {
        "Queue": {"url": "http://127.0.0.1:1/123/Queue", "arn": "arn:aws:sqs:eu-west-3:123:Queue", "name": "Queue"}
    }
    environment = package_check.function_environment("Worker", {"ENT_TABLE": "ent-parents-local"}, queues, template)
    assert environment == {
        "ENT_TABLE": "ent-parents-local",
        "A": "1",
        "ENT_QUEUE_URL": "http://127.0.0.1:1/123/Queue",
        "ENT_QUEUE_ARN": "arn:aws:sqs:eu-west-3:123:Queue",
    }


def test_the_cache_is_outside_the_clone(tmp_path: Path):
    assert package_check.cache_dir({"ENT_PARENTS_CACHE": str(tmp_path)}) == tmp_path
    assert not str(package_check.cache_dir({})).startswith(str(package_check.ROOT))


def test_the_runner_needs_nothing_but_the_standard_library():
    source = package_check.RUNNER.read_text(encoding="utf-8")
    imported = {line.split()[1].split(".")[0] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imported <= {"__future__", "importlib", "json", "platform", "sys", "time", "traceback", "uuid", "typing"}
    assert package_check.MARKER in source
