"""Read infra/template.yaml: the one declaration of the table, the routes and the schedule.

The local stack, the tests, the benchmarks and `make package` all import it from here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

TEMPLATE_PATH = Path(__file__).resolve().parent / "template.yaml"


class _CloudFormationLoader(yaml.SafeLoader):
    """A YAML loader that keeps CloudFormation's short tags (!Ref, !Sub…) as their long form."""


def _construct_tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if tag_suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:  # YAML has no other kind of node
        raise TypeError(f"unexpected YAML node {node!r}")
    return {name: value}


_CloudFormationLoader.add_multi_constructor("!", _construct_tag)


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as routed: `/api/admin/staff/{email}/disable` has one parameter, one path segment
    function: str  # logical id in the template
    handler: str  # dotted path: module.attribute

    def matches(self, path: str) -> bool:
        """Tell whether a request's (decoded) path reaches this route, as API Gateway matches it."""
        if "{" not in self.path:
            return path == self.path
        return _path_pattern(self.path).fullmatch(path) is not None


@cache
def _path_pattern(template_path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template_path)
    return re.compile("".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts))


def route_for(known: list[Route], path: str, method: str | None = None) -> Route | None:
    """Return the route a request's path (and method, if given) reaches: exact paths before parameters."""
    candidates = [route for route in known if route.matches(path) and (method is None or route.method == method)]
    candidates.sort(key=lambda route: "{" in route.path)
    return candidates[0] if candidates else None


@cache
def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """Return the template as plain data."""
    with open(path, encoding="utf-8") as stream:
        return yaml.load(stream, Loader=_CloudFormationLoader)


