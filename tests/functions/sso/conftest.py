"""A registered CAS service for the single sign-on tests."""

from __future__ import annotations

import pytest

from tests.sso_support import register_service


@pytest.fixture
def service(store):
    return register_service(store)
