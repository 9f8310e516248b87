"""The OpenID Connect provider's codes and access tokens, found by the hash of their secret."""

from __future__ import annotations

from datetime import datetime

from botocore.exceptions import ClientError

from functions.core.grants import AccessToken, AuthorizationCode
from functions.core.store import keys
from functions.core.store.dynamodb import Table, cancellation_reasons, marshal
from functions.core.store.items import (
    access_token_from_item,
    access_token_to_item,
    authorization_code_from_item,
    authorization_code_to_item,
)


class GrantOperations(Table):
    def put_authorization_code(self, code: AuthorizationCode) -> None:
        self._put(authorization_code_to_item(code))

    def get_authorization_code(self, code_hash: str) -> AuthorizationCode | None:
        item = self._get(keys.authorization_code_key(code_hash))
        return authorization_code_from_item(code_hash, item) if item else None

    def redeem_authorization_code(self, code: AuthorizationCode, token: AccessToken, now: datetime) -> bool:
        """Mark the code used and store the token it gives, both or neither; False if it was used already."""
        try:
            self.dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self.table_name,
                            "Key": marshal(keys.authorization_code_key(code.code_hash)),
                            "UpdateExpression": "SET used_at = :now, access_token_hash = :token",
                            # Single use under parallel requests: only the first finds it unused.
                            "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(used_at)",
                            "ExpressionAttributeValues": marshal({":now": now.isoformat(), ":token": token.token_hash}),
                        }
                    },
                    {
                        "Put": {
                            "TableName": self.table_name,
                            "Item": marshal(access_token_to_item(token)),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                ]
            )
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return False
            raise
        return True

    def get_access_token(self, token_hash: str) -> AccessToken | None:
        item = self._get(keys.access_token_key(token_hash))
        return access_token_from_item(token_hash, item) if item else None

    def revoke_access_token(self, token_hash: str) -> None:
        self._delete(keys.access_token_key(token_hash))
