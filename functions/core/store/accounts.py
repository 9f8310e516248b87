"""Accounts: read, create, change without lost updates, delete with everything under them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date

from botocore.exceptions import ClientError

from functions.core.errors import AccountNotFound, ConcurrentUpdate, IdentifierTaken
from functions.core.model import Account, SchoolAccount
from functions.core.retries import retry_on_conflict
from functions.core.store import keys
from functions.core.store.dynamodb import is_conditional_failure, marshal
from functions.core.store.items import account_from_item, account_to_item, school_account_from_item
from functions.core.store.people import PeopleOperations


class AccountOperations(PeopleOperations):
    """Accounts; a deletion also forgets the account's person item."""

    def get_account(self, identifier: str) -> Account | None:
        """Return the account, read consistently, or None."""
        item = self._get(keys.account_key(identifier))
        return account_from_item(item) if item else None

    def create_account(self, account: Account) -> Account:
        """Store a new account; raise IdentifierTaken if the identifier exists."""
        try:
            self.dynamodb.put_item(
                TableName=self.table_name,
                Item=marshal(account_to_item(account)),
                # The identifier is the key: two homonyms issued at once never share it.
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
            raise IdentifierTaken(field="identifier") from error
        return account

    def save_account(self, account: Account) -> Account:
        """Write `account` over the stored one if nobody changed it since it was read."""
        saved = replace(account, version=account.version + 1)
        try:
            self.dynamodb.put_item(
                TableName=self.table_name,
                Item=marshal(account_to_item(saved)),
                # Optimistic lock: of two concurrent changes, the second one fails here.
                ConditionExpression="attribute_exists(pk) AND #version = :read_version",
                ExpressionAttributeNames={"#version": "version"},
                ExpressionAttributeValues=marshal({":read_version": account.version}),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
            raise _refused(error) from error
        return saved

    def update_account(self, account: Account, change: Callable[[Account], Account]) -> Account:
        """Apply `change` and save, re-reading and re-applying it when a concurrent request won."""
        latest = [account]

        def attempt() -> Account:
            try:
                return self.save_account(change(latest[0]))
            except ConcurrentUpdate:
                fresh = self.get_account(account.identifier)
                if fresh is None:
                    raise AccountNotFound() from None
                latest[0] = fresh
                raise

        return retry_on_conflict(attempt)

    def delete_account(self, identifier: str, *, known: Account | None = None) -> int:
        """Delete the account as read, then every item under its key (audit events); return how many.

        Pass the account when it was just read (`known`, as the sweep has it): it is not read again,
        and it is deleted only if it is still that account, same `version` and `state` (an account
        reactivated, reissued or activated since is left alone: ConcurrentUpdate; gone already:
        AccountNotFound). Without `known`, the account is read first and the same holds of that read.
        A refused deletion deletes nothing.

        Order of the writes: the events are listed first, so only events of this account are deleted
        (once the account item is gone, its identifier is free and a new account may take it); then
        the account item, conditionally; then those events and its person item (roster
        deduplication), so a later roster issues a new identifier. Stopped after the account item,
        what is left is harmless: the events expire with their TTL (one year), and a person item
        pointing to no account is re-issued (create_account_for_person).
        """
        account = known or self.get_account(identifier)
        events = [
            {"pk": event["pk"], "sk": event["sk"]}
            for event in self._query(
                "pk = :pk AND begins_with(sk, :event)",
                {":pk": keys.account_key(identifier)["pk"], ":event": keys.EVENT_PREFIX},
                ProjectionExpression="pk, sk",
            )
        ]
        deleted = 0
        if account is not None:
            self._delete_account_as_read(account)
            deleted += 1
        for event in events:
            self._delete(event)
            deleted += 1
        if account is not None and account.person_fingerprint:
            self.forget_person(account.school, account.profile, account.person_fingerprint, identifier)
        return deleted

    def _delete_account_as_read(self, account: Account) -> None:
        """Delete the account item if its version and state are still those of `account`."""
        try:
            self.dynamodb.delete_item(
                TableName=self.table_name,
                Key=marshal(keys.account_key(account.identifier)),
                ConditionExpression="#version = :read_version AND #state = :state",
                ExpressionAttributeNames={"#version": "version", "#state": "state"},
                ExpressionAttributeValues=marshal({":read_version": account.version, ":state": account.state.value}),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
            raise _refused(error) from error

    def identifiers_for_email(self, email: str) -> list[str]:
        """Return every identifier whose verified address is `email` (case-insensitive)."""
        items = self._query("email_key = :email", {":email": email.strip().lower()}, IndexName=keys.EMAIL_INDEX)
        return sorted(keys.identifier_of(item["pk"]) for item in items)

    def accounts_of_school(self, school: str) -> list[SchoolAccount]:
        """Return the school's accounts by identifier, from the by-school index (no Scan)."""
        items = self._query("school = :school", {":school": school}, IndexName=keys.SCHOOL_INDEX)
        # Only accounts carry `school`; a directory entry written before it was `uai` is passed over.
        return [school_account_from_item(item) for item in items if item["pk"].startswith(keys.ACCOUNT_PREFIX)]

    def accounts_due(self, first_day: date, last_day: date) -> Iterator[Account]:
        """Yield the non-active accounts due from `first_day` to `last_day`, from the sparse index.

        One query per month and shard; the range condition on due_sk means accounts due later
        are neither read nor billed.
        """
        first, last = keys.due_sort_range(first_day, last_day)
        for month in keys.due_months(first_day, last_day):
            for shard in range(keys.DUE_SHARDS):
                items = self._query(
                    "due_key = :month AND due_sk BETWEEN :first AND :last",
                    {":month": keys.due_key(month, shard), ":first": first, ":last": last},
                    IndexName=keys.DUE_INDEX,
                )
                yield from map(account_from_item, items)


def _refused(error: ClientError) -> ConcurrentUpdate | AccountNotFound:
    """Say why a write conditional on the account as read was refused (ALL_OLD tells if it exists)."""
    return ConcurrentUpdate() if error.response.get("Item") else AccountNotFound()
