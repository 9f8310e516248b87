"""Cold start of every function of infra/template.yaml, side by side with `python -c "import flask, boto3"`.

Each run is a NEW Python process that imports the function's handler (the template's Handler) and
serves ONE event: an API Gateway HTTP API (payload 2.0) event for a web function, the scheduler's
event for the sweep. Its DynamoDB and SES calls reach moto's server, started here on a free port
with the template's table. Runs are interleaved (baseline, f1, f2, ..., baseline, f1, ...) so a
noisy neighbour slows every column alike; the ratio is the median of each round's ratio to that
round's baseline. DESIGN §7: a handler's cold start should be at most the baseline (<= 1.0x).

Settings: BENCH_COLDSTART_RUNS (default 7), BENCH_COLDSTART_WARMUP (default 1, not counted: it
writes the bytecode caches and fills the page cache, as a deployed package has both).
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from bench.common import (
    DUMMY_CREDENTIAL,
    MAIL_FROM,
    PUBLIC_URL,
    REGION,
    ROOT,
    TABLE_NAME,
    aws_variables,
    env_int,
    machine_line,
    median,
    print_table,
    quiet_service_logs,
)

BASELINE_CODE = "import flask, boto3"
PASSWORD = "Soleil2024x"
WRONG_PASSWORD = "Mauvais12pass"
UNKNOWN_TOKEN = "n" * 43  # well formed (like a real link's token), stored nowhere
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"

# The child: import the handler by its dotted path, read the event, serve it once, say the status.
CHILD = r"""
import sys
from time import perf_counter
started = perf_counter()
module_name, _, attribute = sys.argv[1].rpartition(".")
__import__(module_name)
handler = getattr(sys.modules[module_name], attribute)
imported = perf_counter()
import json
with open(sys.argv[2], encoding="utf-8") as stream:
    event = json.load(stream)
class Context:
    function_name = sys.argv[3]
    aws_request_id = "bench-coldstart"
    memory_limit_in_mb = 1024
    def get_remaining_time_in_millis(self):
        return 900000
