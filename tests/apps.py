"""The whole API in-process: every function's Flask app on the test's store, routed as the template says.

`FlowApps` is a WSGI app, driven by werkzeug's test `Client` (tests/functions, tests/infra) or by
schemathesis (tests/contract). Each request goes to the app of the function that owns its path in
infra/template.yaml, as API Gateway does; a path no route declares is answered by one of the apps,
whose JSON 404 is the API's. (The local stack's gateway, devserver/api.py, does the same through
the real handlers, but those build their apps from the environment, with the real clock.)
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from flask import Flask

from functions.core.settings import Settings
from functions.core.store import Store
from infra.template import Route, route_for, routes


def flow_package(route: Route) -> str:
    """Return the package of the route's function: `functions.login` for `functions.login.handler.handler`."""
    return route.handler.rsplit(".", 2)[0]


class FlowApps:
    """Each function's app, built once (`app.create_app(settings, store=…, clock=…, …)`), by path.

    `services` go to the apps that take them (a mailer, say). `source_ip` stands for the address
    API Gateway saw (the apps read it from the request): None leaves the client's own.
    """

    def __init__(self, settings: Settings, store: Store, clock: Callable[[], datetime], **services: Any) -> None:
        apps: dict[str, Flask] = {}
        self.by_path: dict[str, Flask] = {}
        self.routes = routes()
        for route in self.routes:
            if route.function not in apps:
                create_app = importlib.import_module(f"{flow_package(route)}.app").create_app
                accepted = inspect.signature(create_app).parameters
                offered = {"store": store, "clock": clock, **services}
                apps[route.function] = create_app(
                    settings, **{name: value for name, value in offered.items() if name in accepted}
                )
            self.by_path[route.path] = apps[route.function]
        self.fallback = next(iter(apps.values()))
        self.source_ip: str | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.source_ip:
            environ["REMOTE_ADDR"] = self.source_ip
        path = environ.get("PATH_INFO", "")
        app = self.by_path.get(path)
        if app is None:  # a route with a path parameter (`/api/admin/staff/{email}/disable`)
            route = route_for(self.routes, path)
            app = self.by_path[route.path] if route else self.fallback
        return app(environ, start_response)
