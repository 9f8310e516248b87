"""Forgotten identifier, forgotten password and the reset by email link: plain functions, no Flask.

The two requests answer the same whatever the account (DESIGN §6.4): they return nothing, and what
happened is told only to the verified address, and to the audit trail.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from functions.core import audit
from functions.core.audit import Client
from functions.core.auth import enforce_new_password, trust_device
from functions.core.clock import paris_text
from functions.core.emails import normalize_email
from functions.core.errors import TokenExpired
from functions.core.identifiers import is_well_formed, normalize_identifier
from functions.core.lifecycle import AccountState, Profile
from functions.core.links import open_token, prepare_link, use_link, without_tokens
from functions.core.mail import Mailer, MailUnavailable
from functions.core.mail_caps import MailCapped, count_mail, uncount_mail
from functions.core.messages import Code, token_help
from functions.core.model import Account, TokenRecord
from functions.core.notices import TAKE_BACK_PATH, send_password_changed
from functions.core.password_policy import RULE_TEXT
from functions.core.passwords import hash_password
from functions.core.store import Store
from functions.core.tokens import LIFETIMES, TokenKind

logger = logging.getLogger("ent")

LOGIN_PATH = "/connexion/"
PROFILE_LABELS = {Profile.PARENT: "parent", Profile.ELEVE: "élève"}

IDENTIFIER_SENT = {
    "status": "sent",
    "message": "Si cette adresse est celle d'un compte activé, un courriel vient d'y être envoyé avec "
    "le ou les identifiants qui lui sont rattachés. Pensez à regarder dans les courriers indésirables.",
}
PASSWORD_SENT = {
    "status": "sent",
    "message": "Si cet identifiant est celui d'un compte activé, un courriel vient d'être envoyé à son "
    "adresse de messagerie avec un lien valable 1 heure pour choisir un nouveau mot de passe. "
    "Pensez à regarder dans les courriers indésirables. Sans adresse de messagerie confirmée, "
    "adressez-vous au secrétariat de l'établissement.",
}

# The accounts one forgotten-identifier request handles (see remind_identifiers): more than any
# family has; past it the mail says to ask the school.
MAX_ACCOUNTS_PER_ADDRESS = 10

T = TypeVar("T")
R = TypeVar("R")

# How many new passwords one reset link may compare with the current one (see _new_password).
PREVIOUS_GUESSES_PER_LINK = 3
LINK_SPENT = (
    "Ce lien a servi à trop d'essais : par sécurité, il ne fonctionne plus. Demandez un nouveau lien "
    "avec « mot de passe oublié »."
)


def _undo(store: Store, account: Account, change: Callable[[Account], Account]) -> None:
    """Put back what was reserved for a mail SES refused; best effort, the 503 is raised anyway."""
    try:
        store.update_account(account, change)
    except Exception as error:  # whatever failed here, the mail failure is the answer: only log it
        logger.warning(json.dumps({"recovery_undo_failed": type(error).__name__}))


def _line(account: Account, school_name: str | None) -> str:
    """One identifier of the mail, with what tells it apart: a parent's child, a pupil's class, the school.

    « zoe.martin : Zoé Martin, profil parent - compte pour Zoé, 6e B - Collège Victor-Hugo »
    """
    line = f"{account.identifier} : {account.display_name}, profil {PROFILE_LABELS[account.profile]}"
    if account.profile == Profile.PARENT:
        line += " - compte pour " + ", ".join(part for part in (account.first_name, account.classe) if part)
    elif account.classe:
        line += f" - classe {account.classe}"
    line += f" - {school_name or account.school}"
    if account.state == AccountState.DEACTIVATED:
        line += " (compte désactivé : contactez votre établissement)"
    return line


def remind_identifiers(
    store: Store,
    mailer: Mailer,
    *,
    email: str,
    now: datetime,
    public_url: str,
    client: Client,
) -> None:
    """Send one email listing every identifier whose verified address is `email`, if any.

    The time floor (app.RESPONSE_FLOOR) must cover the worst case, or the answer's time tells how
    many accounts an address has. Done one after the other, each account costs three round trips
    (its consistent read, its counted mail, its audit event): ten took 800 ms once against a 0.5 s
    floor. So the accounts are handled side by side, one thread each, and at most
    MAX_ACCOUNTS_PER_ADDRESS of them: whatever their number, the request lasts the round trips of
    one account, the school names' read (side by side too) and the one mail, well under the floor
    (test_forgotten_identifier.py measures it).
    """
    address = normalize_email(email, field="email")
    identifiers = store.identifiers_for_email(address)
    more = len(identifiers) > MAX_ACCOUNTS_PER_ADDRESS

    def take(identifier: str) -> tuple[Account, bool] | None:
        """Read the account and count its mail; None if the address is not (or no longer) its own."""
        account = store.get_account(identifier)
        # The index is eventually consistent: trust only the account read consistently.
        if account is None or not account.email or account.email.casefold() != address.casefold():
            return None
        try:
            # Counted before sending, by a conditional write: concurrent requests cannot exceed the cap.
            return store.update_account(account, lambda fresh: count_mail(fresh, now)), True
        except MailCapped:
            return account, False

    taken = [found for found in _side_by_side(take, identifiers[:MAX_ACCOUNTS_PER_ADDRESS]) if found]
    counted = [account for account, may_send in taken if may_send]
    capped = [account for account, may_send in taken if not may_send]

    def record(outcome: tuple[Account, str]) -> None:
        audit.record(store, outcome[0].identifier, "recovery_identifier_requested", now, client, detail=outcome[1])

    if not counted:
        _side_by_side(record, [(account, "capped") for account in capped])
        return
    schools = sorted({account.school for account in counted})
    names = dict(zip(schools, _side_by_side(store.school_name, schools), strict=True))
    lines = [_line(account, names[account.school]) for account in counted]
    if more:
        lines.append("D'autres comptes utilisent aussi cette adresse : adressez-vous à votre établissement.")
    try:
        mailer.send(
            "identifier_reminder",
            to=counted[0].email or address,
            identifiers=lines,
            login_url=f"{public_url}{LOGIN_PATH}",
            forgotten_password_url=f"{public_url}{TAKE_BACK_PATH}",
        )
    except MailUnavailable:
        _side_by_side(lambda account: _undo(store, account, lambda fresh: uncount_mail(fresh, now)), counted)
        _side_by_side(record, [(account, "mail_failed") for account in counted] + [(a, "capped") for a in capped])
        raise
    _side_by_side(record, [(account, "sent") for account in counted] + [(a, "capped") for a in capped])


def _side_by_side(work: Callable[[T], R], items: list[T]) -> list[R]:
    """Return `work` of each item, done in threads at once (boto3's clients are thread-safe)."""
    if len(items) <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(work, items))


