"""The password rule (DESIGN §2, §6.2): one configurable `PasswordRule`, every reason given at once.

    context = PolicyContext(identifier=account.identifier, names=(account.first_name, account.last_name),
                            birth_date=account.birth_date,
                            is_previous=lambda candidate: verify_password(account.password_hash, candidate))
    new_password = enforce(body["new_password"], confirmation=body["new_password_confirmation"], context=context)

`enforce` returns the password NFC-normalized: hash that one, and `normalize` what is typed at login, so
« é » typed as one code point or as « e » + accent is the same password. Messages never quote the
password nor anything derived from it (they may be logged).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from importlib.resources import files

from functions.core.errors import DomainError
from functions.core.messages import CATALOGUE, Code
from functions.core.text import canonical, fold

PASSWORD_FIELD = "new_password"
CONFIRMATION_FIELD = "new_password_confirmation"
BLOCKLIST_RESOURCE = "data/common-passwords.txt.gz"
_NOT_LETTERS = re.compile(r"[\W\d_]+")


@dataclass(frozen=True)
class PasswordRule:
    """The numbers and switches of the rule: the ENT's 8 to 14 characters, letters and digits."""

    min_length: int = 8
    max_length: int = 14
    require_letter: bool = True
    require_digit: bool = True
    use_blocklist: bool = True
    min_name_part_length: int = 3  # shorter name parts (« Li », « Wu ») would refuse too much
    refuse_birth_year: bool = False  # the year alone (« Lucas2015 »): see _contains_date

    def __post_init__(self) -> None:
        if not 1 <= self.min_length <= self.max_length:
            raise ValueError("PasswordRule needs 1 <= min_length <= max_length")

    def summary(self) -> str:
        """Return the rule as shown on forms and in emails."""
        kinds = {
            (True, True): ", lettres ET chiffres obligatoires",
            (True, False): ", au moins une lettre",
            (False, True): ", au moins un chiffre",
            (False, False): "",
        }
        return f"{self.min_length} à {self.max_length} caractères" + kinds[self.require_letter, self.require_digit]


DEFAULT_RULE = PasswordRule()
RULE_TEXT = DEFAULT_RULE.summary()  # "8 à 14 caractères, lettres ET chiffres obligatoires"


class ViolationCode(StrEnum):
    """Stable codes of the reasons, in the order they are given."""

    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    FORBIDDEN_CHARACTER = "forbidden_character"
    MISSING_LETTER = "missing_letter"
    MISSING_DIGIT = "missing_digit"
    CONTAINS_IDENTIFIER = "contains_identifier"
    CONTAINS_NAME = "contains_name"
    CONTAINS_BIRTH_DATE = "contains_birth_date"
    SAME_AS_PREVIOUS = "same_as_previous"
    TOO_COMMON = "too_common"
    MISMATCH = "mismatch"


# What each reason tells the person; {min_length} and {max_length} come from the rule.
MESSAGES: dict[ViolationCode, str] = {
    ViolationCode.TOO_SHORT: "Le mot de passe doit contenir au moins {min_length} caractères.",
    ViolationCode.TOO_LONG: "Le mot de passe ne doit pas dépasser {max_length} caractères.",
    ViolationCode.FORBIDDEN_CHARACTER: "Le mot de passe contient un caractère invisible ou de contrôle, qui n'est pas autorisé.",
    ViolationCode.MISSING_LETTER: "Le mot de passe doit contenir au moins une lettre.",
    ViolationCode.MISSING_DIGIT: "Le mot de passe doit contenir au moins un chiffre.",
    ViolationCode.CONTAINS_IDENTIFIER: "Le mot de passe ne doit pas contenir votre identifiant.",
    ViolationCode.CONTAINS_NAME: "Le mot de passe ne doit pas contenir votre nom ou votre prénom.",
    ViolationCode.CONTAINS_BIRTH_DATE: "Le mot de passe ne doit pas contenir la date de naissance de l'élève.",
    ViolationCode.SAME_AS_PREVIOUS: "Le nouveau mot de passe doit être différent de l'ancien.",
    ViolationCode.TOO_COMMON: "Ce mot de passe est trop courant, donc facile à deviner : choisissez-en un autre.",
    ViolationCode.MISMATCH: CATALOGUE[Code.PASSWORD_MISMATCH].message,
}


@dataclass(frozen=True)
class Violation:
    code: ViolationCode
    message: str
    field: str = PASSWORD_FIELD


@dataclass(frozen=True)
class PolicyContext:
    """What the password must not contain or repeat; `is_previous` checks against the stored hash."""

    identifier: str
    names: tuple[str, ...] = ()
    birth_date: date | None = None
    is_previous: Callable[[str], bool] | None = None


class PasswordPolicyError(DomainError, answer=Code.PASSWORD_POLICY):
    message = CATALOGUE[Code.PASSWORD_POLICY].message.format(rule=RULE_TEXT)

    def __init__(self, violations: Sequence[Violation]) -> None:
        super().__init__(" ".join(v.message for v in violations) or None, field=PASSWORD_FIELD)
        self.violations = tuple(violations)


