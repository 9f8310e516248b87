"""Item ⇄ model: how each dataclass of the domain is written in the table and read back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from functions.core.clock import epoch_seconds, months_after
from functions.core.lifecycle import AccountState, Profile
from functions.core.model import (
    AUDIT_RETENTION_DAYS,
    FEEDBACK_RETENTION_MONTHS,
    Account,
    AuditEvent,
    Feedback,
    SchoolAccount,
    TokenRecord,
)
from functions.core.sessions import Session, SessionScope
from functions.core.staff import StaffInvitation, StaffMember, StaffRole, StaffSession
from functions.core.store import keys
from functions.core.throttling import GuessState
from functions.core.tokens import TokenKind

Item = dict[str, Any]
AUDIT_FIELD_LENGTH = 512


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _moments(texts: list[str] | None) -> tuple[datetime, ...]:
    return tuple(datetime.fromisoformat(text) for text in texts or ())


def account_to_item(account: Account) -> Item:
    item: Item = {
        **keys.account_key(account.identifier),
        "type": "account",
        "identifier": account.identifier,
        "profile": account.profile.value,
        "state": account.state.value,
        "school": account.school,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "birth_date": account.birth_date.isoformat(),
        "password_hash": account.password_hash,
        "issued_at": account.issued_at.isoformat(),
        "activation_deadline": account.activation_deadline.isoformat(),
        "deletion_date": account.deletion_date.isoformat(),
        "session_version": account.session_version,
        "version": account.version,
    }
    if account.classe:
        item["classe"] = account.classe
    if account.email:
        item["email"] = account.email
        item["email_key"] = account.email.lower()  # sparse GSI: verified addresses only
    if account.pending_email:
        item["pending_email"] = account.pending_email
    if account.activated_at:
        item["activated_at"] = account.activated_at.isoformat()
    if account.live_tokens:
        item["live_tokens"] = dict(account.live_tokens)
    if account.recovery_mails:
        item["recovery_mails"] = [moment.isoformat() for moment in account.recovery_mails]
    if account.reminders_sent:
        item["reminders_sent"] = list(account.reminders_sent)
    if account.person_fingerprint:
        item["person_fingerprint"] = account.person_fingerprint
    if account.due_day:  # sparse GSI: only accounts the sweep has work on
        item["due_key"] = keys.due_key(account.due_day, keys.due_shard(account.identifier))
        item["due_sk"] = keys.due_sort_key(account.due_day, account.identifier)
    return item


def account_from_item(item: Item) -> Account:
    return Account(
        identifier=item["identifier"],
        profile=Profile(item["profile"]),
        state=AccountState(item["state"]),
        school=item["school"],
        first_name=item["first_name"],
        last_name=item["last_name"],
        birth_date=date.fromisoformat(item["birth_date"]),
        password_hash=item["password_hash"],
        issued_at=datetime.fromisoformat(item["issued_at"]),
        activation_deadline=date.fromisoformat(item["activation_deadline"]),
        deletion_date=date.fromisoformat(item["deletion_date"]),
        classe=item.get("classe"),
        email=item.get("email"),
        pending_email=item.get("pending_email"),
        activated_at=_moment(item.get("activated_at")),
        session_version=int(item.get("session_version", 0)),
        live_tokens=dict(item.get("live_tokens", {})),
        recovery_mails=_moments(item.get("recovery_mails")),
        reminders_sent=tuple(item.get("reminders_sent", ())),
        person_fingerprint=item.get("person_fingerprint"),
        version=int(item.get("version", 0)),
    )


def school_account_from_item(item: Item) -> SchoolAccount:
    return SchoolAccount(
        identifier=item["identifier"],
        profile=Profile(item["profile"]),
        state=AccountState(item["state"]),
        first_name=item["first_name"],
        last_name=item["last_name"],
        activation_deadline=date.fromisoformat(item["activation_deadline"]),
        deletion_date=date.fromisoformat(item["deletion_date"]),
        classe=item.get("classe"),
    )


def token_to_item(record: TokenRecord) -> Item:
    return {
        **keys.token_key(record.token_hash),
        "type": "token",
        "kind": record.kind.value,
        "identifier": record.identifier,
        "expires_at": epoch_seconds(record.expires_at),
    }


def token_from_item(token_hash: str, item: Item) -> TokenRecord:
    return TokenRecord(
        token_hash=token_hash,
        kind=TokenKind(item["kind"]),
        identifier=item["identifier"],
        expires_at=datetime.fromtimestamp(int(item["expires_at"]), tz=UTC),
        used_at=_moment(item.get("used_at")),
    )


def session_to_item(session: Session) -> Item:
    return {
        **keys.session_key(session.session_hash),
        "type": "session",
        "identifier": session.identifier,
        "scope": session.scope.value,
        "session_version": session.session_version,
        "created_at": session.created_at.isoformat(),
        "last_seen": session.last_seen.isoformat(),
        "absolute_expiry": session.absolute_expiry.isoformat(),
        "expires_at": epoch_seconds(session.expires_at),
    }


def session_from_item(session_hash: str, item: Item) -> Session:
    return Session(
        session_hash=session_hash,
        identifier=item["identifier"],
        scope=SessionScope(item["scope"]),
        session_version=int(item["session_version"]),
        created_at=datetime.fromisoformat(item["created_at"]),
        last_seen=datetime.fromisoformat(item["last_seen"]),
        absolute_expiry=datetime.fromisoformat(item["absolute_expiry"]),
    )


def staff_to_item(member: StaffMember) -> Item:
    item: Item = {
        **keys.staff_key(member.email),
        "type": "staff",
        "email": member.email,
        "role": member.role.value,
        "schools": list(member.schools),
        "invited_by": member.invited_by,
        "last_otp_step": member.last_otp_step,
        "recovery_codes": list(member.recovery_codes),
        "session_version": member.session_version,
        "version": member.version,
    }
    for name in ("password_hash", "otp_secret", "disabled_by", "invitation_hash"):
        if getattr(member, name):
            item[name] = getattr(member, name)
    for name in ("invited_at", "enrolled_at", "disabled_at"):
        if getattr(member, name):
            item[name] = getattr(member, name).isoformat()
    return item


def staff_from_item(item: Item) -> StaffMember:
    return StaffMember(
        email=item["email"],
        role=StaffRole(item["role"]),
        schools=tuple(item.get("schools", ())),
        invited_by=item.get("invited_by", ""),
        invited_at=_moment(item.get("invited_at")),
        password_hash=item.get("password_hash"),
        otp_secret=item.get("otp_secret"),
        enrolled_at=_moment(item.get("enrolled_at")),
        last_otp_step=int(item.get("last_otp_step", 0)),
        recovery_codes=tuple(item.get("recovery_codes", ())),
        disabled_at=_moment(item.get("disabled_at")),
        disabled_by=item.get("disabled_by"),
        invitation_hash=item.get("invitation_hash"),
        session_version=int(item.get("session_version", 0)),
        version=int(item.get("version", 0)),
    )


def staff_roster_to_item(member: StaffMember) -> Item:
    """The staff list's line: what `ent-admin staff list` and the console show, no secret."""
    return {
        **keys.staff_roster_key(member.email),
        "type": "staff_roster",
        "email": member.email,
        "role": member.role.value,
        "schools": list(member.schools),
        "state": member.state,
    }


