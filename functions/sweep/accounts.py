"""What one due account needs, decided on a fresh read and done with conditional writes.

Every write is conditional on the version (and, to delete, the state) read: an account changed
since is read again and decided anew, so a reactivated or activated account is left alone, and a
message delivered twice finds the account already moved on (nothing more to do). A reminder is
saved as sent before it is mailed, so a retry never mails it twice; then it waits for its turn in
the reminders' pace, and is not sent (and unmarked) if its deadline passed meanwhile (the account is then
decided again on that later day: deactivated).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from functions.core import audit
from functions.core.audit import SYSTEM
from functions.core.clock import Clock, paris_day
from functions.core.errors import AccountNotFound, ConcurrentUpdate
from functions.core.lifecycle import AccountState, due_reminder, reminders_not_needed
from functions.core.links import prepare_link, without_tokens
from functions.core.mail import Mailer, MailUnavailable
from functions.core.model import Account
from functions.core.store import Store
from functions.core.tokens import TokenKind

logger = logging.getLogger("ent")


@dataclass(frozen=True)
class SweepTools:
    """What a worker needs to handle accounts: the table, the mail, its pace, its clock."""

    store: Store
    mailer: Mailer
    public_url: str
    clock: Clock
    wait_for_turn: Callable[[], object] = lambda: None  # ReminderPace.wait_for_turn


class DeadlinePassed(Exception):
    """The reminder's turn came after its deadline: it is not sent, the account is decided again."""


def action_for(account: Account, today: date) -> str | None:
    if account.state == AccountState.ACTIVE:
        return None  # never touched
    if today > account.deletion_date:
        return "delete"
    if account.state == AccountState.DEACTIVATED:
        return None
    if today > account.activation_deadline:
        return "deactivate"
    if account.state == AccountState.PENDING_CONFIRMATION and account.pending_email:
        return due_reminder(account.activation_deadline, today, account.reminders_sent)
    return None


def _deactivate(store: Store, account: Account, now: datetime) -> None:
    # save_account writes only over the version read, so only over the state read: an account
    # activated, reissued or reactivated since is not deactivated (ConcurrentUpdate, then re-read).
    store.save_account(
        replace(
            without_tokens(account),
            state=AccountState.DEACTIVATED,
            session_version=account.session_version + 1,
        )
    )
    store.delete_tokens(list(account.live_tokens.values()))
    store.count_for_school(account.school, "deactivated_unactivated")
    audit.record(store, account.identifier, "deactivated_by_sweep", now, SYSTEM)


def _delete(store: Store, account: Account) -> None:
    # Deleted only if still the version and state read (ConcurrentUpdate otherwise), the account
    # item first: a refused deletion deletes nothing, not even its links. Its sessions and links
    # expired months ago (DynamoDB's TTL removes them); those it still names go now.
    store.delete_account(account.identifier, known=account)  # already read: only its events are
    store.delete_tokens(list(account.live_tokens.values()))
    store.count_for_school(account.school, "deleted_unactivated")


def _remind(tools: SweepTools, account: Account, reminder: str, today: date) -> None:
    """Save the reminder as sent with its new link, wait for its turn in the pace, then mail it.

    The token item is stored first (harmless alone: no account holds it, its link answers
    « expired », its TTL removes it); then the account takes it as its live activation link and
    marks the reminder sent, in one write conditional on the version read (ConcurrentUpdate if the
    account changed: nothing is mailed and the account is decided again on a fresh read); then it
    waits for its turn, so that the mail goes within the second it was counted in, and is checked
    against its deadline; then the mail goes. If SES refuses it (or the deadline passed, or the wait
    failed), that write is undone, as recovery gives back its link: the older link works again and
    the reminder is not marked, so a retry sends it. If the undo fails too, the reminder stays
    marked: a missed reminder is better than two.
    """
    store = tools.store
    now = tools.clock()
    # Mark every reminder whose day has come, so a missed run never sends two at once.
    sent = tuple(sorted({*account.reminders_sent, *reminders_not_needed(account.activation_deadline, today)}))
    marked = set(sent) - set(account.reminders_sent)
    previous = account.live_tokens.get(TokenKind.ACTIVATION.value)
    with_link, link = prepare_link(
        store, account, TokenKind.ACTIVATION, now, tools.public_url, account.activation_deadline
    )
    live = with_link.live_tokens[TokenKind.ACTIVATION.value]
    saved = store.save_account(replace(with_link, reminders_sent=sent))

    def give_back(fresh: Account) -> Account:
        tokens = dict(fresh.live_tokens)
        if tokens.get(TokenKind.ACTIVATION.value) == live:
            if previous:
                tokens[TokenKind.ACTIVATION.value] = previous
            else:
                del tokens[TokenKind.ACTIVATION.value]
        unmarked = tuple(name for name in fresh.reminders_sent if name not in marked)
        return replace(fresh, live_tokens=tokens, reminders_sent=unmarked)

    try:
        tools.wait_for_turn()
        if paris_day(tools.clock()) > account.activation_deadline:
            raise DeadlinePassed  # checked once the turn came, just before sending
        tools.mailer.send(
            "activation_reminder",
            to=account.pending_email or "",
            display_name=account.display_name,
            identifier=account.identifier,
            link=link,
            days_left=(account.activation_deadline - today).days + 1,
            activation_deadline=f"{account.activation_deadline:%d/%m/%Y}",
            help_url=f"{tools.public_url}/activation/renvoi/",
        )
    except MailUnavailable:
        _undo(store, saved, give_back)
        audit.record(store, account.identifier, reminder, now, SYSTEM, detail="mail_failed")
        raise
    except BaseException:  # nothing was mailed: the reminder is not marked either
        _undo(store, saved, give_back)
        raise
    audit.record(store, account.identifier, reminder, now, SYSTEM)


def _undo(store: Store, account: Account, change: Callable[[Account], Account]) -> None:
    """Put back what was saved for a mail SES refused; best effort, the failure is reported anyway."""
    try:
        store.update_account(account, change)
    except Exception as error:  # whatever failed here, the mail failure is what the report says: only log it
        logger.warning('{"sweep_undo_failed": "%s", "error": "%s"}', account.identifier, type(error).__name__)


def _handle(tools: SweepTools, account: Account, action: str, today: date) -> None:
    if action == "delete":
        _delete(tools.store, account)
    elif action == "deactivate":
        _deactivate(tools.store, account, tools.clock())
    else:
        _remind(tools, account, action, today)


def sweep_account(tools: SweepTools, identifier: str, day: date, copy: Account | None = None) -> str | None:
    """Do what the account due on `day` (or later, by the clock) needs now; return the action done.

    `copy` is an account as read already (the index's copy, for the sequential sweep): without
    one, the account is read (consistently) first. If the copy turns out stale (ConcurrentUpdate),
    or a reminder's deadline passed while it waited for its turn, the account is read again and
    decided anew, which is often nothing. Gone (deleted meanwhile): nothing to do.
    """
    account = copy or tools.store.get_account(identifier)
    for _ in range(3):  # a fresh read per round; a third change in a row is left to a retry
        today = max(day, paris_day(tools.clock()))  # a message handled after midnight: that day
        action = action_for(account, today) if account else None
        if account is None or action is None:
            return None
        try:
            _handle(tools, account, action, today)
            return action
        except (ConcurrentUpdate, AccountNotFound, DeadlinePassed):
            account = tools.store.get_account(identifier)
    raise ConcurrentUpdate()