def request_password_reset(
    store: Store,
    mailer: Mailer,
    *,
    identifier: str,
    now: datetime,
    public_url: str,
    client: Client,
) -> None:
    """Send a reset link to the verified address of the account, if it has one and may use it."""
    identifier = normalize_identifier(identifier)
    account = store.get_account(identifier) if is_well_formed(identifier) else None
    if account is None:
        return
    refusal = (
        "deactivated"
        if account.state == AccountState.DEACTIVATED
        else "no_verified_email"
        if not account.email
        else None
    )
    if refusal is None:
        try:
            count_mail(account, now)  # a first look, before storing a token for nothing
        except MailCapped:
            refusal = "capped"
    if refusal:
        audit.record(store, account.identifier, "password_reset_requested", now, client, detail=refusal)
        return
    # Order of the writes: the token item is stored first (harmless alone: no account holds it, so
    # its link would answer « expired », and its TTL removes it); then the account takes it as its
    # live link and counts the mail, in one conditional write, so concurrent requests cannot pass
    # the cap; then the mail goes. If SES fails, that write is undone: the older link works again
    # and the mail is not counted, so the account is as it was and a retry works.
    previous = account.live_tokens.get(TokenKind.RESET.value)
    with_link, link = prepare_link(store, account, TokenKind.RESET, now, public_url)
    live = with_link.live_tokens[TokenKind.RESET.value]

    def take_link(fresh: Account) -> Account:
        return count_mail(replace(fresh, live_tokens={**fresh.live_tokens, TokenKind.RESET.value: live}), now)

    def give_back(fresh: Account) -> Account:
        tokens = dict(fresh.live_tokens)
        if tokens.get(TokenKind.RESET.value) == live:
            if previous:
                tokens[TokenKind.RESET.value] = previous
            else:
                del tokens[TokenKind.RESET.value]
        return uncount_mail(replace(fresh, live_tokens=tokens), now)

    try:
        account = store.update_account(account, take_link)
    except MailCapped:  # a concurrent request took the last mail of the hour
        audit.record(store, account.identifier, "password_reset_requested", now, client, detail="capped")
        return
    if not account.email:  # the verified address went away since the first read
        _undo(store, account, give_back)
        audit.record(store, account.identifier, "password_reset_requested", now, client, detail="no_verified_email")
        return
    try:
        mailer.send(
            "password_reset",
            to=account.email,
            display_name=account.display_name,
            identifier=account.identifier,
            link=link,
            valid_for="1 heure",
            link_expiry=paris_text(now + LIFETIMES[TokenKind.RESET]),
            rule=RULE_TEXT,
        )
    except MailUnavailable:
        _undo(store, account, give_back)
        audit.record(store, account.identifier, "password_reset_requested", now, client, detail="mail_failed")
        raise
    audit.record(store, account.identifier, "password_reset_requested", now, client, detail="sent")


