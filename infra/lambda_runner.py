"""Serve events to handlers as the Lambda runtime does, inside the emulated arm64 Python.

Run by `infra/package_check.py` with the artifact and the runtime's botocore on PYTHONPATH, and
nothing else: standard library only (the artifact has no PyYAML, the host's packages are not there).
Reads a JSON list of {"function", "handler", "event", "timeout"} on stdin; prints one JSON line per
event, after MARKER (the handlers log JSON lines to stdout too): the result, or the error and its traceback.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
import traceback
import uuid
from typing import Any

MARKER = "@package-check "


class Context:
    """The attributes and method of the Lambda context that handlers use."""

    def __init__(self, function_name: str, timeout: float) -> None:
        self.function_name = function_name
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = f"arn:aws:lambda:eu-west-3:123456789012:function:{function_name}"
        self.memory_limit_in_mb = 1024
        self._deadline = time.monotonic() + timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def serve(job: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    module_name, _, attribute = job["handler"].rpartition(".")
    try:
        handler = getattr(importlib.import_module(module_name), attribute)
        imported = time.perf_counter()
        result = handler(job["event"], Context(job["function"], job["timeout"]))
        return {
            "function": job["function"],
            "result": result,
            "import_s": round(imported - started, 2),
            "event_s": round(time.perf_counter() - imported, 2),
        }
    except BaseException as error:  # reported, and the next function still runs
        return {
            "function": job["function"],
            "error": f"{type(error).__name__}: {error}",
            "trace": traceback.format_exc(),
        }


def main() -> int:
    print(MARKER + json.dumps({"machine": platform.machine(), "python": platform.python_version()}), flush=True)
    for job in json.load(sys.stdin):
        print(MARKER + json.dumps(serve(job), default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