def _resources_of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def table_definition(template: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the accounts table as `create_table` keyword arguments (without TableName)."""
    template = template or load_template()
    (table,) = _resources_of_type(template, "AWS::DynamoDB::Table").values()
    properties = table["Properties"]
    definition: dict[str, Any] = {
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "KeySchema": properties["KeySchema"],
        "BillingMode": properties["BillingMode"],
    }
    if properties.get("GlobalSecondaryIndexes"):
        definition["GlobalSecondaryIndexes"] = properties["GlobalSecondaryIndexes"]
    return definition


def time_to_live(template: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the table's TTL specification (`update_time_to_live` form)."""
    template = template or load_template()
    (table,) = _resources_of_type(template, "AWS::DynamoDB::Table").values()
    spec = table["Properties"]["TimeToLiveSpecification"]
    return {"AttributeName": spec["AttributeName"], "Enabled": spec["Enabled"]}


def routes(template: dict[str, Any] | None = None) -> list[Route]:
    """Return every HttpApi route with the handler of the function it reaches."""
    template = template or load_template()
    found: list[Route] = []
    for logical_id, function in _resources_of_type(template, "AWS::Serverless::Function").items():
        properties = function["Properties"]
        for event in properties.get("Events", {}).values():
            if event["Type"] != "HttpApi":
                continue
            found.append(
                Route(
                    method=event["Properties"]["Method"].upper(),
                    path=event["Properties"]["Path"],
                    function=logical_id,
                    handler=properties["Handler"],
                )
            )
    return found


def schedules(template: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Return each scheduled function's handler and schedule properties, by logical id."""
    template = template or load_template()
    found: dict[str, dict[str, Any]] = {}
    for logical_id, function in _resources_of_type(template, "AWS::Serverless::Function").items():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] in ("Schedule", "ScheduleV2"):
                found[logical_id] = {"handler": function["Properties"]["Handler"], **event["Properties"]}
    return found


def function_limits(logical_id: str, template: dict[str, Any] | None = None) -> dict[str, int]:
    """Return a function's Timeout (seconds) and MemorySize (MB): its own, else the Globals' ones."""
    template = template or load_template()
    defaults = template.get("Globals", {}).get("Function", {})
    properties = template["Resources"].get(logical_id, {}).get("Properties", {})
    return {
        name: int(properties.get(name, defaults.get(name, fallback)))
        for name, fallback in (("Timeout", 3), ("MemorySize", 128))
    }  # Lambda's own defaults


def queues(template: dict[str, Any] | None = None) -> dict[str, dict[str, str]]:
    """Return each SQS queue's attributes (`create_queue` form), by logical id, dead-letter queues first.

    A RedrivePolicy's target is given by logical id (`deadLetterTargetLogicalId`): the caller puts
    the queue's ARN there once it made it (devserver/queues.py, tests/conftest.py).
    """
    template = template or load_template()
    found: dict[str, dict[str, str]] = {}
    for logical_id, queue in _resources_of_type(template, "AWS::SQS::Queue").items():
        attributes: dict[str, str] = {}
        for name, value in queue.get("Properties", {}).items():
            if name == "RedrivePolicy":
                target = value["deadLetterTargetArn"]["Fn::GetAtt"][0]
                attributes[name] = json.dumps(
                    {"deadLetterTargetLogicalId": target, "maxReceiveCount": value["maxReceiveCount"]}
                )
            elif name in ("VisibilityTimeout", "MessageRetentionPeriod", "SqsManagedSseEnabled"):
                attributes[name] = str(value).lower() if isinstance(value, bool) else str(value)
        found[logical_id] = attributes
    return dict(sorted(found.items(), key=lambda item: "RedrivePolicy" in item[1]))


def queue_consumers(template: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Return each function fed by an SQS queue: its handler, the queue's logical id, the batch size."""
    template = template or load_template()
    found: dict[str, dict[str, Any]] = {}
    for logical_id, function in _resources_of_type(template, "AWS::Serverless::Function").items():
        properties = function["Properties"]
        for event in properties.get("Events", {}).values():
            if event["Type"] == "SQS":
                found[logical_id] = {
                    "handler": properties["Handler"],
                    "queue": event["Properties"]["Queue"]["Fn::GetAtt"][0],
                    "batch_size": int(event["Properties"].get("BatchSize", 10)),
                    "reports_item_failures": "ReportBatchItemFailures"
                    in event["Properties"].get("FunctionResponseTypes", []),
                    "reserved_concurrency": int(properties.get("ReservedConcurrentExecutions", 1)),
                }
    return found


def queue_environment(template: dict[str, Any] | None = None) -> dict[str, str]:
    """Return the environment variables the functions get a queue's URL in, and that queue's logical id."""
    template = template or load_template()
    found: dict[str, str] = {}
    for function in _resources_of_type(template, "AWS::Serverless::Function").values():
        variables = function["Properties"].get("Environment", {}).get("Variables", {})
        for name, value in variables.items():
            target = template["Resources"].get(value.get("Ref")) if isinstance(value, dict) else None
            if target and target["Type"] == "AWS::SQS::Queue":
                found[name] = value["Ref"]
    return found


def reserved_concurrency(logical_id: str, template: dict[str, Any] | None = None) -> int | None:
    """Return a function's ReservedConcurrentExecutions, or None when it takes from the account's pool."""
    template = template or load_template()
    properties = template["Resources"].get(logical_id, {}).get("Properties", {})
    value = properties.get("ReservedConcurrentExecutions")
    return int(value) if isinstance(value, (int, str)) and str(value).isdigit() else None


def letters_bucket_settings(template: dict[str, Any] | None = None) -> dict[str, Any]:
    """The LettersBucket's public access block, encryption and lifecycle, as S3's API spells them."""
    properties = (template or load_template())["Resources"]["LettersBucket"]["Properties"]
    rules = [
        {
            "ID": rule["Id"],
            "Status": rule["Status"],
            "Filter": {},
            "Expiration": {"Days": rule["ExpirationInDays"]},
            "AbortIncompleteMultipartUpload": rule["AbortIncompleteMultipartUpload"],
        }
        for rule in properties["LifecycleConfiguration"]["Rules"]
    ]
    return {
        "PublicAccessBlockConfiguration": properties["PublicAccessBlockConfiguration"],
        # CloudFormation's ServerSideEncryptionByDefault is the API's ApplyServerSideEncryptionByDefault.
        "ServerSideEncryptionConfiguration": [
            {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
            for rule in properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        ],
        "LifecycleConfiguration": {"Rules": rules},
    }


def create_letters_bucket(s3: Any, name: str, region: str) -> None:
    """Create the console's letters bucket as infra/template.yaml declares it (moto locally and in tests)."""
    settings = letters_bucket_settings()
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=settings["PublicAccessBlockConfiguration"])
    s3.put_bucket_encryption(
        Bucket=name, ServerSideEncryptionConfiguration={"Rules": settings["ServerSideEncryptionConfiguration"]}
    )
    s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration=settings["LifecycleConfiguration"])
