"""Issuing accounts: the identifier and initial password printed on the school's letter."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

from functions.core.clock import paris_day
from functions.core.errors import DomainError, IdentifierTaken, InvalidInput
from functions.core.identifiers import base_identifier, candidates
from functions.core.lifecycle import AccountState, Profile, deadlines_for
from functions.core.messages import Code
from functions.core.model import Account
from functions.core.names import check_name, hidden_character
from functions.core.passwords import generate_initial_password, hash_password
from functions.core.store import Store
from functions.core.text import fold
from functions.core.uai import validate_uai

MAX_NAME_LENGTH = 100
MAX_CLASS_LENGTH = 20  # « Terminale générale 3 »
MAX_HOMONYMS = 1000


class PersonAlreadyIssued(DomainError, answer=Code.PERSON_ALREADY_ISSUED):
    """This person already has an account in this school and profile: they keep it."""

    def __init__(self, identifier: str, hint: str | None = None) -> None:
        message = self.message.format(identifier=identifier)
        super().__init__(f"{message} {hint}" if hint else message, field="identifier")
        self.identifier = identifier


@dataclass(frozen=True)
class IssuedAccount:
    account: Account
    initial_password: str  # shown once, on the letter; only its hash is stored


def _validate_name(value: str, field: str, label: str) -> str:
    check_name(value, field, label)  # before the spaces are folded: a tab or line break is refused too
    name = " ".join(value.split())
    if not name:
        raise InvalidInput(f"Le {label} est obligatoire.", field=field)
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"Le {label} dépasse {MAX_NAME_LENGTH} caractères.", field=field)
    return name


def validate_class(value: str | None) -> str | None:
    """Return the class as printed (spaces folded), None if empty; refuse hidden characters and length."""
    if value is None:
        return None
    code_point = hidden_character(value)
    if code_point is not None:
        raise InvalidInput(
            f"La classe contient un caractère invisible ou de contrôle ({code_point}) : "
            "retapez-la au clavier, sans copier-coller.",
            field="classe",
        )
    classe = " ".join(value.split())
    if len(classe) > MAX_CLASS_LENGTH:
        raise InvalidInput(f"La classe dépasse {MAX_CLASS_LENGTH} caractères.", field="classe")
    return classe or None


def _folded(name: str) -> str:
    letters = fold(name)
    return " ".join(re.sub(r"['’`]", "", letters).replace("-", " ").split())


def person_fingerprint(first_name: str, last_name: str, birth_date: date) -> str:
    """Return who this is, whatever the case, accents, hyphens or apostrophes of the roster."""
    key = f"{_folded(last_name)}|{_folded(first_name)}|{birth_date.isoformat()}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue_account(
    store: Store,
    *,
    profile: Profile,
    first_name: str,
    last_name: str,
    birth_date: date,
    school: str,
    now: datetime,
    once_per_person: bool = False,
    classe: str | None = None,
) -> IssuedAccount:
    """Create an `issued` account with a fresh identifier and initial password.

    With `once_per_person`, the same names and birth date in the same school and profile are
    recognised: PersonAlreadyIssued names the account they already have, and nothing is written.
    `classe` is the pupil's class (for a parent: their child's), shown in Mon compte and the mails.
    """
    first_name = _validate_name(first_name, "first_name", "prénom")
    last_name = _validate_name(last_name, "last_name", "nom")
    classe = validate_class(classe)
    school = validate_uai(school)
    if birth_date > paris_day(now):
        raise InvalidInput("La date de naissance ne peut pas être dans le futur.", field="birth_date")
    fingerprint = person_fingerprint(first_name, last_name, birth_date) if once_per_person else None
    if fingerprint:
        existing = store.person_identifier(school, profile, fingerprint)
        if existing and store.get_account(existing):
            raise PersonAlreadyIssued(existing)
        if existing:  # its account is gone (deleted at one year): this person gets a new identifier
            store.forget_person(school, profile, fingerprint, existing)
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
            classe=classe,
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            password_hash=password_hash,
            issued_at=now,
            activation_deadline=deadlines.activation_deadline,
            deletion_date=deadlines.deletion_date,
            person_fingerprint=fingerprint,
        )
        try:
            if fingerprint is None:
                store.create_account(account)
            elif (existing := store.create_account_for_person(account)) is not None:
                raise PersonAlreadyIssued(existing)  # issued by someone else in the meantime
        except IdentifierTaken:
            continue
        return IssuedAccount(account=account, initial_password=initial_password)
    raise IdentifierTaken(f"Plus de {MAX_HOMONYMS} homonymes : identifiant impossible à attribuer.")
