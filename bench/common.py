"""What the benchmarks share: settings from the environment, in-process AWS, medians and tables."""

from __future__ import annotations

import logging
import os
import platform
import statistics
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REGION = "eu-west-3"
TABLE_NAME = "ent-parents-bench"
MAIL_FROM = "ne-pas-repondre@ent.example.fr"
PUBLIC_URL = "https://aide.ent.example.fr"
DUMMY_CREDENTIAL = "testing"  # moto accepts anything; never a real key

# Variables of the caller's shell that would send boto3 elsewhere (a profile, another endpoint).
_FOREIGN_AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_ENDPOINT_URL",
)


def env_int(name: str, default: int, minimum: int = 1) -> int:
    """Return the integer setting `name` (default when unset); a bad value is named, not guessed."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise SystemExit(f"{name}={value} is below its minimum ({minimum}).")
    return value


def machine_line() -> str:
    """Say where the figures come from: they only mean something side by side, on one machine."""
    try:
        load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "load average unknown"
    return (
        f"Python {platform.python_version()} ({sys.executable}), {os.cpu_count()} CPU(s), {load}, "
        f"{platform.platform(terse=True)}"
    )


def aws_variables(**extra: str) -> dict[str, str]:
    """Return the environment of a process that talks to moto, never to a real AWS account."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in _FOREIGN_AWS_VARIABLES and not name.startswith("AWS_ENDPOINT_URL_")
    }
    env.update(
        {
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": DUMMY_CREDENTIAL,
            "AWS_SECRET_ACCESS_KEY": DUMMY_CREDENTIAL,
            "ENT_TABLE": TABLE_NAME,
            "ENT_PUBLIC_URL": PUBLIC_URL,
            "ENT_MAIL_FROM": MAIL_FROM,
            **extra,
        }
    )
    return env


@contextmanager
def in_process_aws() -> Iterator[None]:
    """moto's in-process AWS with the table of infra/template.yaml and a verified sender, as in the tests."""
    import boto3
    from moto import mock_aws

    from functions.core.aws import reset_clients
    from infra.template import table_definition, time_to_live

    saved, variables = dict(os.environ), aws_variables()
    os.environ.clear()
    os.environ.update(variables)
    reset_clients()
    try:
        with mock_aws():
            dynamodb = boto3.client("dynamodb")
            dynamodb.create_table(TableName=TABLE_NAME, **table_definition())
            dynamodb.update_time_to_live(TableName=TABLE_NAME, TimeToLiveSpecification=time_to_live())
            boto3.client("ses").verify_email_identity(EmailAddress=MAIL_FROM)
            _create_queues(boto3.client("sqs"))
            yield
    finally:
        reset_clients()
        os.environ.clear()
        os.environ.update(saved)


def _create_queues(sqs: Any) -> None:
    """The template's queues, their URLs in the environment the functions read (the sweep's)."""
    from devserver.queues import create_queues
    from infra.template import queue_environment

    urls = create_queues(sqs, TABLE_NAME)
    os.environ.update({name: urls[queue] for name, queue in queue_environment().items()})


def quiet_service_logs() -> None:
    """Keep the service's one-line-per-request logs out of the figures; warnings still show."""
    logger = logging.getLogger("ent")
    if not logger.handlers:  # functions.web then leaves it as it is
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("  [service log] %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], right: Sequence[int] = ()) -> None:
    """Print rows under headers, columns padded; the columns numbered in `right` are right-aligned."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max([len(header)] + [len(row[column]) for row in cells]) for column, header in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            value.rjust(widths[i]) if i in right else value.ljust(widths[i]) for i, value in enumerate(values)
        ).rstrip()

    print(line(headers))
    print(line(["-" * width for width in widths]))
    for row in cells:
        print(line(row))
    sys.stdout.flush()
