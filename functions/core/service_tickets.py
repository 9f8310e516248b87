"""CAS service tickets: `ST-` + 256 random bits, stored only as a SHA-256, single use, valid 10 s.

A ticket names the exact service URL it was issued for; validating it for any other URL fails
(and still spends it: CAS 3.0 §3.1.1, a ticket is invalidated by its first validation attempt).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from functions.core.limits import SERVICE_TICKET_MAX_LENGTH
from functions.core.tokens import token_hash

TICKET_PREFIX = "ST-"
TICKET_LIFETIME = timedelta(seconds=10)
# CAS 3.0 §3.7: services accept tickets of up to 256 characters (limits.SERVICE_TICKET_MAX_LENGTH).
_TICKET = re.compile(rf"ST-[A-Za-z0-9_-]{{32,{SERVICE_TICKET_MAX_LENGTH - 3}}}")


@dataclass(frozen=True)
class ServiceTicket:
    ticket_hash: str
    client_id: str
    service_url: str
    identifier: str
    subject: str  # the account's pairwise identifier for this service: `cas:user`
    issued_at: datetime
    authenticated_at: datetime  # when the session behind it logged in
    from_new_login: bool  # the login was asked for this ticket (what `renew=true` requires)
    expires_at: datetime

    def is_live(self, now: datetime) -> bool:
        return now < self.expires_at


def new_ticket() -> str:
    return TICKET_PREFIX + secrets.token_urlsafe(32)


def is_well_formed(ticket: str) -> bool:
    return bool(_TICKET.fullmatch(ticket))


def ticket_hash_of(ticket: str) -> str:
    return token_hash(ticket)


def issue(
    *,
    client_id: str,
    service_url: str,
    identifier: str,
    subject: str,
    authenticated_at: datetime,
    from_new_login: bool,
    now: datetime,
) -> tuple[str, ServiceTicket]:
    """Return a new ticket (for the redirect) and its record (for the store)."""
    ticket = new_ticket()
    return ticket, ServiceTicket(
        ticket_hash=ticket_hash_of(ticket),
        client_id=client_id,
        service_url=service_url,
        identifier=identifier,
        subject=subject,
        issued_at=now,
        authenticated_at=authenticated_at,
        from_new_login=from_new_login,
        expires_at=now + TICKET_LIFETIME,
    )
