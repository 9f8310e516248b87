"""`python -m bench load`: a bounded load test of the local stack, over HTTP, a mix of journeys.

At most 20 concurrent clients for at most 60 seconds, against 127.0.0.1 only (any other host is
refused: this never loads a real deployment). It starts `python -m devserver` itself on free ports,
or uses a running one (`BENCH_LOAD_URL=http://127.0.0.1:8000`, its moto at `BENCH_LOAD_AWS_URL`,
by default the next port). Accounts are written straight into the stack's table first; then each
client runs the mix of `bench/journeys.py` until the time is up. Prints p50/p95 per step and the
errors: any answer other than the one the journey expects is one, and the run fails (exit 1).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from bench.common import ROOT, aws_variables, env_int, machine_line, print_table
from bench.journeys import (
    ACTIVE_PASSWORD,
    BIRTH_DATE,
    INITIAL_PASSWORD,
    Accounts,
    Family,
    Recorder,
    schedule,
)

MAX_CLIENTS = 20
MAX_SECONDS = 60
LOOPBACK = "127.0.0.1"
STARTUP_SECONDS = 90
ACTIVE_ACCOUNTS = 300


class LoadErrors(RuntimeError):
    """Some answers were not the expected ones: the stack failed under load."""


def check_loopback(url: str) -> tuple[str, int]:
    """Return the host and port of `url`, which must be http://127.0.0.1:PORT; refuse anything else."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname != LOOPBACK or not parts.port:
        raise SystemExit(f"bench load only runs against http://{LOOPBACK}:PORT (the local stack), not {url!r}.")
    return LOOPBACK, parts.port


def bounded(name: str, value: int, maximum: int) -> int:
    if value > maximum:
        raise SystemExit(f"{name}={value} is above the load test's maximum ({maximum}).")
    return value


