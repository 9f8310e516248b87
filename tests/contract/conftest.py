"""Fixtures of the contract tests: the API in-process on the moto table, and real state to seed."""

from __future__ import annotations

import pytest

from tests.apps import FlowApps
from tests.contract.stack import World


@pytest.fixture
def no_response_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The recovery answers' time floor (0.5 s, tested in tests/functions/recovery) would only slow the fuzzing."""
    import functions.recovery.app as recovery_app

    if hasattr(recovery_app, "RESPONSE_FLOOR"):
        monkeypatch.setattr(recovery_app, "RESPONSE_FLOOR", 0)


@pytest.fixture
def api(settings, store, clock, no_response_floor, signing_key) -> FlowApps:
    """Every function's app, as the template routes to them, on the test table."""
    return FlowApps(settings, store, clock)


@pytest.fixture
def world(settings, store, clock) -> World:
    return World(store, clock, settings)
