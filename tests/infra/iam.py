"""Read IAM out of infra/template.yaml and infra/permissions.yaml as comparable sets.

A grant is (IAM action, where): `where` is `table`, `table[P]` (the items whose partition key is
like P: an IAM dynamodb:LeadingKeys condition), an index name (or `*` for every index) for DynamoDB,
`mail` for the SES identity and configuration set, `account` for an account-level read
(Resource "*", ACCOUNT_LEVEL_ACTIONS only), `signing-key` for the OIDC provider's KMS key,
`own-log-group`, a queue's logical id for SQS.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

PERMISSIONS_PATH = Path(__file__).resolve().parents[2] / "infra" / "permissions.yaml"

# botocore operation (transactions by item kind, SES by content kind) -> the IAM actions it needs.
IAM_ACTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("dynamodb", "GetItem"): ("dynamodb:GetItem",),
    ("dynamodb", "PutItem"): ("dynamodb:PutItem",),
    ("dynamodb", "UpdateItem"): ("dynamodb:UpdateItem",),
    ("dynamodb", "DeleteItem"): ("dynamodb:DeleteItem",),
    ("dynamodb", "Query"): ("dynamodb:Query",),
    ("dynamodb", "Scan"): ("dynamodb:Scan",),
    ("dynamodb", "BatchGetItem"): ("dynamodb:BatchGetItem",),
    ("dynamodb", "BatchWriteItem"): ("dynamodb:BatchWriteItem",),
    ("dynamodb", "TransactWriteItems.Put"): ("dynamodb:PutItem",),
    ("dynamodb", "TransactWriteItems.Update"): ("dynamodb:UpdateItem",),
    ("dynamodb", "TransactWriteItems.Delete"): ("dynamodb:DeleteItem",),
    ("dynamodb", "TransactWriteItems.ConditionCheck"): ("dynamodb:ConditionCheckItem",),
    ("dynamodb", "TransactGetItems.Get"): ("dynamodb:GetItem",),
    # SES v2 SendEmail is ses:SendEmail; with raw MIME content it is also checked as ses:SendRawEmail.
    ("sesv2", "SendEmail.Raw"): ("ses:SendEmail", "ses:SendRawEmail"),
    ("sesv2", "SendEmail.Simple"): ("ses:SendEmail",),
    ("sesv2", "SendEmail.Template"): ("ses:SendEmail",),
    ("ses", "GetSendQuota"): ("ses:GetSendQuota",),
    # SQS authorizes each batch call as its single-message action.
    ("sqs", "SendMessageBatch"): ("sqs:SendMessage",),
    ("sqs", "ReceiveMessage"): ("sqs:ReceiveMessage",),
    ("sqs", "DeleteMessageBatch"): ("sqs:DeleteMessage",),
    ("sqs", "ChangeMessageVisibility"): ("sqs:ChangeMessageVisibility",),
    # The OpenID Connect provider's ID tokens: signed by its KMS key, whose public half is the JWKS.
    ("kms", "Sign"): ("kms:Sign",),
    ("kms", "GetPublicKey"): ("kms:GetPublicKey",),
    ("s3", "PutObject"): ("s3:PutObject",),
    ("s3", "GetObject"): ("s3:GetObject",),
}
# The one bucket a function writes to: the console's letters and rosters awaiting confirmation.
LETTERS_OBJECTS = {"Fn::Sub": "${LettersBucket.Arn}/*"}

# Account-level reads IAM grants on no resource but "*": allowed there, and only these.
ACCOUNT_LEVEL_ACTIONS = {"ses:GetSendQuota"}

Grant = tuple[str, str]


def load_permissions() -> dict[str, Any]:
    return yaml.safe_load(PERMISSIONS_PATH.read_text(encoding="utf-8"))


def declared_operations(entry: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(service, operation, where) for one function (or the secretariat) of permissions.yaml."""
    operations = {
        ("dynamodb", operation, where) for where, names in entry.get("dynamodb", {}).items() for operation in names
    }
    operations |= {("sesv2", operation, "mail") for operation in entry.get("sesv2", [])}
    operations |= {("ses", operation, "account") for operation in entry.get("ses", [])}
    operations |= {("sqs", operation, queue) for queue, names in entry.get("sqs", {}).items() for operation in names}
    operations |= {("kms", operation, "signing-key") for operation in entry.get("kms", [])}
    operations |= {("s3", operation, where) for where, names in entry.get("s3", {}).items() for operation in names}
    return operations


def grants_for(operations: Iterable[tuple[str, str, str]]) -> set[Grant]:
    """The IAM grants the operations need."""
    return {(action, where) for service, operation, where in operations for action in IAM_ACTIONS[(service, operation)]}


# --- the template side --------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


TABLE_ARN = canonical({"Fn::GetAtt": ["AccountsTable", "Arn"]})
MAIL_RESOURCES = {
    canonical({"Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${MailFrom}"}),
    canonical(
        {
            "Fn::Sub": [
                "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${MailDomain}",
                {"MailDomain": {"Fn::Select": [1, {"Fn::Split": ["@", {"Ref": "MailFrom"}]}]}},
            ]
        }
    ),
    canonical(
        {
            "Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${MailConfigurationSet}"
        }
    ),
}
MAIL_CONDITION = {"StringEquals": {"ses:FromAddress": {"Ref": "MailFrom"}}}


class PolicyError(AssertionError):
    """A statement grants something this project never declared, or somewhere it should not."""