def staff_session_to_item(session: StaffSession) -> Item:
    return {
        **keys.staff_session_key(session.session_hash),
        "type": "staff_session",
        "email": session.email,
        "session_version": session.session_version,
        "created_at": session.created_at.isoformat(),
        "last_seen": session.last_seen.isoformat(),
        "stepped_up_at": session.stepped_up_at.isoformat(),
        "expires_at": epoch_seconds(session.expires_at),
    }


def staff_session_from_item(session_hash: str, item: Item) -> StaffSession:
    return StaffSession(
        session_hash=session_hash,
        email=item["email"],
        session_version=int(item["session_version"]),
        created_at=datetime.fromisoformat(item["created_at"]),
        last_seen=datetime.fromisoformat(item["last_seen"]),
        stepped_up_at=datetime.fromisoformat(item["stepped_up_at"]),
    )


def staff_invitation_to_item(invitation: StaffInvitation) -> Item:
    return {
        **keys.staff_invitation_key(invitation.token_hash),
        "type": "staff_invitation",
        "email": invitation.email,
        "expires_at": epoch_seconds(invitation.expires_at),
    }


def staff_invitation_from_item(token_hash: str, item: Item) -> StaffInvitation:
    return StaffInvitation(
        token_hash=token_hash,
        email=item["email"],
        expires_at=datetime.fromtimestamp(int(item["expires_at"]), tz=UTC),
        used_at=_moment(item.get("used_at")),
    )


def event_to_item(key: keys.Key, event: AuditEvent) -> Item:
    """An audit event at `key` (`keys.event_key`, or `keys.guess_event_key` for an unknown identifier)."""
    item: Item = {
        **key,
        "type": "event",
        "action": event.action,
        "at": event.at.isoformat(),
        "expires_at": epoch_seconds(event.at) + AUDIT_RETENTION_DAYS * 86400,
    }
    for name in ("source_ip", "user_agent", "detail", "actor"):
        value = getattr(event, name)
        if value:
            item[name] = value[:AUDIT_FIELD_LENGTH]
    return item


def event_from_item(item: Item) -> AuditEvent:
    return AuditEvent(
        at=datetime.fromisoformat(item["at"]),
        action=item["action"],
        source_ip=item.get("source_ip"),
        user_agent=item.get("user_agent"),
        detail=item.get("detail"),
        actor=item.get("actor"),
    )


def feedback_to_item(answer: Feedback, suffix: str) -> Item:
    item: Item = {
        **keys.feedback_key(answer.page, answer.at, suffix),
        "type": "feedback",
        "page": answer.page,
        "helpful": answer.helpful,
        "at": answer.at.isoformat(),
        "expires_at": epoch_seconds(months_after(answer.at, FEEDBACK_RETENTION_MONTHS)),
    }
    if answer.comment:
        item["comment"] = answer.comment
    return item


def feedback_from_item(item: Item) -> Feedback:
    return Feedback(
        page=item["page"],
        helpful=bool(item["helpful"]),
        comment=item.get("comment"),
        at=datetime.fromisoformat(item["at"]),
    )


def guess_state_to_item(state: GuessState) -> Item:
    item: Item = {
        "consecutive_failures": state.consecutive_failures,
        "recent_failures": [moment.isoformat() for moment in state.recent_failures],
    }
    if state.locked_until:
        item["locked_until"] = state.locked_until.isoformat()
    return item


def guess_state_from_item(item: Item) -> GuessState:
    return GuessState(
        consecutive_failures=int(item.get("consecutive_failures", 0)),
        locked_until=_moment(item.get("locked_until")),
        recent_failures=_moments(item.get("recent_failures")),
    )
