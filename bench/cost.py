"""`python -m bench cost`: euros per 1,000 families per year, from measured requests and dated prices.

Each endpoint's request is measured as `bench capacity` measures it (CPU without moto's share, the
AWS calls it waits on, a response floor when it has one); a Lambda duration is then modelled at the
function's MemorySize from infra/template.yaml (Lambda's CPU share grows with memory, one vCPU at
1,769 MB) plus a latency per AWS call. Yearly usage per account (`USAGE`) and the other assumptions
are printed with the figures; prices come from `bench/prices.py` (dated; check them before quoting).
The same model prints the concurrency the rentrée's peak needs (Little's law), which the README's
sizing section uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.capacity import Timing, measure_endpoints
from bench.common import env_int, machine_line, median, print_table, quiet_service_logs
from bench.prices import PRICES_WRITTEN, USD_TO_EUR, eur

FAMILIES = 1000
ACCOUNTS_PER_FAMILY = 2  # the scenario: 600,000 families, about 1.2 million accounts
DEPLOYED_FAMILIES = 600_000  # what the fixed monthly costs (web ACL, rules, KMS key) are shared by
FULL_VCPU_MB = 1769
GRAVITON_SLOWDOWN = 1.2  # assumption: a Graviton core at 1.2x this machine's CPU time (check with a real run)
DYNAMODB_MS = 6.0  # assumption: one DynamoDB call from Lambda, in-region
SES_MS = 40.0  # assumption: one SES SendEmail
# Per account and per year: (endpoint, case of bench/roundtrips.py's SCENARIOS) -> times.
USAGE: dict[tuple[str, str], float] = {
    ("login", "ok (active account)"): 31.0,  # 30 logins a year + the first connection's
    ("login", "wrong password"): 5.0,
    ("session", "ok"): 120.0,  # each page of Mon compte asks
    ("session", "ok, last-seen refresh due (6 min)"): 30.0,
    ("session", "no cookie"): 20.0,
    ("logout", "ok"): 10.0,
    ("first connection", "ok (link mailed)"): 0.9,  # 90 % of letters are used
    ("activation", "ok"): 0.85,
    ("resend", "ok (new link mailed)"): 0.1,
    ("recovery password", "known identifier"): 0.5,
    ("reset", "ok"): 0.4,
    ("recovery identifier", "known address"): 0.2,
    ("account password", "ok"): 0.2,
    ("account email", "ok (2 mails)"): 0.05,
    ("email confirm", "ok"): 0.05,
    ("feedback", "ok"): 0.5,
}
OIDC_SIGNS_PER_LOGIN = 1.0  # each login into the ENT (SSO) has its ID token signed by KMS
SWEEP_ACTIONS_PER_ACCOUNT = 3.0  # reminders, deactivation, deletion over a year, at 3.4 calls each
SWEEP_CALLS_PER_ACTION = 3.4  # `bench sweep`: 3.3-3.4 DynamoDB calls per due account
SWEEP_MAILS_PER_ACCOUNT = 0.3
SITE_MB_PER_ACCOUNT = 2.0  # help pages read in a year, assets cached by the browser
SITE_REQUESTS_PER_ACCOUNT = 150.0
API_RESPONSE_KB = 1.5
STORAGE_KB_PER_ACCOUNT = 20.0  # the account, its sessions, guess counts, a year of audit events
LOG_BYTES_PER_REQUEST = 400  # one JSON line per request, plus Lambda's START/END/REPORT lines
WRITE_UNITS_PER_WRITE = 3.0  # an account item is 1-2 KB and feeds up to 3 indexes
READ_UNITS_PER_READ = 1.0  # strongly consistent reads of items under 4 KB


@dataclass(frozen=True)
class Duration:
    cpu_ms: float  # on Lambda, at the function's memory
    io_ms: float
    floor_ms: float

    @property
    def billed_ms(self) -> float:
        return max(self.floor_ms, self.cpu_ms + self.io_ms)


def lambda_duration(timing: Timing, memory_mb: int) -> Duration:
    """The modelled Lambda duration of one request at `memory_mb`."""
    share = min(1.0, memory_mb / FULL_VCPU_MB)  # one request runs on one core: more than 1 vCPU does not help
    cpu = median(timing.cpu) * 1000 * GRAVITON_SLOWDOWN / share
    idle = (median(timing.wall) - median(timing.cpu)) * 1000
    floor = median(timing.wall) * 1000 if idle > 100 else 0.0  # a response floor (a sleep) bills as duration
    io = len(timing.operations) * DYNAMODB_MS + timing.mails * SES_MS
    return Duration(cpu, io, floor)


def memory_of(method: str, path: str) -> int:
    from infra.template import function_limits, routes

    function = next(route.function for route in routes() if (route.method, route.path) == (method, path))
    return function_limits(function)["MemorySize"]


def yearly_lines(endpoints: dict[tuple[str, str], Timing]) -> tuple[list[tuple[str, float, str, float]], list[str]]:
    """(what, quantity per FAMILIES a year, unit, euros) for every priced item; and the notes."""
    accounts = FAMILIES * ACCOUNTS_PER_FAMILY
    gb_seconds = requests = reads = writes = mails = 0.0
    notes: list[str] = []
    for key, per_account in USAGE.items():
        timing = endpoints.get(key)
        if timing is None:
            notes.append(f"no measurement for {key}: left out")
            continue
        count = per_account * accounts
        duration = lambda_duration(timing, memory_of(timing.method, timing.path))
        gb_seconds += count * duration.billed_ms / 1000 * memory_of(timing.method, timing.path) / 1024
        requests += count
        reads += count * sum(op in ("GetItem", "Query", "Scan", "BatchGetItem") for op in timing.operations)
        writes += count * sum(op not in ("GetItem", "Query", "Scan", "BatchGetItem") for op in timing.operations)
        mails += count * timing.mails
    sweep_calls = accounts * SWEEP_ACTIONS_PER_ACCOUNT * SWEEP_CALLS_PER_ACTION
    reads += sweep_calls / 2
    writes += sweep_calls / 2
    mails += accounts * SWEEP_MAILS_PER_ACCOUNT
    gb_seconds += sweep_calls * DYNAMODB_MS / 1000 * 1024 / 1024
    logins = accounts * USAGE[("login", "ok (active account)")]
    storage_gb = accounts * STORAGE_KB_PER_ACCOUNT / 1024 / 1024
    cdn_requests = requests + accounts * SITE_REQUESTS_PER_ACCOUNT
    cdn_gb = (requests * API_RESPONSE_KB / 1024 + accounts * SITE_MB_PER_ACCOUNT) / 1024
    share = FAMILIES / DEPLOYED_FAMILIES
    lines = [
        ("Lambda duration", gb_seconds, "GB-s", gb_seconds * eur("lambda_gb_second_arm64")),
        ("Lambda requests", requests, "requests", requests * eur("lambda_requests")),
        ("API Gateway HTTP API", requests, "requests", requests * eur("http_api_requests")),
        (
            "DynamoDB writes",
            writes * WRITE_UNITS_PER_WRITE,
            "WRU",
            writes * WRITE_UNITS_PER_WRITE * eur("dynamodb_write_unit"),
        ),
        ("DynamoDB reads", reads * READ_UNITS_PER_READ, "RRU", reads * READ_UNITS_PER_READ * eur("dynamodb_read_unit")),
        ("DynamoDB storage", storage_gb * 12, "GB-month", storage_gb * 12 * eur("dynamodb_storage")),
        ("DynamoDB PITR", storage_gb * 12, "GB-month", storage_gb * 12 * eur("dynamodb_pitr")),
        ("SES", mails, "mails", mails * eur("ses_mail")),
        ("CloudFront requests", cdn_requests, "requests", cdn_requests * eur("cloudfront_requests")),
        ("CloudFront transfer", cdn_gb, "GB", cdn_gb * eur("cloudfront_transfer")),
        (
            "KMS signs (OIDC)",
            logins * OIDC_SIGNS_PER_LOGIN,
            "Sign",
            logins * OIDC_SIGNS_PER_LOGIN * eur("kms_asymmetric_request"),
        ),
        ("KMS key (share)", 12 * share, "key-month", 12 * share * eur("kms_key_month")),
        (
            "WAF web ACL + 2 rules (share)",
            12 * share,
            "ACL-month",
            12 * share * (eur("waf_web_acl_month") + 2 * eur("waf_rule_month")),
        ),
        ("WAF requests", cdn_requests, "requests", cdn_requests * eur("waf_requests")),
        (
            "CloudWatch Logs",
            requests * LOG_BYTES_PER_REQUEST / 1e9,
            "GB",
            requests * LOG_BYTES_PER_REQUEST / 1e9 * eur("logs_ingestion"),
        ),
    ]
    return lines, notes


# The rentrée's peak: 150 first connections a second for hours. Each one is, within the hour: the
# letter's login, the page's time-left ask, the first connection, the activation link, a login with
# the new password and Mon compte's session asks. Requests per second per route at that peak:
PEAK_FIRST_CONNECTIONS = 150
PEAK_PER_FIRST_CONNECTION: dict[tuple[str, str], tuple[str, float]] = {
    ("POST", "/api/login"): ("login ok (active account)", 2.0),
    ("GET", "/api/first-connection/session"): ("session ok", 1.0),  # like a session ask: one read, no argon2
    ("POST", "/api/first-connection"): ("first connection ok (link mailed)", 1.0),
    ("POST", "/api/activation"): ("activation ok", 1.0),
    ("GET", "/api/session"): ("session ok", 2.0),
}


def peak_concurrency(endpoints: dict[tuple[str, str], Timing]) -> list[list[str]]:
    """Little's law per route at the peak: concurrency = rate x duration, at 512, 1024 and 1769 MB."""
    rows = []
    for (method, path), (scenario, per_journey) in PEAK_PER_FIRST_CONNECTION.items():
        endpoint, _, case = scenario.partition(" ok")
        timing = endpoints.get((endpoint, f"ok{case}"))
        if timing is None:
            continue
        rate = PEAK_FIRST_CONNECTIONS * per_journey
        cells = [f"{method} {path}", f"{rate:.0f}"]
        for memory in (512, 1024, 1769):
            duration = lambda_duration(timing, memory).billed_ms
            cells += [f"{duration:.0f}", f"{rate * duration / 1000:.1f}"]
        cells.append(str(memory_of(method, path)))
        rows.append(cells)
    return rows


