"""Retrying a change that a concurrent request beat: the one place that decides how often."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from functions.core.errors import ConcurrentUpdate

T = TypeVar("T")

# Concurrent changes of one account are rare (a login while a link is used): a few tries suffice.
MAX_SAVE_ATTEMPTS = 5


def retry_on_conflict(attempt: Callable[[], T]) -> T:
    """Run `attempt` until it stops raising ConcurrentUpdate; it must re-read what it changes."""
    for _ in range(MAX_SAVE_ATTEMPTS - 1):
        try:
            return attempt()
        except ConcurrentUpdate:
            continue
    return attempt()  # the last try's ConcurrentUpdate reaches the caller (409)
