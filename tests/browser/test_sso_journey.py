"""One login for the apps: a family goes from a school-life app (the CAS demo) through the ENT and back.

The whole journey of a family that never connected: the app → « Se connecter » (naming the app) →
the letter's password → first connection → the activation link opened on another device →
« Continuer vers <app> » → the new password → back in the app, which shows what it received.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import Stack
from tests.browser.helpers import DESKTOP, Account, axe_violations, link_in, mail_to

APP = "Vie scolaire (démo CAS)"
NEW_PASSWORD = "Cerise8Nuage"


def sign_in(page: Page, account: Account, password: str) -> None:
    page.check(f"#login-profile-{account.profile}")
    page.fill("#login-identifier", account.identifier)
    page.fill("#login-password", password)
    page.get_by_role("button", name="Se connecter").click()


def test_from_the_app_through_first_connection_and_activation_back_to_the_app(
    page: Page, browser: Browser, stack: Stack, issue
) -> None:
    account: Account = issue()

    page.goto(stack.url("/_dev/apps/cas/"))
    page.get_by_role("link", name="Se connecter avec l'ENT").click()
    page.wait_for_url("**/connexion/?demande=*")
    expect(page.locator("#login-sso")).to_contain_text(f"Connectez-vous pour continuer vers {APP}")
    assert axe_violations(page) == []
    sign_in(page, account, account.password)

    page.wait_for_url("**/premiere-connexion/")
    page.fill("#fc-birth-date", account.birth_date_fr)
    page.fill("#fc-email", account.email)
    page.fill("#fc-new-password", NEW_PASSWORD)
    page.fill("#fc-new-password-confirmation", NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#fc-done")).to_be_visible()

    # The mail is opened on another device: a browser with nothing of the first one.
    phone = browser.new_context(viewport=DESKTOP, locale="fr-FR", timezone_id="Europe/Paris")
    try:
        other = phone.new_page()
        other.goto(link_in(mail_to(stack, account.email, "Activez votre compte"), "/activation/"))
        other.get_by_role("button", name="Activer mon compte").click()
        expect(other.locator("#act-done")).to_be_visible()
        offer = other.get_by_role("link", name=f"Continuer vers {APP}")
        expect(offer).to_be_visible()
        assert axe_violations(other) == []
        offer.click()
        other.wait_for_url("**/connexion/?demande=*")
        expect(other.locator("#login-sso")).to_contain_text(APP)
        sign_in(other, account, NEW_PASSWORD)

        other.wait_for_url("**/_dev/apps/cas/retour?ticket=ST-*")
        expect(other.locator("h1")).to_have_text("Bienvenue, Zoé")
        attributes = other.locator("table[data-cas-attributes]")
        expect(attributes.get_by_role("row", name=f"nom {account.last_name}", exact=True)).to_be_visible()
        expect(attributes.get_by_role("row", name="categories National_2", exact=True)).to_be_visible()
        assert account.identifier not in other.locator("[data-cas-user]").inner_text()  # pairwise, not the ENT's

        # Mon compte lists the app; logging out of the app logs out of the ENT.
        other.goto(stack.url("/compte/"))
        expect(other.locator("[data-session-apps] li")).to_contain_text(APP)
        other.goto(stack.url("/_dev/apps/cas/"))
        other.get_by_role("link", name="Se connecter avec l'ENT").click()  # signed in: straight back
        other.wait_for_url("**/_dev/apps/cas/retour?ticket=ST-*")
        other.get_by_role("link", name="Se déconnecter").click()
        other.wait_for_url("**/_dev/apps/cas/retour")
        expect(other.locator("main")).to_contain_text("Vous n'êtes pas connecté à l'ENT")
        other.goto(stack.url("/compte/"))
        other.wait_for_url("**/connexion/")
    finally:
        phone.close()


def test_signed_in_already_the_login_page_goes_straight_to_the_app(page: Page, stack: Stack, activate) -> None:
    account: Account = activate()
    page.goto(stack.url("/connexion/"))
    sign_in(page, account, account.password)
    page.wait_for_url("**/compte/")
    expect(page.locator("[data-session-apps-empty]")).to_be_visible()
    page.goto(stack.url("/_dev/apps/cas/"))
    page.get_by_role("link", name="Se connecter avec l'ENT").click()
    page.wait_for_url("**/_dev/apps/cas/retour?ticket=ST-*")
    expect(page.locator("h1")).to_have_text("Bienvenue, Zoé")


def test_renew_asks_for_the_password_even_when_signed_in(page: Page, stack: Stack, activate) -> None:
    account: Account = activate()
    page.goto(stack.url("/connexion/"))
    sign_in(page, account, account.password)
    page.wait_for_url("**/compte/")
    page.goto(stack.url("/_dev/apps/cas/"))
    page.get_by_role("link", name="Se reconnecter (mot de passe redemandé)").click()
    page.wait_for_url("**/connexion/?demande=*")
    expect(page.locator("#login-sso")).to_contain_text(APP)
    sign_in(page, account, account.password)
    page.wait_for_url("**/_dev/apps/cas/retour?ticket=ST-*")
    expect(page.get_by_role("row", name="isFromNewLogin true", exact=True)).to_be_visible()


def test_an_expired_or_unknown_request_says_so(page: Page, stack: Stack) -> None:
    page.goto(stack.url("/connexion/?demande=" + "x" * 32))
    expect(page.locator("#login-sso-expired")).to_be_visible()
    expect(page.locator("#login-sso-expired")).to_contain_text("a expiré")


def test_an_unregistered_service_gets_a_french_page_not_a_redirect(page: Page, stack: Stack) -> None:
    response = page.goto(stack.url("/cas/login?service=https%3A%2F%2Fpirate.example.com%2F"))
    assert response is not None and response.status == 400
    expect(page.locator("h1")).to_have_text("Application non reconnue")
    assert page.url.startswith(stack.base_url)
