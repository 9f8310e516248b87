"""The password rule, case by case, as the FAQ tells it: 8 to 14 characters, letters AND digits."""

from __future__ import annotations

import gzip
import tracemalloc
import unicodedata
from datetime import date
from importlib.resources import files

import pytest

from functions.core.errors import DomainError
from functions.core.password_policy import (
    BLOCKLIST_RESOURCE,
    DEFAULT_RULE,
    MESSAGES,
    RULE_TEXT,
    PasswordMismatch,
    PasswordPolicyError,
    PasswordRule,
    PolicyContext,
    ViolationCode,
    blocklist,
    check,
    enforce,
    normalize,
)
from functions.core.passwords import hash_password, verify_password

C = ViolationCode
MARIE = PolicyContext(identifier="marie.durand", names=("Marie", "Durand"), birth_date=date(2015, 3, 15))
NOBODY = PolicyContext(identifier="paul.martin")


def codes(
    password: str,
    context: PolicyContext = NOBODY,
    *,
    confirmation: str | None = None,
    rule: PasswordRule = DEFAULT_RULE,
) -> list[ViolationCode]:
    return [violation.code for violation in check(password, confirmation=confirmation, context=context, rule=rule)]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_the_rule_text_shown_on_forms_is_the_ents() -> None:
    assert RULE_TEXT == "8 à 14 caractères, lettres ET chiffres obligatoires"


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Abcdef7", [C.TOO_SHORT]),  # 7
        ("Abcdefg7", []),  # 8
        ("Abcdefghijkl78", []),  # 14
        ("Abcdefghijklm78", [C.TOO_LONG]),  # 15
    ],
)
def test_password_length_must_be_8_to_14_characters(password: str, expected: list[ViolationCode]) -> None:
    assert codes(password) == expected


def test_password_of_15_characters_is_refused_not_truncated() -> None:
    with pytest.raises(PasswordPolicyError) as refused:
        enforce("Abcdefghijklm78", context=NOBODY)
    assert refused.value.message == "Le mot de passe ne doit pas dépasser 14 caractères."
    assert enforce("Abcdefghijkl78", context=NOBODY) == "Abcdefghijkl78"


@pytest.mark.parametrize("password", ["Éléphant12", "çàéèùâêîôû1", "Noël2024x", "Œuvre2024x", "Ζεύς12345"])
def test_accented_letters_count_as_letters(password: str) -> None:
    assert codes(password) == []


@pytest.mark.parametrize(
    ("password", "code", "message"),
    [
        ("cornichons", C.MISSING_DIGIT, "Le mot de passe doit contenir au moins un chiffre."),
        ("Éléphants", C.MISSING_DIGIT, "Le mot de passe doit contenir au moins un chiffre."),
        ("93847561", C.MISSING_LETTER, "Le mot de passe doit contenir au moins une lettre."),
        ("9384-7561", C.MISSING_LETTER, "Le mot de passe doit contenir au moins une lettre."),
    ],
)
def test_password_without_digit_or_letter_is_refused_with_reason(
    password: str, code: ViolationCode, message: str
) -> None:
    [violation] = check(password, context=NOBODY)
    assert (violation.code, violation.message, violation.field) == (code, message, "new_password")


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Marie.Durand1", C.CONTAINS_IDENTIFIER),
        ("xMARIE.DURAND7", C.CONTAINS_IDENTIFIER),
        ("mariedurand9", C.CONTAINS_IDENTIFIER),
        ("Durand2024x", C.CONTAINS_NAME),
        ("12MARIEabcd", C.CONTAINS_NAME),
        ("xxmArIe99x", C.CONTAINS_NAME),
    ],
)
def test_password_containing_the_identifier_or_a_name_is_refused_in_any_case(
    password: str, expected: ViolationCode
) -> None:
    assert codes(password, MARIE) == [expected]


