"""Demo staff of the console on the local stack: a secretary of the two demo schools, an académie member.

Enrolled straight into the store, each with a fresh TOTP secret printed in the banner: add it to
an authenticator application (or `python -c "import pyotp; print(pyotp.TOTP('SECRET').now())"`)
to sign in at /secretariat/.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from devserver.seed import SCHOOL
from functions.core.passwords import hash_password
from functions.core.second_factor import new_otp_secret, new_recovery_codes, recovery_code_hash
from functions.core.staff import StaffMember, StaffRole
from functions.core.store import Store

DEMO_OPERATOR = "devserver (pile locale)"
SECOND_SCHOOL = "0931234L"  # the demo secretary's second school (a valid UAI: 0931234 mod 23 = 10, L)
SECOND_SCHOOL_NAME = "Lycée Jules-Ferry"


@dataclass(frozen=True)
class DemoStaff:
    email: str
    password: str
    role: StaffRole
    schools: tuple[str, ...]
    otp_secret: str
    recovery_code: str  # one of its ten, for trying a sign-in without the application


# Staff passwords: at least 12 characters, none of the console's words (functions/admin/staff/enrolment.py).
DEMO_STAFF = (
    ("secretariat.demo@ac-exemple.fr", "Lanterne-Verger-42", StaffRole.SECRETARIAT, (SCHOOL, SECOND_SCHOOL)),
    ("academie.demo@ac-exemple.fr", "Boussole-Falaise-17", StaffRole.ACADEMIE, ()),
)


def seed_demo_staff(store: Store, now: datetime) -> list[DemoStaff]:
    """Name the second school, enrol the demo staff; return what they sign in with."""
    if store.school_name(SECOND_SCHOOL) is None:
        store.set_school_name(SECOND_SCHOOL, SECOND_SCHOOL_NAME)
    seeded = []
    for email, password, role, schools in DEMO_STAFF:
        secret, codes = new_otp_secret(), new_recovery_codes()
        member = StaffMember(
            email=email,
            role=role,
            schools=schools,
            invited_by=DEMO_OPERATOR,
            invited_at=now,
            password_hash=hash_password(password),
            otp_secret=secret,
            enrolled_at=now,
            recovery_codes=tuple(recovery_code_hash(code) for code in codes),
        )
        store.save_staff(member, listed=True)
        seeded.append(DemoStaff(email, password, role, schools, secret, codes[0]))
    return seeded


def staff_table(staff: list[DemoStaff]) -> list[str]:
    """Return the demo staff's credentials as lines, headers in French and English."""
    lines = []
    for member in staff:
        schools = ", ".join(member.schools) or "tous / every school"
        lines += [
            f"  {member.email}  ({member.role.value} : {schools})",
            f"    Mot de passe / password : {member.password}",
            f"    Secret TOTP / TOTP secret : {member.otp_secret}  (code de secours / recovery code : {member.recovery_code})",
        ]
    return lines
