"""Browser tests: one local stack and one Chromium per session, a fresh context and accounts per test.

The stack is `python -m devserver` on free ports (started as `make run` starts it, by
tests/browser/harness.py's `Stack`); accounts are issued with `ent-admin issue --json` against it, mails
are read from its dev mailbox. Debian's Chromium is driven headless through Playwright (never
`playwright install`). Every request a page makes is recorded: a test fails if one leaves 127.0.0.1.
"""

from __future__ import annotations

import itertools
import json
import subprocess
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.browser.harness import BIN, ROOT, Stack, build_site_if_stale, clean_environment, launch_chromium
from tests.browser.helpers import DESKTOP, Account, Api, is_local, link_in, mail_to

SCHOOL = "0751234J"

# Surnames for the accounts the tests issue: one person per account (the roster deduplicates people).
_SURNAMES = [
    "Lefèvre",
    "Moreau",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupuis",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lemaire",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "Francois",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
]
_names = (f"{first}-{second}" if second else first for second, first in itertools.product(["", *_SURNAMES], _SURNAMES))


# ---------------------------------------------------------------- session: the stack and the browser


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    build_site_if_stale()
    running = Stack()
    try:
        running.start()
    except RuntimeError as error:
        pytest.fail(str(error))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser, stack: Stack) -> Iterator[BrowserContext]:
    """A fresh browser context (no cookie, no storage); fails the test if a request leaves the stack."""
    fresh = browser.new_context(viewport=DESKTOP, locale="fr-FR", timezone_id="Europe/Paris")
    fresh.set_default_timeout(10_000)
    foreign: list[str] = []
    fresh.on("request", lambda request: foreign.append(request.url) if not is_local(request.url, stack) else None)
    yield fresh
    fresh.close()
    if foreign:
        pytest.fail(f"requests outside the local stack: {sorted(set(foreign))}")


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


# ---------------------------------------------------------------- accounts


@pytest.fixture
def issue(stack: Stack) -> Callable[..., Account]:
    """`issue(profile=…)`: a fresh `issued` account from `ent-admin issue --json`."""

    def issue_account(profile: str = "parent", birth_date: date = date(2015, 3, 1)) -> Account:
        last_name = next(_names)
        result = subprocess.run(
            [
                str(BIN / "ent-admin"),
                "issue",
                "--profile",
                profile,
                "--last-name",
                last_name,
                "--first-name",
                "Zoé",
                "--birth-date",
                birth_date.isoformat(),
                "--school",
                SCHOOL,
                "--json",
            ],
            cwd=ROOT,
            env=clean_environment(**stack.env),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        issued = json.loads(result.stdout)
        identifier = issued["identifier"]
        return Account(
            identifier, issued["initial_password"], "Zoé", last_name, birth_date, f"{identifier}@exemple.fr", profile
        )

    return issue_account


@pytest.fixture
def activate(stack: Stack, issue: Callable[..., Account]) -> Callable[..., Account]:
    """`activate(account=None)`: an `active` account (first connection and activation through the API)."""

    def activate_account(account: Account | None = None, new_password: str = "Girafe42Soleil") -> Account:
        account = account or issue()
        api = Api(stack)
        status, answer = api.post(
            "/api/login", {"identifier": account.identifier, "password": account.password, "profile": account.profile}
        )
        assert (status, answer) == (200, {"next": "first-connection"})
        status, answer = api.post(
            "/api/first-connection",
            {
                "birth_date": account.birth_date.isoformat(),
                "email": account.email,
                "new_password": new_password,
                "new_password_confirmation": new_password,
            },
        )
        assert status == 202, answer
        token = link_in(mail_to(stack, account.email, "Activez"), "/activation/").rsplit("#t=", 1)[1]
        status, answer = Api(stack).post("/api/activation", {"token": token})
        assert (status, answer) == (200, {"status": "active"})
        return account.with_password(new_password)

    return activate_account