@pytest.mark.parametrize("password", ["Helene123x", "xHÉLÈNE99", "hélène2024"])
def test_names_are_found_with_or_without_their_accents(password: str) -> None:
    context = PolicyContext(identifier="helene.legrand", names=("Hélène", "Legrand"))
    assert codes(password, context) == [C.CONTAINS_NAME]


def test_homonym_identifier_with_its_number_is_refused() -> None:
    assert codes("marie.durand2x", PolicyContext(identifier="marie.durand2")) == [C.CONTAINS_IDENTIFIER]


def test_name_parts_shorter_than_three_letters_are_not_refused_alone() -> None:
    context = PolicyContext(identifier="li.wu", names=("Li", "Wu"))
    assert codes("Liberte2024x", context) == []
    assert codes("xli.wu2024", context) == [C.CONTAINS_IDENTIFIER]


@pytest.mark.parametrize(
    "password",
    [
        "Lea15032015",
        "Lea15/03/2015",
        "Lea15-03-2015",
        "Lea15.03.2015",
        "x20150315",
        "x2015-03-15",
        "Lea150315",
        "Lea15/03/15",
    ],
)
def test_password_containing_the_childs_birth_date_is_refused(password: str) -> None:
    context = PolicyContext(identifier="paul.martin", birth_date=date(2015, 3, 15))
    [violation] = check(password, context=context)
    assert violation.code == C.CONTAINS_BIRTH_DATE
    assert violation.message == "Le mot de passe ne doit pas contenir la date de naissance de l'élève."


def test_birth_date_without_leading_zeros_is_refused() -> None:
    assert codes("Zoe1/3/2015", PolicyContext(identifier="paul.martin", birth_date=date(2015, 3, 1))) == [
        C.CONTAINS_BIRTH_DATE
    ]


@pytest.mark.parametrize("password", ["Lea16032015", "Lucas2015x", "Bateau1503"])
def test_another_date_or_the_birth_year_alone_is_accepted_by_default(password: str) -> None:
    assert codes(password, PolicyContext(identifier="paul.martin", birth_date=date(2015, 3, 15))) == []


def test_birth_year_alone_can_be_refused_by_configuration() -> None:
    rule = PasswordRule(refuse_birth_year=True)
    context = PolicyContext(identifier="paul.martin", birth_date=date(2015, 3, 15))
    assert codes("Lucas2015x", context, rule=rule) == [C.CONTAINS_BIRTH_DATE]


@pytest.mark.parametrize(
    "password", ["azerty123", "password1", "PASSWORD1", "Azerty123", "marseille13", "Motdepassé1", "a1z2e3r4t5"]
)
def test_common_password_is_refused(password: str) -> None:
    [violation] = check(password, context=NOBODY)
    assert violation.code == C.TOO_COMMON
    assert "trop courant" in violation.message


def test_common_passwords_are_accepted_when_the_blocklist_is_switched_off() -> None:
    assert codes("azerty123", rule=PasswordRule(use_blocklist=False)) == []


def test_previous_password_is_refused() -> None:
    context = PolicyContext(identifier="paul.martin", is_previous=lambda candidate: candidate == "Vacances2019")
    assert codes("Vacances2019", context) == [C.SAME_AS_PREVIOUS]
    assert codes("Vacances2020", context) == []


def test_previous_password_is_recognised_from_its_argon2_hash_even_typed_decomposed() -> None:
    stored = hash_password(normalize("Été2019plage"))
    context = PolicyContext(identifier="paul.martin", is_previous=lambda candidate: verify_password(stored, candidate))
    [violation] = check(nfd("Été2019plage"), context=context)
    assert violation.message == "Le nouveau mot de passe doit être différent de l'ancien."


def test_several_violations_are_all_given_at_once() -> None:
    assert codes("marie", MARIE) == [C.TOO_SHORT, C.MISSING_DIGIT, C.CONTAINS_NAME, C.TOO_COMMON]
    with pytest.raises(PasswordPolicyError) as refused:
        enforce("xq\x07", context=NOBODY)
    error = refused.value
    assert isinstance(error, DomainError)
    assert (error.code, error.status, error.field) == ("password_policy", 400, "new_password")
    assert [v.code for v in error.violations] == [C.TOO_SHORT, C.FORBIDDEN_CHARACTER, C.MISSING_DIGIT]
    assert error.message == " ".join(v.message for v in error.violations)
    assert error.message.startswith("Le mot de passe doit contenir au moins 8 caractères. ")


