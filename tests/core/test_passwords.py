"""The argon2id parameters production hashes with (the other tests hash with cheap ones: tests/conftest.py)."""

from __future__ import annotations

import pytest
from argon2 import Type
from argon2.low_level import ARGON2_VERSION

from functions.core.passwords import hash_password, hasher


@pytest.mark.argon2_production
def test_production_hashes_with_owasps_argon2id_floor() -> None:
    production = hasher()
    assert (production.type, production.memory_cost, production.time_cost, production.parallelism) == (
        Type.ID,
        19 * 1024,
        2,
        1,
    )
    assert hash_password("Soleil2024x").startswith(f"$argon2id$v={ARGON2_VERSION}$m=19456,t=2,p=1$")


def test_the_other_tests_hash_cheaply() -> None:
    assert "$m=8,t=1,p=1$" in hash_password("Soleil2024x")
