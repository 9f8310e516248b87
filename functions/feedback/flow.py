"""Help page feedback: « Cette page vous a-t-elle été utile ? » stored for the report."""

from __future__ import annotations

import re
from datetime import datetime

from functions.core.errors import InvalidInput
from functions.core.store import Store
from functions.core.text import is_encodable

MAX_PAGE_LENGTH = 200
MAX_COMMENT_LENGTH = 1000
_PAGE = re.compile(r"/[A-Za-z0-9/_.\-]*")


def record_feedback(store: Store, *, page: object, helpful: object, comment: object, now: datetime) -> None:
    """Store one answer of the widget; the page is a site path, the comment optional."""
    if not isinstance(page, str) or len(page) > MAX_PAGE_LENGTH or not _PAGE.fullmatch(page):
        raise InvalidInput("La page doit être un chemin du site, par exemple /premiere-connexion/.", field="page")
    if not isinstance(helpful, bool):
        raise InvalidInput("Indiquez si la page a été utile (oui ou non).", field="helpful")
    if comment is not None and (not isinstance(comment, str) or not is_encodable(comment)):
        raise InvalidInput("Le commentaire doit être du texte.", field="comment")
    if comment and len(comment) > MAX_COMMENT_LENGTH:
        raise InvalidInput(f"Le commentaire ne doit pas dépasser {MAX_COMMENT_LENGTH} caractères.", field="comment")
    store.add_feedback(page, helpful, (comment or "").strip() or None, now)
