"""Run Lambda handlers in-process: import by dotted path, a fake context, one event at a time."""

from __future__ import annotations

import importlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from devserver.environment import REGION
from devserver.gateway import ACCOUNT_ID
from infra.template import function_limits

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """The attributes and method of the Lambda context object that handlers use."""

    function_name: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 1024
    timeout_seconds: float = 3
    started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"{datetime.now(UTC):%Y/%m/%d}/[$LATEST]local"

    def get_remaining_time_in_millis(self) -> int:
        """Return the milliseconds left before the function's timeout."""
        elapsed = time.monotonic() - self.started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


def import_handler(dotted_path: str) -> Handler:
    """Return the callable named by `module.attribute` (the template's Handler)."""
    module_name, _, attribute = dotted_path.rpartition(".")
    if not module_name:
        raise ValueError(f"handler {dotted_path!r} is not of the form module.attribute")
    handler = getattr(importlib.import_module(module_name), attribute)
    if not callable(handler):
        raise TypeError(f"handler {dotted_path!r} is not callable")
    return handler


class Functions:
    """The template's functions, each imported once and fed one event at a time, as on Lambda."""

    def __init__(
        self,
        importer: Callable[[str], Handler] = import_handler,
        limits: Callable[[str], dict[str, int]] = function_limits,
    ) -> None:
        self._importer = importer
        self._limits = limits
        self._handlers: dict[str, Handler] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock_for(self, function_name: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(function_name, threading.Lock())

    def invoke(self, function_name: str, dotted_path: str, event: dict[str, Any]) -> Any:
        """Call the function's handler with `event` and a fresh context; return its result."""
        with self._lock_for(function_name):  # one Lambda instance: never two events at once
            handler = self._handlers.get(dotted_path)
            if handler is None:
                handler = self._handlers[dotted_path] = self._importer(dotted_path)
            limits = self._limits(function_name)
            context = LambdaContext(
                function_name, memory_limit_in_mb=limits["MemorySize"], timeout_seconds=limits["Timeout"]
            )
            return handler(event, context)


def scheduled_event(schedule_name: str, now: datetime | None = None) -> dict[str, Any]:
    """Return the event a daily schedule delivers (EventBridge's Scheduled Event shape)."""
    now = now or datetime.now(UTC)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": ACCOUNT_ID,
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:scheduler:{REGION}:{ACCOUNT_ID}:schedule/default/{schedule_name}"],
        "detail": {},
    }
