"""infra/template.yaml is the one declaration of the table, routes and schedule: check it."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import boto3

from infra.template import TEMPLATE_PATH, load_template, routes, schedules, table_definition

# DESIGN §3: the API contract every route must serve.
CONTRACT = {
    ("POST", "/api/login"),
    ("GET", "/api/session"),
    ("POST", "/api/logout"),
    ("POST", "/api/first-connection"),
    ("POST", "/api/first-connection/resend"),
    ("POST", "/api/first-connection/email"),
    ("POST", "/api/activation"),
    ("GET", "/api/first-connection/session"),
    ("POST", "/api/links/status"),
    ("POST", "/api/recovery/identifier"),
    ("POST", "/api/recovery/password"),
    ("POST", "/api/recovery/password/reset"),
    ("POST", "/api/account/password"),
    ("POST", "/api/account/email"),
    ("POST", "/api/account/email/confirm"),
    ("POST", "/api/feedback"),
    # The secretariat's console: its staff.
    ("POST", "/api/admin/login"),
    ("POST", "/api/admin/step-up"),
    ("POST", "/api/admin/logout"),
    ("GET", "/api/admin/me"),
    ("POST", "/api/admin/invitation"),
    ("POST", "/api/admin/invitation/confirm"),
    ("GET", "/api/admin/staff"),
    ("POST", "/api/admin/staff/invitations"),
    ("POST", "/api/admin/staff/{email}/disable"),
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
    assert sweep["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["SweepDeadLetterQueue", "Arn"]}}
    assert sweep["RetryPolicy"]["MaximumRetryAttempts"] >= 1
    resources = load_template()["Resources"]
    # A run that raises is retried by Lambda, then lands in the same queue (alarmed, test_alarms).
    on_failure = resources["SweepFunction"]["Properties"]["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]
    assert on_failure == {"Type": "SQS", "Destination": {"Fn::GetAtt": ["SweepDeadLetterQueue", "Arn"]}}
    assert resources["SweepFunction"]["Properties"]["ReservedConcurrentExecutions"] == 1
    queue = resources["SweepDeadLetterQueue"]
    assert queue["Type"] == "AWS::SQS::Queue"
    assert queue["Properties"] == {"MessageRetentionPeriod": 14 * 86400, "SqsManagedSseEnabled": True}


def test_table_is_on_demand_with_ttl_pitr_and_its_indexes():
    # moto's CloudFormation ignores TTL and PITR (test_stack): they are checked here, in the template.
    (table,) = [r for r in load_template()["Resources"].values() if r["Type"] == "AWS::DynamoDB::Table"]
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert properties["DeletionProtectionEnabled"] is True
    assert properties["SSESpecification"] == {"SSEEnabled": True}
    assert (table["DeletionPolicy"], table["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert {index["IndexName"] for index in properties["GlobalSecondaryIndexes"]} == {
        "by-email",
        "by-due-day",
        "by-school",
    }


def test_the_test_table_is_built_from_the_template(table):
    description = boto3.client("dynamodb").describe_table(TableName=table)["Table"]
    assert description["KeySchema"] == table_definition()["KeySchema"]
    indexes = {index["IndexName"]: index["KeySchema"] for index in description["GlobalSecondaryIndexes"]}
    assert indexes == {index["IndexName"]: index["KeySchema"] for index in table_definition()["GlobalSecondaryIndexes"]}
    ttl = boto3.client("dynamodb").describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl == {"AttributeName": "expires_at", "TimeToLiveStatus": "ENABLED"}


def functions_of(template):
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def test_functions_run_a_current_python_on_arm64_with_their_own_log_group():
    template = load_template()
    globals_ = template["Globals"]["Function"]
    assert globals_["Runtime"] in ("python3.13", "python3.14")
    assert globals_["Architectures"] == ["arm64"]
    assert globals_["CodeUri"] == "../build/lambda/"  # `make package`'s one artifact, shared
    variables = globals_["Environment"]["Variables"]
    assert variables["ENT_SES_CONFIGURATION_SET"] == {"Ref": "MailConfigurationSet"}
    assert variables["ENT_ORIGIN_VERIFY"] == ORIGIN_SECRET  # test_the_origin_secret_is_made_by_the_stack
    log_groups = {
        resource["Properties"]["LogGroupName"]["Fn::Sub"]: resource["Properties"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Logs::LogGroup"
    }
    for logical_id, function in functions_of(template).items():
        name = function["Properties"]["FunctionName"]["Fn::Sub"]
        assert log_groups["/aws/lambda/" + name]["RetentionInDays"] == 365, logical_id
    assert all(group["RetentionInDays"] == 365 for group in log_groups.values())


# One dynamic reference, resolved by CloudFormation at deploy time: the functions (ENT_ORIGIN_VERIFY,
# read by functions/core/settings.py) and CloudFront's origin header get the same value.
ORIGIN_SECRET = {"Fn::Sub": "{{resolve:secretsmanager:${OriginVerifySecret}}}"}


def test_the_origin_secret_is_made_by_the_stack_and_no_parameter_holds_a_secret():
    template = load_template()
    secret = template["Resources"]["OriginVerifySecret"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    generated = secret["Properties"]["GenerateSecretString"]
    # 48 letters and digits (~285 bits): a header value without escaping, as web.py compares it.
    assert generated["PasswordLength"] >= 32 and generated["ExcludePunctuation"] is True
    assert generated.get("IncludeSpace") is False
    assert "SecretString" not in secret["Properties"]  # never written in the template
    # No parameter carries a secret: none is NoEcho, none is named like one.
    for name, parameter in template["Parameters"].items():
        assert not parameter.get("NoEcho"), name
        assert not any(word in name.lower() for word in ("secret", "password", "token", "key")), name
    # Secrets Manager's reference works in any property; ssm-secure would not in these two.
    text = TEMPLATE_PATH.read_text(encoding="utf-8")
    assert "resolve:ssm-secure" not in text
    assert text.count("{{resolve:secretsmanager:${OriginVerifySecret}}}") == 2
    (origin,) = [
        origin
        for origin in template["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]["Origins"]
        if origin["Id"] == "api"
    ]
    assert origin["OriginCustomHeaders"] == [{"HeaderName": "X-Origin-Verify", "HeaderValue": ORIGIN_SECRET}]


def throttle(settings: dict, template: dict) -> tuple[int, int]:
    """A route setting's (rate, burst), its Fn::FindInMap resolved from the template's Mappings."""

    def value(node):
        if isinstance(node, dict):
            (name, top, second) = node["Fn::FindInMap"]
            return template["Mappings"][name][top][second]
        return node

    return value(settings["ThrottlingRateLimit"]), value(settings["ThrottlingBurstLimit"])


def route_throttles() -> dict[str, tuple[int, int]]:
    """Each routed "METHOD path": its own RouteSettings' throttle, else DefaultRouteSettings'."""
    template = load_template()
    properties = template["Resources"]["HttpApi"]["Properties"]
    default = throttle(properties["DefaultRouteSettings"], template)
    own = {key: throttle(settings, template) for key, settings in properties.get("RouteSettings", {}).items()}
    return {f"{route.method} {route.path}": own.get(f"{route.method} {route.path}", default) for route in routes()}


# Where a client can guess (a password, a birth date, a link) or make the service send a mail.
GUESSING_PREFIXES = ("/api/login", "/api/first-connection", "/api/recovery")


def test_every_route_setting_names_a_routed_route():
    # API Gateway refuses a stage whose RouteSettings name a route it does not have.
    settings = load_template()["Resources"]["HttpApi"]["Properties"]["RouteSettings"]
    assert set(settings) <= {f"{route.method} {route.path}" for route in routes()}


def test_every_guessing_route_has_its_own_throttle_tighter_than_the_session():
    settings = load_template()["Resources"]["HttpApi"]["Properties"]["RouteSettings"]
    throttles = route_throttles()
    session_rate, session_burst = throttles["GET /api/session"]
    guessing = [key for key in throttles if key.split(" ", 1)[1].startswith(GUESSING_PREFIXES)]
    # login, first connection (and its session's time left), resend and correction, the three of recovery
    assert len(guessing) == 8, guessing
    for key in guessing:
        assert key in settings, f"{key} runs on the default throttle, the session's"
        rate, burst = throttles[key]
        assert rate < session_rate and burst < session_burst, key
    # The feedback form is anonymous writes: tighter too.
    assert throttles["POST /api/feedback"] < (session_rate, session_burst)


def test_the_throttles_hold_the_rentree_and_stay_under_the_account_limits():
    throttles = route_throttles()
    # The rentrée: 150 first connections a second at the peak (README "Throttles").
    rate, burst = throttles["POST /api/first-connection"]
    assert rate >= 150 and burst >= 300
    # After a first connection come a login and session checks: those routes keep up with it.
    assert throttles["POST /api/login"][0] < throttles["GET /api/session"][0]
    assert throttles["GET /api/session"][0] >= 2 * rate
    for key, (rate, burst) in throttles.items():
        # API Gateway's default account limits, per region, shared by every API of the account.
        assert 1 <= rate <= 10_000 and rate <= burst <= 5_000, key


def test_the_api_logs_each_request_without_query_or_body():
    template = load_template()
    properties = template["Resources"]["HttpApi"]["Properties"]
    log = properties["AccessLogSettings"]
    assert log["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    fields = json.loads(log["Format"])
    assert {"requestId", "route", "status", "latencyMs"} <= set(fields)
    logged = " ".join(fields.values())
    for unwanted in ("$context.path", "querystring", "$input", "body", "$request"):
        assert unwanted not in logged


def test_cloudfront_is_the_only_way_in_the_api_answers_on_its_custom_domain_only():
    template = load_template()
    resources = template["Resources"]
    assert resources["HttpApi"]["Properties"]["DisableExecuteApiEndpoint"] is True
    domain = resources["ApiDomain"]
    assert domain["Type"] == "AWS::ApiGatewayV2::DomainName"
    assert domain["Properties"]["DomainName"] == {"Ref": "ApiDomainName"}
    assert domain["Properties"]["DomainNameConfigurations"] == [
        {"CertificateArn": {"Ref": "ApiCertificateArn"}, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}
    ]
    mapping = resources["ApiDomainMapping"]
    assert mapping["Type"] == "AWS::ApiGatewayV2::ApiMapping"
    assert mapping["Properties"] == {
        "DomainName": {"Ref": "ApiDomain"},
        "ApiId": {"Ref": "HttpApi"},
        "Stage": {"Ref": "HttpApi.Stage"},
    }
    # Both are required (no default): without them CloudFront would have no origin for /api.
    parameters = template["Parameters"]
    assert "Default" not in parameters["ApiDomainName"] and "Default" not in parameters["ApiCertificateArn"]
    assert ":acm:us-east-1:" not in parameters["ApiCertificateArn"]["AllowedPattern"]  # the API's region
    assert template["Rules"]["ApiDomainIsNotTheSite"]["Assertions"][0]["Assert"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "ApiDomainName"}, {"Ref": "DomainName"}]}]
    }
    # Nothing reaches, nor names, the execute-api endpoint any more.
    assert "execute-api" not in json.dumps([resources, template["Outputs"]])
    assert template["Outputs"]["ApiUrl"]["Value"] == {"Fn::Sub": "https://${ApiDomainName}"}
    assert template["Outputs"]["ApiDomainTarget"]["Value"] == {
        "Fn::Sub": "${ApiDomainName} CNAME ${ApiDomain.RegionalDomainName}"
    }


def test_alarms_watch_every_function_the_api_and_the_dead_letter_queue():
    template = load_template()
    alarms = [
        resource["Properties"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    ]
    assert all(alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}] for alarm in alarms)
    errors = {alarm["Dimensions"][0]["Value"]["Ref"] for alarm in alarms if alarm["MetricName"] == "Errors"}
    assert errors == set(functions_of(template))
    for alarm in alarms:
        if alarm["MetricName"] == "Errors":
            assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")
    (dead_letters,) = [alarm for alarm in alarms if alarm["Namespace"] == "AWS/SQS"]
    assert dead_letters["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert dead_letters["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": ["SweepDeadLetterQueue", "QueueName"]}}
    ]
    assert (dead_letters["Threshold"], dead_letters["ComparisonOperator"]) == (0, "GreaterThanThreshold")
    assert any(alarm["Namespace"] == "AWS/ApiGateway" and alarm["MetricName"] == "5xx" for alarm in alarms)
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}


def test_mail_goes_through_a_configuration_set():
    resources = load_template()["Resources"]
    assert resources["MailConfigurationSet"]["Type"] == "AWS::SES::ConfigurationSet"
    assert resources["MailConfigurationSet"]["Properties"]["DeliveryOptions"] == {"TlsPolicy": "REQUIRE"}
    assert resources["MailIdentity"]["Condition"] == "CreatesMailIdentity"
