"""What state an emailed link is in, asked by its page when it opens: without using it.

The activation, reset and address-confirmation pages show the right page at once (the form, or
« ce lien a expiré », « déjà utilisé », « lien invalide ») instead of after the person typed.

Not an oracle: a token is 256 random bits, so no lookup can find one; a malformed one is
`invalid` like an unknown one, in the same shape. Still, each client (an IPv4 address or an IPv6
/64) has LOOKUPS_PER_WINDOW lookups per window, counted before the reads, by one atomic write. The
token is never logged, nor stored: only its hash is read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from functions.core.addresses import counting_key
from functions.core.errors import DomainError
from functions.core.links import LinkStatus, link_status
from functions.core.messages import Code
from functions.core.store import Store
from functions.core.store.keys import link_status_rate_key
from functions.core.tokens import TokenKind

# A page asks once when it opens: 60 in 10 minutes is far more than a family opens links, and
# leaves room for a school's or a library's shared address. Fixed windows: at most twice that
# across a window's edge.
LOOKUPS_PER_WINDOW = 60
RATE_WINDOW = timedelta(minutes=10)


class TooManyLookups(DomainError, answer=Code.TOO_MANY_REQUESTS):
    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after


@dataclass(frozen=True)
class LinkState:
    status: LinkStatus
    purpose: TokenKind | None  # None for an invalid link: nothing is told about it

    def as_json(self) -> dict[str, str | None]:
        return {"status": self.status.value, "purpose": self.purpose.value if self.purpose else None}


def rate_window(now: datetime) -> tuple[datetime, datetime]:
    """Return the start and end of the counting window holding `now` (UTC, from the epoch)."""
    seconds = int(RATE_WINDOW.total_seconds())
    start = datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=UTC)
    return start, start + RATE_WINDOW


def lookup(store: Store, *, token: object, source_ip: str | None, now: datetime) -> LinkState:
    """Return the link's state, counted against the client's lookups; TooManyLookups past them."""
    start, end = rate_window(now)
    if not store.reserve(link_status_rate_key(counting_key(source_ip or "unknown"), start), LOOKUPS_PER_WINDOW, end):
        raise TooManyLookups(retry_after=max(1, math.ceil((end - now).total_seconds())))
    status, purpose = link_status(store, token, now)
    return LinkState(status, purpose if status != LinkStatus.INVALID else None)
