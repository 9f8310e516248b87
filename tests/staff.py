"""Staff members of the console for tests: enrolled straight into the store, their codes and sessions.

Used by tests/functions/admin (the `staff_client` fixture), tests/contract and tests/infra.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import pyotp

from functions.core.passwords import hash_password
from functions.core.second_factor import new_otp_secret, new_recovery_codes, recovery_code_hash
from functions.core.staff import STEP_UP_WINDOW, StaffInvitation, StaffMember, StaffRole, open_staff_session
from functions.core.store import Store
from functions.core.tokens import new_token, token_hash

STAFF_PASSWORD = "Lanterne-Verger-42"
SCHOOL_A, SCHOOL_B = "0750654D", "0750655E"  # valid UAIs (their key letters are right)


def totp_code(secret: str, at: datetime) -> str:
    """The code the member's application shows at `at` (pyotp, RFC 6238)."""
    return pyotp.TOTP(secret).at(at)


@dataclass(frozen=True)
class EnrolledMember:
    member: StaffMember
    password: str
    otp_secret: str
    recovery_codes: tuple[str, ...]


class StaffFactory:
    """Enrolled members straight into the store: `staff_members.make(role=..., schools=...)`."""

    def __init__(self, store: Store, clock: Any) -> None:
        self.store, self.clock = store, clock
        self.numbers = itertools.count(1)

    def make(
        self,
        *,
        role: str | StaffRole = StaffRole.SECRETARIAT,
        schools: tuple[str, ...] = (SCHOOL_A,),
        email: str | None = None,
        password: str = STAFF_PASSWORD,
    ) -> EnrolledMember:
        role = StaffRole(role)
        email = email or f"{role.value}.{next(self.numbers)}@ac-exemple.fr"
        secret, codes = new_otp_secret(), new_recovery_codes()
        member = StaffMember(
            email=email,
            role=role,
            schools=tuple(schools),
            invited_by="arn:aws:sts::123456789012:assumed-role/operator/test",
            invited_at=self.clock() - timedelta(days=1),
            password_hash=hash_password(password),
            otp_secret=secret,
            enrolled_at=self.clock() - timedelta(days=1),
            recovery_codes=tuple(recovery_code_hash(code) for code in codes),
        )
        saved = self.store.save_staff(member, listed=True)
        return EnrolledMember(saved, password, secret, tuple(codes))

    def session(self, enrolled: EnrolledMember, *, stepped_up: bool = True) -> str:
        """Open a session of the member straight in the store; return the cookie's value."""
        session_id, session = open_staff_session(enrolled.member, self.clock())
        if not stepped_up:
            session = replace(session, stepped_up_at=self.clock() - STEP_UP_WINDOW)
        self.store.put_staff_session(session)
        return session_id

    def code(self, enrolled: EnrolledMember) -> str:
        """The member's code now (used once: the next one needs the clock to move 30 s)."""
        return totp_code(enrolled.otp_secret, self.clock())

    def invitation(
        self,
        *,
        role: StaffRole = StaffRole.SECRETARIAT,
        schools: tuple[str, ...] = (SCHOOL_A,),
        email: str | None = None,
    ) -> tuple[StaffMember, str]:
        """An invited member (not enrolled) and the token of their live invitation link."""
        email = email or f"invite.{next(self.numbers)}@ac-exemple.fr"
        token = new_token()
        expires_at = self.clock() + timedelta(hours=72)
        self.store.put_staff_invitation(StaffInvitation(token_hash(token), email, expires_at))
        member = StaffMember(
            email=email,
            role=role,
            schools=schools,
            invited_by="test",
            invited_at=self.clock(),
            invitation_hash=token_hash(token),
        )
        return self.store.save_staff(member, listed=True), token
