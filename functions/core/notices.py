"""Notices that follow a change already made: best effort, never a reason to fail the request."""

from __future__ import annotations

from datetime import datetime

from functions.core.clock import paris_text
from functions.core.mail import Mailer, MailUnavailable
from functions.core.model import Account

# Where a notice sends someone who did not make the change: take the account back.
TAKE_BACK_PATH = "/mot-de-passe-oublie/"


def send_password_changed(mailer: Mailer, account: Account, now: datetime, public_url: str) -> str:
    """Tell the verified address that the password changed; return what happened, for the audit."""
    if not account.email:
        return "notice_no_address"
    try:
        mailer.send(
            "password_changed",
            to=account.email,
            display_name=account.display_name,
            identifier=account.identifier,
            changed_at=paris_text(now),
            help_url=f"{public_url}{TAKE_BACK_PATH}",
        )
    except MailUnavailable:
        # The password is already changed and sessions revoked (and, for a reset, the link spent):
        # a 503 would say that nothing changed, and a retry could only fail. The mailer logged the
        # failure (message name only) and the audit keeps it.
        return "notice_not_sent"
    return "notice_sent"
