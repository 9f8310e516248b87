"""The console's staff: members, their list, invitations, sessions and own events; never a family item."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from functions.core.errors import ConcurrentUpdate
from functions.core.model import AuditEvent
from functions.core.staff import StaffInvitation, StaffMember, StaffSession
from functions.core.store import keys
from functions.core.store.dynamodb import Table, cancellation_reasons, is_conditional_failure, marshal, unmarshal
from functions.core.store.items import (
    event_from_item,
    event_to_item,
    staff_from_item,
    staff_invitation_from_item,
    staff_invitation_to_item,
    staff_roster_to_item,
    staff_session_from_item,
    staff_session_to_item,
    staff_to_item,
)


class StaffInvitationUsed(Exception):
    """The invitation was used (or replaced) by another request meanwhile."""


class StaffOperations(Table):
    def get_staff(self, email: str) -> StaffMember | None:
        item = self._get(keys.staff_key(email))
        return staff_from_item(item) if item else None

    def save_staff(self, member: StaffMember, *, listed: bool = False) -> StaffMember:
        """Save the member if nobody changed it since it was read (ConcurrentUpdate otherwise).

        `listed`: its role, schools or state changed, so its line of the staff list is rewritten too,
        in the same transaction. A sign-in (the last TOTP step) writes the member alone.
        """
        saved = replace(member, version=member.version + 1)
        try:
            if not listed:
                self.dynamodb.put_item(TableName=self.table_name, **self._versioned_put(saved, member.version))
                return saved
            self.dynamodb.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": self.table_name, **self._versioned_put(saved, member.version)}},
                    {"Put": {"TableName": self.table_name, "Item": marshal(staff_roster_to_item(saved))}},
                ]
            )
        except ClientError as error:
            if is_conditional_failure(error) or cancellation_reasons(error):
                raise ConcurrentUpdate() from error
            raise
        return saved

    def _versioned_put(self, saved: StaffMember, read_version: int) -> dict[str, Any]:
        """A Put of the member, only over the version read (or where none exists, for version 0)."""
        return {
            "Item": marshal(staff_to_item(saved)),
            "ConditionExpression": "attribute_not_exists(pk) OR #version = :read_version",
            "ExpressionAttributeNames": {"#version": "version"},
            "ExpressionAttributeValues": marshal({":read_version": read_version}),
        }

    def staff_list(self) -> list[dict[str, Any]]:
        """Return every member's line (email, role, schools, state), by address."""
        return [
            {"email": item["email"], "role": item["role"], "schools": list(item["schools"]), "state": item["state"]}
            for item in self._query("pk = :pk", {":pk": keys.STAFF_ROSTER_PARTITION})
        ]

    def put_staff_invitation(self, invitation: StaffInvitation) -> None:
        self._put(staff_invitation_to_item(invitation))

    def get_staff_invitation(self, token_hash: str) -> StaffInvitation | None:
        item = self._get(keys.staff_invitation_key(token_hash))
        return staff_invitation_from_item(token_hash, item) if item else None

    def save_staff_using_invitation(self, member: StaffMember, token_hash: str, now: datetime) -> StaffMember:
        """Mark the invitation used and save the enrolled member (and its list line): all or nothing."""
        saved = replace(member, version=member.version + 1)
        try:
            self.dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self.table_name,
                            "Key": marshal(keys.staff_invitation_key(token_hash)),
                            "UpdateExpression": "SET used_at = :now",
                            # Single use even under parallel requests: only the first finds it unused.
                            "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(used_at)",
                            "ExpressionAttributeValues": marshal({":now": now.isoformat()}),
                        }
                    },
                    {"Put": {"TableName": self.table_name, **self._versioned_put(saved, member.version)}},
                    {"Put": {"TableName": self.table_name, "Item": marshal(staff_roster_to_item(saved))}},
                ]
            )
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise StaffInvitationUsed() from error
            raise ConcurrentUpdate() from error
        return saved

    def put_staff_session(self, session: StaffSession) -> None:
        self._put(staff_session_to_item(session))

    def get_staff_session(self, session_hash: str) -> StaffSession | None:
        item = self._get(keys.staff_session_key(session_hash))
        return staff_session_from_item(session_hash, item) if item else None

    def delete_staff_session(self, session_hash: str) -> None:
        self._delete(keys.staff_session_key(session_hash))

    def add_staff_event(self, email: str, event: AuditEvent) -> None:
        """Record what happened to a member's access (kept a year, like any audit event)."""
        self._put(event_to_item(keys.staff_event_key(email, event.at, secrets.token_hex(4)), event))

    def staff_events(self, email: str, limit: int = 50) -> list[AuditEvent]:
        """Return the member's latest events, newest first."""
        response = self.dynamodb.query(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :event)",
            ExpressionAttributeValues=marshal({":pk": keys.staff_key(email)["pk"], ":event": keys.EVENT_PREFIX}),
            ScanIndexForward=False,
            Limit=limit,
        )
        return [event_from_item(unmarshal(item)) for item in response.get("Items", [])]
