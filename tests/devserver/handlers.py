"""Tiny Lambda handlers the gateway tests route to by dotted path, as the template does."""

from __future__ import annotations

import base64
import json
from typing import Any

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x01\xff\xfe"


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer with the event received and two cookies."""
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "X-Function": context.function_name},
        "cookies": ["first=1; Path=/; HttpOnly", "second=2; Path=/; Secure"],
        "body": json.dumps(event),
        "isBase64Encoded": False,
    }


def binary(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer with a binary body, base64-encoded as Lambda must."""
    return {
        "statusCode": 201,
        "headers": {"content-type": "image/png"},
        "body": base64.b64encode(PNG_BYTES).decode("ascii"),
        "isBase64Encoded": True,
    }


def crash(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Fail as a buggy function does."""
    raise RuntimeError("boom")


EVENTS_SEEN: list[dict[str, Any]] = []  # this module's own state: one list per loaded copy


def counted(event: dict[str, Any], context: Any) -> int:
    """Answer how many events this copy of the module has served (warm state, as a Flask app is)."""
    EVENTS_SEEN.append(event)
    return len(EVENTS_SEEN)
