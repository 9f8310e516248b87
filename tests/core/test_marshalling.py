"""The store's own DynamoDB marshalling says what boto3's TypeSerializer would, both ways."""

from __future__ import annotations

from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from hypothesis import given
from hypothesis import strategies as st

from functions.core.store.dynamodb import from_attribute, marshal, to_attribute, unmarshal

# What the store writes: text, whole numbers in DynamoDB's range, booleans, null, lists and maps.
scalars = st.one_of(
    st.text(),
    st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1),
    st.booleans(),
    st.none(),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(st.text(), children, max_size=5)),
    max_leaves=20,
)


@given(values)
def test_a_value_is_written_as_boto3_writes_it(value: Any) -> None:
    assert to_attribute(value) == TypeSerializer().serialize(value)


@given(values)
def test_a_value_is_read_back_as_boto3_reads_it(value: Any) -> None:
    attribute = TypeSerializer().serialize(value)
    assert from_attribute(attribute) == TypeDeserializer().deserialize(attribute) == value


@given(st.dictionaries(st.text(min_size=1), values, max_size=8))
def test_an_item_survives_the_round_trip(item: dict[str, Any]) -> None:
    assert unmarshal(marshal(item)) == item


def test_a_tuple_is_written_as_a_list() -> None:
    assert to_attribute(("a", 1)) == TypeSerializer().serialize(["a", 1])


@pytest.mark.parametrize("value", [1.5, b"bytes", {"a", "b"}])
def test_what_the_store_never_writes_is_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        to_attribute(value)
