"""The journeys of `python -m bench load`: what families do at the rentrée, over real HTTP.

Each journey is one family, from its own loopback address (127.0.x.y: Linux routes all of
127.0.0.0/8 to the loopback interface), so the per-address guess limit (50 attempts in 15 minutes)
sees what it would see at the rentrée: a few attempts per address, never a flood from one. Each
journey also uses accounts no other journey is using at that moment, and a wrong password is
followed by the right one (a typo), which clears that account's count: no journey can lock an
account or an address, so every answer is the one a family expects.
"""

from __future__ import annotations

import http.client
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

ACTIVE_PASSWORD = "Soleil2024x"
INITIAL_PASSWORD = "Cartable7kz"  # what the letters of the issued accounts print
NEW_PASSWORD = "Marelle58vol"
WRONG_PASSWORD = "Mauvais12pass"
BIRTH_DATE = date(2015, 3, 1)
SESSION_COOKIE = "__Host-ent-session"
TIMEOUT_SECONDS = 30


@dataclass
class Sample:
    step: str  # "POST /api/login (wrong)": the request and what it stands for
    seconds: float
    error: str | None = None


class Recorder:
    """Every request's duration and, for the unexpected ones, what went wrong (thread-safe)."""

    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self._lock = threading.Lock()

    def add(self, sample: Sample) -> None:
        with self._lock:
            self.samples.append(sample)


class Accounts:
    """The prepared accounts, each lent to one journey at a time."""

    def __init__(self, active: list[str], issued: list[str]) -> None:
        self._active = itertools.cycle(active)  # logins and recoveries: reused, one journey at a time
        self._issued = iter(issued)  # first connections: each account once
        self._lock = threading.Lock()

    def active(self) -> str:
        with self._lock:
            return next(self._active)

    def issued(self) -> str | None:
        with self._lock:
            return next(self._issued, None)


_addresses = itertools.count()
_address_lock = threading.Lock()


def next_address() -> str:
    """A loopback address no journey used lately (65,000 before one comes back)."""
    with _address_lock:
        n = next(_addresses) % (254 * 254)
    return f"127.0.{n // 254 + 1}.{n % 254 + 1}"


@dataclass
class Family:
    """One family's browser: its address, its session cookie, the stack's origin."""

    host: str
    port: int
    recorder: Recorder
    address: str = field(default_factory=next_address)
    session: str | None = None

    def send(self, method: str, path: str, expect: int, body: dict[str, Any] | None = None, note: str = "") -> Any:
        """One request from this family's address; an answer other than `expect` is recorded as an error."""
        headers = {
            "Origin": f"http://{self.host}:{self.port}",
            "Sec-Fetch-Site": "same-origin",
            "User-Agent": "bench-load",
        }
        payload = None
        if body is not None or method == "POST":
            payload = json.dumps(body or {}).encode()
            headers["Content-Type"] = "application/json"
        if self.session:
            headers["Cookie"] = f"{SESSION_COOKIE}={self.session}"
        step = f"{method} {path}" + (f" ({note})" if note else "")
        started = time.perf_counter()
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=TIMEOUT_SECONDS, source_address=(self.address, 0)
        )
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            data = response.read()
            cookies = response.headers.get_all("Set-Cookie") or []
        except OSError as failure:
            self.recorder.add(Sample(step, time.perf_counter() - started, f"{type(failure).__name__}: {failure}"))
            return None
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        for cookie in cookies:
            match = re.match(rf"{SESSION_COOKIE}=([^;]*)", cookie)
            if match:
                self.session = match.group(1) or None
        unexpected = None if response.status == expect else f"{response.status} instead of {expect}: {data[:160]!r}"
        self.recorder.add(Sample(step, elapsed, unexpected))
        return data


def help_page(family: Family, accounts: Accounts) -> None:
    family.send("GET", "/", 200)
    family.send("GET", "/connexion/", 200)


def login_and_session(family: Family, accounts: Accounts) -> None:
    identifier = accounts.active()
    family.send("POST", "/api/login", 200, _login(identifier, ACTIVE_PASSWORD), note="ok")
    family.send("GET", "/api/session", 200, note="signed in")
    family.send("POST", "/api/logout", 204)


def login_with_a_typo(family: Family, accounts: Accounts) -> None:
    identifier = accounts.active()
    family.send("POST", "/api/login", 401, _login(identifier, WRONG_PASSWORD), note="wrong password")
    family.send("POST", "/api/login", 200, _login(identifier, ACTIVE_PASSWORD), note="ok")


def session_without_cookie(family: Family, accounts: Accounts) -> None:
    family.send("GET", "/api/session", 401, note="no cookie")


def first_connection(family: Family, accounts: Accounts) -> None:
    identifier = accounts.issued()
    if identifier is None:  # every prepared letter used: this family only logs in
        login_and_session(family, accounts)
        return
    family.send("POST", "/api/login", 200, _login(identifier, INITIAL_PASSWORD), note="letter's password")
    family.send("GET", "/api/first-connection/session", 200)
    body = {
        "birth_date": BIRTH_DATE.strftime("%d/%m/%Y"),
        "email": f"{identifier}@exemple.fr",
        "new_password": NEW_PASSWORD,
        "new_password_confirmation": NEW_PASSWORD,
    }
    family.send("POST", "/api/first-connection", 202, body)


def recovery(family: Family, accounts: Accounts) -> None:
    identifier = accounts.active()
    family.send("POST", "/api/recovery/password", 202, {"identifier": identifier})
    family.send("POST", "/api/recovery/identifier", 202, {"email": f"{identifier}@exemple.fr"})


Journey = Callable[[Family, Accounts], None]

# The rentrée's mix, by weight: mostly first connections and logins, some help reading and recovery.
MIX: list[tuple[Journey, int]] = [
    (first_connection, 4),
    (login_and_session, 3),
    (login_with_a_typo, 1),
    (session_without_cookie, 1),
    (recovery, 1),
    (help_page, 2),
]


def schedule(mix: list[tuple[Journey, int]] = MIX) -> list[Journey]:
    """One round of the mix, interleaved (each client walks it from its own starting point)."""
    rounds = max(weight for _, weight in mix)
    return [journey for turn in range(rounds) for journey, weight in mix if turn < weight]


def _login(identifier: str, password: str) -> dict[str, str]:
    return {"identifier": identifier, "password": password, "profile": "parent"}
