"""Help page feedback: « Cette page vous a-t-elle été utile ? » stored for the report.

Anyone may post it, so every part of it is bounded: each client (an IPv4 address or an IPv6 /64)
has ANSWERS_PER_WINDOW answers an hour, counted before anything is written; the page must be one
the help centre has (pages.txt, generated from docs/); the comment has MAX_COMMENT_LENGTH
characters (the widget's textarea and functions/openapi.yaml say the same); the answers expire
after 13 months, and the report reads the last 13 months, at most REPORT_ANSWERS_PER_PAGE a page.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib.resources import files

from functions.core.addresses import counting_key
from functions.core.clock import months_after
from functions.core.errors import DomainError, InvalidInput
from functions.core.messages import Code
from functions.core.model import FEEDBACK_RETENTION_MONTHS, RecentFeedback
from functions.core.store import Store
from functions.core.text import is_encodable

MAX_PAGE_LENGTH = 200
MAX_COMMENT_LENGTH = 1000
_PAGE = re.compile(r"/[A-Za-z0-9/_.\-]*")

# A person answers once per page they read: 20 an hour is more than anyone reads, and a flood
# from one client stops there. Fixed windows of an hour: at most twice that across a window's edge.
ANSWERS_PER_WINDOW = 20
RATE_WINDOW = timedelta(hours=1)

# The report reads each page's newest answers, this many at most (and says when it left some out).
REPORT_ANSWERS_PER_PAGE = 1000

PAGES_RESOURCE = "pages.txt"


class UnknownPage(DomainError, answer=Code.UNKNOWN_PAGE):
    pass


class TooManyAnswers(DomainError, answer=Code.TOO_MANY_REQUESTS):
    message = "Beaucoup d'avis ont été envoyés depuis votre connexion à Internet. Merci ! Réessayez plus tard."

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after


@cache
def site_pages() -> frozenset[str]:
    """Return the help centre's page paths (`/`, `/aide/courrier/`…), read once from pages.txt."""
    text = files("functions.feedback").joinpath(PAGES_RESOURCE).read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def rate_window(now: datetime) -> tuple[datetime, datetime]:
    """Return the start and end of the counting window holding `now` (whole hours, UTC)."""
    seconds = int(RATE_WINDOW.total_seconds())
    start = datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=UTC)
    return start, start + RATE_WINDOW


def record_feedback(
    store: Store, *, page: object, helpful: object, comment: object, source_ip: str | None, now: datetime
) -> None:
    """Store one answer of the widget; the page is one of the site's, the comment optional."""
    if not isinstance(page, str) or len(page) > MAX_PAGE_LENGTH or not _PAGE.fullmatch(page):
        raise InvalidInput("La page doit être un chemin du site, par exemple /premiere-connexion/.", field="page")
    if not isinstance(helpful, bool):
        raise InvalidInput("Indiquez si la page a été utile (oui ou non).", field="helpful")
    if comment is not None and (not isinstance(comment, str) or not is_encodable(comment)):
        raise InvalidInput("Le commentaire doit être du texte.", field="comment")
    if comment and len(comment) > MAX_COMMENT_LENGTH:
        raise InvalidInput(f"Le commentaire ne doit pas dépasser {MAX_COMMENT_LENGTH} caractères.", field="comment")
    if page not in site_pages():
        raise UnknownPage(field="page")
    # Counted before the write, in one conditional update: parallel requests cannot pass it together.
    start, end = rate_window(now)
    if not store.reserve_feedback_slot(counting_key(source_ip or "unknown"), start, ANSWERS_PER_WINDOW, end):
        raise TooManyAnswers(retry_after=max(1, math.ceil((end - now).total_seconds())))
    store.add_feedback(page, helpful, (comment or "").strip() or None, now)


def recent_feedback(store: Store, now: datetime) -> RecentFeedback:
    """Return what the report shows: each page's answers of the last 13 months, its newest ones at most.

    Per page over the site's pages, because the sort key starts with the page: each query reads a
    time range of one page, so the report reads at most pages × (REPORT_ANSWERS_PER_PAGE + 1)
    items however many answers were ever sent. A page the site no longer has is not read: its
    answers are no use to anyone, and they expire.
    """
    since = months_after(now, -FEEDBACK_RETENTION_MONTHS)
    return store.feedback(sorted(site_pages()), since=since, limit_per_page=REPORT_ANSWERS_PER_PAGE)
