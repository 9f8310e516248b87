"""The embedded AWS: moto's server in this process, with the table and the sender of the template."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from moto.server import ThreadedMotoServer

from devserver.environment import HOST, check_port_free
from infra.template import table_definition, time_to_live


def quiet_werkzeug() -> None:
    """Silence werkzeug's per-request lines (moto's and ours): the stack logs its own."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def start_moto(port: int) -> ThreadedMotoServer:
    """Start moto's server on HOST:port (0 picks a free port) and return it."""
    check_port_free(port, "AWS_PORT")  # moto's thread would hang on a taken port instead of failing
    quiet_werkzeug()
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    return server


def moto_port(server: ThreadedMotoServer) -> int:
    """Return the port moto listens on."""
    return server.get_host_and_port()[1]


def create_table(dynamodb: Any, table_name: str) -> None:
    """Create the accounts table exactly as infra/template.yaml declares it, TTL included."""
    dynamodb.create_table(TableName=table_name, **table_definition())
    dynamodb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    dynamodb.update_time_to_live(TableName=table_name, TimeToLiveSpecification=time_to_live())


def verify_sender(ses: Any, sesv2: Any, address: str) -> None:
    """Verify the sender identity for SES v1 and v2 alike (moto refuses unverified senders)."""
    ses.verify_email_identity(EmailAddress=address)
    # moto shares identities between v1 and v2
    with contextlib.suppress(sesv2.exceptions.AlreadyExistsException):
        sesv2.create_email_identity(EmailIdentity=address)


def create_signing_key(kms: Any, alias: str) -> str:
    """Create the OpenID Connect provider's key (ECC_NIST_P256: moto's KMS signs with it locally)."""
    key_id = str(kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"])
    kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    return key_id
