"""Read infra/template.yaml: the one declaration of the table, the routes and the schedule.

The local stack, the tests, the benchmarks and `make package` all import it from here.
"""

from __future__ import annotations

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
