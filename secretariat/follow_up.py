"""The secretariat's follow-up of one account: new letter, reactivation, unlock. No output here."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from functions.core import audit
from functions.core.accounts import IssuedAccount
from functions.core.audit import Client
from functions.core.clock import paris_day
from functions.core.errors import AccountNotFound, DomainError
from functions.core.identifiers import normalize_identifier
from functions.core.lifecycle import AccountState, deadlines_for
from functions.core.links import without_tokens
from functions.core.model import Account
from functions.core.passwords import generate_initial_password, hash_password
from functions.core.store import Store
from functions.core.throttling import cleared

ADMIN = Client(source_ip=None, user_agent="ent-admin")
STATE_LABELS = {
    AccountState.ISSUED: "délivré (première connexion à faire)",
    AccountState.PENDING_CONFIRMATION: "en attente de confirmation du courriel",
    AccountState.ACTIVE: "actif",
    AccountState.DEACTIVATED: "désactivé",
}


class WrongState(DomainError):
    code = "wrong_state"
    status = 409


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
    store: Store, identifier: str, now: datetime, operator: str, *, reactivate: bool = False
) -> IssuedAccount:
    """Give the account a new initial password and new deadlines from today: back to `issued`.

    The old password, every session and every emailed link stop working; the lock and the reminders
    are cleared; the identifier stays. `reactivate` accepts a deactivated account only.
    """
    account = find_account(store, identifier)
    password = generate_initial_password()
    password_hash = hash_password(password)
    deadlines = deadlines_for(paris_day(now))
    cancelled: list[str] = []

    def renewed(fresh: Account) -> Account:
        if reactivate and fresh.state != AccountState.DEACTIVATED:
            raise WrongState(
                f"Le compte {fresh.identifier} n'est pas désactivé (état : {STATE_LABELS[fresh.state]}) : "
                f"rien à réactiver. Pour un nouveau mot de passe : ent-admin reissue {fresh.identifier}."
            )
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
            guesses=cleared(),
            reminders_sent=(),
        )

    saved = store.update_account(account, renewed)
    store.delete_tokens(cancelled)
    record(
        store,
        saved.identifier,
        "reactivated" if reactivate else "reissued",
        now,
        operator,
        detail=f"was {account.state.value}",
    )
    return IssuedAccount(account=saved, initial_password=password)


def unlock(store: Store, identifier: str, now: datetime, operator: str) -> tuple[Account, datetime | None]:
    """Clear the failed guesses and the lock; return the account and the lock it had."""
    account = find_account(store, identifier)
    locked_until = (
        account.guesses.locked_until if account.guesses.locked_until and account.guesses.locked_until > now else None
    )
    saved = store.update_account(account, lambda fresh: replace(fresh, guesses=cleared()))
    record(store, saved.identifier, "unlocked", now, operator)
    return saved, locked_until