def test_confirmation_that_differs_is_refused_on_the_confirmation_field() -> None:
    assert codes("Girafe2024", confirmation="Girafe2025") == [C.MISMATCH]
    with pytest.raises(PasswordMismatch) as refused:
        enforce("Girafe2024", confirmation="girafe2024", context=NOBODY)
    error = refused.value
    assert (error.code, error.status, error.field) == ("password_mismatch", 400, "new_password_confirmation")
    assert error.message == "Les deux mots de passe saisis ne sont pas identiques."


def test_rule_violations_are_raised_before_a_confirmation_mismatch() -> None:
    with pytest.raises(PasswordPolicyError):
        enforce("court", confirmation="autre", context=NOBODY)


def test_composed_and_decomposed_accents_are_the_same_password() -> None:
    composed = "Éléphantéé1234"  # 14 characters, 18 code points once decomposed
    assert len(nfd(composed)) == 18
    assert codes(nfd(composed), confirmation=composed) == []
    assert enforce(nfd(composed), confirmation=composed, context=NOBODY) == composed


@pytest.mark.parametrize(
    "password",
    ["Abcdefg1\x00", "Abc\tdefg1", "Abc\ndefg1", "Abcd\u200befg1", "Abcd\u00a0efg1", "Abcd\u202eefg1", "Abcd\x7fefg1"],
)
def test_control_and_invisible_characters_are_refused(password: str) -> None:
    assert codes(password) == [C.FORBIDDEN_CHARACTER]


def test_spaces_and_punctuation_are_allowed() -> None:
    assert codes("mon chat 12!") == []


def test_rule_numbers_are_configurable_and_named_in_messages() -> None:
    rule = PasswordRule(min_length=10, max_length=20, require_digit=False)
    [violation] = check("Girafe", context=NOBODY, rule=rule)
    assert violation.message == "Le mot de passe doit contenir au moins 10 caractères."
    assert rule.summary() == "10 à 20 caractères, au moins une lettre"
    with pytest.raises(ValueError):
        PasswordRule(min_length=15, max_length=14)


def test_violation_codes_are_stable() -> None:
    assert [code.value for code in ViolationCode] == [
        "too_short",
        "too_long",
        "forbidden_character",
        "missing_letter",
        "missing_digit",
        "contains_identifier",
        "contains_name",
        "contains_birth_date",
        "same_as_previous",
        "too_common",
        "mismatch",
    ]


def test_blocklist_is_read_lazily_once() -> None:
    blocklist.cache_clear()
    check("Girafe2024", context=NOBODY, rule=PasswordRule(use_blocklist=False))
    assert blocklist.cache_info().currsize == 0
    check("Girafe2024", context=NOBODY)
    check("Girafe2025", context=NOBODY)
    assert blocklist.cache_info().misses == 1


def test_blocklist_ships_at_least_10000_lowercase_unique_entries() -> None:
    lines = (
        gzip.decompress(files("functions.core").joinpath(BLOCKLIST_RESOURCE).read_bytes()).decode("utf-8").splitlines()
    )
    assert len(lines) >= 10_000
    assert len(set(lines)) == len(lines)
    assert all(line == normalize(line).casefold() and line.isprintable() and line.strip() == line for line in lines)
    assert blocklist() == frozenset(lines)
    assert DEFAULT_RULE.use_blocklist


def test_blocklist_loads_fast_and_small() -> None:
    blocklist.cache_clear()
    tracemalloc.start()
    try:
        blocklist()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024


def test_every_reason_has_a_french_message() -> None:
    assert set(MESSAGES) == set(ViolationCode)
    assert PasswordMismatch.message == MESSAGES[ViolationCode.MISMATCH]
