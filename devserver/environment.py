"""The environment of the local stack: ports, names, and the variables that point boto3 at moto."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass

REGION = "eu-west-3"
TABLE_NAME = "ent-parents-local"
LETTERS_BUCKET = "ent-parents-local-letters"  # the console's letters PDFs (infra/template.yaml, LettersBucket)
MAIL_FROM = "ne-pas-repondre@ent.example.fr"
DUMMY_CREDENTIAL = "testing"  # moto accepts anything; never a real key
# The OpenID Connect provider's key (created in moto's KMS at start) and its pairwise secret.
OIDC_KEY_ALIAS = "alias/ent-oidc-local"
PAIRWISE_SECRET = "local-pairwise-secret-never-used-on-aws"
DEFAULT_PORT = 8000
DEFAULT_AWS_PORT = 8001
HOST = "127.0.0.1"

# Variables of the caller's shell that would send boto3 elsewhere (a profile, another endpoint).
# A named profile even disables boto3's environment credentials.
_FOREIGN_AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
)


class PortError(RuntimeError):
    """A port setting is malformed or the port is taken."""


@dataclass(frozen=True)
class Ports:
    web: int
    aws: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Ports:
        """Read PORT and AWS_PORT (defaults 8000 and 8001)."""
        env = os.environ if environ is None else environ
        return cls(web=_port(env, "PORT", DEFAULT_PORT), aws=_port(env, "AWS_PORT", DEFAULT_AWS_PORT))


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip() or str(default)
    if not raw.isdigit() or not 0 <= int(raw) <= 65535:
        raise PortError(f"{name}={raw!r} n'est pas un numéro de port (0 à 65535).")
    return int(raw)


def check_port_free(port: int, name: str) -> None:
    """Raise PortError if something already listens on HOST:port."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers themselves do
        try:
            probe.bind((HOST, port))
        except OSError as error:
            raise PortError(
                f"Le port {port} ({name}) est déjà utilisé : choisissez-en un autre, "
                f"par exemple {name}={port + 10} make run."
            ) from error


def aws_variables(aws_port: int) -> dict[str, str]:
    """Return the variables that point boto3 (and `ent-admin`) at the embedded AWS."""
    return {
        "AWS_ENDPOINT_URL": f"http://{HOST}:{aws_port}",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": DUMMY_CREDENTIAL,
        "AWS_SECRET_ACCESS_KEY": DUMMY_CREDENTIAL,
        "ENT_TABLE": TABLE_NAME,
        # devserver/queues.py names the template's SweepQueue so; moto's account is 123456789012.
        "ENT_SWEEP_QUEUE_URL": f"http://{HOST}:{aws_port}/123456789012/{TABLE_NAME}-SweepQueue",
    }


def stack_variables(web_port: int, aws_port: int) -> dict[str, str]:
    """Return every variable the handlers of the local stack read."""
    return {
        **aws_variables(aws_port),
        "AWS_REGION": REGION,
        "ENT_PUBLIC_URL": f"http://{HOST}:{web_port}",
        "ENT_MAIL_FROM": MAIL_FROM,
        "ENT_OIDC_KEYS": OIDC_KEY_ALIAS,
        "ENT_PAIRWISE_SECRET": PAIRWISE_SECRET,
        "ENT_LETTERS_BUCKET": LETTERS_BUCKET,
    }


def apply(variables: Mapping[str, str], environ: MutableMapping[str, str] | None = None) -> None:
    """Set `variables` in the process environment, dropping what would lead boto3 astray."""
    env = os.environ if environ is None else environ
    for name in [*_FOREIGN_AWS_VARIABLES, *(key for key in env if key.startswith("AWS_ENDPOINT_URL_"))]:
        env.pop(name, None)
    env.update(variables)


def export_lines(web_port: int, aws_port: int) -> list[str]:
    """Return the shell lines a person copies to run `ent-admin` against the local stack."""
    unset = "unset AWS_PROFILE AWS_SESSION_TOKEN AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"
    variables = {**aws_variables(aws_port), "ENT_PUBLIC_URL": f"http://{HOST}:{web_port}"}
    return [unset, *(f"export {name}={value}" for name, value in variables.items())]
