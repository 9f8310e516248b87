"""The daily expiry sweep: reminders before the deadline, deactivation after it, deletion at 1 year.

It reads only the accounts due (the sparse by-due-day index), from the day after the last finished
one up to today, so its cost follows what is due and never the size of the table. Each account is
saved with a conditional write that also moves it to its next due day: a second run finds nothing
more, and a run stopped midway leaves the rest for the next. Every write is conditional on the
version (and, to delete, the state) read: an account changed since is read again and decided anew,
so a reactivated or activated account is left alone. A reminder is saved as sent before it is
mailed, so a retry never mails it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from functions.core import audit
from functions.core.audit import SYSTEM
from functions.core.errors import AccountNotFound, ConcurrentUpdate
from functions.core.lifecycle import AccountState, due_reminder, reminders_not_needed
from functions.core.links import prepare_link, without_tokens
from functions.core.mail import Mailer, MailUnavailable
from functions.core.model import Account
from functions.core.store import Store
from functions.core.tokens import TokenKind

logger = logging.getLogger("ent")
# With no cursor yet (first run), look back far enough to catch anything the table may hold.
FIRST_RUN_LOOKBACK = timedelta(days=400)


@dataclass
class SweepReport:
    today: date
    dry_run: bool = False
    reminded: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    days_read: int = 0
    finished: bool = True

    def as_dict(self) -> dict[str, object]:
        return {
            "today": self.today.isoformat(),
            "dry_run": self.dry_run,
            "days_read": self.days_read,
            "finished": self.finished,
            "reminded": len(self.reminded),
            "deactivated": len(self.deactivated),
            "deleted": len(self.deleted),
            "failed": sorted(self.failed),
        }


def _action(account: Account, today: date) -> str | None:
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


def _remind(
    store: Store, mailer: Mailer, account: Account, reminder: str, now: datetime, today: date, public_url: str
) -> None:
    """Save the reminder as sent with its new link, then mail it: a retry never sends it twice.

    The token item is stored first (harmless alone: no account holds it, its link answers
    « expired », its TTL removes it); then the account takes it as its live activation link and
    marks the reminder sent, in one write conditional on the version read (ConcurrentUpdate if the
    account changed: nothing is mailed and the sweep decides again on a fresh read); then the mail
    goes. If SES refuses it, that write is undone, as recovery gives back its link: the older link
    works again and the reminder is not marked, so the next run sends it. If the undo fails too, the
    reminder stays marked: a missed reminder is better than two.
    """
    # Mark every reminder whose day has come, so a missed run never sends two at once.
    sent = tuple(sorted({*account.reminders_sent, *reminders_not_needed(account.activation_deadline, today)}))
    marked = set(sent) - set(account.reminders_sent)
    previous = account.live_tokens.get(TokenKind.ACTIVATION.value)
    with_link, link = prepare_link(store, account, TokenKind.ACTIVATION, now, public_url, account.activation_deadline)
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
        mailer.send(
            "activation_reminder",
            to=account.pending_email or "",
            display_name=account.display_name,
            identifier=account.identifier,
            link=link,
            days_left=(account.activation_deadline - today).days + 1,
            activation_deadline=f"{account.activation_deadline:%d/%m/%Y}",
            help_url=f"{public_url}/activation/renvoi/",
        )
    except MailUnavailable:
        _undo(store, saved, give_back)
        audit.record(store, account.identifier, reminder, now, SYSTEM, detail="mail_failed")
        raise
    audit.record(store, account.identifier, reminder, now, SYSTEM)


def _undo(store: Store, account: Account, change: Callable[[Account], Account]) -> None:
    """Put back what was saved for a mail SES refused; best effort, the failure is reported anyway."""
    try:
        store.update_account(account, change)
    except Exception as error:  # whatever failed here, the mail failure is what the report says: only log it
        logger.warning('{"sweep_undo_failed": "%s", "error": "%s"}', account.identifier, type(error).__name__)


def _handle(
    store: Store, mailer: Mailer, account: Account, action: str, now: datetime, today: date, public_url: str
) -> None:
    if action == "delete":
        _delete(store, account)
    elif action == "deactivate":
        _deactivate(store, account, now)
    else:
        _remind(store, mailer, account, action, now, today, public_url)


def run_sweep(
    store: Store,
    mailer: Mailer,
    *,
    today: date,
    now: datetime,
    public_url: str,
    dry_run: bool = False,
    time_left: Callable[[], float] = lambda: float("inf"),
    move_cursor: bool = True,
) -> SweepReport:
    """Handle every account due up to `today`; stop early when `time_left()` (s) runs low."""
    report = SweepReport(today=today, dry_run=dry_run)
    cursor = store.sweep_cursor() or today - FIRST_RUN_LOOKBACK
    if cursor >= today:
        return report  # today is done already
    first_failed_day: date | None = None
    for account in store.accounts_due(cursor + timedelta(days=1), today):
        if time_left() < 30:
            report.finished = False
            break
        action = _action(account, today)
        if action is None:
            continue
        if dry_run:
            _note(report, account.identifier, action)
            continue
        try:
            done = _handle_fresh(store, mailer, account, action, now, today, public_url)
            if done:
                _note(report, account.identifier, done)
        except Exception as error:  # one account failing must not stop the others
            report.failed[account.identifier] = type(error).__name__
            logger.warning('{"sweep_failed": "%s", "error": "%s"}', account.identifier, type(error).__name__)
            due = account.due_day or today
            first_failed_day = min(first_failed_day or due, due)
    report.days_read = (today - cursor).days
    if move_cursor and not dry_run and report.finished:
        # Days before the first failure are done; a failed account is read again next run.
        done_until = first_failed_day - timedelta(days=1) if first_failed_day else today
        if done_until > cursor:
            store.set_sweep_cursor(done_until)
    return report


def _handle_fresh(
    store: Store, mailer: Mailer, account: Account, action: str, now: datetime, today: date, public_url: str
) -> str | None:
    """Act on the account; if the index copy was stale, decide again on a fresh read.

    Every write is conditional on the version read, so a copy that changed since (reactivated,
    reissued, activated) raises ConcurrentUpdate and nothing of it is written: the account is read
    again, consistently, and what it needs now is done, which is often nothing. Return the action
    done, or None.
    """
    try:
        _handle(store, mailer, account, action, now, today, public_url)
        return action
    except (ConcurrentUpdate, AccountNotFound):
        fresh = store.get_account(account.identifier)
        fresh_action = _action(fresh, today) if fresh else None  # gone: deleted by an overlapping run
        if fresh and fresh_action:
            _handle(store, mailer, fresh, fresh_action, now, today, public_url)
        return fresh_action


def _note(report: SweepReport, identifier: str, action: str) -> None:
    {"delete": report.deleted, "deactivate": report.deactivated}.get(action, report.reminded).append(identifier)