def main() -> None:
    quiet_service_logs()
    endpoints, _, argon2, notes = measure_endpoints(env_int("BENCH_COST_ROUNDS", 3))
    lines, more_notes = yearly_lines(endpoints)
    total = sum(euros for *_, euros in lines)
    print(f"Euros per {FAMILIES:,} families ({FAMILIES * ACCOUNTS_PER_FAMILY:,} accounts) per year, eu-west-3:\n")
    print_table(
        ["item", "quantity", "unit", "EUR", "share"],
        [
            [what, f"{quantity:,.1f}", unit, f"{euros:.3f}", f"{euros / total:.0%}"]
            for what, quantity, unit, euros in lines
        ]
        + [["total", "", "", f"{total:.2f}", "100%"]],
        right=(1, 3, 4),
    )
    print(
        f"\nPrices: bench/prices.py, written {PRICES_WRITTEN} in USD at {USD_TO_EUR} EUR/USD, NOT re-read from AWS "
        "today: check each against its pricing page before quoting (sources in the file). No free tier, no tax."
    )
    print(
        f"Model: Lambda duration = CPU measured here (moto's share removed) x {GRAVITON_SLOWDOWN} (Graviton, assumed) "
        f"/ min(1, memory/{FULL_VCPU_MB} MB) + {DYNAMODB_MS:.0f} ms per DynamoDB call + {SES_MS:.0f} ms per mail, "
        "or the response floor when longer; memory from infra/template.yaml."
    )
    print(
        f"Usage per account and year: {', '.join(f'{case} {endpoint} x{times:g}' for (endpoint, case), times in USAGE.items())}; "
        f"{OIDC_SIGNS_PER_LOGIN:g} KMS sign per login (OIDC); sweep {SWEEP_ACTIONS_PER_ACCOUNT:g} actions x "
        f"{SWEEP_CALLS_PER_ACTION} calls, {SWEEP_MAILS_PER_ACCOUNT} reminders; site {SITE_MB_PER_ACCOUNT:g} MB and "
        f"{SITE_REQUESTS_PER_ACCOUNT:g} requests; {STORAGE_KB_PER_ACCOUNT:g} KB stored; "
        f"{WRITE_UNITS_PER_WRITE:g} WRU per write, {READ_UNITS_PER_READ:g} RRU per read; fixed monthly costs "
        f"shared by {DEPLOYED_FAMILIES:,} families."
    )
    print(f"\nThe rentrée's peak ({PEAK_FIRST_CONNECTIONS} first connections a second), Little's law per route:\n")
    print_table(
        ["route", "req/s", "ms 512", "conc 512", "ms 1024", "conc 1024", "ms 1769", "conc 1769", "template MB"],
        peak_concurrency(endpoints),
        right=tuple(range(1, 9)),
    )
    print(f"(argon2id verify here: {median(argon2.cpu) * 1000:.1f} ms of CPU.)")
    for note in notes + more_notes:
        print(f"Note: {note}")


if __name__ == "__main__":
    print(machine_line())
    main()
