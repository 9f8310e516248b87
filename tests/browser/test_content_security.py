"""The site runs under its Content-Security-Policy and never calls a third party.

The local stack sends no CSP header: CloudFront adds the security headers (DESIGN §6.9), with the
policies infra/template.yaml declares. The browser test adds each of those policies itself to every
answer of the stack: any inline script, inline event handler, `javascript:` link, eval, inline style
or foreign request is then refused and reported by Chromium.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from playwright.sync_api import Browser, Route
from playwright.sync_api import Error as PlaywrightError

from infra.template import load_template
from tests.browser.harness import Stack
from tests.browser.helpers import DESKTOP, built_html, is_local, open_form_page, site_pages


def declared_policies() -> list[str]:
    """Return the distinct Content-Security-Policy values of the template's CloudFront header policies."""
    policies = set()
    for resource in load_template()["Resources"].values():
        if resource["Type"] != "AWS::CloudFront::ResponseHeadersPolicy":
            continue
        headers = resource["Properties"]["ResponseHeadersPolicyConfig"].get("SecurityHeadersConfig", {})
        if "ContentSecurityPolicy" in headers:
            policies.add(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    return sorted(policies)


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
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f'<{tag} {name}="{value}">')

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


def test_the_template_declares_a_policy_without_inline_script() -> None:
    policies = declared_policies()

    assert policies, "infra/template.yaml declares no Content-Security-Policy"
    for policy in policies:
        directives = dict(([*part.strip().split(" ", 1), ""])[:2] for part in policy.split(";") if part.strip())
        script_sources = directives.get("script-src", directives.get("default-src", ""))
        assert "'unsafe-inline'" not in script_sources and "'unsafe-eval'" not in script_sources, policy
        for directive, value in {"frame-ancestors": "'none'", "object-src": "'none'", "base-uri": "'none'"}.items():
            assert directives.get(directive) == value, policy


@pytest.mark.parametrize("policy", declared_policies(), ids=lambda policy: "template-policy")
def test_every_page_runs_under_the_policy_and_stays_on_the_site(browser: Browser, stack: Stack, policy: str) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    foreign: list[str] = []
    context.on("request", lambda request: None if is_local(request.url, stack) else foreign.append(request.url))

    def with_policy(route: Route) -> None:
        try:
            response = route.fetch()
            route.fulfill(response=response, headers={**response.headers, "content-security-policy": policy})
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
    page.on(
        "console", lambda message: console.append(message.text) if "Content Security Policy" in message.text else None
    )
    try:
        for path in site_pages():
            if path in ("/compte/", "/premiere-connexion/"):
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
