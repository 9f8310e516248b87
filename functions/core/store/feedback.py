"""The help pages' « utile ? » answers, every page in one partition, and each client's answer counter."""

from __future__ import annotations

import secrets
from datetime import datetime

from botocore.exceptions import ClientError

from functions.core.clock import epoch_seconds
from functions.core.model import Feedback
from functions.core.store import keys
from functions.core.store.dynamodb import Table, is_conditional_failure, marshal
from functions.core.store.items import feedback_from_item, feedback_to_item


class FeedbackOperations(Table):
    def add_feedback(self, page: str, helpful: bool, comment: str | None, at: datetime) -> None:
        answer = Feedback(page=page, helpful=helpful, comment=comment, at=at)
        self._put(feedback_to_item(answer, secrets.token_hex(4)))

    def reserve_feedback_slot(self, address_key: str, window_start: datetime, limit: int, expires_at: datetime) -> bool:
        """Count one more answer of this client in this window unless it has `limit`: True if counted.

        One conditional ADD, checked and written atomically by DynamoDB: N parallel requests are
        counted N times and at most `limit` of them get True, whatever their order. The window is
        in the key, so a counter past its window (awaiting its TTL) is never read again.
        """
        try:
            self.dynamodb.update_item(
                TableName=self.table_name,
                Key=marshal(keys.feedback_rate_key(address_key, window_start)),
                UpdateExpression="ADD #answers :one SET expires_at = :expires_at, #type = :type",
                ConditionExpression="attribute_not_exists(#answers) OR #answers < :limit",
                ExpressionAttributeNames={"#answers": "answers", "#type": "type"},
                ExpressionAttributeValues=marshal(
                    {":one": 1, ":limit": limit, ":expires_at": epoch_seconds(expires_at), ":type": "feedback_rate"}
                ),
            )
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    def feedback(self) -> list[Feedback]:
        """Return every page answer, by page then time."""
        items = self._query("pk = :pk", {":pk": keys.FEEDBACK_PARTITION})
        return [feedback_from_item(item) for item in items]
