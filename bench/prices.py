"""AWS prices for `python -m bench cost`, eu-west-3 (Paris) unless said, in US dollars, each with its source.

**Check every line against the pricing pages before quoting a figure.** They were written down on
2026-12-01 from AWS's published on-demand list prices as last read by the author (the 2025 list:
DynamoDB's on-demand prices after the November 2024 reduction); this machine has no network to read
them again. Free tiers are left out. Taxes are not included.
"""

from __future__ import annotations

from dataclasses import dataclass

PRICES_WRITTEN = "2026-12-01"
USD_TO_EUR = 0.86  # assumption of the same date: check the day's rate


@dataclass(frozen=True)
class Price:
    usd: float
    unit: str
    source: str


PRICES: dict[str, Price] = {
    "lambda_gb_second_arm64": Price(0.0000133334, "GB-second (arm64)", "https://aws.amazon.com/lambda/pricing/"),
    "lambda_requests": Price(0.20 / 1e6, "request", "https://aws.amazon.com/lambda/pricing/"),
    "http_api_requests": Price(
        1.11 / 1e6, "request (first 300 M a month)", "https://aws.amazon.com/api-gateway/pricing/"
    ),
    "dynamodb_write_unit": Price(
        0.7625 / 1e6, "write request unit (on-demand)", "https://aws.amazon.com/dynamodb/pricing/on-demand/"
    ),
    "dynamodb_read_unit": Price(
        0.1525 / 1e6, "read request unit (on-demand)", "https://aws.amazon.com/dynamodb/pricing/on-demand/"
    ),
    "dynamodb_storage": Price(
        0.297, "GB-month (Standard table class)", "https://aws.amazon.com/dynamodb/pricing/on-demand/"
    ),
    "dynamodb_pitr": Price(
        0.2376, "GB-month (continuous backups)", "https://aws.amazon.com/dynamodb/pricing/on-demand/"
    ),
    "ses_mail": Price(0.10 / 1000, "outbound mail", "https://aws.amazon.com/ses/pricing/"),
    "cloudfront_transfer": Price(0.085, "GB out, Europe (first 10 TB)", "https://aws.amazon.com/cloudfront/pricing/"),
    "cloudfront_requests": Price(0.012 / 10_000, "HTTPS request, Europe", "https://aws.amazon.com/cloudfront/pricing/"),
    "kms_key_month": Price(1.00, "customer managed key, month", "https://aws.amazon.com/kms/pricing/"),
    "kms_asymmetric_request": Price(0.15 / 10_000, "Sign (ECC) request", "https://aws.amazon.com/kms/pricing/"),
    "waf_web_acl_month": Price(5.00, "web ACL, month", "https://aws.amazon.com/waf/pricing/"),
    "waf_rule_month": Price(1.00, "rule, month", "https://aws.amazon.com/waf/pricing/"),
    "waf_requests": Price(0.60 / 1e6, "request inspected", "https://aws.amazon.com/waf/pricing/"),
    "logs_ingestion": Price(
        0.53, "GB ingested (CloudWatch Logs, Standard)", "https://aws.amazon.com/cloudwatch/pricing/"
    ),
}


def eur(key: str) -> float:
    """The price of one unit of `key`, in euros."""
    return PRICES[key].usd * USD_TO_EUR
