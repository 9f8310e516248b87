"""The audit trail: every issue, login, failure, lock, change and sweep action, kept one year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from functions.core.model import AuditEvent
from functions.core.store import Store


@dataclass(frozen=True)
class Client:
    """Where a request came from, as API Gateway saw it."""

    source_ip: str | None = None
    user_agent: str | None = None
    device: str | None = None  # the browser's device cookie, never logged nor stored as is


SYSTEM = Client(source_ip=None, user_agent="ent-parents")


def record(
    store: Store,
    identifier: str,
    action: str,
    now: datetime,
    client: Client,
    detail: str | None = None,
    *,
    actor: str | None = None,
) -> None:
    """Record `action` on the account (no secret ever goes in `detail`); `actor`: who did it, if not its holder."""
    store.add_event(
        identifier,
        AuditEvent(
            at=now,
            action=action,
            source_ip=client.source_ip,
            user_agent=client.user_agent,
            detail=detail,
            actor=actor,
        ),
    )
