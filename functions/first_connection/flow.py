"""First connection, activation by email link, and resending that link: plain functions."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from functions.core import audit
from functions.core.audit import Client
from functions.core.auth import (
    enforce_new_password,
    verify_credentials,
)
from functions.core.clock import paris_day, paris_text
from functions.core.dates import parse_date
from functions.core.emails import mask_email, normalize_email
from functions.core.errors import AccountDeactivated, ConcurrentUpdate, DomainError
from functions.core.guessing import SECRET_BIRTH_DATE, letter_budget, reserve_address, reserve_guess
from functions.core.lifecycle import AccountState, reminders_not_needed
from functions.core.links import prepare_link, use_link
from functions.core.mail import Mailer, MailUnavailable
from functions.core.mail_caps import MailCapped, count_mail, reserve_mail_to, uncount_mail
from functions.core.messages import ACTIVATION_MAILS_CAPPED, Code
from functions.core.model import Account
from functions.core.notices import TAKE_BACK_PATH
from functions.core.passwords import hash_password
from functions.core.store import Store
from functions.core.throttling import BIRTH_DATE, mails_this_hour, may_mail
from functions.core.tokens import TokenKind, token_expiry


class BirthDateMismatch(DomainError, answer=Code.BIRTH_DATE_MISMATCH):
    pass


class FirstConnectionDone(DomainError, answer=Code.FIRST_CONNECTION_DONE):
    pass


class FirstConnectionRequired(DomainError, answer=Code.FIRST_CONNECTION_REQUIRED):
    pass


class AlreadyActive(DomainError, answer=Code.ALREADY_ACTIVE):
    pass


class TooManyActivationMails(DomainError, answer=ACTIVATION_MAILS_CAPPED):
    retry_after = 3600


def _send_activation(mailer: Mailer, account: Account, to: str, link: str, public_url: str, now: datetime) -> None:
    mailer.send(
        "activation",
        to=to,
        display_name=account.display_name,
        identifier=account.identifier,
        link=link,
        link_expiry=paris_text(token_expiry(TokenKind.ACTIVATION, now, account.activation_deadline)),
        activation_deadline=f"{account.activation_deadline:%d/%m/%Y}",
        help_url=f"{public_url}/activation/renvoi/",
    )


def complete_first_connection(
    store: Store,
    mailer: Mailer,
    account: Account,
    *,
    birth_date: str,
    email: str,
    new_password: str,
    new_password_confirmation: str,
    now: datetime,
    public_url: str,
    client: Client,
) -> Account:
    """Check the birth date, take the email and the new password, and send the activation link."""
    if account.state != AccountState.ISSUED:
        raise FirstConnectionDone()
    typed_date = parse_date(birth_date, field="birth_date")
    # A second factor: counted before it is checked, per letter (never cleared by the password),
    # and toward the client address's limit.
    counted_address = reserve_address(store, client, now)
    reservation = reserve_guess(store, account.identifier, SECRET_BIRTH_DATE, letter_budget(account), now, BIRTH_DATE)
    if counted_address:
        reservation.counters.append(counted_address)
    if typed_date != account.birth_date:
        audit.record(store, account.identifier, "first_connection_wrong_birth_date", now, client)
        raise BirthDateMismatch(field="birth_date")
    reservation.give_back(keep_failures=True)
    address = normalize_email(email, field="email")
    password = enforce_new_password(account, new_password, new_password_confirmation)
    # The typed address's daily cap (mail_caps), taken before anything is sent. Over it, the first
    # connection is still made, only its mail is held back (the answer is the same): the family
    # asks for it again with « renvoyer le lien » once the day is over.
    sending = reserve_mail_to(store, address, now)
    with_link, link = prepare_link(store, account, TokenKind.ACTIVATION, now, public_url, account.activation_deadline)
    pending = replace(
        with_link,
        state=AccountState.PENDING_CONFIRMATION,
        password_hash=hash_password(password),  # the initial password dies here
        pending_email=address,
        session_version=account.session_version + 1,  # the first-connection session is spent
        recovery_mails=(now,) if sending else (),
        reminders_sent=reminders_not_needed(account.activation_deadline, paris_day(now)),
    )
    try:
        saved = store.save_account(pending)  # of two concurrent first connections, one wins here
    except ConcurrentUpdate:
        raise FirstConnectionDone() from None
    if sending:
        try:
            _send_activation(mailer, saved, address, link, public_url, now)
        except DomainError:
            store.save_account(replace(account, version=saved.version))  # put the account back as it was
            raise
    audit.record(store, account.identifier, "first_connection", now, client, detail=None if sending else "capped")
    if account.email and account.email.casefold() != address.casefold():
        # A reissued active account keeps its verified address until the new one is confirmed:
        # tell that address, after the save, that someone gave another one with the letter.
        notice = _send_replaced_address_notice(mailer, account, account.email, address, now, public_url)
        audit.record(store, account.identifier, "first_connection_address_notice", now, client, detail=notice)
    return saved


def _send_replaced_address_notice(
    mailer: Mailer, account: Account, old: str, new: str, now: datetime, public_url: str
) -> str:
    """Warn the verified address that a first connection gave another one; return what happened."""
    try:
        mailer.send(
            "first_connection_notice",
            to=old,
            display_name=account.display_name,
            identifier=account.identifier,
            new_email=mask_email(new),
            requested_at=paris_text(now),
            help_url=f"{public_url}{TAKE_BACK_PATH}",
        )
    except MailUnavailable:
        # The first connection is made and its link sent: a 503 would say that nothing changed.
        return "notice_not_sent"
    return "notice_sent"


def resend_activation(
    store: Store,
    mailer: Mailer,
    *,
    identifier: str,
    password: str,
    now: datetime,
    public_url: str,
    client: Client,
) -> Account:
    """Send a fresh activation link (the older one stops working) to the address awaiting it.

    Return the account; its `pending_email` is the address the link went to.
    """
    account = _pending_account(store, identifier, password, now, client)
    assert account.pending_email  # _pending_account refuses an account without one
    if not may_mail(account.recovery_mails, now):
        raise TooManyActivationMails()
    if not reserve_mail_to(store, account.pending_email, now):  # the typed address's daily cap
        audit.record(store, account.identifier, "activation_link_resent", now, client, detail="capped")
        return account
    with_link, link = prepare_link(store, account, TokenKind.ACTIVATION, now, public_url, account.activation_deadline)
    live = with_link.live_tokens[TokenKind.ACTIVATION.value]
    previous = account.live_tokens.get(TokenKind.ACTIVATION.value)

    def take_link(fresh: Account) -> Account:
        # Counted in the same conditional write: parallel resends cannot pass the 3 an hour.
        if not may_mail(fresh.recovery_mails, now):
            raise TooManyActivationMails()
        return replace(
            fresh,
            live_tokens={**fresh.live_tokens, TokenKind.ACTIVATION.value: live},
            recovery_mails=(*mails_this_hour(fresh.recovery_mails, now), now),
        )

    def give_back(fresh: Account) -> Account:
        tokens = dict(fresh.live_tokens)
        if tokens.get(TokenKind.ACTIVATION.value) == live:  # unless a newer resend replaced it
            tokens.pop(TokenKind.ACTIVATION.value)
            if previous:
                tokens[TokenKind.ACTIVATION.value] = previous
        return uncount_mail(replace(fresh, live_tokens=tokens), now)

    # Saved before the mail goes, so a retry never sends a second one; undone if SES refuses it.
    saved = store.update_account(account, take_link)
    try:
        _send_activation(mailer, saved, account.pending_email, link, public_url, now)
    except DomainError:
        store.update_account(saved, give_back)  # the older link works again, the mail is not counted
        raise
    audit.record(store, account.identifier, "activation_link_resent", now, client)
    return saved


def _pending_account(store: Store, identifier: str, password: str, now: datetime, client: Client) -> Account:
    """Return the account of these credentials if it awaits its activation; else say where it stands."""
    account = verify_credentials(store, identifier=identifier, password=password, profile=None, now=now, client=client)
    if account.state == AccountState.DEACTIVATED:
        raise AccountDeactivated(store.school_contact(account.school))  # the right password: whom to call
    if account.state == AccountState.ACTIVE:
        raise AlreadyActive()
    if account.state == AccountState.ISSUED or not account.pending_email:
        raise FirstConnectionRequired()
    return account


def correct_pending_email(
    store: Store,
    mailer: Mailer,
    *,
    identifier: str,
    password: str,
    email: str,
    now: datetime,
    public_url: str,
    client: Client,
) -> Account:
    """Replace a mistyped awaited address: the new one gets a fresh link, the older link stops working.

    The same checks as the resend (the password counted as a guess, the 3 mails an hour, the typed
    address's daily cap). Over the daily cap the address is corrected all the same and the old link
    cancelled, only the mail is held back (the answer is the same): the resend gives it the next day.
    """
    account = _pending_account(store, identifier, password, now, client)
    address = normalize_email(email, field="email")
    if not may_mail(account.recovery_mails, now):
        raise TooManyActivationMails()
    sending = reserve_mail_to(store, address, now)
    if sending:
        with_link, link = prepare_link(
            store, account, TokenKind.ACTIVATION, now, public_url, account.activation_deadline
        )
        live: str | None = with_link.live_tokens[TokenKind.ACTIVATION.value]
    else:
        live, link = None, ""
    previous = account.live_tokens.get(TokenKind.ACTIVATION.value), account.pending_email

    def corrected(fresh: Account) -> Account:
        if fresh.state != AccountState.PENDING_CONFIRMATION:  # activated (or deactivated) meanwhile
            raise AlreadyActive() if fresh.state == AccountState.ACTIVE else AccountDeactivated()
        tokens = {name: h for name, h in fresh.live_tokens.items() if name != TokenKind.ACTIVATION.value}
        if live:
            tokens[TokenKind.ACTIVATION.value] = live
            fresh = count_mail(fresh, now)  # in the same conditional write: parallel requests hold to 3
        return replace(fresh, live_tokens=tokens, pending_email=address)

    def give_back(fresh: Account) -> Account:
        if fresh.live_tokens.get(TokenKind.ACTIVATION.value) != live:
            return fresh  # a newer resend or correction came since: it stands
        tokens = dict(fresh.live_tokens)
        tokens.pop(TokenKind.ACTIVATION.value)
        if previous[0]:
            tokens[TokenKind.ACTIVATION.value] = previous[0]
        return uncount_mail(replace(fresh, live_tokens=tokens, pending_email=previous[1]), now)

    # Saved before the mail goes, so a retry never sends a second one; undone if SES refuses it.
    try:
        saved = store.update_account(account, corrected)
    except MailCapped:
        raise TooManyActivationMails() from None
    if live:
        try:
            _send_activation(mailer, saved, address, link, public_url, now)
        except DomainError:
            store.update_account(saved, give_back)  # the older address and link again, the mail uncounted
            raise
    audit.record(
        store, account.identifier, "activation_address_corrected", now, client, detail=None if live else "capped"
    )
    return saved


def activate(store: Store, *, token: object, now: datetime, client: Client) -> Account:
    """Activate the account of this link: its pending address becomes the verified one."""

    def activated(account: Account) -> Account:
        if account.state != AccountState.PENDING_CONFIRMATION or not account.pending_email:
            raise AlreadyActive() if account.state == AccountState.ACTIVE else FirstConnectionRequired()
        return replace(
            account,
            state=AccountState.ACTIVE,
            email=account.pending_email,
            pending_email=None,
            activated_at=now,
            recovery_mails=(),
        )

    saved = use_link(store, token, TokenKind.ACTIVATION, now, activated)
    audit.record(store, saved.identifier, "activation", now, client)
    return saved
