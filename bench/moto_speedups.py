"""Make in-process moto fast enough for 100,000 accounts, without changing any answer it gives.

Measured with moto 5.2.5: storing an item re-sums the size of every attribute at each attribute
(0.6 ms per account item, 90 s for 100,000), and every Query sorts the WHOLE table before keeping
the queried partition (1 s per Query at 100,000 items: the sweep deletes one account per Query).
DynamoDB does neither, and neither changes what moto answers; they only cost moto's time:

- `bulk_load()`: while loading, skip moto's 400 KB item-size check (the bench's items are < 1 KB);
- `partition_queries()`: a Query looks only at the items of the queried partition (table or index),
  then runs moto's own code on them: same items, same order, same Count and ScannedCount;
- `frozen_scans()`: the pages of one full Scan reuse one sorted copy of the table and start where
  the previous page stopped, instead of re-sorting and walking the table from the start (the
  caller promises nothing is written between the pages).

Each patch checks that moto still has what it patches; if not, it leaves moto alone and says so.
`check_partition_queries` compares answers with and without the patch. tests/bench/test_moto_speedups.py
fails when moto changes under a patch, or when a patch changes one of moto's answers on a small table.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def bulk_load() -> Iterator[bool]:
    try:
        from moto.dynamodb.models.dynamo_type import LimitedSizeDict
    except ImportError:
        print("Note: moto has no LimitedSizeDict any more: loading without the bulk-load speed-up.")
        yield False
        return
    original = LimitedSizeDict.__dict__.get("__setitem__")
    LimitedSizeDict.__setitem__ = dict.__setitem__  # type: ignore[method-assign]  # the patch itself
    try:
        yield True
    finally:
        if original is None:
            del LimitedSizeDict.__setitem__
        else:
            LimitedSizeDict.__setitem__ = original  # type: ignore[method-assign]


def _all_table_items(table: Any) -> Iterator[Any]:
    for bucket in table.items.values():
        if isinstance(bucket, dict):
            yield from bucket.values()
        else:
            yield bucket


@contextmanager
def _instead_of_all_items(table: Any, items: list[Any]) -> Iterator[None]:
    table.all_items = lambda: items  # an instance attribute hides the method for this call only
    try:
        yield
    finally:
        del table.all_items


def _equal(found: Any, expected: Any) -> bool:
    return found is not None and found == expected


def _query_patch(original: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(original)

    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(self, *args, **kwargs).arguments
        index_name = arguments.get("index_name")
        hash_key = arguments.get("hash_key")
        conditions = arguments.get("hash_key_conditions") or []
        if index_name and conditions:
            # A superset is enough (moto's own loop filters again); an item without the attribute is out.
            candidates = [
                item
                for item in _all_table_items(self)
                if all(_equal(item.attrs.get(name), value) for name, value in conditions)
            ]
        elif not index_name and hash_key is not None:
            bucket = self.items.get(hash_key)
            candidates = list(bucket.values()) if isinstance(bucket, dict) else ([bucket] if bucket else [])
        else:
            return original(self, *args, **kwargs)
        candidates.sort(key=lambda item: (item.hash_key, item.range_key) if item.range_key else item.hash_key)
        with _instead_of_all_items(self, candidates):
            return original(self, *args, **kwargs)

    return query


def _patchable() -> Any | None:
    try:
        from moto.dynamodb.models.table import Table
    except ImportError:
        return None
    needed = ("query", "scan", "all_items")
    if not all(hasattr(Table, name) for name in needed):
        return None
    parameters = inspect.signature(Table.query).parameters
    if not {"hash_key", "index_name", "hash_key_conditions"} <= set(parameters):
        return None
    return Table


@contextmanager
def partition_queries() -> Iterator[bool]:
    table_class = _patchable()
    if table_class is None:
        print("Note: moto's Table changed: queries run unpatched (correct, only slower).")
        yield False
        return
    original = table_class.query
    table_class.query = _query_patch(original)
    try:
        yield True
    finally:
        table_class.query = original


@contextmanager
def frozen_scans() -> Iterator[bool]:
    table_class = _patchable()
    if table_class is None:
        yield False
        return
    original = table_class.scan
    signature = inspect.signature(original)
    copies: dict[int, tuple[list[Any], dict[tuple[Any, Any], int]]] = {}

    def scan(self: Any, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(self, *args, **kwargs).arguments
        if arguments.get("index_name"):
            return original(self, *args, **kwargs)
        if id(self) not in copies:
            items = table_class.all_items(self)
            copies[id(self)] = items, {_item_key(item): position for position, item in enumerate(items)}
        items, positions = copies[id(self)]
        # Start at the previous page's last item (moto skips it), instead of walking up to it again.
        start = arguments.get("exclusive_start_key")
        position = positions.get(_start_key(self, start), 0) if start else 0
        with _instead_of_all_items(self, items[position:]):
            return original(self, *args, **kwargs)

    table_class.scan = scan
    try:
        yield True
    finally:
        table_class.scan = original


def _item_key(item: Any) -> tuple[Any, Any]:
    return item.hash_key.value, item.range_key.value if item.range_key is not None else None


def _start_key(table: Any, start: dict[str, Any]) -> tuple[Any, Any]:
    def value(name: str | None) -> Any:
        typed = start.get(name) if name else None
        return next(iter(typed.values())) if isinstance(typed, dict) and typed else None

    return value(table.hash_key_attr), value(getattr(table, "range_key_attr", None))


def check_partition_queries(run_queries: Callable[[], Any]) -> bool:
    """Tell whether `run_queries()` answers the same with the query patch as without it."""
    plain = run_queries()
    with partition_queries():
        patched = run_queries()
    return plain == patched