result = handler(event, Context())
served = perf_counter()
status = result.get("statusCode", "ok") if isinstance(result, dict) else "ok"
sys.stdout.write("\nBENCH_STATUS %s %.6f %.6f\n" % (status, imported - started, served - imported))
"""


@dataclass
class Request:
    """What one web route is sent: a case a real visitor makes, and the answer it gets."""

    case: str
    body: dict[str, Any] | None
    expected: str
    needs_account: bool = False


# The request each known route is measured with; a route not listed here gets an empty JSON body.
REQUESTS: dict[tuple[str, str], Request] = {
    ("POST", "/api/login"): Request(
        "wrong password",
        {"identifier": "zoe.martin", "password": WRONG_PASSWORD, "profile": "parent"},
        "401",
        needs_account=True,
    ),
    ("GET", "/api/session"): Request("no cookie", None, "401"),
    ("POST", "/api/activation"): Request("unknown link", {"token": UNKNOWN_TOKEN}, "400"),
    ("POST", "/api/recovery/password/reset"): Request(
        "unknown link",
        {"token": UNKNOWN_TOKEN, "new_password": "Marelle58vol", "new_password_confirmation": "Marelle58vol"},
        "400",
    ),
    ("POST", "/api/account/email/confirm"): Request("unknown link", {"token": UNKNOWN_TOKEN}, "400"),
    ("POST", "/api/feedback"): Request("page useful", {"page": "/connexion/", "helpful": True}, "202"),
}


@dataclass
class Scenario:
    label: str
    argv: list[str]  # after the interpreter
    kind: str  # "baseline", "floor" or "handler"
    expected: str = ""
    setup: Callable[[], None] | None = None
    times: list[float] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    import_times: list[float] = field(default_factory=list)  # as the child measured them
    serve_times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def main() -> None:
    runs = env_int("BENCH_COLDSTART_RUNS", 7)
    warmup = env_int("BENCH_COLDSTART_WARMUP", 1, minimum=0)
    quiet_service_logs()
    from devserver.aws import create_table, moto_port, start_moto, verify_sender

    server = start_moto(0)
    try:
        endpoint = f"http://127.0.0.1:{moto_port(server)}"
        aws = _clients(endpoint)
        create_table(aws["dynamodb"], TABLE_NAME)
        verify_sender(aws["ses"], aws["sesv2"], MAIL_FROM)
        env = aws_variables(AWS_ENDPOINT_URL=endpoint)
        with tempfile.TemporaryDirectory(prefix="bench-coldstart-") as folder:
            scenarios = _scenarios(Path(folder), aws["dynamodb"])
            print(
                f"Cold start: a new process imports the handler and serves one event against moto's server "
                f"({endpoint}); {runs} run(s) each after {warmup} warm-up round(s), interleaved."
            )
            if runs < 5:
                print(f"Note: BENCH_COLDSTART_RUNS={runs} is below 5: the medians are indicative only.")
            _measure(scenarios, env, runs, warmup)
            _report(scenarios)
            _import_profile(scenarios, env)
    finally:
        server.stop()


def _clients(endpoint: str) -> dict[str, Any]:
    import boto3

    session = boto3.session.Session(
        aws_access_key_id=DUMMY_CREDENTIAL, aws_secret_access_key=DUMMY_CREDENTIAL, region_name=REGION
    )
    return {name: session.client(name, endpoint_url=endpoint) for name in ("dynamodb", "ses", "sesv2")}


def _scenarios(folder: Path, dynamodb: Any) -> list[Scenario]:
    """The baseline, the interpreter alone, then every function of the template."""
    from devserver.gateway import HttpRequest, to_event
    from infra.template import load_template, routes, schedules

    scenarios = [
        Scenario(f'baseline: python -c "{BASELINE_CODE}"', ["-c", BASELINE_CODE], "baseline"),
    ]
    reset_account = _account_resetter(dynamodb)
    reset_sweep = _sweep_resetter(dynamodb)
    by_function: dict[str, list] = {}
    for route in routes():
        by_function.setdefault(route.function, []).append(route)
    for logical_id, function_routes in by_function.items():
        chosen = [route for route in function_routes if (route.method, route.path) in REQUESTS] or function_routes[:1]
        for route in chosen:
            request = REQUESTS.get((route.method, route.path), Request("empty JSON body", {}, "?"))
            body = json.dumps(request.body).encode() if request.body is not None else b""
            headers = [
                ("host", "aide.ent.example.fr"),
                ("user-agent", USER_AGENT),
                ("accept", "application/json"),
                ("sec-fetch-site", "same-origin"),
            ]
            if route.method != "GET":
                headers += [("content-type", "application/json"), ("origin", PUBLIC_URL)]
            event = to_event(
                HttpRequest(method=route.method, path=route.path, headers=tuple(headers), body=body),
                f"{route.method} {route.path}",
            )
            path = folder / f"{logical_id}-{len(scenarios)}.json"
            scenarios.append(
                Scenario(
                    f"{logical_id}: {route.method} {route.path} ({request.case})",
                    ["-c", CHILD, route.handler, str(path), logical_id],
                    "handler",
                    request.expected,
                    setup=_web_setup(path, event, reset_account if request.needs_account else None),
                )
            )
    template = load_template()
    for logical_id, schedule in schedules().items():
        path = folder / f"{logical_id}.json"
        # EventBridge Scheduler sends the target's Input; the template sets none and the handler reads none.
        path.write_text("{}", encoding="utf-8")
        expression = schedule.get("ScheduleExpression", "schedule")
        scenarios.append(
            Scenario(
                f"{logical_id}: {expression} (1 deactivation, 1 reminder mail)",
                ["-c", CHILD, schedule["handler"], str(path), logical_id],
                "handler",
                "ok",
                setup=reset_sweep,
            )
        )
    missing = [
        logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
        and logical_id not in by_function
        and logical_id not in schedules()
    ]
    for logical_id in missing:
        print(f"Note: {logical_id} has neither an HttpApi route nor a schedule: not measured.")
    scenarios.append(Scenario("python -c pass (the interpreter alone)", ["-c", "pass"], "floor"))
    return scenarios


_visitors = itertools.count(1)


def _web_setup(path: Path, event: dict[str, Any], then: Callable[[], None] | None) -> Callable[[], None]:
    """Before each run: the event comes from a new visitor's address (the per-IP guess limit never
    trips however many runs), then the scenario's own reset."""

    def setup() -> None:
        visitor = next(_visitors)
        source_ip = f"198.51.{100 + visitor // 250 % 100}.{visitor % 250 + 1}"  # documentation ranges
        event["requestContext"]["http"]["sourceIp"] = source_ip
        event["headers"]["x-forwarded-for"] = source_ip
        path.write_text(json.dumps(event), encoding="utf-8")
        if then:
            then()

    return setup


