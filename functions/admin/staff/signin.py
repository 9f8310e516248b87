"""Staff sign-in as plain functions: password and code, the session behind the cookie, step-up, logout.

Every guess is counted before it is checked, like the families' (functions/core/guessing.py): the
client address's counter (IPv6 per /64) and the budget of this address for this member, under
GUESSES#STAFF#<email>. A wrong address, password or code, a disabled or unenrolled member all get
the same answer after the same work (an argon2 verification, a TOTP computation).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from functions.core.audit import Client
from functions.core.emails import InvalidEmail, normalize_email
from functions.core.errors import StaffCodeIncorrect, StaffInvalidCredentials, StaffNotSignedIn
from functions.core.guessing import budget_of, reserve_address, reserve_guess
from functions.core.model import AuditEvent
from functions.core.password_policy import normalize
from functions.core.passwords import burn_verify_time, verify_password
from functions.core.retries import retry_on_conflict
from functions.core.second_factor import (
    looks_like_recovery_code,
    matching_step,
    new_otp_secret,
    recovery_code_hash,
)
from functions.core.staff import GUESS_PREFIX, StaffMember, StaffSession, open_staff_session, session_hash, staff_key_of
from functions.core.store import Store

SECRET_SIGN_IN = "staff_sign_in"
SECRET_STEP_UP = "staff_step_up"
SESSION_ID_MAX_LENGTH = 128
_UNUSED_SECRET = new_otp_secret()  # an unknown member's code is checked against this, for the same work


def record(
    store: Store,
    email: str,
    action: str,
    now: datetime,
    client: Client,
    detail: str | None = None,
    *,
    actor: str | None = None,
) -> None:
    """Audit what happened to a member's access; the actor is the member unless said otherwise."""
    event = AuditEvent(
        at=now,
        action=action,
        source_ip=client.source_ip,
        user_agent=client.user_agent,
        detail=detail,
        actor=actor or email,
    )
    store.add_staff_event(email, event)


def use_code(store: Store, member: StaffMember, code: str, now: datetime) -> StaffMember | None:
    """Spend `code` (TOTP, or one recovery code) of an enrolled member; None if it is not good now.

    The used step (or the recovery code's removal) is saved over the version read: of two parallel
    requests with one code, only one saves, the other re-reads and finds it used.
    """

    def attempt() -> StaffMember | None:
        fresh = store.get_staff(member.email)
        if fresh is None or not fresh.enrolled or fresh.otp_secret is None:
            return None
        step = matching_step(fresh.otp_secret, code, now, fresh.last_otp_step)
        if step is not None:
            return store.save_staff(replace(fresh, last_otp_step=step))
        if looks_like_recovery_code(code):
            hashed = recovery_code_hash(code)
            if hashed in fresh.recovery_codes:
                left = tuple(kept for kept in fresh.recovery_codes if kept != hashed)
                return store.save_staff(replace(fresh, recovery_codes=left))
        return None

    return retry_on_conflict(attempt)


def sign_in(
    store: Store, *, email: str, password: str, code: str, now: datetime, client: Client
) -> tuple[str, StaffSession]:
    """Check address, password and code; return a new session id and its record, or one same refusal."""
    address = reserve_address(store, client, now)
    try:
        email = staff_key_of(normalize_email(email))
    except InvalidEmail:
        burn_verify_time(password)
        raise StaffInvalidCredentials() from None
    identifier = f"{GUESS_PREFIX}{email}"
    reservation = reserve_guess(store, identifier, SECRET_SIGN_IN, budget_of(store, identifier, client), now)
    if address:
        reservation.counters.append(address)
    member = store.get_staff(email)
    if member is None or not member.enrolled or member.password_hash is None:
        burn_verify_time(password)
        matching_step(_UNUSED_SECRET, code, now, 0)
        raise StaffInvalidCredentials()
    password_right = verify_password(member.password_hash, normalize(password))
    if not password_right or member.disabled:
        matching_step(member.otp_secret or _UNUSED_SECRET, code, now, 0)  # the same work as a right password
        record(store, email, "staff_sign_in_failed", now, client)
        raise StaffInvalidCredentials()
    spent = use_code(store, member, code, now)
    if spent is None:
        record(store, email, "staff_sign_in_failed", now, client, detail="code")
        raise StaffInvalidCredentials()
    reservation.give_back()
    session_id, session = open_staff_session(spent, now)
    store.put_staff_session(session)
    record(store, email, "staff_signed_in", now, client)
    return session_id, session


def signed_in(store: Store, session_id: str | None, now: datetime) -> tuple[StaffSession, StaffMember]:
    """Return the live session of the cookie and its member, or raise StaffNotSignedIn."""
    if not session_id or len(session_id) > SESSION_ID_MAX_LENGTH:
        raise StaffNotSignedIn()
    session = store.get_staff_session(session_hash(session_id))
    if session is None or not session.is_live(now):
        raise StaffNotSignedIn()
    member = store.get_staff(session.email)
    if member is None or member.disabled or member.session_version != session.session_version:
        raise StaffNotSignedIn()  # revoked: disabled, or enrolled again
    if session.needs_touch(now):
        session = replace(session, last_seen=now)
        store.put_staff_session(session)
    return session, member


def step_up(
    store: Store, session: StaffSession, member: StaffMember, *, code: str, now: datetime, client: Client
) -> StaffSession:
    """Take a fresh code: the session may then import and reissue for 5 minutes."""
    identifier = member.guess_identifier
    reservation = reserve_guess(store, identifier, SECRET_STEP_UP, budget_of(store, identifier, client), now)
    if use_code(store, member, code, now) is None:
        record(store, member.email, "staff_step_up_failed", now, client)
        raise StaffCodeIncorrect()
    reservation.give_back()
    session = replace(session, stepped_up_at=now, last_seen=now)
    store.put_staff_session(session)
    record(store, member.email, "staff_stepped_up", now, client)
    return session


def sign_out(store: Store, session_id: str | None) -> None:
    """Revoke the session server-side (whatever the cookie holds)."""
    if session_id and len(session_id) <= SESSION_ID_MAX_LENGTH:
        store.delete_staff_session(session_hash(session_id))
