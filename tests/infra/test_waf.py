"""infra/waf.yaml: the per-address rate limits in front of CloudFront, and how the main stack uses them."""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from infra.template import TEMPLATE_PATH, load_template, routes

WAF_PATH = TEMPLATE_PATH.with_name("waf.yaml")
ROOT = TEMPLATE_PATH.parent.parent
GUESSING_PREFIXES = (
    "/api/login",
    "/api/first-connection",
    "/api/recovery",
    # The console's guesses: sign-in, step-up, the enrolment's (invitation and its first code).
    "/api/admin/login",
    "/api/admin/step-up",
    "/api/admin/invitation",
)


def waf() -> dict[str, Any]:
    return load_template(WAF_PATH)


def web_acl() -> dict[str, Any]:
    (acl,) = [r["Properties"] for r in waf()["Resources"].values() if r["Type"] == "AWS::WAFv2::WebACL"]
    return acl


def rules() -> dict[str, dict[str, Any]]:
    return {rule["Name"]: rule for rule in web_acl()["Rules"]}


def parameter(node: Any) -> Any:
    """A value, or the default of the parameter it refers to."""
    if isinstance(node, dict) and set(node) == {"Ref"}:
        return waf()["Parameters"][node["Ref"]]["Default"]
    return node


def test_cfn_lint_finds_nothing_in_the_waf_template():
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(cfn_lint), str(WAF_PATH)], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_web_acl_is_for_cloudfront_and_its_arn_is_an_output():
    acl = web_acl()
    assert acl["Scope"] == "CLOUDFRONT"  # which exists only in us-east-1 (README)
    assert acl["DefaultAction"] == {"Allow": {}}
    assert acl["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True
    assert waf()["Outputs"]["WebAclArn"]["Value"] == {"Fn::GetAtt": ["WebAcl", "Arn"]}
    assert "Transform" not in waf()  # plain CloudFormation: `aws cloudformation deploy` is enough


def test_every_rule_is_rate_based_per_client_address_and_answers_429_as_the_api_does():
    acl = web_acl()
    assert len(rules()) == 2
    for name, rule in rules().items():
        statement = rule["Statement"]["RateBasedStatement"]
        # The address of CloudFront's viewer connection: never a header the client could write.
        assert statement["AggregateKeyType"] == "IP", name
        assert "ForwardedIPConfig" not in statement and "CustomKeys" not in statement, name
        assert parameter(statement["EvaluationWindowSec"]) in (60, 120, 300, 600), name
        response = rule["Action"]["Block"]["CustomResponse"]
        assert response["ResponseCode"] == 429, name
        assert {"Name": "Retry-After", "Value": "300"} in response["ResponseHeaders"], name
        body = acl["CustomResponseBodies"][response["CustomResponseBodyKey"]]
        assert body["ContentType"] == "APPLICATION_JSON"
        answer = json.loads(body["Content"])
        # The code functions/web.py answers 429 with, so the pages' scripts show the same message.
        assert answer["error"] == "too_many_requests" and answer["message"]
        assert '"too_many_requests"' in (ROOT / "functions" / "core" / "messages.py").read_text(encoding="utf-8")


def transformed(path: str, transformations: list[dict[str, Any]]) -> str:
    """What AWS WAF compares: the URI path after the statement's text transformations, in order."""
    for transformation in sorted(transformations, key=lambda t: t["Priority"]):
        kind = transformation["Type"]
        if kind == "URL_DECODE":
            path = unquote(path)
        elif kind == "NORMALIZE_PATH":
            path = re.sub("/+", "/", posixpath.normpath(path)) + ("/" if path.endswith("/") else "")
        elif kind == "LOWERCASE":
            path = path.lower()
        else:
            raise AssertionError(f"no model of {kind} here")
    return path


def matches_scope_down(path: str, scope_down: dict[str, Any]) -> bool:
    statements = [s["ByteMatchStatement"] for s in scope_down["OrStatement"]["Statements"]]
    for statement in statements:
        assert statement["FieldToMatch"] == {"UriPath": {}}
        assert statement["PositionalConstraint"] == "STARTS_WITH"
        if transformed(path, statement["TextTransformations"]).startswith(statement["SearchString"]):
            return True
    return False


def test_a_tighter_rule_is_scoped_to_the_guessing_routes_and_a_looser_one_to_everything():
    guessing = rules()["guessing-routes-per-address"]
    whole_site = rules()["whole-site-per-address"]
    assert guessing["Priority"] < whole_site["Priority"]
    tight = guessing["Statement"]["RateBasedStatement"]
    loose = whole_site["Statement"]["RateBasedStatement"]
    assert "ScopeDownStatement" not in loose  # every request: pages, their files, the API
    # Per second, so that windows of different lengths compare.
    tight_rate = parameter(tight["Limit"]) / parameter(tight["EvaluationWindowSec"])
    loose_rate = parameter(loose["Limit"]) / parameter(loose["EvaluationWindowSec"])
    assert tight_rate < loose_rate
    # Far above the functions' own limit of 50 failures per address per 15 minutes: this rule stops
    # floods and leaves shared addresses (a school's network, a mobile operator's NAT) alone.
    assert parameter(tight["Limit"]) >= 100
    scope_down = tight["ScopeDownStatement"]
    for route in routes():
        assert matches_scope_down(route.path, scope_down) == route.path.startswith(GUESSING_PREFIXES), route
    # Spellings that reach the same route count as it does.
    for disguised in ("/api//login", "/api/./login", "/api/%6Cogin", "/API/Recovery/password", "/api/login/"):
        assert matches_scope_down(disguised, scope_down), disguised
    for other in ("/api/logout", "/api/session", "/connexion/", "/api/account/password"):
        assert not matches_scope_down(other, scope_down), other


def test_the_main_stack_puts_the_web_acl_in_front_of_cloudfront_when_given():
    template = load_template()
    web_acl_arn = template["Parameters"]["WebAclArn"]
    assert web_acl_arn["Default"] == ""  # none: the stack deploys without the us-east-1 one
    pattern = re.compile(web_acl_arn["AllowedPattern"])
    assert pattern.fullmatch("")
    assert pattern.fullmatch(
        "arn:aws:wafv2:us-east-1:123456789012:global/webacl/ent-parents-waf/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    )
    # A REGIONAL web ACL (or one from another region) cannot go in front of CloudFront.
    assert not pattern.fullmatch(
        "arn:aws:wafv2:eu-west-3:123456789012:regional/webacl/ent-parents-waf/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    )
    assert template["Conditions"]["HasWebAcl"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "WebAclArn"}, ""]}]}
    distribution = template["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    assert distribution["WebACLId"] == {"Fn::If": ["HasWebAcl", {"Ref": "WebAclArn"}, {"Ref": "AWS::NoValue"}]}


def test_the_readme_deploys_the_web_acl_in_us_east_1():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line for line in readme.splitlines() if "cloudformation deploy" in line and "infra/waf.yaml" in line]
    assert commands and all("--region us-east-1" in command for command in commands)