def _account_resetter(dynamodb: Any) -> Callable[[], None]:
    """Put back the active account the wrong-password login tries, so it never gets locked."""
    from functions.core.lifecycle import AccountState, Profile
    from functions.core.model import Account
    from functions.core.passwords import hash_password
    from functions.core.store.dynamodb import marshal
    from functions.core.store.items import account_to_item

    now = datetime.now(UTC)
    account = Account(
        identifier="zoe.martin",
        profile=Profile.PARENT,
        state=AccountState.ACTIVE,
        school="0751234J",
        first_name="Zoé",
        last_name="Martin",
        birth_date=date(2015, 3, 1),
        password_hash=hash_password(PASSWORD),
        issued_at=now - timedelta(days=30),
        activation_deadline=(now + timedelta(days=60)).date(),
        deletion_date=(now + timedelta(days=335)).date(),
        email="zoe.martin@exemple.fr",
        activated_at=now,
    )
    item = marshal(account_to_item(account))
    return lambda: dynamodb.put_item(TableName=TABLE_NAME, Item=item)


def _sweep_resetter(dynamodb: Any) -> Callable[[], None]:
    """Give each sweep run a usual day: yesterday done, one account to deactivate, one to remind."""
    from functions.core.clock import paris_day, utc_now
    from functions.core.lifecycle import AccountState, Profile
    from functions.core.model import Account
    from functions.core.store.dynamodb import marshal
    from functions.core.store.items import account_to_item
    from functions.core.store.keys import sweep_cursor_key

    def reset() -> None:
        now = utc_now()
        today = paris_day(now)
        leo = partial(
            Account,
            profile=Profile.PARENT,
            school="0751234J",
            first_name="Léo",
            birth_date=date(2014, 5, 2),
            password_hash="$argon2id$v=19$m=19456,t=2,p=1$YmVuY2g$YmVuY2g",
            issued_at=now - timedelta(days=90),
            deletion_date=today + timedelta(days=270),
        )
        accounts = [
            leo(
                identifier="leo.issued",
                last_name="Issued",
                state=AccountState.ISSUED,
                activation_deadline=today - timedelta(days=1),
            ),
            leo(
                identifier="leo.pending",
                last_name="Pending",
                state=AccountState.PENDING_CONFIRMATION,
                pending_email="leo.pending@exemple.fr",
                activation_deadline=today + timedelta(days=14),
            ),
        ]
        for account in accounts:
            dynamodb.put_item(TableName=TABLE_NAME, Item=marshal(account_to_item(account)))
        dynamodb.put_item(
            TableName=TABLE_NAME,
            Item=marshal({**sweep_cursor_key(), "type": "sweep", "day": (today - timedelta(days=1)).isoformat()}),
        )

    return reset


def _run(
    scenario: Scenario, env: dict[str, str], extra: Sequence[str] = ()
) -> tuple[float, subprocess.CompletedProcess[str]]:
    if scenario.setup:
        scenario.setup()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *extra, *scenario.argv], env=env, cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - started, done


