"""A response-time floor: answers that must not tell a known account from an unknown one.

The recovery requests do more work for a known account (reads, writes, an SES call) than for an
unknown one. Padding both to the same minimum duration keeps their times alike (DESIGN §6.4), as
long as the floor stays above the slowest normal known-account answer: compare it with the
`duration_ms` of the request logs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from time import perf_counter, sleep


def pad(started: float, minimum: float) -> None:
    """Sleep until `minimum` seconds have passed since `started` (a `perf_counter()` reading)."""
    remaining = minimum - (perf_counter() - started)
    if remaining > 0:
        sleep(remaining)


@contextmanager
def response_floor(minimum: float) -> Iterator[None]:
    """Make the enclosed work last at least `minimum` seconds, whether it returns or raises."""
    started = perf_counter()
    try:
        yield
    finally:
        pad(started, minimum)