def _where(action: str, resources: list[Any], statement: dict[str, Any], own_log_group: str | None) -> list[str]:
    service = action.split(":", 1)[0]
    if service == "dynamodb":
        condition = statement.get("Condition")
        patterns: list[str] | None = None
        if condition is not None:
            if set(condition) != {"ForAllValues:StringLike"} or set(condition["ForAllValues:StringLike"]) != {
                "dynamodb:LeadingKeys"
            }:
                raise PolicyError(
                    f"{action}: only a dynamodb:LeadingKeys condition (ForAllValues:StringLike) is expected"
                )
            patterns = _as_list(condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"])
        places = []
        for resource in resources:
            if canonical(resource) == TABLE_ARN:
                places.append("table")
                continue
            text = resource.get("Fn::Sub") if isinstance(resource, dict) else None
            prefix = "${AccountsTable.Arn}/index/"
            if not isinstance(text, str) or not text.startswith(prefix):
                raise PolicyError(f"{action} on {resource}: only the table and its indexes")
            places.append(text.removeprefix(prefix))
        if patterns is not None:
            if places != ["table"]:
                raise PolicyError(f"{action}: a LeadingKeys condition is only expected on the table")
            return [f"table[{pattern}]" for pattern in patterns]
        return places
    if service == "ses":
        if {canonical(resource) for resource in resources} != MAIL_RESOURCES or len(resources) != len(MAIL_RESOURCES):
            raise PolicyError(f"{action}: only MailFrom's identities and the configuration set, got {resources}")
        if statement.get("Condition") != MAIL_CONDITION:
            raise PolicyError(f"{action}: must be limited to ses:FromAddress = MailFrom")
        return ["mail"]
    if service == "logs":
        if own_log_group is None or [canonical(r) for r in resources] != [
            canonical({"Fn::GetAtt": [own_log_group, "Arn"]})
        ]:
            raise PolicyError(f"{action} on {resources}: only the function's own log group")
        return ["own-log-group"]
    if service == "sqs":
        # A queue of the template, named by its logical id.
        if len(resources) != 1 or not isinstance(resources[0], dict) or list(resources[0]) != ["Fn::GetAtt"]:
            raise PolicyError(f"{action} on {resources}: only one queue of the template")
        queue, attribute = resources[0]["Fn::GetAtt"]
        if attribute != "Arn":
            raise PolicyError(f"{action} on {resources}: a queue's Arn")
        return [queue]
    if service == "kms":
        if [canonical(r) for r in resources] != [canonical({"Fn::GetAtt": ["OidcSigningKey", "Arn"]})]:
            raise PolicyError(f"{action} on {resources}: only the OpenID Connect signing key")
        return ["signing-key"]
    if service == "s3":
        if [canonical(r) for r in resources] != [canonical(LETTERS_OBJECTS)] or "Condition" in statement:
            raise PolicyError(f"{action} on {resources}: only the letters bucket's objects")
        return ["letters-bucket"]
    raise PolicyError(f"{action}: no function of this project calls {service}")


def statement_grants(statements: list[dict[str, Any]], own_log_group: str | None = None) -> set[Grant]:
    """Every (action, where) the statements allow."""
    grants: set[Grant] = set()
    for statement in statements:
        if statement.get("Effect") != "Allow" or "NotAction" in statement or "NotResource" in statement:
            raise PolicyError(f"only plain Allow statements are expected in a role: {statement}")
        resources = _as_list(statement["Resource"])
        actions = _as_list(statement["Action"])
        if resources == ["*"] and set(actions) <= ACCOUNT_LEVEL_ACTIONS and "Condition" not in statement:
            grants |= {(action, "account") for action in actions}
            continue
        if "*" in resources:
            raise PolicyError(f"Resource '*' in {statement}")
        for action in actions:
            if "*" in action:
                raise PolicyError(f"wildcard action {action}")
            for where in _where(action, resources, statement, own_log_group):
                grants.add((action, where))
    return grants


def role_statements(template: dict[str, Any], function_id: str) -> tuple[list[dict], str]:
    """Every statement of the function's role (inline and attached managed policies), and its log group."""
    properties = template["Resources"][function_id]["Properties"]
    if "Policies" in properties:
        raise PolicyError(f"{function_id}: SAM policy templates are too broad; use its Role")
    role_id, attribute = properties["Role"]["Fn::GetAtt"]
    assert attribute == "Arn"
    role = template["Resources"][role_id]
    assert role["Type"] == "AWS::IAM::Role", role_id
    role_properties = role["Properties"]
    trust = role_properties["AssumeRolePolicyDocument"]["Statement"]
    assert trust == [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    statements = [
        statement
        for policy in role_properties.get("Policies", [])
        for statement in policy["PolicyDocument"]["Statement"]
    ]
    for arn in role_properties.get("ManagedPolicyArns", []):
        managed = template["Resources"][arn["Ref"]]
        assert managed["Type"] == "AWS::IAM::ManagedPolicy"
        statements += managed["Properties"]["PolicyDocument"]["Statement"]
    log_groups = [
        logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Logs::LogGroup"
        and resource["Properties"]["LogGroupName"]
        == {"Fn::Sub": "/aws/lambda/" + properties["FunctionName"]["Fn::Sub"]}
    ]
    assert len(log_groups) == 1, f"{function_id} needs one log group named /aws/lambda/<its name>"
    return statements, log_groups[0]
