"""The help pages' « utile ? » answers, every page in one partition, and each client's answer counter."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from functions.core.model import Feedback, RecentFeedback
from functions.core.store import keys
from functions.core.store.counters import CounterOperations
from functions.core.store.items import feedback_from_item, feedback_to_item


class FeedbackOperations(CounterOperations):
    def add_feedback(self, page: str, helpful: bool, comment: str | None, at: datetime) -> None:
        answer = Feedback(page=page, helpful=helpful, comment=comment, at=at)
        self._put(feedback_to_item(answer, secrets.token_hex(4)))

    def reserve_feedback_slot(self, address_key: str, window_start: datetime, limit: int, expires_at: datetime) -> bool:
        """Count one more answer of this client in this window unless it has `limit`: True if counted."""
        # The window is in the key, so a counter past its window (awaiting its TTL) is never read again.
        return self.reserve(keys.feedback_rate_key(address_key, window_start), limit, expires_at)

    def feedback(self, pages: Iterable[str], *, since: datetime, limit_per_page: int) -> RecentFeedback:
        """Return each page's answers from `since` on, by page then time: at most its `limit_per_page` newest.

        Bounded on purpose: the partition holds every answer ever sent (older items lacked a TTL),
        so reading it whole grows without end. The sort key is <page>#<time>#…, so one query per
        page reads only its time range, newest first, and stops after `limit_per_page` + 1 items
        (the extra one tells that older answers were left out): at most
        len(pages) × (limit_per_page + 1) items, whatever the table holds.
        """
        answers: list[Feedback] = []
        capped: list[str] = []
        for page in pages:
            low, high = keys.feedback_page_range(page, since)
            items = list(
                self._query(
                    "pk = :pk AND sk BETWEEN :low AND :high",
                    {":pk": keys.FEEDBACK_PARTITION, ":low": low, ":high": high},
                    ScanIndexForward=False,
                    PaginationConfig={"MaxItems": limit_per_page + 1, "PageSize": limit_per_page + 1},
                )
            )
            if len(items) > limit_per_page:
                capped.append(page)
                items = items[:limit_per_page]
            answers.extend(feedback_from_item(item) for item in reversed(items))
        return RecentFeedback(answers=answers, capped_pages=tuple(capped))
