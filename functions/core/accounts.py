"""Issuing accounts: the identifier and initial password printed on the school's letter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from functions.core.clock import paris_day
from functions.core.errors import IdentifierTaken, InvalidInput
from functions.core.identifiers import base_identifier, candidates
from functions.core.lifecycle import AccountState, Profile, deadlines_for
from functions.core.passwords import generate_initial_password, hash_password
from functions.core.store import Account, Store

MAX_NAME_LENGTH = 100
MAX_HOMONYMS = 1000
UAI_LENGTH = 8  # e.g. 0751234A: 7 digits and a letter


@dataclass(frozen=True)
class IssuedAccount:
    account: Account
    initial_password: str  # shown once, on the letter; only its hash is stored


def validate_uai(school: str) -> str:
    """Return the school's UAI code, uppercase; raise InvalidInput if malformed."""
    uai = school.strip().upper()
    if len(uai) != UAI_LENGTH or not uai[:7].isdigit() or not ("A" <= uai[7] <= "Z"):
        raise InvalidInput("Le code UAI de l'établissement doit compter 7 chiffres et une lettre (ex. 0751234A).", field="school")
    return uai


def _validate_name(value: str, field: str, label: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise InvalidInput(f"Le {label} est obligatoire.", field=field)
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"Le {label} dépasse {MAX_NAME_LENGTH} caractères.", field=field)
    return name


def issue_account(
    store: Store,
    *,
    profile: Profile,
    first_name: str,
    last_name: str,
    birth_date: date,
    school: str,
    now: datetime,
) -> IssuedAccount:
    """Create an `issued` account with a fresh identifier and initial password."""
    first_name = _validate_name(first_name, "first_name", "prénom")
    last_name = _validate_name(last_name, "last_name", "nom")
    school = validate_uai(school)
    if birth_date > paris_day(now):
        raise InvalidInput("La date de naissance ne peut pas être dans le futur.", field="birth_date")
    initial_password = generate_initial_password()
    deadlines = deadlines_for(paris_day(now))
    base = base_identifier(first_name, last_name, fallback=profile.value)
    password_hash = hash_password(initial_password)
    for attempt, identifier in enumerate(candidates(base)):
        if attempt >= MAX_HOMONYMS:
            break
        account = Account(
            identifier=identifier,
            profile=profile,
            state=AccountState.ISSUED,
            school=school,
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            password_hash=password_hash,
            issued_at=now,
            activation_deadline=deadlines.activation_deadline,
            deletion_date=deadlines.deletion_date,
        )
        try:
            store.create_account(account)
        except IdentifierTaken:
            continue
        return IssuedAccount(account=account, initial_password=initial_password)
    raise IdentifierTaken(f"Plus de {MAX_HOMONYMS} homonymes : identifiant impossible à attribuer.")
