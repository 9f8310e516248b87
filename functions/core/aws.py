"""AWS clients, created once per process and only when first needed (cold start)."""

from __future__ import annotations

import threading
from typing import Any

_clients: dict[str, Any] = {}
_lock = threading.Lock()


def client(service: str) -> Any:
    """Return the shared client for `service`; botocore reads region, endpoint and credentials itself."""
    with _lock:  # sessions are not thread-safe to create clients from
        if service not in _clients:
            # botocore directly: boto3 adds ~100 ms of imports (s3transfer…) we never use.
            import botocore.session

            _clients[service] = botocore.session.get_session().create_client(service)
        return _clients[service]


def reset_clients() -> None:
    """Forget the clients (tests switch between AWS endpoints)."""
    with _lock:
        _clients.clear()
