"""Single sign-on: pending sign-ins, the app a first connection came from, the apps an account
signed in to, and CAS service tickets (spent in one conditional write)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from functions.core.service_tickets import ServiceTicket
from functions.core.sso import AppBinding, AppSignIn, PendingRequest
from functions.core.store import keys
from functions.core.store.dynamodb import Table, is_conditional_failure, marshal, unmarshal
from functions.core.store.items import (
    app_binding_from_item,
    app_binding_to_item,
    app_sign_in_from_item,
    pending_request_from_item,
    pending_request_to_item,
    service_ticket_from_item,
    service_ticket_to_item,
)


class SsoOperations(Table):
    def put_pending_request(self, pending: PendingRequest) -> None:
        self._put(pending_request_to_item(pending))

    def get_pending_request(self, reference_hash: str) -> PendingRequest | None:
        item = self._get(keys.pending_request_key(reference_hash))
        return pending_request_from_item(reference_hash, item) if item else None

    def put_app_binding(self, binding: AppBinding) -> None:
        """Remember the app of a first connection (a later first connection replaces it)."""
        self._put(app_binding_to_item(binding))

    def take_app_binding(self, identifier: str, now: datetime) -> AppBinding | None:
        """Read the app of the first connection and mark it taken, in one write: it is offered once.

        An update, not a delete: this function deletes no item under an account's key (its TTL
        and the account's deletion remove it).
        """
        try:
            response = self.dynamodb.update_item(
                TableName=self.table_name,
                Key=marshal(keys.app_binding_key(identifier)),
                UpdateExpression="SET taken_at = :now",
                ConditionExpression="attribute_exists(pk) AND attribute_not_exists(taken_at)",
                ExpressionAttributeValues=marshal({":now": now.isoformat()}),
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
            return None
        return app_binding_from_item(identifier, unmarshal(response["Attributes"]))

    def sign_in_to_app(self, identifier: str, app: AppSignIn, *, new_subject: str) -> str:
        """Record the sign-in (name and time) and return the account's subject for the app.

        One write: the subject is `new_subject` only if the item has none yet, so parallel first
        sign-ins agree on one. No TTL: the subject lasts as long as the account (deleted with it).
        """
        response = self.dynamodb.update_item(
            TableName=self.table_name,
            Key=marshal(keys.app_sign_in_key(identifier, app.client_id)),
            UpdateExpression="SET #type = :type, client_id = :client_id, app_name = :name, protocol = :protocol, "
            "last_at = :last_at, subject = if_not_exists(subject, :subject)",
            ExpressionAttributeNames={"#type": "type"},
            ExpressionAttributeValues=marshal(
                {
                    ":type": "app_sign_in",
                    ":client_id": app.client_id,
                    ":name": app.app_name,
                    ":protocol": app.protocol,
                    ":last_at": app.last_at.isoformat(),
                    ":subject": new_subject,
                }
            ),
            ReturnValues="ALL_NEW",
        )
        return str(unmarshal(response["Attributes"])["subject"])

    def app_sign_ins(self, identifier: str) -> list[AppSignIn]:
        """The apps this account signed in to (one item each, under the account)."""
        items = self._query(
            "pk = :pk AND begins_with(sk, :app)",
            {":pk": keys.account_key(identifier)["pk"], ":app": keys.APP_SIGN_IN_PREFIX},
        )
        return [app_sign_in_from_item(item) for item in items]

    def put_service_ticket(self, ticket: ServiceTicket) -> None:
        self._put(service_ticket_to_item(ticket))

    def spend_service_ticket(self, ticket_hash: str) -> ServiceTicket | None:
        """Delete the ticket and return what it was, or None if it was never issued or is spent.

        One conditional delete: of two parallel validations only one gets the ticket back.
        """
        old = self._delete_returning(keys.service_ticket_key(ticket_hash))
        return service_ticket_from_item(ticket_hash, old) if old else None

    def _delete_returning(self, key: keys.Key) -> dict[str, Any] | None:
        try:
            response = self.dynamodb.delete_item(
                TableName=self.table_name,
                Key=marshal(key),
                ConditionExpression="attribute_exists(pk)",
                ReturnValues="ALL_OLD",
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
            return None
        return unmarshal(response["Attributes"])
