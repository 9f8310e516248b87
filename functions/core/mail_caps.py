"""Caps on the mails the service sends, against mail bombing and for SES's reputation (DESIGN §6.5).

Two caps, both taken before a mail is sent, each by one conditional write so that parallel
requests cannot pass them:

- per account, 3 mails an hour (`throttling.may_mail`, counted in the account's `recovery_mails`):
  recovery, activation resends and address changes share it;
- per recipient, 5 mails a Paris day to an address someone typed (a first connection, its resends,
  an address change), whoever the accounts: one account, or ten, cannot flood a stranger's mailbox.
  Mails to a verified address (recovery, notices) are not counted here: only that address's owner
  proved it, and their recovery must not be blocked by mails someone else aimed at it.

Over a cap the request answers as if the mail had gone (nothing tells who owns an address),
nothing is sent, and the audit says `capped`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime, time, timedelta

from functions.core.clock import PARIS, paris_day
from functions.core.model import Account
from functions.core.store import Store
from functions.core.throttling import mails_this_hour, may_mail

MAILS_PER_ADDRESS_PER_DAY = 5

logger = logging.getLogger("ent")


class MailCapped(Exception):
    """The account has had its mails for this hour."""


def count_mail(account: Account, now: datetime) -> Account:
    """Return the account with one more mail this hour; raise MailCapped past the cap."""
    if not may_mail(account.recovery_mails, now):
        raise MailCapped()
    return replace(account, recovery_mails=(*mails_this_hour(account.recovery_mails, now), now))


def uncount_mail(account: Account, now: datetime) -> Account:
    """Return the account without the mail counted at `now` (SES refused it)."""
    mails = list(account.recovery_mails)
    if now in mails:
        mails.remove(now)
    return replace(account, recovery_mails=tuple(mails))


def give_back_mail(store: Store, account: Account, now: datetime) -> None:
    """Uncount the mail counted at `now` that SES refused; best effort, the 503 is the answer anyway."""
    try:
        store.update_account(account, lambda fresh: uncount_mail(fresh, now))
    except Exception as error:  # whatever failed here, the mail failure is the answer: only log it
        logger.warning(json.dumps({"mail_uncount_failed": type(error).__name__}))


def reserve_mail_to(store: Store, address: str, now: datetime) -> bool:
    """Take one of today's mails to `address`; False when the address has had its mails today."""
    day = paris_day(now)
    day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=PARIS)
    return store.reserve_mail_to(address, day, MAILS_PER_ADDRESS_PER_DAY, expires_at=day_end + timedelta(days=1))
