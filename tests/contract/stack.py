"""Real state for the contract tests (the API itself is tests/apps.py's `FlowApps`).

`World` seeds accounts, sessions and links straight into the store, with password hashes computed
once, so the happy paths cost no more than the errors.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import cache

from functions.core.addresses import counting_key
from functions.core.audit import Client
from functions.core.clock import paris_day
from functions.core.guessing import SECRET_BIRTH_DATE, budget_of, letter_budget
from functions.core.lifecycle import AccountState, Profile, deadlines_for
from functions.core.links import prepare_link, without_tokens
from functions.core.model import Account
from functions.core.passwords import hash_password
from functions.core.sessions import SessionScope, open_session
from functions.core.settings import Settings
from functions.core.store import Store, keys
from functions.core.throttling import IP_FAILURES_PER_WINDOW, GuessState, ip_window
from functions.core.tokens import TokenKind, token_hash

ORIGIN = "https://aide.ent.example.fr"
SAME_ORIGIN = {"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"}

PASSWORD = "Velours42b"  # every seeded account's current password (initial one for `issued`)
NEW_PASSWORD = "Piano42Lune"  # accepted by the rule for every seeded account
BIRTH_DATE = date(2015, 3, 1)
FIRST_NAME, LAST_NAME = "Camille", "Durand"
SCHOOL = "0751234J"


@cache
def password_hash(password: str) -> str:
    """Hash once per password: argon2 salts each hash, and any hash of it verifies it."""
    return hash_password(password)


class World:
    """Real state for the happy paths: accounts in every state, sessions and emailed links."""

    def __init__(self, store: Store, clock: Callable[[], datetime], settings: Settings) -> None:
        self.store, self.clock, self.settings = store, clock, settings
        self._numbers = itertools.count(1)
        self._blocked_ip: str | None = None
        self._to_lock: list[Account] = []

    def account(
        self,
        state: AccountState = AccountState.ACTIVE,
        *,
        email: bool = True,
        pending_email: bool = False,
        locked: bool = False,
        recovery_mails: int = 0,
        password: str = PASSWORD,
        profile: Profile = Profile.PARENT,
    ) -> Account:
        """Store a new account; active and deactivated ones have a verified address unless `email=False`."""
        number = next(self._numbers)
        now = self.clock()
        deadlines = deadlines_for(paris_day(now))
        identifier = f"{FIRST_NAME}.{LAST_NAME}{number}".lower()
        pending = state == AccountState.PENDING_CONFIRMATION or pending_email
        account = Account(
            identifier=identifier,
            profile=profile,
            state=state,
            school=SCHOOL,
            first_name=FIRST_NAME,
            last_name=LAST_NAME,
            birth_date=BIRTH_DATE,
            password_hash=password_hash(password),
            issued_at=now,
            activation_deadline=deadlines.activation_deadline,
            deletion_date=deadlines.deletion_date,
            email=f"{identifier}@exemple.fr"
            if email and state in (AccountState.ACTIVE, AccountState.DEACTIVATED)
            else None,
            pending_email=f"{identifier}.nouveau@exemple.fr" if pending else None,
            activated_at=now if state == AccountState.ACTIVE else None,
            recovery_mails=tuple(now - timedelta(minutes=minute) for minute in range(recovery_mails, 0, -1)),
        )
        created = self.store.create_account(account)
        if locked:
            self._to_lock.append(created)
        return created

    def source_ip(self) -> str:
        """A source address of its own (documentation range, RFC 5737)."""
        number = next(self._numbers)
        return self._locking(f"198.51.{number // 250 % 250}.{number % 250 + 1}")

    def _locking(self, source_ip: str) -> str:
        """Lock the accounts asked `locked` for guesses from `source_ip`: its budgets are spent."""
        now = self.clock()
        state = GuessState(
            consecutive_failures=5,
            locked_until=now + timedelta(minutes=1),
            recent_failures=tuple(now - timedelta(seconds=second) for second in range(5, 0, -1)),
        )
        for account in self._to_lock:
            budget = budget_of(self.store, account.identifier, Client(source_ip=source_ip))
            for secret, name in (("password", budget.name), (SECRET_BIRTH_DATE, letter_budget(account).name)):
                self.store.save_guess_state(account.identifier, secret, name, state, 0, now + timedelta(days=1))
        self._to_lock.clear()
        return source_ip

    def blocked_ip(self) -> str:
        """A source address that has had its failures for the current window."""
        if self._blocked_ip is None:
            self._blocked_ip = "203.0.113.66"
            window, window_end = ip_window(self.clock())
            for _ in range(IP_FAILURES_PER_WINDOW):
                self.store.reserve(
                    keys.ip_failures_key(counting_key(self._blocked_ip), window), IP_FAILURES_PER_WINDOW, window_end
                )
        return self._locking(self._blocked_ip)

    def session(self, account: Account, scope: SessionScope = SessionScope.FULL) -> str:
        """Open a session of `account` and return the cookie value."""
        session_id, session = open_session(account.identifier, scope, account.session_version, self.clock())
        self.store.put_session(session)
        return session_id

    def revoked_session(self) -> str:
        """A session whose account has since changed its password (session version bumped)."""
        account = self.account()
        cookie = self.session(account)
        self.store.save_account(replace(account, session_version=account.session_version + 1))
        return cookie

    def link(self, account: Account, kind: TokenKind) -> tuple[Account, str]:
        """Give `account` a live link of `kind`; return the saved account and the token."""
        deadline = account.activation_deadline if kind == TokenKind.ACTIVATION else None
        with_link, url = prepare_link(self.store, account, kind, self.clock(), self.settings.public_url, deadline)
        return self.store.save_account(with_link), url.split("#t=", 1)[1]

    def holder(self, kind: TokenKind) -> Account:
        """An account that can redeem a link of `kind`."""
        if kind == TokenKind.ACTIVATION:
            return self.account(AccountState.PENDING_CONFIRMATION)
        if kind == TokenKind.EMAIL_CHANGE:
            return self.account(pending_email=True)
        return self.account()

    def token(self, kind: TokenKind, condition: str) -> str:
        """A token of `kind` that is `fresh`, `used`, `replaced` (by a newer link) or of `other_kind`."""
        if condition == "other_kind":
            other = TokenKind.RESET if kind != TokenKind.RESET else TokenKind.ACTIVATION
            return self.link(self.holder(other), other)[1]
        account, token = self.link(self.holder(kind), kind)
        if condition == "used":
            self.store.save_account_using_token(without_tokens(account, kind), token_hash(token), self.clock())
        elif condition == "replaced":
            self.link(account, kind)
        else:
            assert condition == "fresh", condition
        return token
