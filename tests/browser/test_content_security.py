"""The site runs under a strict Content-Security-Policy and never calls a third party.

The local stack sends no CSP header (CloudFront adds the security headers, DESIGN §6.9), so the
browser test adds the policy itself to every answer of the stack: any inline script, inline event
handler, `javascript:` link, eval or foreign request is then refused and reported by Chromium.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from playwright.sync_api import Browser, Route
from playwright.sync_api import Error as PlaywrightError

from tests.browser.helpers import DESKTOP, built_html, is_local, open_form_page, site_pages
from tools.screenshots import Stack

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
          "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
# Script types a browser never runs (data blocks): allowed inline.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class ScriptFinder(HTMLParser):
    """Collect inline scripts, inline event handlers and javascript: URLs of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            self._inline_script = (attributes.get("type") or "").lower() not in DATA_SCRIPT_TYPES
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> inline event handler")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=\"{value}\">")

    def handle_data(self, data: str) -> None:
        if self._inline_script and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:60]}…")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inline_script = False


@pytest.mark.parametrize("path", site_pages())
def test_built_page_has_no_inline_script(path: str) -> None:
    finder = ScriptFinder()
    finder.feed(built_html(path).read_text(encoding="utf-8"))

    assert finder.problems == []


def test_every_page_runs_under_the_policy_and_stays_on_the_site(browser: Browser, stack: Stack) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    foreign: list[str] = []
    context.on("request", lambda request: None if is_local(request.url, stack) else foreign.append(request.url))

    def with_policy(route: Route) -> None:
        try:
            response = route.fetch()
            route.fulfill(response=response, headers={**response.headers, "content-security-policy": POLICY})
        except PlaywrightError:  # the page went on (or closed) while the answer was on its way
            pass

    context.route(f"{stack.base_url}/**", with_policy)
    # Chromium reports each refusal as a `securitypolicyviolation` event in the page.
    context.add_init_script("""
        window.__cspViolations = [];
        document.addEventListener("securitypolicyviolation", (event) => window.__cspViolations.push(
          `${event.violatedDirective} refused ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`));
    """)
    page = context.new_page()
    refused: dict[str, list[str]] = {}
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if "Content Security Policy" in message.text else None)
    try:
        for path in site_pages():
            if path == "/compte/":
                open_form_page(page, stack, path)  # logged in: the session script runs too
            else:
                page.goto(stack.url(path))
            if path == "/":  # the search runs in a web worker: it must be allowed too
                search = page.get_by_role("textbox", name="Rechercher")
                search.click()
                search.press_sequentially("activation", delay=10)
                page.locator(".md-search-result__item").first.wait_for()
            violations = page.evaluate("window.__cspViolations")
            if violations:
                refused[path] = violations
    finally:
        context.unroute_all(behavior="ignoreErrors")
        context.close()

    assert refused == {}, console
    assert foreign == []
