"""`bench/roundtrips.py`'s world, served as Lambda serves it: API Gateway v2 events through apig-wsgi, timed."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bench.common import PUBLIC_URL
from bench.roundtrips import COOKIE, World

if TYPE_CHECKING:
    from bench.capacity import MotoMeter


class LambdaWorld(World):
    """Each request becomes the event API Gateway would send, answered by the app's Lambda handler."""

    def __init__(self, meter: MotoMeter) -> None:
        super().__init__()
        self.meter = meter
        self.handlers: dict[int, Any] = {}
        self.last_cpu = self.last_wall = 0.0

    def _handler(self, method: str, path: str) -> Any:
        from apig_wsgi import make_lambda_handler

        app = self.app(method, path)
        if id(app) not in self.handlers:
            self.handlers[id(app)] = make_lambda_handler(app, binary_support=True)
        return self.handlers[id(app)]

    def _send(self, method: str, path: str, body: dict[str, Any] | None, session: str | None) -> Any:
        from werkzeug.wrappers import Response

        from devserver.gateway import HttpRequest, to_event, to_response

        headers = [("origin", PUBLIC_URL), ("sec-fetch-site", "same-origin"), ("user-agent", "bench")]
        payload = b""
        if method != "GET":
            payload = json.dumps(body if body is not None else {}).encode()
            headers.append(("content-type", "application/json"))
        if session:
            headers.append(("cookie", f"{COOKIE}={session}"))
        request = HttpRequest(
            method, path, headers=tuple(headers), body=payload, source_ip=f"198.51.100.{self.visitor % 250 + 1}"
        )
        handler = self._handler(method, path)
        event = to_event(request, f"{method} {path}")
        if self.counting:
            result, self.last_cpu, self.last_wall = self.meter.timed(lambda: handler(event, None))
        else:
            result = handler(event, None)
        answer = to_response(result)
        return Response(answer.body, status=answer.status, headers=answer.headers)
