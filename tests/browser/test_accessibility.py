"""axe-core finds no WCAG 2.1 A/AA violation: on every page of the site, and on every form in error."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import Stack
from tests.browser.helpers import (
    axe_violations,
    error_summary,
    form_pages,
    login,
    needs_first_connection_session,
    needs_session,
    open_form_page,
    site_pages,
    submit_every_form_empty,
)

# The pages the help centre must have: a missing one means the site lost a form.
EXPECTED_FORM_PAGES = {
    "/connexion/",
    "/premiere-connexion/",
    "/activation/",
    "/activation/renvoi/",
    "/identifiant-oublie/",
    "/mot-de-passe-oublie/",
    "/mot-de-passe-oublie/nouveau/",
    "/compte/",
    "/compte/email/",
}


# The help pages families without an address, or without the mail, are sent to (issue 12).
EXPECTED_HELP_PAGES = {
    "/aide/pas-d-adresse-electronique/",
    "/aide/courriel-non-recu/",
}


def test_the_site_has_every_form_page() -> None:
    assert set(form_pages()) >= EXPECTED_FORM_PAGES


def test_the_site_has_every_help_page() -> None:
    assert set(site_pages()) >= EXPECTED_HELP_PAGES


@pytest.mark.parametrize("path", site_pages())
def test_page_has_no_violation(page: Page, stack: Stack, path: str) -> None:
    if needs_session(path) or needs_first_connection_session(path):
        open_form_page(page, stack, path)  # anonymous, they only redirect to the login page
    else:
        page.goto(stack.url(path))

    assert axe_violations(page) == []


@pytest.mark.parametrize("path", form_pages())
def test_form_in_error_has_no_violation(page: Page, stack: Stack, path: str) -> None:
    open_form_page(page, stack, path)

    assert submit_every_form_empty(page) >= 1
    assert axe_violations(page) == []


def test_login_refused_by_the_api_has_no_violation(page: Page, stack: Stack) -> None:
    page.goto(stack.url("/connexion/"))
    page.check("#login-profile-parent")
    page.fill("#login-identifier", "personne.inconnue")
    page.fill("#login-password", "Inconnu2024")
    page.get_by_role("button", name="Se connecter").click()

    assert "Identifiant ou mot de passe incorrect" in error_summary(page)
    expect(page.locator(".ent-summary")).to_be_focused()
    assert axe_violations(page) == []


def test_first_connection_without_session_goes_to_login(page: Page, stack: Stack) -> None:
    page.goto(stack.url("/premiere-connexion/"))
    page.wait_for_url("**/connexion/")
    page.locator("#login-identifier").wait_for()
    assert axe_violations(page) == []


def test_first_connection_whose_session_ended_on_the_server_has_no_violation(page: Page, stack: Stack) -> None:
    login(page, stack, stack.demo["issued"], expect="/premiere-connexion/")
    page.locator("[data-first-connection-timer]:not([hidden])").wait_for()
    page.context.clear_cookies()  # the session is gone (ended, revoked) while the page stays open
    page.fill("#fc-birth-date", "01/03/2015")
    page.fill("#fc-email", "personne@exemple.fr")
    page.fill("#fc-new-password", "Tulipe7Orange")
    page.fill("#fc-new-password-confirmation", "Tulipe7Orange")
    page.get_by_role("button", name="Enregistrer").click()

    summary = error_summary(page)  # 401 not_authenticated: the way on is « Se reconnecter »
    assert page.locator(".ent-summary").get_by_role("link", name="Se reconnecter").is_visible(), summary
    assert axe_violations(page) == []


def test_invalid_values_have_no_violation(page: Page, stack: Stack) -> None:
    open_form_page(page, stack, "/premiere-connexion/")
    page.fill("#fc-birth-date", "31/02/2015")
    page.fill("#fc-email", "pas-une-adresse")
    page.fill("#fc-new-password", "court")
    page.fill("#fc-new-password-confirmation", "autre")
    page.get_by_role("button", name="Enregistrer").click()

    assert "erreurs" in error_summary(page)
    assert page.locator("[aria-invalid=true]").count() >= 3
    assert axe_violations(page) == []


def test_feedback_comment_has_no_violation(page: Page, stack: Stack) -> None:
    page.goto(stack.url("/aide/se-connecter/"))
    page.locator("form[name=feedback]").get_by_role("button", name="Oui").click()
    expect(page.get_by_label("Votre commentaire (facultatif)")).to_be_visible()

    assert axe_violations(page) == []
