"""The local stack runs each function as Lambda does: one warm instance per concurrent request, up to a limit."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from werkzeug.serving import make_server

from devserver.api import LocalApi
from devserver.app import DevApp
from devserver.lambdas import DEFAULT_CONCURRENCY, Functions, InstancePool, concurrency_limit, new_instance
from devserver.site import StaticSite
from infra.template import Route, reserved_concurrency

WAIT = 10  # seconds a test thread waits for the others before the test fails (never a timing assertion)


class Recorder:
    """Handlers that each remember who they are, and count how many events each serves at once."""

    def __init__(self, release: threading.Barrier | threading.Event | None = None) -> None:
        self.release = release
        self.lock = threading.Lock()
        self.busy: dict[int, int] = {}  # instance number -> events in it right now
        self.most_at_once_in_one = 0
        self.most_at_once = 0
        self.instances = 0

    def importer(self, dotted_path: str) -> Callable[[dict[str, Any], Any], Any]:
        with self.lock:
            self.instances += 1
            number = self.instances

        def handler(event: dict[str, Any], context: Any) -> int:
            with self.lock:
                self.busy[number] = self.busy.get(number, 0) + 1
                self.most_at_once_in_one = max(self.most_at_once_in_one, self.busy[number])
                self.most_at_once = max(self.most_at_once, sum(self.busy.values()))
            try:
                if isinstance(self.release, threading.Barrier):
                    self.release.wait(WAIT)
                elif isinstance(self.release, threading.Event):
                    assert self.release.wait(WAIT)
            finally:
                with self.lock:
                    self.busy[number] -= 1
            return number

        return handler


def _invoke_together(functions: Functions, count: int) -> list[int]:
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda n: functions.invoke("LoginFunction", "m.h", {"n": n}), range(count)))


def test_concurrent_requests_each_get_their_own_warm_instance() -> None:
    # Four events that only finish once all four are inside a handler: served one at a time, they never would.
    recorder = Recorder(threading.Barrier(4))
    functions = Functions(recorder.importer, concurrency=lambda name: 10)

    served_by = _invoke_together(functions, 4)

    assert sorted(served_by) == [1, 2, 3, 4]
    assert recorder.most_at_once == 4
    assert recorder.most_at_once_in_one == 1  # an instance never sees two events at once


def test_warm_instances_are_reused_rather_than_started_again() -> None:
    recorder = Recorder(threading.Barrier(3))
    functions = Functions(recorder.importer, concurrency=lambda name: 10)
    _invoke_together(functions, 3)
    recorder.release = None

    for n in range(5):
        functions.invoke("LoginFunction", "m.h", {"n": n})

    assert recorder.instances == 3
    assert functions.pool("LoginFunction", "m.h").size == 3


def test_no_more_instances_than_the_limit_the_others_wait_their_turn() -> None:
    release = threading.Event()
    recorder = Recorder(release)
    functions = Functions(recorder.importer, concurrency=lambda name: 2)
    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(functions.invoke, "LoginFunction", "m.h", {"n": n}) for n in range(6)]
        threading.Timer(0.2, release.set).start()  # let the queue form, then free the handlers
        served_by = [future.result(WAIT) for future in futures]

    assert set(served_by) == {1, 2}
    assert recorder.instances == 2
    assert recorder.most_at_once == 2


def test_a_failed_cold_start_does_not_use_up_a_place() -> None:
    attempts: list[str] = []

    def importer(dotted_path: str) -> Callable[[dict[str, Any], Any], Any]:
        attempts.append(dotted_path)
        if len(attempts) == 1:
            raise ImportError("the first start fails")
        return lambda event, context: "ok"

    pool = InstancePool(lambda: importer("m.h"), limit=1)
    with pytest.raises(ImportError), pool.instance():
        pass
    with pool.instance() as handler:
        assert handler({}, None) == "ok"
    assert pool.size == 1


def test_each_instance_loads_its_own_copy_of_the_handler_module() -> None:
    first = new_instance("tests.devserver.handlers.counted")
    second = new_instance("tests.devserver.handlers.counted")

    assert [first({}, None), first({}, None), second({}, None)] == [1, 2, 1]


def test_the_real_login_handler_gets_one_app_per_instance() -> None:
    assert new_instance("functions.login.handler.handler") is not new_instance("functions.login.handler.handler")


def test_the_limit_is_the_template_reserved_concurrency_else_the_local_setting() -> None:
    assert reserved_concurrency("SweepFunction") == 1
    assert concurrency_limit("SweepFunction", {"ENT_LOCAL_CONCURRENCY": "50"}) == 1
    assert reserved_concurrency("LoginFunction") is None
    assert concurrency_limit("LoginFunction", {}) == DEFAULT_CONCURRENCY
    assert concurrency_limit("LoginFunction", {"ENT_LOCAL_CONCURRENCY": "3"}) == 3
    assert concurrency_limit("LoginFunction", {"ENT_LOCAL_CONCURRENCY": "zéro"}) == DEFAULT_CONCURRENCY


def test_the_http_server_serves_requests_to_one_function_at_the_same_time(tmp_path: Any) -> None:
    # Through a real socket: five requests to one route, each held until all five are in the handler.
    import urllib.request

    recorder = Recorder(threading.Barrier(5))
    functions = Functions(recorder.importer, concurrency=lambda name: 10)
    api = LocalApi([Route("GET", "/api/held", "HeldFunction", "m.h")], functions)
    server = make_server("127.0.0.1", 0, DevApp(api, StaticSite(tmp_path)), threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    url = f"http://127.0.0.1:{server.server_port}/api/held"
    try:
        with ThreadPoolExecutor(5) as pool:
            bodies = list(pool.map(lambda _: urllib.request.urlopen(url, timeout=WAIT).read(), range(5)))
    finally:
        server.shutdown()
        server.server_close()

    assert sorted(int(body) for body in bodies) == [1, 2, 3, 4, 5]
    assert recorder.most_at_once == 5
