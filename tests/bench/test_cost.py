"""`python -m bench cost` and `capacity`: the duration model's arithmetic, the dated prices, one measured request."""

from __future__ import annotations

import pytest

from bench import cost, prices
from bench.capacity import Timing, api_event, bare_handler


def timing(cpu: float, wall: float | None = None, operations: int = 0, mails: int = 0) -> Timing:
    return Timing(cpu=[cpu], wall=[cpu if wall is None else wall], operations=["GetItem"] * operations, mails=mails)


def test_cpu_time_shrinks_with_memory_up_to_one_vcpu() -> None:
    request = timing(0.020)
    at_half = cost.lambda_duration(request, cost.FULL_VCPU_MB // 2).cpu_ms
    at_full = cost.lambda_duration(request, cost.FULL_VCPU_MB).cpu_ms
    at_double = cost.lambda_duration(request, 2 * cost.FULL_VCPU_MB).cpu_ms
    assert at_half == pytest.approx(2 * at_full, rel=0.01)
    assert at_double == at_full  # one request runs on one core
    assert at_full == pytest.approx(20 * cost.GRAVITON_SLOWDOWN)


def test_aws_calls_add_their_latency_and_a_response_floor_bills_whole() -> None:
    calls = cost.lambda_duration(timing(0.0, operations=3, mails=1), 1769)
    assert calls.billed_ms == pytest.approx(3 * cost.DYNAMODB_MS + cost.SES_MS)
    floored = cost.lambda_duration(timing(0.005, wall=0.5), 1769)
    assert floored.billed_ms == pytest.approx(500)


def test_every_price_has_its_unit_and_source_and_the_total_adds_up() -> None:
    for name, price in prices.PRICES.items():
        assert price.usd > 0 and price.unit and price.source.startswith("https://aws.amazon.com/"), name
    assert prices.PRICES_WRITTEN
    endpoints = {key: timing(0.01, operations=4, mails=0) for key in cost.USAGE}
    for key in endpoints:
        endpoints[key].method, endpoints[key].path = "POST", "/api/login"
    lines, notes = cost.yearly_lines(endpoints)
    assert not notes
    assert {what for what, *_ in lines} >= {
        "Lambda duration",
        "DynamoDB writes",
        "SES",
        "CloudFront requests",
        "KMS signs (OIDC)",
        "WAF requests",
    }
    assert all(euros >= 0 for *_, euros in lines)
    # More DynamoDB calls per request, more read units billed.
    doubled = {key: timing(0.01, operations=8) for key in cost.USAGE}
    for key in doubled:
        doubled[key].method, doubled[key].path = "POST", "/api/login"
    reads = dict((what, euros) for what, _, _, euros in lines)["DynamoDB reads"]
    assert dict((what, euros) for what, _, _, euros in cost.yearly_lines(doubled)[0])["DynamoDB reads"] > reads


def test_the_framework_baseline_answers_an_api_gateway_event() -> None:
    answer = bare_handler()(api_event("GET", "/api/bare"), None)
    assert answer["statusCode"] == 200 and answer["body"].strip() == "{}"
