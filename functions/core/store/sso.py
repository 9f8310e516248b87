"""Single sign-on: pending sign-ins, the app a first connection came from, the apps an account
signed in to, and CAS service tickets (spent in one conditional write)."""

from __future__ import annotations

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
    app_sign_in_to_item,
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

    def take_app_binding(self, identifier: str) -> AppBinding | None:
        """Read and remove the app of the first connection, in one write: offered once."""
        old = self._delete_returning(keys.app_binding_key(identifier))
        return app_binding_from_item(identifier, old) if old else None

    def put_app_sign_in(self, identifier: str, app: AppSignIn) -> None:
        self._put(app_sign_in_to_item(identifier, app))

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
