"""infra/template.yaml is the one declaration of the table, routes and schedule: check it."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import boto3

from devserver.template import TEMPLATE_PATH, load_template, routes, schedules, table_definition

# DESIGN §3: the API contract every route must serve.
CONTRACT = {
    ("POST", "/api/login"), ("GET", "/api/session"), ("POST", "/api/logout"),
    ("POST", "/api/first-connection"), ("POST", "/api/first-connection/resend"), ("POST", "/api/activation"),
    ("POST", "/api/recovery/identifier"), ("POST", "/api/recovery/password"),
    ("POST", "/api/recovery/password/reset"),
    ("POST", "/api/account/password"), ("POST", "/api/account/email"), ("POST", "/api/account/email/confirm"),
    ("POST", "/api/feedback"),
}


def test_cfn_lint_finds_nothing():
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(cfn_lint), str(TEMPLATE_PATH)], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_every_route_of_the_contract_is_routed_exactly_once():
    declared = [(route.method, route.path) for route in routes()]
    assert sorted(declared) == sorted(CONTRACT)


def test_every_routed_handler_and_the_sweep_can_be_imported():
    handlers = {route.handler for route in routes()} | {s["handler"] for s in schedules().values()}
    for dotted in handlers:
        module_name, attribute = dotted.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module_name), attribute)), dotted


def test_the_sweep_runs_daily_at_three_in_paris_with_a_dead_letter_queue():
    (sweep,) = schedules().values()
    assert sweep["ScheduleExpression"] == "cron(0 3 * * ? *)"
    assert sweep["ScheduleExpressionTimezone"] == "Europe/Paris"
    assert sweep["DeadLetterConfig"]["Type"] == "SQS"
    assert sweep["RetryPolicy"]["MaximumRetryAttempts"] >= 1


def test_table_is_on_demand_with_ttl_pitr_and_both_sparse_indexes():
    (table,) = [r for r in load_template()["Resources"].values() if r["Type"] == "AWS::DynamoDB::Table"]
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert {index["IndexName"] for index in properties["GlobalSecondaryIndexes"]} == {"by-email", "by-due-day"}


def test_the_test_table_is_built_from_the_template(table):
    description = boto3.client("dynamodb").describe_table(TableName=table)["Table"]
    assert description["KeySchema"] == table_definition()["KeySchema"]
    indexes = {index["IndexName"]: index["KeySchema"] for index in description["GlobalSecondaryIndexes"]}
    assert indexes == {index["IndexName"]: index["KeySchema"] for index in table_definition()["GlobalSecondaryIndexes"]}
    ttl = boto3.client("dynamodb").describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl == {"AttributeName": "expires_at", "TimeToLiveStatus": "ENABLED"}
