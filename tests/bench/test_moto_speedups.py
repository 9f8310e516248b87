"""bench/moto_speedups.py patches moto's internals: these tests fail loudly when moto changes under it.

Each speed-up checks at run time that moto still has what it patches and falls back to plain moto
(slower, still right) if not; the benchmark would then only print a note. Here the same change is a
failure, and each speed-up must give moto's own answers on a small table of the sweep benchmark.
"""

from __future__ import annotations

import inspect
from typing import Any

import boto3
import pytest

from bench import moto_speedups, sweep
from bench.common import TABLE_NAME
from infra.template import table_definition

ACCOUNTS = 400  # every kind of account of the sweep benchmark, 4 of them due on its day
CHANGED = "moto changed under bench/moto_speedups.py ({}): revisit the speed-up or remove it"


def load(client: Any, indexes: range) -> list[dict[str, Any]]:
    items = [item for index in indexes for item in sweep.items_of(index)]
    sweep._write(client, items)
    return items


@pytest.fixture
def dynamodb(aws: None) -> Any:
    """The sweep benchmark's table on moto, with its first accounts and its cursor."""
    client = boto3.client("dynamodb")
    client.create_table(TableName=TABLE_NAME, **table_definition())
    load(client, range(ACCOUNTS))
    sweep._write(client, [sweep.cursor_item()])
    return client


def test_moto_still_has_what_the_speedups_patch() -> None:
    from moto.dynamodb.models.dynamo_type import LimitedSizeDict
    from moto.dynamodb.models.table import Table

    assert "__setitem__" in LimitedSizeDict.__dict__, CHANGED.format("LimitedSizeDict.__setitem__, bulk_load")
    assert moto_speedups._patchable() is Table, CHANGED.format("Table.query/scan/all_items")
    scan = set(inspect.signature(Table.scan).parameters)
    assert {"index_name", "exclusive_start_key"} <= scan, CHANGED.format("Table.scan's parameters, frozen_scans")


def test_each_speedup_applies_and_gives_moto_its_code_back(dynamodb: Any) -> None:
    from moto.dynamodb.models.dynamo_type import LimitedSizeDict
    from moto.dynamodb.models.table import Table

    originals = (LimitedSizeDict.__dict__["__setitem__"], Table.query, Table.scan)
    for speedup in (moto_speedups.bulk_load, moto_speedups.partition_queries, moto_speedups.frozen_scans):
        with speedup() as applied:
            assert applied, CHANGED.format(speedup.__name__)

    assert (LimitedSizeDict.__dict__["__setitem__"], Table.query, Table.scan) == originals


def test_partition_queries_give_moto_s_own_answers(dynamodb: Any) -> None:
    sweep._self_check(dynamodb)  # raises when an answer differs


def test_frozen_scans_give_moto_s_own_pages(dynamodb: Any) -> None:
    def pages() -> list[Any]:
        found, start = [], None
        while True:
            page = dynamodb.scan(TableName=TABLE_NAME, Limit=37, **({"ExclusiveStartKey": start} if start else {}))
            found.append((page["Items"], page["Count"], page["ScannedCount"], page.get("LastEvaluatedKey")))
            start = page.get("LastEvaluatedKey")
            if not start:
                return found

    plain = pages()
    with moto_speedups.frozen_scans():
        frozen = pages()

    assert len(plain) > 10
    assert frozen == plain, CHANGED.format("frozen_scans")


def test_bulk_load_stores_what_moto_stores(dynamodb: Any) -> None:
    with moto_speedups.bulk_load():
        load(dynamodb, range(ACCOUNTS, ACCOUNTS + 100))
    bulk = dynamodb.scan(TableName=TABLE_NAME)["Items"]

    dynamodb.delete_table(TableName=TABLE_NAME)
    dynamodb.create_table(TableName=TABLE_NAME, **table_definition())
    load(dynamodb, range(ACCOUNTS + 100))
    sweep._write(dynamodb, [sweep.cursor_item()])
    plain = dynamodb.scan(TableName=TABLE_NAME)["Items"]

    assert len(bulk) > 500
    assert bulk == plain, CHANGED.format("bulk_load")
