"""Run Lambda handlers in-process as Lambda does: a pool of warm instances per function, one event each."""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from devserver.environment import REGION
from devserver.gateway import ACCOUNT_ID
from infra.template import function_limits, reserved_concurrency

# Instances per function when the template reserves none: as many as `python -m bench load`'s
# clients at most, so none waits for another's instance; `ENT_LOCAL_CONCURRENCY` changes it.
DEFAULT_CONCURRENCY = 20
CONCURRENCY_VARIABLE = "ENT_LOCAL_CONCURRENCY"

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
    module_name, attribute = _split(dotted_path)
    return _checked(dotted_path, getattr(importlib.import_module(module_name), attribute))


def new_instance(dotted_path: str) -> Handler:
    """Return the handler of a fresh copy of its module: what a new Lambda execution environment loads.

    The handler module's own state (the Flask app `lazy_lambda_handler` builds at the first event)
    belongs to that copy alone; the modules it imports are shared, as they hold no request state.
    """
    module_name, attribute = _split(dotted_path)
    spec = importlib.util.find_spec(module_name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {module_name!r}")
    module = importlib.util.module_from_spec(spec)  # not put in sys.modules: each instance its own
    spec.loader.exec_module(module)
    return _checked(dotted_path, getattr(module, attribute))


def _split(dotted_path: str) -> tuple[str, str]:
    module_name, _, attribute = dotted_path.rpartition(".")
    if not module_name:
        raise ValueError(f"handler {dotted_path!r} is not of the form module.attribute")
    return module_name, attribute


def _checked(dotted_path: str, handler: Any) -> Handler:
    if not callable(handler):
        raise TypeError(f"handler {dotted_path!r} is not callable")
    return cast(Handler, handler)


def concurrency_limit(logical_id: str, environ: Mapping[str, str] = os.environ) -> int:
    """Return how many instances of a function may run at once: its reserved concurrency, else the local setting."""
    reserved = reserved_concurrency(logical_id)
    if reserved is not None:
        return reserved
    raw = environ.get(CONCURRENCY_VARIABLE, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_CONCURRENCY


class InstancePool:
    """A function's warm instances: an idle one serves the event, else a new one, up to `limit`.

    Each instance handles one event at a time, as a Lambda execution environment does. At the limit
    Lambda would throttle (429); locally the request waits for an instance to be free instead.
    """

    def __init__(self, create: Callable[[], Handler], limit: int) -> None:
        self._create = create
        self.limit = limit
        self._idle: list[Handler] = []  # the most recently used last: reused first, as Lambda does
        self._created = 0
        self._available = threading.Condition()

    @property
    def size(self) -> int:
        """Return how many instances exist (busy or idle)."""
        with self._available:
            return self._created

    @contextmanager
    def instance(self) -> Iterator[Handler]:
        """Lend an instance for one event."""
        handler = self._acquire()
        try:
            yield handler
        finally:
            with self._available:
                self._idle.append(handler)
                self._available.notify()

    def _acquire(self) -> Handler:
        with self._available:
            while not self._idle and self._created >= self.limit:
                self._available.wait()
            if self._idle:
                return self._idle.pop()
            self._created += 1  # counted before the (slow) import, so the limit holds meanwhile
        try:
            return self._create()  # a cold start, outside the lock: other instances keep serving
        except BaseException:
            with self._available:
                self._created -= 1
                self._available.notify()
            raise


class Functions:
    """The template's functions, each a pool of warm instances fed one event each, as on Lambda."""

    def __init__(
        self,
        importer: Callable[[str], Handler] = new_instance,
        limits: Callable[[str], dict[str, int]] = function_limits,
        concurrency: Callable[[str], int] = concurrency_limit,
    ) -> None:
        self._importer = importer
        self._limits = limits
        self._concurrency = concurrency
        self._pools: dict[tuple[str, str], InstancePool] = {}
        self._guard = threading.Lock()

    def pool(self, function_name: str, dotted_path: str) -> InstancePool:
        """Return the instances of `function_name` running `dotted_path`."""
        with self._guard:
            key = (function_name, dotted_path)
            if key not in self._pools:
                self._pools[key] = InstancePool(lambda: self._importer(dotted_path), self._concurrency(function_name))
            return self._pools[key]

    def invoke(self, function_name: str, dotted_path: str, event: dict[str, Any]) -> Any:
        """Call one instance of the function's handler with `event` and a fresh context; return its result."""
        limits = self._limits(function_name)
        with self.pool(function_name, dotted_path).instance() as handler:
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
