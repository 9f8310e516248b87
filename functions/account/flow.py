"""Mon compte: changing the password or the email address, and confirming the new address. No Flask here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from functions.core import audit
from functions.core.audit import Client
from functions.core.auth import check_secret, enforce_new_password
from functions.core.clock import paris_text
from functions.core.emails import InvalidEmail, mask_email, normalize_email
from functions.core.errors import DomainError, TokenExpired
from functions.core.links import prepare_link, use_link, without_tokens
from functions.core.mail import Mailer, MailUnavailable
from functions.core.mail_caps import MailCapped, count_mail, give_back_mail, reserve_mail_to
from functions.core.messages import EMAIL_CHANGE_HELP, Code, token_help
from functions.core.model import Account
from functions.core.notices import TAKE_BACK_PATH, send_password_changed
from functions.core.passwords import hash_password
from functions.core.sessions import ABSOLUTE_TIMEOUT, Session, SessionScope, open_session
from functions.core.store import Store
from functions.core.tokens import LIFETIMES, TokenKind


class CurrentPasswordIncorrect(DomainError, answer=Code.CURRENT_PASSWORD_INCORRECT):
    def __init__(self) -> None:
        super().__init__(field="current_password")


class EmailUnchanged(DomainError, answer=Code.EMAIL_UNCHANGED):
    def __init__(self) -> None:
        super().__init__(field="new_email")


@dataclass(frozen=True)
class PasswordChanged:
    session_id: str  # the new session of this browser
    max_age: int


def _prove_current_password(
    store: Store, account: Account, password: str, now: datetime, client: Client, action: str
) -> Account:
    """Return the account if `password` is its current one; a wrong one counts as a failed guess."""
    right, account = check_secret(store, account, password, now, client)  # raises AccountLocked while locked
    if not right:
        audit.record(store, account.identifier, f"{action}_wrong_current_password", now, client)
        raise CurrentPasswordIncorrect()
    return account


def change_password(
    store: Store,
    mailer: Mailer,
    session: Session,
    account: Account,
    *,
    current_password: str,
    new_password: str,
    new_password_confirmation: str,
    now: datetime,
    public_url: str,
    client: Client,
) -> PasswordChanged:
    """Replace the password, revoke every other session and link, and keep this browser logged in."""
    account = _prove_current_password(store, account, current_password, now, client, "password_change")
    # The rule is checked only now: its « different from the old one » reason would otherwise let
    # whoever holds the session test guesses of the current password without them being counted.
    password = enforce_new_password(account, new_password, new_password_confirmation)
    proven_hash, new_hash = account.password_hash, hash_password(password)

    def change(fresh: Account) -> Account:
        if fresh.password_hash != proven_hash:
            raise CurrentPasswordIncorrect()  # changed meanwhile by another request: not the current one now
        # A pending address change is cancelled with its link: the notice about it says « change
        # your password » precisely so that this stops a change the person did not ask for.
        return replace(
            without_tokens(fresh),
            password_hash=new_hash,
            pending_email=None,
            session_version=fresh.session_version + 1,  # every session of the old version is revoked
        )

    saved = store.update_account(account, change)
    store.delete_session(session.session_hash)
    session_id, fresh_session = open_session(saved.identifier, SessionScope.FULL, saved.session_version, now)
    store.put_session(fresh_session)
    notice = send_password_changed(mailer, saved, now, public_url)
    audit.record(store, saved.identifier, "password_changed", now, client, detail=notice)
    return PasswordChanged(session_id=session_id, max_age=int(ABSOLUTE_TIMEOUT.total_seconds()))


def request_email_change(
    store: Store,
    mailer: Mailer,
    account: Account,
    *,
    current_password: str,
    new_email: str,
    now: datetime,
    public_url: str,
    client: Client,
) -> Account:
    """Send a confirmation link to the new address and a notice to the old one, which stays until confirmed."""
    try:
        address = normalize_email(new_email, field="new_email")
    except InvalidEmail as error:
        error.help = EMAIL_CHANGE_HELP  # Mon compte's answer, not first connection's
        raise
    account = _prove_current_password(store, account, current_password, now, client, "email_change")
    if account.email and address.casefold() == account.email.casefold():
        raise EmailUnchanged()
    # The caps first (mail_caps), each one conditional write, so parallel requests cannot pass
    # them: 3 mails an hour for the account, 5 a day for the typed address whatever the accounts.
    # Over either, the answer is the same as when the mail goes, and nothing is sent.
    try:
        account = store.update_account(account, lambda fresh: count_mail(fresh, now))
    except MailCapped:
        audit.record(store, account.identifier, "email_change_requested", now, client, detail="capped")
        return account
    if not reserve_mail_to(store, address, now):
        audit.record(store, account.identifier, "email_change_requested", now, client, detail="capped")
        return account
    with_link, link = prepare_link(store, account, TokenKind.EMAIL_CHANGE, now, public_url)
    # The order of the writes makes a mail failure change nothing but the count, given back: the
    # token item stored above is harmless on its own (no account holds it as live, so its link
    # would answer « expired », and its TTL removes it); the mails go next; the account is saved
    # last, only once both are sent. The notice to the old address is required too: it is what
    # warns a person whose session and password were taken, so no change may be pending that they
    # were not told about.
    try:
        mailer.send(
            "email_change_confirmation",
            to=address,
            display_name=account.display_name,
            identifier=account.identifier,
            link=link,
            link_expiry=paris_text(now + LIFETIMES[TokenKind.EMAIL_CHANGE]),
        )
        if account.email:
            mailer.send(
                "email_change_notice",
                to=account.email,
                display_name=account.display_name,
                identifier=account.identifier,
                new_email=mask_email(address),
                requested_at=paris_text(now),
                help_url=f"{public_url}{TAKE_BACK_PATH}",
            )
    except MailUnavailable:
        give_back_mail(store, account, now)
        raise
    live = with_link.live_tokens[TokenKind.EMAIL_CHANGE.value]
    saved = store.update_account(
        account,
        lambda fresh: replace(
            fresh,
            pending_email=address,
            live_tokens={**fresh.live_tokens, TokenKind.EMAIL_CHANGE.value: live},
        ),
    )
    audit.record(store, account.identifier, "email_change_requested", now, client)
    return saved


def confirm_email(store: Store, *, token: object, now: datetime, client: Client) -> Account:
    """Make the pending address of this link the verified one (recovery and identifier reminders)."""

    def confirmed(account: Account) -> Account:
        if not account.pending_email:
            raise TokenExpired(field="token", help=token_help(Code.TOKEN_EXPIRED, TokenKind.EMAIL_CHANGE))
        # A reset link sent to the old address stops working: that mailbox is no longer the account's.
        return without_tokens(replace(account, email=account.pending_email, pending_email=None), TokenKind.RESET)

    saved = use_link(store, token, TokenKind.EMAIL_CHANGE, now, confirmed)
    audit.record(store, saved.identifier, "email_changed", now, client)
    return saved
