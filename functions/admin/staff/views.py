"""What the console's staff routes answer: the member's own view, a line of the staff list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from functions.core.staff import STEP_UP_WINDOW, StaffMember, StaffSession
from functions.core.store import Store


def member_view(store: Store, member: StaffMember, session: StaffSession) -> dict[str, Any]:
    """`GET /api/admin/me`: who is signed in, their role, their schools with the directory's names.

    An `academie` member reaches every school: `schools` lists those named at their invitation, if any.
    """
    return {
        "email": member.email,
        "role": member.role.value,
        "schools": [{"uai": uai, "name": store.school_name(uai) or uai} for uai in member.schools],
        "session_expires_at": session.expires_at.isoformat(),
        "step_up_until": (session.stepped_up_at + STEP_UP_WINDOW).isoformat(),
    }


def staff_line(member: StaffMember, invitation_expires_at: datetime | None = None) -> dict[str, Any]:
    """A member as the staff list shows them (no secret)."""
    line: dict[str, Any] = {
        "email": member.email,
        "role": member.role.value,
        "schools": list(member.schools),
        "state": member.state,
    }
    if invitation_expires_at is not None:
        line["invitation_expires_at"] = invitation_expires_at.isoformat()
    return line
