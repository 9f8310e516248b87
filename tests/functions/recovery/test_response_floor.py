"""The response floor that keeps known and unknown accounts' answers alike in time."""

from __future__ import annotations

import pytest

from functions.core import timing


@pytest.fixture
def readings(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Feed `perf_counter` from a list: the start, then the end of the work."""
    values: list[float] = []
    monkeypatch.setattr(timing, "perf_counter", lambda: values.pop(0))
    return values


def test_quick_work_is_padded_to_the_floor(readings, floor_sleeps):
    readings.extend([10.0, 10.1])
    with timing.response_floor(0.5):
        pass
    assert floor_sleeps == [pytest.approx(0.4)]


def test_work_longer_than_the_floor_is_not_delayed(readings, floor_sleeps):
    readings.extend([10.0, 10.7])
    with timing.response_floor(0.5):
        pass
    assert floor_sleeps == []


def test_a_refusal_is_padded_too(readings, floor_sleeps):
    readings.extend([10.0, 10.2])
    with pytest.raises(RuntimeError), timing.response_floor(0.5):
        raise RuntimeError("mail_unavailable")
    assert floor_sleeps == [pytest.approx(0.3)]
