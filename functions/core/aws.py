"""boto3 clients, created once per process and only when first needed (cold start)."""

from __future__ import annotations

import threading
from typing import Any

_clients: dict[str, Any] = {}
_lock = threading.Lock()


def client(service: str) -> Any:
    """Return the shared boto3 client for `service`; boto3 reads region and endpoint itself."""
    with _lock:  # boto3 sessions are not thread-safe to create clients from
        if service not in _clients:
            import boto3  # deferred: importing boto3 costs ~250 ms of cold start

            _clients[service] = boto3.session.Session().client(service)
        return _clients[service]


def reset_clients() -> None:
    """Forget the clients (tests switch between AWS endpoints)."""
    with _lock:
        _clients.clear()
