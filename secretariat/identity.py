"""Who runs ent-admin: the caller's IAM identity, as AWS itself says it (STS GetCallerIdentity).

The audit trail records this ARN as the actor of every command, never a name the caller types:
whoever holds the académie's OperatorPolicy is accountable under their own IAM identity.
GetCallerIdentity needs no permission, and moto answers it on the local stack.
"""

from __future__ import annotations

from functions.core.aws import client


def caller_arn() -> str:
    """Return the ARN of the IAM identity whose credentials this process uses."""
    return str(client("sts").get_caller_identity()["Arn"])
