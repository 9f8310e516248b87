"""The template becomes a stack: SAM translated offline to CloudFormation, then created in moto.

samtranslator runs offline once the managed-policy loader is stubbed (no function uses a managed
policy by name: each has its own role) and CodeUri is an s3:// address (as `sam deploy` makes it).
moto's CloudFormation creates the table, roles, managed policies, log groups, queue, topic, bucket
and functions; it has no models for the API and its domain, CloudFront, SES, Secrets Manager, the
alarms or the scheduler: those are taken out (references to them become placeholders, so the
origin secret's dynamic reference stays unresolved), and the schedule is created through moto's
EventBridge Scheduler API from the translated properties. moto ignores TTL, PITR and the
architecture: test_template checks them in the template itself.
"""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from typing import Any

import boto3
import pytest

from infra.template import load_template, routes

ARTIFACTS = "ent-parents-artifacts"
STACK = "ent-parents"
PARAMETERS = {
    "ApiDomainName": "api.aide.ent.example.fr",
    "ApiCertificateArn": "arn:aws:acm:eu-west-3:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
}


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


def translate() -> dict[str, Any]:
    from samtranslator.translator.transform import transform

    template = copy.deepcopy(load_template())
    template["Globals"]["Function"]["CodeUri"] = f"s3://{ARTIFACTS}/lambda.zip"
    return transform(template, {}, _NoManagedPolicies())


@pytest.fixture(scope="module")
def translated() -> dict[str, Any]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "eu-west-3")  # samtranslator resolves AWS::Region
        return translate()


def test_sam_translates_every_function_route_and_the_schedule(translated):
    resources = translated["Resources"]
    types = {logical_id: resource["Type"] for logical_id, resource in resources.items()}
    assert "Transform" not in translated
    assert not [t for t in types.values() if t.startswith("AWS::Serverless::")]
    for function in {route.function for route in routes()} | {"SweepFunction"}:
        assert types[function] == "AWS::Lambda::Function"
        # Each function runs as its own role: SAM made none (a made role would get the broad basic one).
        assert resources[function]["Properties"]["Role"] == {
            "Fn::GetAtt": [function.removesuffix("Function") + "Role", "Arn"]
        }
        assert f"{function}Role" not in types
    body = resources["HttpApi"]["Properties"]["Body"]
    translated_routes = {(method.upper(), path) for path, item in body["paths"].items() for method in item}
    assert translated_routes == {(route.method, route.path) for route in routes()}
    (schedule,) = [resource for resource in resources.values() if resource["Type"] == "AWS::Scheduler::Schedule"]
    assert schedule["Properties"]["ScheduleExpressionTimezone"] == "Europe/Paris"
    assert schedule["Properties"]["Target"]["DeadLetterConfig"] == {
        "Arn": {"Fn::GetAtt": ["SweepDeadLetterQueue", "Arn"]}
    }
    # The default execute-api endpoint is off; the custom domain maps to the stage SAM made.
    (server,) = body["servers"]
    assert server["x-amazon-apigateway-endpoint-configuration"] == {"disableExecuteApiEndpoint": True}
    assert resources["ApiDomainMapping"]["Properties"]["Stage"] == {"Ref": "HttpApiApiGatewayDefaultStage"}
    stage = resources["HttpApiApiGatewayDefaultStage"]["Properties"]
    http_api = load_template()["Resources"]["HttpApi"]["Properties"]
    assert stage["DefaultRouteSettings"] == http_api["DefaultRouteSettings"]
    assert stage["RouteSettings"] == http_api["RouteSettings"]
    assert set(stage["RouteSettings"]) <= {f"{method.upper()} {path}" for method, path in translated_routes}
    assert stage["AccessLogSettings"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}


