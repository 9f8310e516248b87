"""A school's accounts, filtered, searched and paged for the console; the whole list as a spreadsheet.

The by-school index gives every account of the school (a few projected attributes, one query
paged by DynamoDB); filtering by state and searching names happen here, in the follow-up order
(those to activate first, the most urgent on top). The cursor is the position of the page's last
row in that order, base64url-encoded and checked on the way back: it names no school, so it gives
nothing beyond the school of the path, which is checked on its own.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date

from functions.core.errors import InvalidCursor, InvalidInput
from functions.core.inert import csv_text
from functions.core.lifecycle import AccountState
from functions.core.model import SchoolAccount
from functions.core.school_accounts import CSV_HEADER, csv_row, follow_up_order
from functions.core.store import Store
from functions.core.text import fold

PAGE_SIZE = 50
QUERY_MAX_LENGTH = 100
CURSOR_MAX_LENGTH = 200

Position = tuple[int, date, str]


@dataclass(frozen=True)
class Page:
    rows: list[SchoolAccount]
    total: int  # rows matching the filters, every page together
    next_cursor: str | None


def parse_state(value: str | None) -> AccountState | None:
    if not value:
        return None
    try:
        return AccountState(value)
    except ValueError:
        raise InvalidInput(
            "État inconnu : issued, pending_confirmation, active ou deactivated.", field="state"
        ) from None


def _matches(row: SchoolAccount, words: list[str]) -> bool:
    haystack = fold(" ".join(part for part in (row.identifier, row.first_name, row.last_name, row.classe) if part))
    return all(word in haystack for word in words)


def encode_cursor(position: Position) -> str:
    rank, deadline, identifier = position
    return base64.urlsafe_b64encode(f"{rank}|{deadline.isoformat()}|{identifier}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    """Return the position a cursor names; InvalidCursor for anything this module did not write."""
    try:
        if len(cursor) > CURSOR_MAX_LENGTH:
            raise ValueError(cursor)
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        rank, deadline, identifier = text.split("|")
        position = (int(rank), date.fromisoformat(deadline), identifier)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor(field="cursor") from None
    if position[0] not in (0, 1, 2) or not identifier:
        raise InvalidCursor(field="cursor")
    return position


def page_of_accounts(store: Store, school: str, *, state: AccountState | None, query: str, cursor: str | None) -> Page:
    """Return one page of the school's accounts in follow-up order, after `cursor`."""
    if len(query) > QUERY_MAX_LENGTH:
        raise InvalidInput(f"La recherche ne doit pas dépasser {QUERY_MAX_LENGTH} caractères.", field="q")
    words = fold(query).split()
    after = decode_cursor(cursor) if cursor else None
    rows = sorted(
        (
            row
            for row in store.accounts_of_school(school)
            if (state is None or row.state == state) and _matches(row, words)
        ),
        key=follow_up_order,
    )
    start = 0 if after is None else next((i for i, row in enumerate(rows) if follow_up_order(row) > after), len(rows))
    page = rows[start : start + PAGE_SIZE]
    more = start + PAGE_SIZE < len(rows)
    return Page(rows=page, total=len(rows), next_cursor=encode_cursor(follow_up_order(page[-1])) if more else None)


def accounts_csv(store: Store, school: str) -> str:
    """Every account of the school as a ';' CSV (UTF-8 with BOM), no cell a formula."""
    rows = sorted(store.accounts_of_school(school), key=follow_up_order)
    return csv_text([CSV_HEADER, *(csv_row(row) for row in rows)])
