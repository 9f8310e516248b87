"""What a member may reach: a school, an account or an import outside their schools does not exist for them.

Every lookup of the school-scoped API goes through here, so that a school, account or import of
another school answers exactly as one that does not exist (same status, code and body): the
console is no oracle of who studies where.
"""

from __future__ import annotations

from datetime import datetime

from functions.core.errors import AccountNotFound, ImportNotFound, SchoolNotFound
from functions.core.identifiers import is_well_formed, normalize_identifier
from functions.core.limits import IDENTIFIER_MAX_LENGTH
from functions.core.model import Account
from functions.core.roster_imports import RosterImport, looks_like_import_id
from functions.core.staff import StaffMember
from functions.core.store import Store
from functions.core.uai import is_valid_uai, normalize_uai


def reachable_school(staff: StaffMember, uai: str) -> str:
    """Return the school's UAI if the member reaches it; else SchoolNotFound (as for a malformed one)."""
    school = normalize_uai(uai)
    if not is_valid_uai(school) or not staff.reaches(school):
        raise SchoolNotFound()
    return school


def reachable_account(store: Store, staff: StaffMember, identifier: str) -> Account:
    """Return the account if it is of one of the member's schools; else AccountNotFound, as if missing."""
    wanted = normalize_identifier(identifier)
    well_formed = len(wanted) <= IDENTIFIER_MAX_LENGTH and is_well_formed(wanted)
    account = store.get_account(wanted) if well_formed else None
    if account is None or not staff.reaches(account.school):
        raise AccountNotFound()
    return account


def reachable_import(store: Store, staff: StaffMember, import_id: str, now: datetime) -> RosterImport:
    """Return the member's own live import of a school they still reach; else ImportNotFound."""
    found = store.get_import(import_id) if looks_like_import_id(import_id) else None
    if found is None or found.expired(now) or found.staff_email != staff.email or not staff.reaches(found.school):
        raise ImportNotFound()
    return found