def reset_password(
    store: Store,
    mailer: Mailer,
    *,
    token: object,
    new_password: str,
    new_password_confirmation: str,
    now: datetime,
    public_url: str,
    client: Client,
) -> str:
    """Set the new password of the link's account, revoke its sessions and links, clear its lock.

    Return the device cookie of this browser: it proved the mailbox, so it keeps its own guess
    budget even while strangers keep the account's other budgets locked.
    """
    record, account = _open(store, token, now)
    password = _new_password(store, record, account, new_password, new_password_confirmation, now, client)
    new_hash = hash_password(password)

    def reset(fresh: Account) -> Account:
        if fresh.state == AccountState.DEACTIVATED:  # deactivated since the link was opened
            raise TokenExpired(field="token", help=token_help(Code.TOKEN_EXPIRED, TokenKind.RESET))
        return replace(
            without_tokens(fresh),  # every outstanding link: activation, reset, address change
            password_hash=new_hash,
            session_version=fresh.session_version + 1,  # every session is revoked
        )

    # Uses the token and saves the account in one transaction: of concurrent uses of the same link
    # exactly one wins, the others get token_used.
    saved = use_link(store, token, TokenKind.RESET, now, reset, opened=(record, account))
    store.forget_guesses(saved.identifier)  # recovery is the way out of a lock
    notice = send_password_changed(mailer, saved, now, public_url)
    audit.record(store, saved.identifier, "password_reset", now, client, detail=notice)
    return trust_device(store, saved, client, now)


def _new_password(
    store: Store,
    record: TokenRecord,
    account: Account,
    new_password: str,
    confirmation: str,
    now: datetime,
    client: Client,
) -> str:
    """Apply the password rule; its « different from the current one » costs one of the link's guesses.

    That reason tells whoever holds the link whether a guess is the current password. So every
    other reason is checked first, with no comparison (a malformed hash never matches, and costs
    no argon2 work); only a password that passes them all takes a place on the link, by one
    conditional write, before it is compared. Past PREVIOUS_GUESSES_PER_LINK the link is spent: so
    N parallel requests on one link compare at most that many, and a guess that is not the current
    password uses the link up (it becomes the new password).
    """
    enforce_new_password(replace(account, password_hash=""), new_password, confirmation)
    if not store.reserve_previous_guess(record.token_hash, PREVIOUS_GUESSES_PER_LINK):
        # Nothing is written to the account: a request that reserved a place before may be using
        # the link right now, and must still win. The link can no longer change the password.
        audit.record(store, account.identifier, "password_reset_refused", now, client, detail="link_spent")
        raise TokenExpired(LINK_SPENT, field="token", help=token_help(Code.TOKEN_EXPIRED, TokenKind.RESET))
    return enforce_new_password(account, new_password, confirmation)


def _open(store: Store, token: object, now: datetime) -> tuple[TokenRecord, Account]:
    record, account = open_token(store, token, TokenKind.RESET, now)
    if account.state == AccountState.DEACTIVATED:
        # Deactivated after the link was sent: no reset now.
        raise TokenExpired(field="token", help=token_help(Code.TOKEN_EXPIRED, TokenKind.RESET))
    return record, account
