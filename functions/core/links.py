"""Links sent by email: a token in the URL fragment, redeemed once by a POST from the page.

An account keeps the hash of its one live token per purpose, so a newer link, a password change
or a deactivation cancels the older ones without looking for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from enum import StrEnum

from functions.core.errors import TokenExpired, TokenInvalid, TokenUsed
from functions.core.lifecycle import AccountState
from functions.core.limits import TOKEN_MAX_LENGTH, TOKEN_MIN_LENGTH
from functions.core.model import Account, TokenRecord
from functions.core.retries import retry_on_conflict
from functions.core.store import Store
from functions.core.tokens import TokenKind, new_token, token_expiry, token_hash

# Site pages that read `#t=` and post the token; the fragment never reaches a server log.
LINK_PATHS = {
    TokenKind.ACTIVATION: "/activation/",
    TokenKind.RESET: "/mot-de-passe-oublie/nouveau/",
    TokenKind.EMAIL_CHANGE: "/compte/email/",
}
_TOKEN_SHAPE = re.compile(rf"^[A-Za-z0-9_-]{{{TOKEN_MIN_LENGTH},{TOKEN_MAX_LENGTH}}}$")


def prepare_link(
    store: Store,
    account: Account,
    kind: TokenKind,
    now: datetime,
    public_url: str,
    activation_deadline: date | None = None,
) -> tuple[Account, str]:
    """Store a new token and return the account holding it as live (to be saved) and the URL."""
    token = new_token()
    hashed = token_hash(token)
    store.put_token(
        TokenRecord(
            token_hash=hashed,
            kind=kind,
            identifier=account.identifier,
            expires_at=token_expiry(kind, now, activation_deadline),
        )
    )
    return replace(
        account, live_tokens={**account.live_tokens, kind.value: hashed}
    ), f"{public_url}{LINK_PATHS[kind]}#t={token}"


def without_tokens(account: Account, *kinds: TokenKind) -> Account:
    """Return the account with the live tokens of `kinds` (all when none given) cancelled."""
    names = {kind.value for kind in kinds} if kinds else set(account.live_tokens)
    return replace(account, live_tokens={name: h for name, h in account.live_tokens.items() if name not in names})


def open_token(store: Store, token: object, kind: TokenKind, now: datetime) -> tuple[TokenRecord, Account]:
    """Return the token and its account, or say why the link cannot be used."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.match(token):
        raise TokenInvalid(field="token")
    record = store.get_token(token_hash(token))
    if record is None or record.kind != kind:
        raise TokenInvalid(field="token")
    if record.used_at is not None:
        raise TokenUsed.of_link(kind)
    account = store.get_account(record.identifier)
    if account is None:
        raise TokenInvalid(field="token")
    if now >= record.expires_at or account.live_tokens.get(kind.value) != record.token_hash:
        # Past its time, or replaced by a newer link / cancelled by a password change — unless a
        # concurrent click used it between our two reads: then it is "used", as for the others.
        latest = store.get_token(record.token_hash)
        if latest is not None and latest.used_at is not None:
            raise TokenUsed.of_link(kind)
        raise TokenExpired.of_link(kind)
    return record, account


class LinkStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    USED = "used"
    INVALID = "invalid"


def link_status(store: Store, token: object, now: datetime) -> tuple[LinkStatus, TokenKind | None]:
    """Say what redeeming this link would meet, without using it: its status and its purpose.

    The same reading as `open_token` and the flows' own checks, so the page shows at once what the
    button would answer: a link whose work is already done (an activated account) is « used », one
    that can no longer do it (a deactivated account, no pending address) is « expired ». Reads only.
    """
    if not isinstance(token, str) or not _TOKEN_SHAPE.match(token):
        return LinkStatus.INVALID, None
    record = store.get_token(token_hash(token))
    if record is None:
        return LinkStatus.INVALID, None
    kind = record.kind
    if record.used_at is not None:
        return LinkStatus.USED, kind
    account = store.get_account(record.identifier)
    if account is None:
        return LinkStatus.INVALID, None
    if kind == TokenKind.ACTIVATION and account.state == AccountState.ACTIVE:
        return LinkStatus.USED, kind  # activated already (by a newer link): « connectez-vous »
    if now >= record.expires_at or account.live_tokens.get(kind.value) != record.token_hash:
        return LinkStatus.EXPIRED, kind
    if kind == TokenKind.RESET and account.state == AccountState.DEACTIVATED:
        return LinkStatus.EXPIRED, kind
    if kind == TokenKind.ACTIVATION and (
        account.state != AccountState.PENDING_CONFIRMATION or not account.pending_email
    ):
        return LinkStatus.EXPIRED, kind
    if kind == TokenKind.EMAIL_CHANGE and not account.pending_email:
        return LinkStatus.EXPIRED, kind
    return LinkStatus.VALID, kind


def redeem(store: Store, record: TokenRecord, changed: Account, now: datetime) -> Account:
    """Use the token and save the changed account together; the token's purpose is cleared."""
    try:
        return store.save_account_using_token(without_tokens(changed, record.kind), record.token_hash, now)
    except TokenUsed:
        raise TokenUsed.of_link(record.kind) from None


def use_link(
    store: Store,
    token: object,
    kind: TokenKind,
    now: datetime,
    change: Callable[[Account], Account],
    *,
    opened: tuple[TokenRecord, Account] | None = None,
) -> Account:
    """Apply `change` to the link's account and use the link, both or neither.

    If the account changed since it was read (a login, say), the link and the account are read
    again and `change` re-applied; `opened` is what the caller already read, used for the first try.
    """
    first = [opened] if opened else []

    def attempt() -> Account:
        record, account = first.pop() if first else open_token(store, token, kind, now)
        return redeem(store, record, change(account), now)

    return retry_on_conflict(attempt)
