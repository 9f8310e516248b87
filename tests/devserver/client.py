"""werkzeug's test client, typed for these tests: an answer's `json` is the decoded body.

werkzeug types `TestResponse.json` as `Any | None` (None when the answer is not JSON), so every
`response.json["error"]` would need a check first. The local stack's tests only read `json` from the
answers they expect to be JSON, and a None there fails the test at once, so the answer here says `Any`.
"""

from __future__ import annotations

from typing import Any, cast

from werkzeug import test


class JsonResponse(test.TestResponse):
    """A test answer whose `json` is typed as the JSON it holds (same value as werkzeug's)."""

    @property
    def json(self) -> Any:
        return self.get_json()


class Client(test.Client):
    """werkzeug's `Client`, answering `JsonResponse`s."""

    def __init__(self, application: Any, **kwargs: Any) -> None:
        super().__init__(application, response_wrapper=JsonResponse, **kwargs)

    def open(self, *args: Any, **kwargs: Any) -> JsonResponse:
        return cast(JsonResponse, super().open(*args, **kwargs))

    def get(self, *args: Any, **kwargs: Any) -> JsonResponse:
        return cast(JsonResponse, super().get(*args, **kwargs))

    def post(self, *args: Any, **kwargs: Any) -> JsonResponse:
        return cast(JsonResponse, super().post(*args, **kwargs))

    def delete(self, *args: Any, **kwargs: Any) -> JsonResponse:
        return cast(JsonResponse, super().delete(*args, **kwargs))

    def head(self, *args: Any, **kwargs: Any) -> JsonResponse:
        return cast(JsonResponse, super().head(*args, **kwargs))
