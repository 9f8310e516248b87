"""Enrolment from an invitation link: a password, then a TOTP application confirmed by its first code.

The invitation (72 h, single use, stored as its SHA-256) is spent only by the confirmation, in one
transaction with the enrolled member: choosing the password again before that (the page reloaded)
gives a new TOTP secret, and the link still works until its code is confirmed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime

from functions.admin.staff.signin import record
from functions.core.audit import Client
from functions.core.errors import InvitationExpired, InvitationInvalid, InvitationUsed, StaffCodeIncorrect
from functions.core.guessing import Budget, reserve_guess
from functions.core.limits import TOKEN_MAX_LENGTH, TOKEN_MIN_LENGTH
from functions.core.password_policy import (
    PasswordMismatch,
    PasswordPolicyError,
    PasswordRule,
    PolicyContext,
    enforce,
)
from functions.core.passwords import hash_password
from functions.core.second_factor import (
    matching_step,
    new_otp_secret,
    new_recovery_codes,
    otpauth_uri,
    qr_svg,
    recovery_code_hash,
)
from functions.core.staff import STAFF_PASSWORD_MIN_LENGTH, StaffMember
from functions.core.store import Store
from functions.core.store.staff import StaffInvitationUsed
from functions.core.tokens import token_hash

STAFF_PASSWORD_RULE = PasswordRule(
    min_length=STAFF_PASSWORD_MIN_LENGTH, max_length=128, require_letter=True, require_digit=False
)
# Words anyone would try first against a console's account.
STAFF_CONTEXT_WORDS = ("secretariat", "secretaire", "academie", "console", "admin", "college", "lycee", "ecole")
SECRET_ENROLMENT = "staff_enrolment"
PASSWORD_FIELD, CONFIRMATION_FIELD = "password", "password_confirmation"


@dataclass(frozen=True)
class Enrolment:
    otp_secret: str
    otpauth_uri: str
    qr_svg: str


def invited_member(store: Store, token: str, now: datetime) -> tuple[StaffMember, str]:
    """Return the member a live invitation link is for, and the link's hash; refuse any other link."""
    if not TOKEN_MIN_LENGTH <= len(token) <= TOKEN_MAX_LENGTH:
        raise InvitationInvalid()
    hashed = token_hash(token)
    invitation = store.get_staff_invitation(hashed)
    if invitation is None:
        raise InvitationInvalid()
    if invitation.used_at is not None:
        raise InvitationUsed()
    member = store.get_staff(invitation.email)
    if invitation.expires_at <= now or member is None or member.invitation_hash != hashed:
        raise InvitationExpired()  # a newer invitation, or a disabling, replaced it
    return member, hashed


def staff_password(member: StaffMember, password: str, confirmation: str) -> str:
    """Apply the staff's rule: 12 characters at least, not common, none of their address's words."""
    local, _, domain = member.email.partition("@")
    try:
        return enforce(
            password,
            confirmation=confirmation,
            context=PolicyContext(identifier=local, names=(domain.split(".")[0], *STAFF_CONTEXT_WORDS)),
            rule=STAFF_PASSWORD_RULE,
        )
    except PasswordPolicyError as refused:
        refused.field = PASSWORD_FIELD  # the enrolment form's own field names
        refused.message = " ".join(violation.message for violation in refused.violations)
        raise
    except PasswordMismatch as refused:
        refused.field = CONFIRMATION_FIELD
        raise


def choose_password(store: Store, *, token: str, password: str, confirmation: str, now: datetime) -> Enrolment:
    """Save the password and a new TOTP secret for the invited member; return what the application needs."""
    member, _ = invited_member(store, token, now)
    chosen = staff_password(member, password, confirmation)
    secret = new_otp_secret()
    store.save_staff(replace(member, password_hash=hash_password(chosen), otp_secret=secret, enrolled_at=None))
    uri = otpauth_uri(secret, member.email)
    return Enrolment(otp_secret=secret, otpauth_uri=uri, qr_svg=qr_svg(uri))


def confirm(store: Store, *, token: str, code: str, now: datetime, client: Client) -> list[str]:
    """Check the application's first code, spend the link, and return the recovery codes (shown once)."""
    member, hashed = invited_member(store, token, now)
    if member.password_hash is None or member.otp_secret is None:
        raise InvitationInvalid()  # the password step comes first
    budget = Budget(f"invitation#{hashlib.sha256(hashed.encode()).hexdigest()[:16]}", trusted=False)
    reservation = reserve_guess(store, member.guess_identifier, SECRET_ENROLMENT, budget, now)
    step = matching_step(member.otp_secret, code, now, 0)
    if step is None:
        raise StaffCodeIncorrect()
    reservation.give_back()
    codes = new_recovery_codes()
    enrolled = replace(
        member,
        enrolled_at=now,
        last_otp_step=step,
        recovery_codes=tuple(recovery_code_hash(one) for one in codes),
        disabled_at=None,
        disabled_by=None,
        invitation_hash=None,
        session_version=member.session_version + 1,  # any session of a former enrolment ends
    )
    try:
        store.save_staff_using_invitation(enrolled, hashed, now)
    except StaffInvitationUsed:
        raise InvitationUsed() from None
    record(store, member.email, "staff_enrolled", now, client)
    return codes
