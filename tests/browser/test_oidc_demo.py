"""An app signs a family in by OpenID Connect: the demo app of `make run`, in Chromium, with the mouse."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import Stack
from tests.browser.helpers import DESKTOP, axe_violations

DEMO = "/_dev/apps/oidc/"


def _log_in_on_the_ent_page(page: Page, account) -> None:
    page.wait_for_url("**/connexion/?demande=*")
    page.check(f"#login-profile-{account.profile}")
    page.fill("#login-identifier", account.identifier)
    page.fill("#login-password", account.password)
    page.get_by_role("button", name="Se connecter").click()


def test_the_demo_app_signs_a_family_in_with_the_ent_login_then_out(page: Page, stack: Stack, activate) -> None:
    account = activate()
    page.goto(stack.url(DEMO))
    page.get_by_role("link", name="Se connecter avec l'ENT").click()
    _log_in_on_the_ent_page(page, account.with_password("Girafe42Soleil"))

    page.wait_for_url(f"**{DEMO}")
    expect(page.locator("table[data-oidc-claims]")).to_contain_text(account.last_name)
    expect(page.locator("table[data-oidc-userinfo]")).to_contain_text('"parent"')
    assert account.identifier not in page.locator("[data-oidc-sub]").inner_text()  # pairwise, not the identifier
    assert axe_violations(page) == []

    # Signed in to the ENT now: a second sign-in needs no password (single sign-on).
    page.goto(stack.url(DEMO))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bienvenue")
    page.get_by_role("link", name="Se déconnecter (de l'ENT et de ses applications)").click()
    page.wait_for_url(f"**{DEMO}?state=*")
    page.get_by_role("link", name="Déjà connecté à l'ENT ? (sans redemander)").click()
    expect(page.locator("[data-oidc-error]")).to_have_text("login_required")  # logged out of the ENT too


def test_an_unknown_app_gets_a_french_page_not_a_redirect(browser: Browser, stack: Stack) -> None:
    # The page forbids every script (its CSP): axe is injected with the CSP bypassed, in a context of its own.
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR", bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(
            stack.url("/api/oidc/authorize?client_id=inconnu&redirect_uri=https://evil.example/&response_type=code")
        )
        expect(page.get_by_role("heading", level=1)).to_have_text("Connexion à l'application impossible")
        assert page.url.startswith(stack.url("/api/oidc/authorize"))
        assert axe_violations(page) == []
        page.get_by_role("link", name="Que faire ?").click()
        page.wait_for_url("**/aide/services-ent/#application-inconnue")
    finally:
        context.close()
