"""Mails to addresses people type: how many each address received today, across accounts."""

from __future__ import annotations

from datetime import date, datetime

from botocore.exceptions import ClientError

from functions.core.clock import epoch_seconds
from functions.core.store import keys
from functions.core.store.dynamodb import Table, is_conditional_failure, marshal


class MailingOperations(Table):
    def reserve_mail_to(self, address: str, day: date, cap: int, expires_at: datetime) -> bool:
        """Take one of the `cap` mails `address` may receive on `day`; False when they are all taken.

        One conditional ADD, made before the mail is sent: of N parallel requests for one address,
        exactly the first `cap` get a place. The TTL removes the count once the day is over.
        """
        try:
            self.dynamodb.update_item(
                TableName=self.table_name,
                Key=marshal(keys.mail_to_key(address, day)),
                UpdateExpression="ADD sent :one SET expires_at = :expires_at, #type = :type",
                ConditionExpression="attribute_not_exists(sent) OR sent < :cap",
                ExpressionAttributeNames={"#type": "type"},
                ExpressionAttributeValues=marshal(
                    {":one": 1, ":cap": cap, ":expires_at": epoch_seconds(expires_at), ":type": "mailto"}
                ),
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
            return False
        return True

    def mails_to(self, address: str, day: date) -> int:
        """Return how many mails `address` was given on `day` (support, tests)."""
        item = self._get(keys.mail_to_key(address, day), consistent=False)
        return int(item.get("sent", 0)) if item else 0