def _measure(scenarios: list[Scenario], env: dict[str, str], runs: int, warmup: int) -> None:
    for round_number in range(warmup + runs):
        for scenario in scenarios:
            elapsed, done = _run(scenario, env)
            if round_number < warmup:
                continue
            scenario.times.append(elapsed)
            if done.returncode != 0:
                scenario.statuses.append("error")
                scenario.errors.append(done.stderr.strip()[-2000:])
            elif scenario.kind == "handler":
                found = re.findall(r"^BENCH_STATUS (\S+) (\S+) (\S+)$", done.stdout, flags=re.MULTILINE)
                if found:
                    status, imported, served = found[-1]
                    scenario.statuses.append(status)
                    scenario.import_times.append(float(imported))
                    scenario.serve_times.append(float(served))
                else:
                    scenario.statuses.append("?")
        print(
            f"  round {round_number + 1}/{warmup + runs}{' (warm-up)' if round_number < warmup else ''} done",
            flush=True,
        )


def _paired_ratio(scenario: Scenario, baseline: Scenario) -> float:
    return median([mine / base for mine, base in zip(scenario.times, baseline.times, strict=False)])


def _report(scenarios: list[Scenario]) -> None:
    baseline = scenarios[0]
    rows = []
    for scenario in scenarios:
        ratio = _paired_ratio(scenario, baseline)
        statuses = sorted(set(scenario.statuses))
        status = "/".join(statuses) if statuses else "-"
        if scenario.kind == "handler" and scenario.expected not in ("?", status):
            status += f" (expected {scenario.expected})"
        verdict = ""
        if scenario.kind == "handler":
            verdict = "ok (<= 1.0x)" if ratio <= 1.0 else "over the bar"
        inside = (
            (f"{median(scenario.import_times) * 1000:.0f}", f"{median(scenario.serve_times) * 1000:.0f}")
            if scenario.import_times
            else ("", "")
        )
        rows.append(
            [
                scenario.label,
                status,
                f"{median(scenario.times) * 1000:.0f}",
                f"{min(scenario.times) * 1000:.0f}",
                f"{max(scenario.times) * 1000:.0f}",
                *inside,
                f"{ratio:.2f}x",
                verdict,
            ]
        )
    print()
    print_table(
        ["process", "status", "median ms", "min ms", "max ms", "import ms", "event ms", "x baseline", "DESIGN §7"],
        rows,
        right=(2, 3, 4, 5, 6, 7),
    )
    print(
        "median/min/max: wall time of the whole process, interpreter start and exit included. import ms and "
        "event ms: medians of what the child measured itself (importing the handler module; serving the event, "
        "lazy imports and client creation included). x baseline: median over the rounds of (this run / the "
        "same round's baseline run)."
    )
    for scenario in scenarios:
        if scenario.errors:
            print(f"\n{scenario.label} failed {len(scenario.errors)} time(s); last error:\n{scenario.errors[-1]}")


def _import_profile(scenarios: list[Scenario], env: dict[str, str]) -> None:
    """`python -X importtime` of the slowest handler: the 10 largest cumulative import times."""
    handlers = [scenario for scenario in scenarios if scenario.kind == "handler" and scenario.times]
    if not handlers:
        return
    slowest = max(handlers, key=lambda scenario: median(scenario.times))
    _, done = _run(slowest, env, ["-X", "importtime"])
    entries = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if match:
            self_us, cumulative_us, indent, name = match.groups()
            entries.append((int(cumulative_us), int(self_us), len(indent) // 2, name))
    total = sum(cumulative for cumulative, _, depth, _ in entries if depth == 0)
    print(
        f"\nSlowest handler: {slowest.label}. python -X importtime, top 10 cumulative imports "
        f"(all imports of the run, request included: {total / 1000:.0f} ms in total; depth 0 = imported "
        "by the handler's code or lazily during the request):"
    )
    rows = [
        [f"{cumulative / 1000:.1f}", f"{self_us / 1000:.1f}", depth, "  " * depth + name]
        for cumulative, self_us, depth, name in sorted(entries, reverse=True)[:10]
    ]
    print_table(["cumulative ms", "self ms", "depth", "module"], rows, right=(0, 1, 2))
    print("Largest self times (the leaves worth cutting):")
    rows = [
        [f"{self_us / 1000:.1f}", "  " * depth + name]
        for _, self_us, depth, name in sorted(entries, key=lambda entry: entry[1], reverse=True)[:10]
    ]
    print_table(["self ms", "module"], rows, right=(0,))


if __name__ == "__main__":
    print(machine_line())
    main()
