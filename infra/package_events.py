"""One representative event per function of infra/template.yaml, for `make package-check`.

Chosen from each function's own events, so a function added to the template is checked without
touching this file: an API function gets its GET route (else its first route) as API Gateway sends
it; a scheduled function the scheduler's event; a queue's worker an SQS event with no record. Known
routes also get the answer they must give (a wrong-password login: 401).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from devserver.gateway import HttpRequest, to_event
from devserver.lambdas import scheduled_event
from infra.template import load_template

WRONG_LOGIN = {"identifier": "personne.inconnue", "password": "Mauvais12pass", "profile": "parent"}
# Routes with a request that must get one exact answer; any other API event must answer below 500.
KNOWN_PROBES: dict[tuple[str, str], tuple[dict[str, Any], int]] = {
    ("POST", "/api/login"): (WRONG_LOGIN, 401),
    ("GET", "/api/session"): ({}, 401),
}


@dataclass(frozen=True)
class Probe:
    function: str  # logical id
    handler: str
    event: dict[str, Any]
    what: str  # "GET /api/session", "ScheduleV2", "SQS"
    status: int | None = None  # for an API event: the exact status expected, else any below 500
    api: bool = False


def api_event(method: str, path: str, body: dict[str, Any] | None, origin: str) -> dict[str, Any]:
    headers: tuple[tuple[str, str], ...] = (("host", "api.local"), ("user-agent", "package-check"))
    payload = b""
    if method != "GET":
        payload = json.dumps(body or {}).encode()
        headers += (("content-type", "application/json"), ("origin", origin))
    request = HttpRequest(method, path, headers=headers, body=payload, source_ip="198.51.100.20")
    return to_event(request, f"{method} {path}")


def sqs_event() -> dict[str, Any]:
    return {"Records": []}


def probes(origin: str, template: dict[str, Any] | None = None) -> list[Probe]:
    """The events to serve: at least one per function, in the template's order."""
    template = template or load_template()
    found: list[Probe] = []
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        properties = resource["Properties"]
        handler = properties["Handler"]
        events = list(properties.get("Events", {}).values())
        routes = [
            (event["Properties"]["Method"].upper(), event["Properties"]["Path"])
            for event in events
            if event["Type"] == "HttpApi"
        ]
        chosen = [route for route in routes if route in KNOWN_PROBES]
        if not chosen and routes:
            chosen = [next((route for route in routes if route[0] == "GET"), routes[0])]
        for method, path in chosen:
            body, status = KNOWN_PROBES.get((method, path), ({}, None))
            event = api_event(method, path, body, origin)
            found.append(Probe(logical_id, handler, event, f"{method} {path}", status=status, api=True))
        kinds = {event["Type"] for event in events} - {"HttpApi"}
        if "Schedule" in kinds or "ScheduleV2" in kinds:
            found.append(Probe(logical_id, handler, scheduled_event(logical_id), "scheduled event"))
        if "SQS" in kinds:
            found.append(Probe(logical_id, handler, sqs_event(), "SQS event (no record)"))
        if not routes and not kinds & {"Schedule", "ScheduleV2", "SQS"}:
            found.append(Probe(logical_id, handler, {}, "direct invocation"))  # e.g. invoked by another function
    return found


def verdict(probe: Probe, outcome: dict[str, Any]) -> str | None:
    """Return what is wrong with the function's answer to `probe`, or None."""
    if "error" in outcome:
        return outcome["error"]
    if not probe.api:
        return None
    result = outcome.get("result")
    if not isinstance(result, dict) or "statusCode" not in result:
        return f"not an API Gateway answer: {str(result)[:120]}"
    status = int(result["statusCode"])
    if probe.status is not None and status != probe.status:
        return f"answered {status}, not {probe.status}"
    if status >= 500:
        return f"answered {status}"
    try:
        json.loads(result.get("body") or "null")
    except ValueError:
        return f"answered {status} without a JSON body"
    return None
