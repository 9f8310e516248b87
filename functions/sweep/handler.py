"""Lambda entry of the daily expiry sweep (EventBridge Scheduler)."""

from __future__ import annotations

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Run the sweep for today (filled in by the expiry issue)."""
    return {"status": "not_implemented"}
