"""`python -m devserver` as a person runs it: site, API, mailbox, ent-admin, a clean stop."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from devserver.seed import ACTIVE_PASSWORD, STATE_LABELS
from functions.core.lifecycle import AccountState
from functions.core.store.dynamodb import marshal
from functions.core.store.keys import account_key

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STARTUP_SECONDS = 60
STOP_SECONDS = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_environment(**extra: str) -> dict[str, str]:
    """The caller's environment without any AWS or ENT setting (the stack must set its own)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "ENT_")) and name != "PYTHONUNBUFFERED"
    }
    return {**env, **extra}


class RunningStack:
    """A `python -m devserver` subprocess and everything it printed."""

    def __init__(self) -> None:
        self.port, self.aws_port = free_port(), free_port()
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devserver"],
            cwd=ROOT,
            env=clean_environment(PORT=str(self.port), AWS_PORT=str(self.aws_port)),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"devserver exited with {self.process.returncode}:\n{self.output}")
            if "Ctrl-C" in self.output:
                try:
                    if self.request("GET", "/")[0] == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.2)
        pytest.fail(f"devserver not ready after {STARTUP_SECONDS} s:\n{self.output}")

    def stop(self, signum: int) -> int:
        """Send `signum` and return the exit code (within STOP_SECONDS)."""
        self.process.send_signal(signum)
        code = self.process.wait(timeout=STOP_SECONDS)
        self._reader.join(timeout=STOP_SECONDS)
        return code

    def close(self) -> None:
        """Kill the process if it still runs, then release its pipe."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=STOP_SECONDS)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture(scope="module")
def built_site() -> None:
    """Build the help site once if nobody did."""
    if not (ROOT / "site" / "index.html").is_file():
        subprocess.run(
            [str(BIN / "mkdocs"), "build", "--strict", "--quiet"],
            cwd=ROOT,
            check=True,
            timeout=300,
            env=clean_environment(NO_MKDOCS_2_WARNING="1"),
        )


@pytest.fixture(scope="module")
def stack(built_site: None) -> Iterator[RunningStack]:
    running = RunningStack()
    try:
        running.wait_until_ready()
        yield running
    finally:
        running.close()


def test_serves_the_help_home_page(stack: RunningStack) -> None:
    status, headers, body = stack.request("GET", "/")

    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert re.search(r"<title>[^<]*Aide ENT Parents[^<]*</title>", body.decode("utf-8"))


def test_api_answers_through_the_real_handler(stack: RunningStack) -> None:
    status, headers, body = stack.request("GET", "/api/session")

    assert status == 401
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["error"] == "not_authenticated"


def test_mailbox_starts_empty(stack: RunningStack) -> None:
    status, _, body = stack.request("GET", "/_dev/mailbox.json")

    assert (status, json.loads(body)) == (200, [])


def test_prints_the_environment_and_the_demo_accounts(stack: RunningStack) -> None:
    output = stack.output

    assert f"export AWS_ENDPOINT_URL=http://127.0.0.1:{stack.aws_port}" in output
    assert "export ENT_TABLE=ent-parents-local" in output
    assert "export AWS_DEFAULT_REGION=eu-west-3" in output
    assert "export AWS_ACCESS_KEY_ID=testing" in output
    assert "mémoire" in output and "in memory only" in output
    for state in (AccountState.ISSUED, AccountState.ACTIVE, AccountState.DEACTIVATED):
        assert STATE_LABELS[state] in output
    assert ACTIVE_PASSWORD in output


def test_request_bodies_never_reach_the_output(stack: RunningStack) -> None:
    marker = "Marqueur9Secret"
    stack.request(
        "POST",
        "/api/login",
        json.dumps({"identifier": "x", "password": marker, "profile": "parent"}).encode(),
        {"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{stack.port}"},
    )
    stack.request("GET", f"/nothing?token={marker}")

    time.sleep(0.2)
    assert "POST /api/login" in stack.output
    assert marker not in stack.output


def test_ent_admin_with_the_printed_environment_reaches_the_stack(stack: RunningStack) -> None:
    exported = dict(re.findall(r"^\s*export (\w+)=(\S+)$", stack.output, re.MULTILINE))
    result = subprocess.run(
        [
            str(BIN / "ent-admin"),
            "issue",
            "--profile",
            "parent",
            "--last-name",
            "Test",
            "--first-name",
            "Zoé",
            "--birth-date",
            "2015-03-01",
            "--school",
            "0751234J",
            "--json",
        ],
        cwd=ROOT,
        env=clean_environment(**exported),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    issued = json.loads(result.stdout)
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=exported["AWS_ENDPOINT_URL"],
        region_name=exported["AWS_DEFAULT_REGION"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    item = dynamodb.get_item(
        TableName=exported["ENT_TABLE"],
        ConsistentRead=True,
        Key=marshal(account_key(issued["identifier"])),
    )["Item"]
    assert item["state"]["S"] == "issued"
    assert issued["identifier"] == "zoe.test"


def test_sigint_stops_everything_with_exit_code_0(stack: RunningStack) -> None:
    assert stack.stop(signal.SIGINT) == 0
    assert "Au revoir" in stack.output
    for port in (stack.port, stack.aws_port):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", port))  # both ports are free again


def test_sigterm_stops_it_too(built_site: None) -> None:
    running = RunningStack()
    try:
        running.wait_until_ready()
        assert running.stop(signal.SIGTERM) == 0
        assert "Au revoir" in running.output
    finally:
        running.close()


def test_taken_port_is_a_clear_error(built_site: None) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "devserver"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env=clean_environment(PORT=str(port), AWS_PORT=str(free_port())),
        )

    assert result.returncode == 1
    assert f"Le port {port} (PORT) est déjà utilisé" in result.stderr
