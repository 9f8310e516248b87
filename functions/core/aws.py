"""boto3 clients, created once per process and only when first needed (cold start)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=None)
def client(service: str) -> Any:
    """Return the shared boto3 client for `service`; boto3 reads region and endpoint itself."""
    import boto3  # deferred: importing boto3 costs ~250 ms of cold start

    return boto3.session.Session().client(service)
