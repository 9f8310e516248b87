"""Input limits (functions/core/limits.py): the same numbers in the contract, the rules and the apps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from functions.core import limits
from functions.core.emails import InvalidEmail, normalize_email
from functions.core.errors import TokenInvalid
from functions.core.identifiers import IDENTIFIER_PATTERN
from functions.core.links import open_token
from functions.core.tokens import TokenKind
from functions.feedback import flow as feedback_flow

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "functions" / "openapi.yaml").read_text(encoding="utf-8"))
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]

# Every bounded field of the contract, as `Schema.property` (or a shared `Schema`), and its limit.
EXPECTED = {
    "Identifier": limits.IDENTIFIER_MAX_LENGTH,
    "Password": limits.PASSWORD_MAX_LENGTH,
    "NewPassword": limits.PASSWORD_MAX_LENGTH,
    "Token": limits.TOKEN_MAX_LENGTH,
    "FirstConnectionRequest.birth_date": limits.BIRTH_DATE_MAX_LENGTH,
    "FirstConnectionRequest.email": limits.EMAIL_MAX_LENGTH,
    "FirstConnectionRequest.new_password_confirmation": limits.PASSWORD_MAX_LENGTH,
    "CorrectEmailRequest.email": limits.EMAIL_MAX_LENGTH,
    "IdentifierRecoveryRequest.email": limits.EMAIL_MAX_LENGTH,
    "PasswordResetRequest.token": limits.TOKEN_INPUT_MAX_LENGTH,
    "LinkStatusRequest.token": limits.TOKEN_INPUT_MAX_LENGTH,
    "PasswordResetRequest.new_password_confirmation": limits.PASSWORD_MAX_LENGTH,
    "ChangePasswordRequest.new_password_confirmation": limits.PASSWORD_MAX_LENGTH,
    "ChangeEmailRequest.new_email": limits.EMAIL_MAX_LENGTH,
    "FeedbackRequest.page": limits.FEEDBACK_PAGE_MAX_LENGTH,
    "FeedbackRequest.comment": limits.FEEDBACK_COMMENT_MAX_LENGTH,
    # The console's staff.
    "StaffCode": limits.STAFF_CODE_MAX_LENGTH,
    "AdminInvitationRequest.token": limits.TOKEN_INPUT_MAX_LENGTH,
    "AdminInvitationRequest.password": limits.PASSWORD_MAX_LENGTH,
    "AdminInvitationRequest.password_confirmation": limits.PASSWORD_MAX_LENGTH,
    "AdminConfirmRequest.token": limits.TOKEN_INPUT_MAX_LENGTH,
    "AdminLoginRequest.email": limits.EMAIL_MAX_LENGTH,
    "AdminInvitationCreate.email": limits.EMAIL_MAX_LENGTH,
}


def _bounded() -> dict[str, int]:
    found = {}
    for name, schema in SCHEMAS.items():
        if "maxLength" in schema:
            found[name] = schema["maxLength"]
        for field, prop in schema.get("properties", {}).items():
            if "maxLength" in prop:
                found[f"{name}.{field}"] = prop["maxLength"]
    return found


def test_every_max_length_of_the_contract_is_the_limit_of_its_field() -> None:
    assert _bounded() == EXPECTED


def test_the_token_shape_is_the_same_in_the_contract() -> None:
    assert SCHEMAS["Token"]["minLength"] == limits.TOKEN_MIN_LENGTH


def test_one_email_length_everywhere() -> None:
    emails = {key: value for key, value in _bounded().items() if key.endswith("email")}
    assert set(emails.values()) == {limits.EMAIL_MAX_LENGTH} and len(emails) == 6  # 2 of the console
    assert limits.EMAIL_INPUT_MAX_LENGTH > limits.EMAIL_MAX_LENGTH


def _address(length: int) -> str:
    domain = "b" * 63 + "." + "c" * 63 + ".fr"
    return "a" * (length - len(domain) - 1) + "@" + domain


def test_an_address_of_the_limit_is_taken_one_more_is_invalid_email() -> None:
    assert normalize_email(_address(limits.EMAIL_MAX_LENGTH)) == _address(limits.EMAIL_MAX_LENGTH)
    with pytest.raises(InvalidEmail):
        normalize_email(_address(limits.EMAIL_MAX_LENGTH + 1))


def test_identifiers_stop_at_the_limit() -> None:
    assert IDENTIFIER_PATTERN.match("a" * limits.IDENTIFIER_MAX_LENGTH)
    assert not IDENTIFIER_PATTERN.match("a" * (limits.IDENTIFIER_MAX_LENGTH + 1))


def test_the_feedback_flow_checks_the_same_limits() -> None:
    assert feedback_flow.MAX_PAGE_LENGTH == limits.FEEDBACK_PAGE_MAX_LENGTH
    assert feedback_flow.MAX_COMMENT_LENGTH == limits.FEEDBACK_COMMENT_MAX_LENGTH


def test_tokens_outside_the_shape_are_refused_before_any_read() -> None:
    class NoStore:
        def __getattr__(self, name: str) -> Any:
            raise AssertionError(f"the store was read ({name}) for a token of the wrong shape")

    for token in ("a" * (limits.TOKEN_MIN_LENGTH - 1), "a" * (limits.TOKEN_MAX_LENGTH + 1)):
        with pytest.raises(TokenInvalid):
            open_token(NoStore(), token, TokenKind.RESET, None)  # type: ignore[arg-type]
