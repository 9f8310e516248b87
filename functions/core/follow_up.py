"""The secretariat's follow-up of one account: new letter, reactivation, unlock. No output here.

A new letter for an active account takes it from the family: only with `confirm`, and the family
hears of it at its verified address (mail `account_reissued`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from functions.core import audit
from functions.core.accounts import IssuedAccount
from functions.core.audit import Client
from functions.core.clock import paris_day, paris_text
from functions.core.errors import AccountNotFound, DomainError
from functions.core.identifiers import normalize_identifier
from functions.core.lifecycle import AccountState, deadlines_for
from functions.core.links import without_tokens
from functions.core.mail import Mailer, MailUnavailable
from functions.core.messages import Code
from functions.core.model import Account
from functions.core.passwords import generate_initial_password, hash_password
from functions.core.store import Store

ADMIN = Client(source_ip=None, user_agent="ent-admin")
STATE_LABELS = {
    AccountState.ISSUED: "délivré (première connexion à faire)",
    AccountState.PENDING_CONFIRMATION: "en attente de confirmation du courriel",
    AccountState.ACTIVE: "actif",
    AccountState.DEACTIVATED: "désactivé",
}


# Where the reissue notice sends a family: what the letter is, and to contact the school.
REISSUED_HELP_PATH = "/aide/courrier/"


class WrongState(DomainError, answer=Code.WRONG_STATE):
    """Only a deactivated account is reactivated; `extra["state"]` says what it is."""


class ConfirmationNeeded(DomainError, answer=Code.CONFIRMATION_NEEDED):
    """Reissuing an active account takes it from the family: the secretariat must say it means it."""


# How an action is audited when the caller is not ent-admin's operator: (identifier, action, detail).
Recorder = Callable[[str, str, str | None], None]


def record(store: Store, identifier: str, action: str, now: datetime, operator: str, detail: str | None = None) -> None:
    """Audit an action of the secretariat, naming who did it."""
    audit.record(
        store, identifier, action, now, ADMIN, detail=f"operator={operator}" + (f"; {detail}" if detail else "")
    )


def find_account(store: Store, identifier: str) -> Account:
    """Return the account, or raise AccountNotFound with the identifier in the message."""
    wanted = normalize_identifier(identifier)
    account = store.get_account(wanted) if wanted else None
    if account is None:
        raise AccountNotFound(
            f"Aucun compte ne porte l'identifiant « {wanted} ». Vérifiez l'orthographe (ex. zoe.martin2)."
        )
    return account


def renew_credentials(
    store: Store,
    identifier: str,
    now: datetime,
    operator: str,
    *,
    reactivate: bool = False,
    confirm: bool = False,
    mailer: Mailer | None = None,
    public_url: str = "",
    recorder: Recorder | None = None,
) -> tuple[IssuedAccount, str | None]:
    """Give the account a new initial password and new deadlines from today: back to `issued`.

    The old password, every session and every emailed link stop working; the lock and the reminders
    are cleared; the identifier stays. `reactivate` accepts a deactivated account only. A reissue
    refuses an active account unless `confirm` (ConfirmationNeeded, nothing changed), and tells the
    verified address, if any, through `mailer`. Returns the renewed account and what became of the
    notice (None: no verified address or no notice for this action).
    """
    account = find_account(store, identifier)
    password = generate_initial_password()
    password_hash = hash_password(password)
    deadlines = deadlines_for(paris_day(now))
    cancelled: list[str] = []

    def renewed(fresh: Account) -> Account:
        if reactivate and fresh.state != AccountState.DEACTIVATED:
            raise WrongState(extra={"state": fresh.state.value})
        if not reactivate and fresh.state == AccountState.ACTIVE and not confirm:
            raise ConfirmationNeeded()
        cancelled[:] = fresh.live_tokens.values()
        return replace(
            without_tokens(fresh),
            state=AccountState.ISSUED,
            password_hash=password_hash,
            issued_at=now,
            activation_deadline=deadlines.activation_deadline,
            deletion_date=deadlines.deletion_date,
            session_version=fresh.session_version + 1,
            pending_email=None,
            activated_at=None,
            reminders_sent=(),
        )

    saved = store.update_account(account, renewed)
    store.delete_tokens(cancelled)
    store.forget_guesses(saved.identifier)  # a new letter: every budget starts afresh
    notice = None if reactivate or mailer is None else send_reissued_notice(mailer, saved, now, public_url)
    action = "reactivated" if reactivate else "reissued"
    detail = f"was {account.state.value}" + (f"; {notice}" if notice else "")
    if recorder:
        recorder(saved.identifier, action, detail)
    else:
        record(store, saved.identifier, action, now, operator, detail=detail)
    return IssuedAccount(account=saved, initial_password=password), notice


def send_reissued_notice(mailer: Mailer, account: Account, now: datetime, public_url: str) -> str | None:
    """Tell the verified address that a new letter replaced the password; what happened, for the audit.

    None when there is no verified address. Best effort, as the other notices: the account is
    already renewed, and the letter is still to be printed.
    """
    if not account.email:
        return None
    try:
        mailer.send(
            "account_reissued",
            to=account.email,
            display_name=account.display_name,
            identifier=account.identifier,
            reissued_at=paris_text(now),
            help_url=f"{public_url}{REISSUED_HELP_PATH}",
        )
    except MailUnavailable:
        return "notice_not_sent"
    return "notice_sent"


def unlock(
    store: Store, identifier: str, now: datetime, operator: str, recorder: Recorder | None = None
) -> tuple[Account, datetime | None]:
    """Clear the failed guesses and the lock; return the account and the lock it had."""
    account = find_account(store, identifier)
    locks = [state.locked_until for state in store.guess_states(account.identifier).values() if state.locked_until]
    running = [lock for lock in locks if lock > now]
    store.forget_guesses(account.identifier)  # every budget: devices, addresses, the letter's birth dates
    if recorder:
        recorder(account.identifier, "unlocked", None)
    else:
        record(store, account.identifier, "unlocked", now, operator)
    return account, max(running, default=None)
