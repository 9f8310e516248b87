"""Links (tokens) and sessions: found by the hash of their secret, never by the secret."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from botocore.exceptions import ClientError

from functions.core.errors import ConcurrentUpdate, TokenUsed
from functions.core.model import Account, TokenRecord
from functions.core.sessions import Session
from functions.core.store import keys
from functions.core.store.dynamodb import Table, cancellation_reasons, is_conditional_failure, marshal
from functions.core.store.items import (
    account_to_item,
    session_from_item,
    session_to_item,
    token_from_item,
    token_to_item,
)


class LinkOperations(Table):
    def put_token(self, record: TokenRecord) -> None:
        """Store a token's hash; DynamoDB's TTL removes it some time after it expires."""
        self._put(token_to_item(record))

    def get_token(self, token_hash: str) -> TokenRecord | None:
        item = self._get(keys.token_key(token_hash))
        return token_from_item(token_hash, item) if item else None

    def delete_tokens(self, token_hashes: list[str]) -> None:
        """Delete token items (the account's live links) before their TTL does."""
        for hashed in token_hashes:
            self._delete(keys.token_key(hashed))

    def reserve_previous_guess(self, token_hash: str, limit: int) -> bool:
        """Take one of the link's `limit` comparisons with the current password; False when none is left.

        One conditional write, made before the comparison: N parallel requests on one link take N
        places, and none past the limit gets compared. A link gone (TTL) has none left either.
        """
        try:
            self.dynamodb.update_item(
                TableName=self.table_name,
                Key=marshal(keys.token_key(token_hash)),
                UpdateExpression="ADD previous_guesses :one",
                ConditionExpression="attribute_exists(pk) AND "
                "(attribute_not_exists(previous_guesses) OR previous_guesses < :limit)",
                ExpressionAttributeValues=marshal({":one": 1, ":limit": limit}),
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
            return False
        return True

    def save_account_using_token(self, account: Account, token_hash: str, now: datetime) -> Account:
        """Mark the token used and save the account, both or neither."""
        saved = replace(account, version=account.version + 1)
        try:
            self.dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self.table_name,
                            "Key": marshal(keys.token_key(token_hash)),
                            "UpdateExpression": "SET used_at = :now",
                            # Single use even under concurrent clicks: only the first request finds it unused.
                            "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(used_at)",
                            "ExpressionAttributeValues": marshal({":now": now.isoformat()}),
                        }
                    },
                    {
                        "Put": {
                            "TableName": self.table_name,
                            "Item": marshal(account_to_item(saved)),
                            "ConditionExpression": "attribute_exists(pk) AND #version = :read_version",
                            "ExpressionAttributeNames": {"#version": "version"},
                            "ExpressionAttributeValues": marshal({":read_version": account.version}),
                        }
                    },
                ]
            )
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise TokenUsed() from error
            raise ConcurrentUpdate() from error
        return saved

    def put_session(self, session: Session) -> None:
        self._put(session_to_item(session))

    def get_session(self, session_hash: str) -> Session | None:
        item = self._get(keys.session_key(session_hash))
        return session_from_item(session_hash, item) if item else None

    def touch_session(self, session: Session, now: datetime) -> Session:
        touched = replace(session, last_seen=now)
        self.put_session(touched)
        return touched

    def delete_session(self, session_hash: str) -> None:
        self._delete(keys.session_key(session_hash))