def for_moto(translated: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """The translated template less what moto's CloudFormation cannot create; what was taken out."""
    from moto.cloudformation.parsing import get_model_map

    models = get_model_map()
    removed = {logical_id for logical_id, resource in translated["Resources"].items() if resource["Type"] not in models}

    def placeholders(node: Any) -> Any:
        if isinstance(node, dict):
            if set(node) == {"Ref"} and node["Ref"] in removed:
                return f"placeholder-{node['Ref']}"
            if set(node) == {"Fn::GetAtt"} and node["Fn::GetAtt"][0] in removed:
                return "placeholder-" + "-".join(node["Fn::GetAtt"])
            if set(node) == {"Fn::Sub"}:

                def strip(text: str) -> str:
                    return re.sub(
                        r"\$\{([A-Za-z0-9]+)(\.[A-Za-z0-9.]+)?\}",
                        lambda m: f"placeholder-{m.group(1)}" if m.group(1) in removed else m.group(0),
                        text,
                    )

                value = node["Fn::Sub"]
                return {
                    "Fn::Sub": strip(value) if isinstance(value, str) else [strip(value[0]), placeholders(value[1])]
                }
            return {key: placeholders(value) for key, value in node.items()}
        if isinstance(node, list):
            return [placeholders(item) for item in node]
        return node

    kept = {
        logical_id: placeholders(resource)
        for logical_id, resource in translated["Resources"].items()
        if logical_id not in removed
    }
    outputs = {
        name: output
        for name, output in translated.get("Outputs", {}).items()
        if not any(logical_id in json.dumps(output) for logical_id in removed)
    }
    template = {key: value for key, value in translated.items() if key not in ("Rules",)}
    return {**template, "Resources": kept, "Outputs": outputs}, removed


def test_the_stack_is_created_in_moto(aws, translated):
    template, removed = for_moto(translated)
    assert {"SiteDistribution", "HttpApi", "SweepFunctionDaily"} <= removed
    assert not {"AccountsTable", "SweepDeadLetterQueue", "SweepFunction"} & removed
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=ARTIFACTS, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    artifact = io.BytesIO()
    with zipfile.ZipFile(artifact, "w") as archive:
        archive.writestr("functions/__init__.py", "")
    s3.put_object(Bucket=ARTIFACTS, Key="lambda.zip", Body=artifact.getvalue())

    cloudformation = boto3.client("cloudformation")
    cloudformation.create_stack(
        StackName=STACK,
        TemplateBody=json.dumps(template),
        Capabilities=["CAPABILITY_IAM"],
        Parameters=[{"ParameterKey": key, "ParameterValue": value} for key, value in PARAMETERS.items()],
    )
    (stack,) = cloudformation.describe_stacks(StackName=STACK)["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    physical = {
        resource["LogicalResourceId"]: resource["PhysicalResourceId"]
        for resource in cloudformation.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
    }
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stack["Outputs"]}

    # The table, with its indexes.
    table = boto3.client("dynamodb").describe_table(TableName=physical["AccountsTable"])["Table"]
    assert outputs["TableName"] == table["TableName"]
    assert {index["IndexName"] for index in table["GlobalSecondaryIndexes"]} == {"by-email", "by-due-day", "by-school"}
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"

    # The functions: named after the stack, each with its role, its settings and its log group.
    lambda_ = boto3.client("lambda")
    logs = {group["logGroupName"]: group for group in boto3.client("logs").describe_log_groups()["logGroups"]}
    iam = boto3.client("iam")
    for function_id in (
        "LoginFunction",
        "FirstConnectionFunction",
        "RecoveryFunction",
        "AccountFunction",
        "FeedbackFunction",
        "SweepFunction",
    ):
        configuration = lambda_.get_function(FunctionName=physical[function_id])["Configuration"]
        assert configuration["Runtime"].startswith("python3.1")
        assert configuration["Environment"]["Variables"]["ENT_TABLE"] == table["TableName"]
        # CloudFormation resolves it at deploy time (moto has no Secrets Manager model: a placeholder).
        assert configuration["Environment"]["Variables"]["ENT_ORIGIN_VERIFY"].startswith("{{resolve:secretsmanager:")
        role = iam.get_role(RoleName=physical[function_id.removesuffix("Function") + "Role"])["Role"]
        assert configuration["Role"] == role["Arn"]
        assert logs[f"/aws/lambda/{configuration['FunctionName']}"]["retentionInDays"] == 365
    assert lambda_.get_function_concurrency(FunctionName=physical["SweepFunction"])["ReservedConcurrentExecutions"] == 1
    assert lambda_.get_function(FunctionName=physical["SweepFunction"])["Configuration"]["Timeout"] == 900

    # The dead-letter queue, encrypted, keeping messages 14 days.
    queue_url = outputs["SweepDeadLetterQueueUrl"]
    attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    assert attributes["MessageRetentionPeriod"] == str(14 * 86400)
    assert attributes["SqsManagedSseEnabled"] == "true"

    # The académie operator's policy exists to be attached.
    assert iam.get_policy(PolicyArn=outputs["OperatorPolicyArn"])["Policy"]["PolicyName"]

    # The schedule, from the translated properties, on the functions and role the stack made.
    (schedule_id,) = [
        logical_id
        for logical_id, resource in translated["Resources"].items()
        if resource["Type"] == "AWS::Scheduler::Schedule"
    ]
    create_schedule(translated["Resources"][schedule_id]["Properties"], physical)
    (listed,) = boto3.client("scheduler").list_schedules()["Schedules"]
    schedule = boto3.client("scheduler").get_schedule(Name=listed["Name"])
    assert schedule["Name"] == f"{STACK}-sweep-daily"
    assert schedule["ScheduleExpression"] == "cron(0 3 * * ? *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Paris"
    assert schedule["Target"]["Arn"].endswith(f":function:{physical['SweepFunction']}")
    assert schedule["Target"]["DeadLetterConfig"]["Arn"].endswith(queue_url.rsplit("/", 1)[1])


def create_schedule(properties: dict[str, Any], physical: dict[str, str]) -> None:
    """What CloudFormation would do for AWS::Scheduler::Schedule, resolving the stack's references."""

    def arn_of(logical_id: str) -> str:
        name = physical[logical_id]
        if logical_id.endswith("Function"):
            return boto3.client("lambda").get_function(FunctionName=name)["Configuration"]["FunctionArn"]
        if logical_id.endswith("Role"):
            return boto3.client("iam").get_role(RoleName=name)["Role"]["Arn"]
        return boto3.client("sqs").get_queue_attributes(QueueUrl=name, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if set(node) == {"Fn::GetAtt"}:
                return arn_of(node["Fn::GetAtt"][0])
            if set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
                return node["Fn::Sub"].replace("${AWS::StackName}", STACK)
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved = resolve(properties)
    boto3.client("scheduler").create_schedule(
        Name=resolved["Name"],
        ScheduleExpression=resolved["ScheduleExpression"],
        ScheduleExpressionTimezone=resolved["ScheduleExpressionTimezone"],
        FlexibleTimeWindow=resolved["FlexibleTimeWindow"],
        Target=resolved["Target"],
    )
