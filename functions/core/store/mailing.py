"""Mails to addresses people type: how many each address received today, across accounts."""

from __future__ import annotations

from datetime import date, datetime

from functions.core.store import keys
from functions.core.store.counters import CounterOperations


class MailingOperations(CounterOperations):
    def reserve_mail_to(self, address: str, day: date, cap: int, expires_at: datetime) -> bool:
        """Take one of the `cap` mails `address` may receive on `day`; False when they are all taken.

        One conditional ADD, made before the mail is sent: of N parallel requests for one address,
        exactly the first `cap` get a place. The TTL removes the count once the day is over.
        """
        return self.reserve(keys.mail_to_key(address, day), cap, expires_at)

    def mails_to(self, address: str, day: date) -> int:
        """Return how many mails `address` was given on `day` (support, tests)."""
        item = self._get(keys.mail_to_key(address, day), consistent=False)
        return int(item.get("attempts", 0)) if item else 0
