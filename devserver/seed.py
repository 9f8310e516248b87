"""Demo accounts of the local stack, one per notable state, and their credentials as a table."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from functions.core.accounts import issue_account
from functions.core.lifecycle import AccountState, Profile
from functions.core.passwords import hash_password
from functions.core.store import Store

SCHOOL = "0751234J"
SCHOOL_NAME = "Collège Victor-Hugo"
ACTIVE_EMAIL = "famille.demo@example.fr"
ACTIVE_PASSWORD = "Marelle7Crayon"  # meets the ENT rule: 8-14 characters, letters and digits
STATE_LABELS = {
    AccountState.ISSUED: "issued (émis : première connexion à faire)",
    AccountState.PENDING_CONFIRMATION: "pending_confirmation (courriel à confirmer)",
    AccountState.ACTIVE: "active (actif)",
    AccountState.DEACTIVATED: "deactivated (désactivé)",
}


@dataclass(frozen=True)
class DemoAccount:
    identifier: str
    password: str
    profile: Profile
    state: AccountState
    birth_date: date
    email: str | None = None


def seed_demo_accounts(store: Store, now: datetime) -> list[DemoAccount]:
    """Name the school; create an issued, an active and a deactivated account; return their credentials."""
    store.set_school_name(SCHOOL, SCHOOL_NAME)
    issued = issue_account(
        store,
        profile=Profile.PARENT,
        first_name="Camille",
        classe="6e B",
        last_name="Martin",
        birth_date=date(2014, 5, 12),
        school=SCHOOL,
        now=now,
    )

    active = issue_account(
        store,
        profile=Profile.PARENT,
        first_name="Léa",
        classe="5e A",
        last_name="Dupont",
        birth_date=date(2013, 2, 27),
        school=SCHOOL,
        now=now - timedelta(days=20),
    )
    store.save_account(
        replace(
            active.account,
            state=AccountState.ACTIVE,
            email=ACTIVE_EMAIL,
            password_hash=hash_password(ACTIVE_PASSWORD),
            activated_at=now - timedelta(days=19),
        )
    )

    # Issued four months ago and never activated: past its activation deadline, not yet deleted.
    deactivated = issue_account(
        store,
        profile=Profile.ELEVE,
        first_name="Noah",
        classe="3e C",
        last_name="Bernard",
        birth_date=date(2011, 9, 3),
        school=SCHOOL,
        now=now - timedelta(days=122),
    )
    store.save_account(replace(deactivated.account, state=AccountState.DEACTIVATED))

    return [
        DemoAccount(
            issued.account.identifier,
            issued.initial_password,
            Profile.PARENT,
            AccountState.ISSUED,
            issued.account.birth_date,
        ),
        DemoAccount(
            active.account.identifier,
            ACTIVE_PASSWORD,
            Profile.PARENT,
            AccountState.ACTIVE,
            active.account.birth_date,
            ACTIVE_EMAIL,
        ),
        DemoAccount(
            deactivated.account.identifier,
            deactivated.initial_password,
            Profile.ELEVE,
            AccountState.DEACTIVATED,
            deactivated.account.birth_date,
        ),
    ]


def credentials_table(accounts: list[DemoAccount]) -> list[str]:
    """Return the demo credentials as aligned lines, headers in French and English."""
    header = (
        "Identifiant / identifier",
        "Mot de passe / password",
        "Profil / profile",
        "Date de naissance / birth date",
        "État / state",
    )
    rows = [header] + [
        (
            account.identifier,
            account.password,
            account.profile.value,
            account.birth_date.strftime("%d/%m/%Y"),
            STATE_LABELS[account.state] + (f", {account.email}" if account.email else ""),
        )
        for account in accounts
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header) - 1)]
    lines = []
    for index, row in enumerate(rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)] + [row[-1]]
        lines.append("  " + "  ".join(cells))
        if index == 0:
            lines.append("  " + "  ".join("-" * len(cell) for cell in cells))
    return lines
