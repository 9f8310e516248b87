"""Managing the staff: invite, list, disable. For the académie, from the console or `ent-admin staff`.

`by` is who acts, as the audit names them: an `academie` member's email in the console, the
operator's IAM ARN (STS GetCallerIdentity) from `ent-admin`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from functions.admin.staff.signin import record
from functions.core.audit import Client
from functions.core.clock import paris_text
from functions.core.emails import normalize_email
from functions.core.errors import InvalidInput, InvalidUai, StaffAlreadyEnrolled, StaffNotFound
from functions.core.mail import Mailer
from functions.core.staff import INVITATION_LIFETIME, StaffInvitation, StaffMember, StaffRole, staff_key_of
from functions.core.store import Store
from functions.core.tokens import new_token, token_hash
from functions.core.uai import is_valid_uai, normalize_uai

INVITATION_PATH = "/secretariat/invitation/"
MAX_SCHOOLS = 50
ROLE_LABELS = {StaffRole.SECRETARIAT: "secrétariat d'établissement", StaffRole.ACADEMIE: "académie"}


@dataclass(frozen=True)
class Invited:
    member: StaffMember
    expires_at: datetime


def parse_role(value: object) -> StaffRole:
    if isinstance(value, str) and value in {role.value for role in StaffRole}:
        return StaffRole(value)
    raise InvalidInput("Choisissez le rôle : secretariat ou academie.", field="role")


def parse_schools(values: Iterable[object], role: StaffRole) -> tuple[str, ...]:
    """Return the UAIs, checked with their key letter, each once; a secretariat needs one at least."""
    schools: list[str] = []
    for value in values:
        uai = normalize_uai(value) if isinstance(value, str) else ""
        if not is_valid_uai(uai):
            raise InvalidUai(field="schools")
        if uai not in schools:
            schools.append(uai)
    if role == StaffRole.SECRETARIAT and not schools:
        raise InvalidInput("Un membre du secrétariat a au moins un établissement (code UAI).", field="schools")
    if len(schools) > MAX_SCHOOLS:
        raise InvalidInput(f"Au plus {MAX_SCHOOLS} établissements par membre.", field="schools")
    return tuple(schools)


def invite(
    store: Store,
    mailer: Mailer,
    *,
    email: str,
    role: StaffRole,
    schools: tuple[str, ...],
    by: str,
    now: datetime,
    public_url: str,
    client: Client,
) -> Invited:
    """Save an invitation for `email` (replacing any older one) and mail its link."""
    address = staff_key_of(normalize_email(email))
    existing = store.get_staff(address)
    if existing is not None and existing.enrolled and not existing.disabled:
        raise StaffAlreadyEnrolled()
    token = new_token()
    expires_at = now + INVITATION_LIFETIME
    store.put_staff_invitation(StaffInvitation(token_hash=token_hash(token), email=address, expires_at=expires_at))
    member = replace(
        existing or StaffMember(email=address, role=role, schools=schools),
        role=role,
        schools=schools,
        invited_by=by,
        invited_at=now,
        invitation_hash=token_hash(token),
    )
    member = store.save_staff(member, listed=True)
    detail = f"role={role.value}; schools={','.join(schools)}"
    record(store, address, "staff_invited", now, client, detail=detail, actor=by)
    mailer.send(
        "staff_invitation",
        to=address,
        link=f"{public_url}{INVITATION_PATH}#t={token}",
        role=ROLE_LABELS[role],
        schools=[f"{uai} - {store.school_name(uai) or uai}" for uai in schools] or ["tous les établissements"],
        expires_at=paris_text(expires_at),
    )
    return Invited(member=member, expires_at=expires_at)


def staff_list(store: Store) -> list[dict[str, Any]]:
    """Every member: email, role, schools, state (invited, active, disabled)."""
    return sorted(store.staff_list(), key=lambda line: line["email"])


def disable(
    store: Store, *, email: str, by: str, now: datetime, client: Client, acting: StaffMember | None = None
) -> StaffMember:
    """Disable the member's access and end every session of theirs; a second call changes nothing.

    `acting`: the console's member doing it, who may not disable themselves (the last académie
    member would lock the console out; the operator's `ent-admin` can).
    """
    address = staff_key_of(email)
    if acting is not None and acting.email == address:
        raise InvalidInput("Vous ne pouvez pas désactiver votre propre accès.", field="email")
    member = store.get_staff(address)
    if member is None:
        raise StaffNotFound()
    if member.disabled:
        return member
    disabled = store.save_staff(
        replace(
            member,
            disabled_at=now,
            disabled_by=by,
            invitation_hash=None,  # a pending invitation dies with the access
            session_version=member.session_version + 1,  # every open session is refused from now on
        ),
        listed=True,
    )
    record(store, address, "staff_disabled", now, client, actor=by)
    return disabled
