"""The help pages' « utile ? » answers, every page in one partition."""

from __future__ import annotations

import secrets
from datetime import datetime

from functions.core.model import Feedback
from functions.core.store import keys
from functions.core.store.dynamodb import Table
from functions.core.store.items import feedback_from_item, feedback_to_item


class FeedbackOperations(Table):
    def add_feedback(self, page: str, helpful: bool, comment: str | None, at: datetime) -> None:
        answer = Feedback(page=page, helpful=helpful, comment=comment, at=at)
        self._put(feedback_to_item(answer, secrets.token_hex(4)))

    def feedback(self) -> list[Feedback]:
        """Return every page answer, by page then time."""
        items = self._query("pk = :pk", {":pk": keys.FEEDBACK_PARTITION})
        return [feedback_from_item(item) for item in items]
