"""What the browser tests share: accounts, the API for setting up, mails, pages, axe-core."""

from __future__ import annotations

import http.client
import json
import re
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, ViewportSize

from tests.browser.harness import ROOT, DemoAccount, Stack, build_site_if_stale

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
MAIL_WAIT_SECONDS = 10


@dataclass(frozen=True)
class Account:
    identifier: str
    password: str
    first_name: str
    last_name: str
    birth_date: date
    email: str
    profile: str = "parent"

    @property
    def birth_date_fr(self) -> str:
        return self.birth_date.strftime("%d/%m/%Y")

    def with_password(self, password: str) -> Account:
        return replace(self, password=password)


def is_local(url: str, stack: Stack) -> bool:
    """Tell whether a page's request stays on the stack (or in the page: data:, blob:, about:)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return f"{parts.scheme}://{parts.netloc}" == stack.base_url


# ---------------------------------------------------------------- mails and the API


def mail_to(stack: Stack, address: str, subject: str) -> dict:
    """Return the newest mail to `address` whose subject contains `subject` (waiting a little)."""
    deadline = time.monotonic() + MAIL_WAIT_SECONDS
    while True:
        for mail in stack.mails():
            if address in mail["to"] and subject in mail["subject"]:
                return mail
        if time.monotonic() > deadline:
            pytest.fail(f"no mail « {subject} » to {address}; mailbox: {[m['subject'] for m in stack.mails()]}")
        time.sleep(0.2)


def link_in(mail: dict, path: str) -> str:
    """Return the link to `path` (with its #t= token) from a mail's text."""
    match = re.search(rf"https?://\S+{re.escape(path)}#t=[\w\-]+", mail["text"])
    assert match, f"no link to {path} in:\n{mail['text']}"
    return match.group(0)


class Api:
    """The JSON API as the site's pages call it (same Origin, JSON body), with one cookie jar."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.cookies: dict[str, str] = {}

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        host, port = urlsplit(self.stack.base_url).netloc.split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        headers = {"Content-Type": "application/json", "Origin": self.stack.base_url}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection.request("POST", path, body=json.dumps(body), headers=headers)
            response = connection.getresponse()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            raw = response.read()
            return response.status, json.loads(raw) if raw else {}
        finally:
            connection.close()


# ---------------------------------------------------------------- pages


def login(page: Page, stack: Stack, account: Account | DemoAccount, expect: str | None = "/compte/") -> None:
    """Log in through /connexion/ with the mouse; wait for `expect` (None: stay on the page)."""
    page.goto(stack.url("/connexion/"))
    page.check(f"#login-profile-{account.profile}")
    page.fill("#login-identifier", account.identifier)
    page.fill("#login-password", account.password)
    page.get_by_role("button", name="Se connecter").click()
    if expect:
        page.wait_for_url(f"**{expect}")


def error_summary(page: Page) -> str:
    """Wait for the form's error summary and return its text."""
    summary = page.locator(".ent-summary:not([hidden])")
    summary.wait_for()
    return summary.inner_text()


def axe_violations(page: Page) -> list[str]:
    """Run axe-core (WCAG 2.1 A and AA) on the page as it is; return one line per violation."""
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `make node_modules` (npm ci)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async (tags) => (await axe.run(document, { runOnly: { type: "tag", values: tags },
                                                     resultTypes: ["violations"] })).violations
             .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.map((n) => n.target.join(" ")) }))""",
        AXE_TAGS,
    )
    return [f"{v['id']} ({v['impact']}): {v['help']} -> {', '.join(v['nodes'][:5])}" for v in violations]


def site_pages() -> list[str]:
    """Return the path of every page of the built site (site/**/*.html)."""
    build_site_if_stale()
    site = ROOT / "site"
    paths = []
    for html in sorted(site.rglob("*.html")):
        relative = html.relative_to(site).as_posix()
        paths.append("/" + (relative[: -len("index.html")] if relative.endswith("index.html") else relative))
    return paths


def built_html(path: str) -> Path:
    """Return the built file of a site path."""
    relative = path.lstrip("/")
    return ROOT / "site" / (relative + "index.html" if relative.endswith("/") or not relative else relative)


# ---------------------------------------------------------------- the form pages

FAKE_TOKEN = "A" * 43  # well formed, unknown to the API: the page says « lien invalide » at once


def form_pages() -> list[str]:
    """Return the pages holding a form that posts to the API (data-api), from the built site."""
    return [path for path in site_pages() if 'data-api="/api/' in built_html(path).read_text(encoding="utf-8")]


def needs_token(path: str) -> bool:
    return "data-token" in built_html(path).read_text(encoding="utf-8")


def needs_session(path: str) -> bool:
    return "data-session" in built_html(path).read_text(encoding="utf-8")


def needs_first_connection_session(path: str) -> bool:
    """The first-connection page sends a browser without its session back to « Se connecter »."""
    return "data-first-connection-timer" in built_html(path).read_text(encoding="utf-8")


def link_purpose(path: str) -> str | None:
    """The purpose of the link a token page reads (`data-link-purpose`), if it asks its state."""
    found = re.search(r'data-link-purpose="(\w+)"', built_html(path).read_text(encoding="utf-8"))
    return found.group(1) if found else None


def answer_link_status_as_valid(page: Page, purpose: str) -> None:
    """Make the page's link look alive (its form shows; the API still says token_invalid on sending).

    For the tests of the forms themselves (phone, axe, errors): tests/browser/test_dead_links.py
    opens real links in every state.
    """
    page.route(
        "**/api/links/status",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            headers={"Cache-Control": "no-store"},
            body=json.dumps({"status": "valid", "purpose": purpose}),
        ),
    )


def open_form_page(page: Page, stack: Stack, path: str) -> None:
    """Open a form page in the state that shows its form(s): a token in the link, or logged in."""
    if needs_session(path):
        login(page, stack, stack.demo["active"], expect=None)  # the seeded active account, only read
        page.wait_for_url("**/compte/")
        if path != "/compte/":
            page.goto(stack.url(path))
        page.locator("[data-session-content]").wait_for()
        return
    if needs_first_connection_session(path):
        login(page, stack, stack.demo["issued"], expect=path)  # the seeded issued account, only read
        page.locator("[data-first-connection-timer]:not([hidden])").wait_for()
        return
    purpose = link_purpose(path) if needs_token(path) else None
    if purpose:
        answer_link_status_as_valid(page, purpose)
    page.goto(stack.url(path + (f"#t={FAKE_TOKEN}" if needs_token(path) else "")))
    page.locator("form.ent-form:not([hidden])").first.wait_for()


def submit_every_form_empty(page: Page) -> int:
    """Press the submit button of each shown form (logout aside) as it is; return how many summaries show."""
    forms = page.locator("form.ent-form:not([hidden]):not([data-success-redirect])")
    count = forms.count()
    for index in range(count):
        form = forms.nth(index)
        form.locator("button[type=submit]").click()
        form.locator(".ent-summary:not([hidden])").wait_for()
    return count