@contextmanager
def local_stack() -> Iterator[tuple[str, str]]:
    """Run `python -m devserver` on free ports; yield its web and AWS addresses."""
    env = {
        name: value for name, value in aws_variables().items() if not name.startswith("ENT_")
    }  # the stack sets its own ENT_ variables and endpoint
    env.update(PORT="0", AWS_PORT="0", PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "devserver"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "Ctrl-C" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not ready.wait(STARTUP_SECONDS):
            raise RuntimeError("the local stack did not start:\n" + "".join(lines[-30:]))
        output = "".join(lines)
        web = re.search(r"site \+ API : (http://\S+?)/?$", output, re.MULTILINE)
        aws = re.search(r"embedded AWS : (http://\S+)", output)
        if not web or not aws:
            raise RuntimeError("could not read the stack's addresses from its banner:\n" + output)
        yield web.group(1), aws.group(1)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def prepare_accounts(aws_url: str, issued_count: int) -> Accounts:
    """Write active and issued accounts into the stack's table (one shared hash per password)."""
    from functions.core.aws import reset_clients

    saved = dict(os.environ)
    os.environ.update(aws_variables(AWS_ENDPOINT_URL=aws_url, ENT_TABLE="ent-parents-local"))
    reset_clients()
    try:
        from functions.core.lifecycle import AccountState, Profile, deadlines_for
        from functions.core.model import Account
        from functions.core.passwords import hash_password
        from functions.core.store import Store

        store = Store("ent-parents-local")
        now = datetime.now(UTC)
        deadlines = deadlines_for(now.date())
        template = Account(
            identifier="",
            profile=Profile.PARENT,
            state=AccountState.ISSUED,
            school="0751234J",
            first_name="Zoé",
            last_name="Charge",
            birth_date=BIRTH_DATE,
            password_hash=hash_password(INITIAL_PASSWORD),
            issued_at=now,
            activation_deadline=deadlines.activation_deadline,
            deletion_date=deadlines.deletion_date,
        )
        active_hash = hash_password(ACTIVE_PASSWORD)
        active = [f"charge.actif{n}" for n in range(ACTIVE_ACCOUNTS)]
        issued = [f"charge.lettre{n}" for n in range(issued_count)]
        for identifier in active:
            store.create_account(
                replace(
                    template,
                    identifier=identifier,
                    state=AccountState.ACTIVE,
                    password_hash=active_hash,
                    email=f"{identifier}@exemple.fr",
                    activated_at=now,
                )
            )
        for identifier in issued:
            store.create_account(replace(template, identifier=identifier))
        return Accounts(active, issued)
    finally:
        reset_clients()
        os.environ.clear()
        os.environ.update(saved)


def run(host: str, port: int, accounts: Accounts, clients: int, seconds: float, with_site: bool) -> Recorder:
    """Each client runs the mix, from its own starting point, until `seconds` have passed."""
    recorder = Recorder()
    journeys = [journey for journey in schedule() if with_site or journey.__name__ != "help_page"]
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        turn = number
        while time.monotonic() < deadline:
            journeys[turn % len(journeys)](Family(host, port, recorder), accounts)
            turn += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return recorder


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` fall (nearest rank)."""
    ordered = sorted(values)
    rank = math.ceil(fraction * len(ordered) - 1e-9)  # the smallest value with `fraction` of them at or below it
    return ordered[min(len(ordered), max(1, rank)) - 1]


def report(recorder: Recorder, clients: int, seconds: float) -> list[str]:
    """Print p50/p95 per step and overall; return the errors."""
    steps: dict[str, list[float]] = {}
    errors: list[str] = []
    for sample in recorder.samples:
        steps.setdefault(sample.step, []).append(sample.seconds)
        if sample.error:
            errors.append(f"{sample.step}: {sample.error}")
    everything = [sample.seconds for sample in recorder.samples]
    rows = [
        [step, len(times), f"{percentile(times, 0.5) * 1000:.0f}", f"{percentile(times, 0.95) * 1000:.0f}"]
        for step, times in sorted(steps.items())
    ]
    if everything:
        rows.append(
            [
                "all requests",
                len(everything),
                f"{percentile(everything, 0.5) * 1000:.0f}",
                f"{percentile(everything, 0.95) * 1000:.0f}",
            ]
        )
    print(f"{clients} clients for {seconds:.0f} s: {len(everything)} requests, {len(everything) / seconds:.1f}/s\n")
    print_table(["step", "requests", "p50 ms", "p95 ms"], rows, right=(1, 2, 3))
    print(f"\nErrors: {len(errors)}")
    for line in errors[:10]:
        print(f"  {line}")
    return errors


def _site_is_served(host: str, port: int) -> bool:
    import http.client

    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.request("GET", "/")
        return connection.getresponse().status == 200
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_LOAD_URL", ""), help="a running stack, on 127.0.0.1")
    parser.add_argument("--aws-url", default=os.environ.get("BENCH_LOAD_AWS_URL", ""))
    parser.add_argument("--clients", type=int, default=env_int("BENCH_LOAD_CLIENTS", MAX_CLIENTS))
    parser.add_argument("--seconds", type=int, default=env_int("BENCH_LOAD_SECONDS", 30))
    options = parser.parse_args(argv or [])
    clients = bounded("clients", options.clients, MAX_CLIENTS)
    seconds = bounded("seconds", options.seconds, MAX_SECONDS)
    if options.url:
        host, port = check_loopback(options.url)
        aws_url = options.aws_url or f"http://{LOOPBACK}:{port + 1}"
        check_loopback(aws_url)
        errors = _load(host, port, aws_url, clients, seconds)
    else:
        with local_stack() as (web_url, aws_url):
            host, port = check_loopback(web_url)
            errors = _load(host, port, aws_url, clients, seconds)
    if errors:
        raise LoadErrors(f"{len(errors)} request(s) did not get the expected answer under load")


def _load(host: str, port: int, aws_url: str, clients: int, seconds: int) -> list[str]:
    prepared = time.perf_counter()
    accounts = prepare_accounts(aws_url, issued_count=10 * seconds)
    with_site = _site_is_served(host, port)
    print(
        f"Prepared {ACTIVE_ACCOUNTS} active and {10 * seconds} issued accounts in {time.perf_counter() - prepared:.1f} s"
    )
    if not with_site:
        print("Note: the site is not built (make site): the help-page journey is left out.")
    started = time.perf_counter()
    recorder = run(host, port, accounts, clients, seconds, with_site)
    return report(recorder, clients, time.perf_counter() - started)


if __name__ == "__main__":
    print(machine_line())
    try:
        main(sys.argv[1:])
    except LoadErrors as failure:
        print(failure)
        sys.exit(1)