class PasswordMismatch(DomainError, answer=Code.PASSWORD_MISMATCH):
    def __init__(self) -> None:
        super().__init__(field=CONFIRMATION_FIELD)


def normalize(password: str) -> str:
    """Return `password` in NFC, the form that is checked, hashed and verified."""
    return canonical(password)


@cache
def blocklist() -> frozenset[str]:
    """Return the shipped common passwords, lowercase; read once, on first use."""
    compressed = files("functions.core").joinpath(BLOCKLIST_RESOURCE).read_bytes()
    return frozenset(gzip.decompress(compressed).decode("utf-8").split())


def check(
    password: str, *, confirmation: str | None = None, context: PolicyContext, rule: PasswordRule = DEFAULT_RULE
) -> list[Violation]:
    """Return every reason `password` is refused, in ViolationCode order; empty when accepted."""
    password = normalize(password)
    folded = fold(password)
    has_identifier = _contains_identifier(folded, context.identifier)
    refused = {
        ViolationCode.TOO_SHORT: len(password) < rule.min_length,
        ViolationCode.TOO_LONG: len(password) > rule.max_length,
        # Control, format (zero-width, bidi), unassigned, and every space but " ".
        ViolationCode.FORBIDDEN_CHARACTER: not password.isprintable(),
        ViolationCode.MISSING_LETTER: rule.require_letter and not any(ch.isalpha() for ch in password),
        ViolationCode.MISSING_DIGIT: rule.require_digit and not any(ch.isdecimal() for ch in password),
        ViolationCode.CONTAINS_IDENTIFIER: has_identifier,
        ViolationCode.CONTAINS_NAME: not has_identifier and _contains_name(folded, context, rule),
        ViolationCode.CONTAINS_BIRTH_DATE: context.birth_date is not None
        and _contains_date(password, context.birth_date, rule),
        ViolationCode.SAME_AS_PREVIOUS: context.is_previous is not None and context.is_previous(password),
        ViolationCode.TOO_COMMON: rule.use_blocklist and not blocklist().isdisjoint({password.casefold(), folded}),
        ViolationCode.MISMATCH: confirmation is not None and normalize(confirmation) != password,
    }
    return [_violation(code, rule) for code, failed in refused.items() if failed]


def enforce(
    password: str, *, confirmation: str | None = None, context: PolicyContext, rule: PasswordRule = DEFAULT_RULE
) -> str:
    """Return `password` normalized; raise PasswordPolicyError, else PasswordMismatch, if refused."""
    reasons = check(password, confirmation=confirmation, context=context, rule=rule)
    policy = [reason for reason in reasons if reason.code is not ViolationCode.MISMATCH]
    if policy:
        raise PasswordPolicyError(policy)
    if reasons:
        raise PasswordMismatch()
    return normalize(password)


def _violation(code: ViolationCode, rule: PasswordRule) -> Violation:
    field = CONFIRMATION_FIELD if code is ViolationCode.MISMATCH else PASSWORD_FIELD
    return Violation(code, MESSAGES[code].format(min_length=rule.min_length, max_length=rule.max_length), field)


def _contains_identifier(folded: str, identifier: str) -> bool:
    """Tell whether the identifier is inside, with or without its dot (« marie.durand », « mariedurand »)."""
    written = fold(identifier.strip())
    compact = re.sub(r"[\W_]+", "", written)
    return any(form in folded for form in (written, compact) if form)


def _contains_name(folded: str, context: PolicyContext, rule: PasswordRule) -> bool:
    """Tell whether a part of a name (« jean », « pierre » of « Jean-Pierre ») is inside."""
    texts = (context.identifier, *context.names)
    parts = {part for text in texts for part in _NOT_LETTERS.split(fold(text))}
    return any(len(part) >= rule.min_name_part_length and part in folded for part in parts)


def _contains_date(password: str, day: date, rule: PasswordRule) -> bool:
    """Tell whether the digits of `password`, read in order, hold `day` as a written date.

    Separators are ignored (15/03/2015, 15-03-2015, 15.03.2015 and 15032015 are alike); the forms
    are DDMMYYYY, YYYYMMDD, DDMMYY and, when day or month has one digit, DMYYYY (1/3/2015). The year
    alone and the day and month alone are accepted unless `refuse_birth_year`: four digits would
    refuse many ordinary passwords under a reason (« la date de naissance ») people would not
    recognise, and they are worth less to a guesser than a full date.
    """
    digits = "".join(ch for ch in password if ch.isdecimal() and ch.isascii())
    dd, mm, yyyy = f"{day.day:02d}", f"{day.month:02d}", f"{day.year:04d}"
    forms = {dd + mm + yyyy, yyyy + mm + dd, dd + mm + yyyy[2:], f"{day.day}{day.month}{yyyy}"}
    if rule.refuse_birth_year:
        forms.add(yyyy)
    return any(form in digits for form in forms)
