"""Warm requests per second per core, per endpoint, against the framework's and the cryptography's limits.

In one process, side by side, round after round (interleaved, medians):

- each endpoint's usual success and failure (`bench/roundtrips.py`'s scenarios, production argon2),
  served through apig-wsgi from an API Gateway v2 event, as Lambda serves it;
- a bare Flask + apig-wsgi handler answering `{}` (the framework's limit: nothing is faster);
- one argon2id verify at the production parameters (the cryptography's limit for a login).

Only the measured request is timed. Its CPU time (`time.thread_time`: a recovery answer's floor is a
sleep and costs no CPU) is taken *without* the time moto spends simulating DynamoDB and SES in this
thread (DynamoDB is another machine in production): that is the request's share of a core. `req/s/core`
= 1 / that CPU time; `x bare` and `x argon2` are its ratios to the two limits. `calls` are the AWS
calls the request waits on, which Lambda bills as duration and which `bench cost` and the README's
sizing add at a measured latency.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bench.common import env_int, in_process_aws, machine_line, median, print_table, quiet_service_logs

ROUNDS_DEFAULT = 5


@dataclass
class Timing:
    cpu: list[float] = field(default_factory=list)  # seconds, moto's share removed
    wall: list[float] = field(default_factory=list)  # seconds, moto's share removed
    calls: int = 0  # AWS calls of one request (DynamoDB operations + SES sends)
    mails: int = 0
    status: int | None = None
    method: str = ""
    path: str = ""
    operations: list[str] = field(default_factory=list)  # DynamoDB operations of one request

    def per_core(self) -> float:
        return 1 / median(self.cpu) if self.cpu and median(self.cpu) > 0 else float("nan")


class MotoMeter:
    """The CPU and wall time moto spends answering, in this thread, while armed."""

    def __init__(self) -> None:
        self.cpu = 0.0
        self.wall = 0.0

    @contextmanager
    def installed(self) -> Iterator[None]:
        from moto.core.botocore_stubber import BotocoreStubber

        original = BotocoreStubber.process_request
        meter = self

        def timed(stubber: Any, request: Any) -> Any:
            cpu, wall = time.thread_time(), time.perf_counter()
            try:
                return original(stubber, request)
            finally:
                meter.cpu += time.thread_time() - cpu
                meter.wall += time.perf_counter() - wall

        BotocoreStubber.process_request = timed  # type: ignore[method-assign,assignment]
        try:
            yield
        finally:
            BotocoreStubber.process_request = original  # type: ignore[method-assign]

    def timed(self, call: Callable[[], Any]) -> tuple[Any, float, float]:
        """Run `call`; return its result and its CPU and wall seconds without moto's."""
        self.cpu = self.wall = 0.0
        cpu, wall = time.thread_time(), time.perf_counter()
        result = call()
        return result, time.thread_time() - cpu - self.cpu, time.perf_counter() - wall - self.wall


def bare_handler() -> Callable[[dict[str, Any], Any], Any]:
    """The framework alone: Flask behind apig-wsgi, one route answering `{}`."""
    from apig_wsgi import make_lambda_handler
    from flask import Flask

    app = Flask("bare")
    app.add_url_rule("/api/bare", "bare", lambda: {})
    return make_lambda_handler(app, binary_support=True)


def api_event(method: str, path: str, body: bytes = b"", headers: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    from devserver.gateway import HttpRequest, to_event

    return to_event(HttpRequest(method, path, headers=headers, body=body, source_ip="198.51.100.7"), f"{method} {path}")


def measure_endpoints(rounds: int) -> tuple[dict[tuple[str, str], Timing], Timing, Timing, list[str]]:
    """Time every scenario, the bare handler and an argon2 verify, interleaved over `rounds`."""
    from bench.capacity_world import LambdaWorld
    from bench.roundtrips import SCENARIOS, Skip
    from functions.core.passwords import hash_password, verify_password

    meter = MotoMeter()
    endpoints: dict[tuple[str, str], Timing] = {}
    bare, argon2 = Timing(), Timing()
    notes: list[str] = []
    with in_process_aws(), meter.installed():
        world = LambdaWorld(meter)
        handler = bare_handler()
        stored = hash_password("Soleil2024x")
        handler(api_event("GET", "/api/bare"), None)  # warm: imports and the first request's setup
        for _ in range(rounds):
            for endpoint, case, expected, run in SCENARIOS:
                world.visitor += 1
                try:
                    run(world)
                except Skip as skip:
                    notes.append(f"skipped {endpoint} / {case}: {skip}")
                    continue
                timing = endpoints.setdefault((endpoint, case), Timing())
                timing.cpu.append(world.last_cpu)
                timing.wall.append(world.last_wall)
                timing.calls = len(world.measured.calls) + world.measured.mails
                timing.mails = world.measured.mails
                timing.status = world.measured.status
                timing.method, timing.path = world.measured.method, world.measured.path
                timing.operations = list(world.measured.calls)
                if world.measured.status != expected:
                    notes.append(f"{endpoint} / {case} answered {world.measured.status}, not {expected}")
            _, cpu, wall = meter.timed(lambda: handler(api_event("GET", "/api/bare"), None))
            bare.cpu.append(cpu)
            bare.wall.append(wall)
            _, cpu, wall = meter.timed(lambda: verify_password(stored, "Soleil2024x"))
            argon2.cpu.append(cpu)
            argon2.wall.append(wall)
    return endpoints, bare, argon2, sorted(set(notes))


def main() -> None:
    quiet_service_logs()
    rounds = env_int("BENCH_CAPACITY_ROUNDS", ROUNDS_DEFAULT)
    endpoints, bare, argon2, notes = measure_endpoints(rounds)
    rows = [
        [
            "bare Flask + apig-wsgi, {}",
            "",
            f"{median(bare.cpu) * 1000:.2f}",
            f"{bare.per_core():.0f}",
            "1.000",
            "",
            ".",
        ],
        [
            "argon2id verify (m=19 MiB, t=2, p=1)",
            "",
            f"{median(argon2.cpu) * 1000:.2f}",
            f"{argon2.per_core():.0f}",
            f"{argon2.per_core() / bare.per_core():.3f}",
            "1.00",
            ".",
        ],
    ]
    for (endpoint, case), timing in endpoints.items():
        rows.append(
            [
                endpoint,
                case,
                f"{median(timing.cpu) * 1000:.2f}",
                f"{timing.per_core():.0f}",
                f"{timing.per_core() / bare.per_core():.3f}",
                f"{timing.per_core() / argon2.per_core():.2f}",
                str(timing.calls or "."),
            ]
        )
    print(f"Warm requests per second per core, in-process, median of {rounds} rounds (moto's own time removed):\n")
    print_table(
        ["endpoint", "case", "CPU ms", "req/s/core", "x bare", "x argon2", "calls"], rows, right=(2, 3, 4, 5, 6)
    )
    print(
        "x bare: the share of the framework's limit the endpoint reaches; x argon2: against one verify "
        "(a login's floor is about 1.0, a first connection's, which verifies and hashes, about 0.5)."
    )
    for note in notes:
        print(f"Note: {note}")


if __name__ == "__main__":
    print(machine_line())
    main()
