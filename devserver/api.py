"""The local API: route `/api` requests to the template's functions, as API Gateway would."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import unquote

from devserver.gateway import HttpRequest, HttpResponse, json_error, to_event, to_response
from devserver.lambdas import Functions
from infra.template import Route, route_for

# API Gateway refuses larger payloads; the functions enforce their own, smaller, limit.
MAX_REQUEST_BYTES = 10 * 1024 * 1024

logger = logging.getLogger("devserver")


class LocalApi:
    """Match a request on the template's routes (method + path, `{name}` one segment) and invoke the handler."""

    def __init__(self, routes: Iterable[Route], functions: Functions | None = None) -> None:
        self.known = list(routes)
        self.routes = {(route.method, route.path): route for route in self.known}
        self.functions = functions or Functions()

    def match(self, method: str, raw_path: str) -> Route | HttpResponse:
        """Return the route of `method raw_path`, or the 404 / 405 answer."""
        path = unquote(raw_path)
        route = self.routes.get((method.upper(), path)) or route_for(self.known, path, method.upper())
        if route is not None:
            return route
        allowed = sorted({known.method for known in self.known if known.matches(path)})
        if allowed:
            answer = json_error(405, "method_not_allowed", "Cette méthode n'est pas acceptée à cette adresse.")
            answer.headers.append(("Allow", ", ".join(allowed)))
            return answer
        return json_error(404, "not_found", "Cette adresse de l'API n'existe pas.")

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Answer `request` through the handler of its route."""
        if len(request.body) > MAX_REQUEST_BYTES:
            return json_error(413, "payload_too_large", "La demande est trop volumineuse.")
        route = self.match(request.method, request.path)
        if isinstance(route, HttpResponse):
            return route
        event = to_event(request, f"{route.method} {route.path}")
        try:
            result = self.functions.invoke(route.function, route.handler, event)
            return to_response(result)
        except Exception:  # a crashed function: API Gateway answers 500, the traceback goes to the logs
            logger.exception("function %s failed on %s %s", route.function, route.method, route.path)
            return json_error(
                500, "internal_error", "Une erreur inattendue est survenue. Veuillez réessayer plus tard."
            )
