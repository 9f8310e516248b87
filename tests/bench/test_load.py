"""`python -m bench load`: only the local stack, bounded, and every journey from its own address."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bench import journeys, load


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1:8000",
        "http://localhost:8000",
        "http://10.0.0.1:8000",
        "http://aide.ent.example.fr",
        "http://127.0.0.1",
    ],
)
def test_anything_but_the_loopback_stack_is_refused(url: str) -> None:
    with pytest.raises(SystemExit, match="only runs against"):
        load.check_loopback(url)


def test_the_loopback_stack_is_accepted() -> None:
    assert load.check_loopback("http://127.0.0.1:8170") == ("127.0.0.1", 8170)


def test_more_than_20_clients_or_60_seconds_is_refused() -> None:
    assert load.bounded("clients", 20, load.MAX_CLIENTS) == 20
    with pytest.raises(SystemExit, match="maximum"):
        load.bounded("clients", 21, load.MAX_CLIENTS)
    with pytest.raises(SystemExit, match="maximum"):
        load.main(["--url", "http://127.0.0.1:8170", "--seconds", "61"])


def test_the_mix_is_the_weights_interleaved() -> None:
    round_ = journeys.schedule()
    for journey, weight in journeys.MIX:
        assert round_.count(journey) == weight
    assert round_[: len(journeys.MIX)] == [journey for journey, _ in journeys.MIX]


def test_percentiles_by_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert load.percentile(values, 0.5) == 50
    assert load.percentile(values, 0.95) == 95
    assert load.percentile([7.0], 0.95) == 7


@pytest.fixture
def seen() -> Iterator[tuple[int, list[tuple[str, str]]]]:
    """A server that answers 200 and records each request's client address and cookie."""
    requests: list[tuple[str, str]] = []

    @Request.application
    def app(request: Request) -> Response:
        requests.append((request.remote_addr or "", request.headers.get("Cookie", "")))
        response = Response("{}", status=200 if request.path != "/api/logout" else 204)
        if request.path == "/api/login":
            response.headers["Set-Cookie"] = "__Host-ent-session=abc; Path=/; Secure; HttpOnly"
        return response

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port, requests
    server.shutdown()
    server.server_close()


def test_each_family_comes_from_its_own_loopback_address_and_keeps_its_session(seen: Any) -> None:
    port, requests = seen
    recorder = journeys.Recorder()
    accounts = journeys.Accounts(["a", "b"], ["letter"])

    journeys.login_and_session(journeys.Family("127.0.0.1", port, recorder), accounts)
    journeys.login_and_session(journeys.Family("127.0.0.1", port, recorder), accounts)

    first, second = {address for address, _ in requests[:3]}, {address for address, _ in requests[3:]}
    assert len(first) == len(second) == 1 and first != second
    assert all(address.startswith("127.0.") for address, _ in requests)
    assert [cookie for _, cookie in requests[:3]] == ["", "__Host-ent-session=abc", "__Host-ent-session=abc"]
    assert [sample.error for sample in recorder.samples] == [None] * 6


def test_an_unexpected_answer_is_an_error(seen: Any) -> None:
    port, _ = seen
    recorder = journeys.Recorder()
    journeys.session_without_cookie(journeys.Family("127.0.0.1", port, recorder), journeys.Accounts(["a"], []))
    (sample,) = recorder.samples
    assert sample.error is not None and sample.error.startswith("200 instead of 401")


def test_a_first_connection_without_letters_left_logs_in_instead(seen: Any) -> None:
    port, _ = seen
    recorder = journeys.Recorder()
    journeys.first_connection(journeys.Family("127.0.0.1", port, recorder), journeys.Accounts(["a"], []))
    assert [sample.step for sample in recorder.samples] == [
        "POST /api/login (ok)",
        "GET /api/session (signed in)",
        "POST /api/logout",
    ]
