"""Who is calling the console: the signed-in member, their step-up, and auditing what they do.

Every route of `/api/admin/` but sign-in and enrolment starts with `current_staff()`; a school's
route then checks `staff.reaches(uai)` (and answers 404 when not, as for a school that does not
exist), and a bulk import or an active account's reissue calls `require_step_up(staff)` first.
"""

from __future__ import annotations

from flask import Response, g, request

from functions.admin.staff.signin import signed_in
from functions.core import audit
from functions.core.audit import Client
from functions.core.errors import AcademieOnly, StaffNotSignedIn, StepUpRequired
from functions.core.staff import ABSOLUTE_TIMEOUT, STAFF_COOKIE, StaffMember, StaffRole, StaffSession
from functions.web import client_info, services


def current_staff() -> StaffMember:
    """Return the member signed in by this request's cookie; raise StaffNotSignedIn (401) otherwise."""
    if "staff" not in g:
        svc = services()
        g.staff_session, g.staff = signed_in(svc.store, staff_cookie(), svc.now())
    member: StaffMember = g.staff
    return member


def current_staff_session() -> StaffSession:
    """Return the session of the member signed in by this request (after `current_staff`)."""
    current_staff()
    session: StaffSession = g.staff_session
    return session


def require_step_up(staff: StaffMember) -> None:
    """Refuse (403 step_up_required) unless this session entered a code in the last 5 minutes."""
    session = g.get("staff_session")
    if session is None or session.email != staff.email:
        raise StaffNotSignedIn()
    if not session.is_stepped_up(services().now()):
        raise StepUpRequired()


def require_academie(staff: StaffMember) -> None:
    """Refuse (403 academie_only) a member who is not of the académie."""
    if staff.role != StaffRole.ACADEMIE:
        raise AcademieOnly()


def staff_client() -> Client:
    """Where the request came from (source IP, user agent); staff have no device cookie."""
    source_ip, user_agent, _ = client_info()
    return Client(source_ip=source_ip, user_agent=user_agent)


def audit_action(staff: StaffMember, identifier: str, action: str, detail: str | None = None) -> None:
    """Record `action` on the family account `identifier`, the member's email as its actor."""
    svc = services()
    audit.record(svc.store, identifier, action, svc.now(), staff_client(), detail, actor=staff.email)


def staff_cookie() -> str | None:
    return request.cookies.get(STAFF_COOKIE)


def set_staff_cookie(response: Response, session_id: str) -> None:
    # Strict: no other site ever leads a member into the console with their session.
    max_age = int(ABSOLUTE_TIMEOUT.total_seconds())
    response.set_cookie(
        STAFF_COOKIE, session_id, max_age=max_age, path="/", secure=True, httponly=True, samesite="Strict"
    )


def clear_staff_cookie(response: Response) -> None:
    response.set_cookie(STAFF_COOKIE, "", max_age=0, expires=0, path="/", secure=True, httponly=True, samesite="Strict")
