"""Every journey through the pages, as a parent does it: mouse, screen, mailbox."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Page, expect

from tests.browser.harness import Stack
from tests.browser.helpers import Account, axe_violations, error_summary, link_in, login, mail_to

NEW_PASSWORD = "Tulipe7Orange"


def test_first_connection_then_activation_from_the_mailbox(page: Page, stack: Stack, issue) -> None:
    account: Account = issue()

    login(page, stack, account, expect="/premiere-connexion/")
    expect(page.locator("#fc-birth-date")).to_have_accessible_name("Date de naissance de votre enfant")
    page.fill("#fc-birth-date", account.birth_date_fr)
    page.fill("#fc-email", account.email)
    page.fill("#fc-new-password", NEW_PASSWORD)
    page.fill("#fc-new-password-confirmation", NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer").click()

    done = page.locator("#fc-done")
    expect(done).to_be_visible()
    expect(done).to_contain_text(account.email)
    expect(done).to_be_focused()
    assert axe_violations(page) == []

    mail = mail_to(stack, account.email, "Activez votre compte")
    page.goto(link_in(mail, "/activation/"))
    assert "#t=" not in page.url  # the token leaves the address bar at once
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page.locator("#act-done")).to_be_visible()
    assert axe_violations(page) == []
    page.locator("#act-done").get_by_role("link", name="Se connecter").click()
    page.wait_for_url("**/connexion/")

    login(page, stack, account.with_password(NEW_PASSWORD))
    expect(page.locator("dd[data-session-field=display_name]")).to_have_text(f"Zoé {account.last_name}")
    expect(page.locator("dd[data-session-field=identifier]")).to_have_text(account.identifier)


def test_forgotten_identifier_comes_by_mail_never_on_screen(page: Page, stack: Stack, activate) -> None:
    account = activate()

    page.goto(stack.url("/connexion/"))
    page.get_by_role("link", name="Identifiant oublié ?").click()
    page.wait_for_url("**/identifiant-oublie/")
    page.fill("#id-email", account.email)
    page.get_by_role("button", name="Recevoir mon identifiant").click()

    expect(page.locator("#id-sent")).to_be_visible()
    assert account.identifier not in page.content()
    mail = mail_to(stack, account.email, "Votre identifiant ENT")
    assert account.identifier in mail["text"]


def test_forgotten_password_link_then_login_with_the_new_one(page: Page, stack: Stack, activate) -> None:
    account = activate()

    page.goto(stack.url("/connexion/"))
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.wait_for_url("**/mot-de-passe-oublie/")
    page.fill("#pw-identifier", account.identifier)
    page.get_by_role("button", name="Recevoir un lien").click()
    expect(page.locator("#pw-sent")).to_be_visible()

    link = link_in(mail_to(stack, account.email, "Choisir un nouveau mot de passe"), "/mot-de-passe-oublie/nouveau/")
    page.goto(link)
    assert "#t=" not in page.url
    page.fill("#reset-new-password", NEW_PASSWORD)
    page.fill("#reset-new-password-confirmation", NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#reset-done")).to_be_visible()

    page.locator("#reset-done").get_by_role("link", name="Se connecter").click()
    page.wait_for_url("**/connexion/")
    login(page, stack, account.with_password(NEW_PASSWORD))
    expect(page.locator("dd[data-session-field=identifier]")).to_have_text(account.identifier)


def test_change_password_from_my_account(page: Page, stack: Stack, activate) -> None:
    account = activate()
    login(page, stack, account)

    page.fill("#cpw-current", account.password)
    page.fill("#cpw-new", NEW_PASSWORD)
    page.fill("#cpw-confirmation", NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.locator("#cpw-done")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion/")
    login(page, stack, account.with_password(NEW_PASSWORD))
    expect(page.locator("dd[data-session-field=identifier]")).to_have_text(account.identifier)


def test_deactivated_account_is_told_to_see_the_school(page: Page, stack: Stack) -> None:
    deactivated = stack.demo["deactivated"]  # the demo account issued four months ago, never activated

    login(page, stack, deactivated, expect=None)

    summary = error_summary(page)
    assert "Votre compte est désactivé" in summary
    assert "établissement" in summary
    help_link = page.locator(".ent-summary").get_by_role("link", name="Aide : mon compte est désactivé")
    assert (help_link.get_attribute("href") or "").endswith("/aide/compte-desactive/#compte-desactive")
    assert page.url.endswith("/connexion/")


def test_five_wrong_passwords_lock_the_account_for_minutes(page: Page, stack: Stack, issue) -> None:
    account = issue()
    wrong = account.with_password("Mauvais1234")

    page.goto(stack.url("/connexion/"))
    page.check("#login-profile-parent")
    for attempt in range(5):
        page.fill("#login-identifier", wrong.identifier)
        page.fill("#login-password", wrong.password)
        with page.expect_response("**/api/login") as answer:
            page.get_by_role("button", name="Se connecter").click()
        assert answer.value.status == 401, f"attempt {attempt + 1}"
        assert "Identifiant ou mot de passe incorrect" in error_summary(page), f"attempt {attempt + 1}"
    page.fill("#login-password", account.password)  # even the right password is refused now
    with page.expect_response("**/api/login") as answer:
        page.get_by_role("button", name="Se connecter").click()

    assert answer.value.status == 429
    summary = error_summary(page)
    assert re.search(r"bloqué pendant \d+ minutes?", summary), summary
    assert page.url.endswith("/connexion/")
    assert axe_violations(page) == []


def test_mon_compte_shows_the_child_the_school_and_the_address(page: Page, stack: Stack, activate) -> None:
    """A parent of two children tells their accounts apart: each names its child (the demo: Léa, 5e A)."""
    login(page, stack, stack.demo["active"])
    expect(page.locator("dd[data-session-field=child]")).to_have_text("Léa, 5e A")
    expect(page.locator("dd[data-session-field=school_name]")).to_have_text("Collège Victor-Hugo")
    expect(page.locator("dd[data-session-field=email]")).to_have_text("f•••@example.fr")
    expect(page.locator("[data-session-row=pending_email]")).to_be_hidden()
    assert axe_violations(page) == []


def test_mon_compte_of_a_pupil_has_no_child_row(page: Page, stack: Stack, issue, activate) -> None:
    pupil = activate(issue(profile="eleve", birth_date=date(2012, 5, 4)))
    login(page, stack, pupil)
    expect(page.locator("dd[data-session-field=school_name]")).to_have_text("Collège Victor-Hugo")
    expect(page.locator("dd[data-session-field=email]")).to_have_text(f"{pupil.identifier[0]}•••@exemple.fr")
    expect(page.locator("[data-session-row=child]")).to_be_hidden()
    assert axe_violations(page) == []

    page.fill("#cem-current", pupil.password)
    page.fill("#cem-email", "nouvelle.adresse@exemple.fr")
    page.get_by_role("button", name="Changer d'adresse").click()
    expect(page.locator("#cem-sent")).to_be_visible()
    page.reload()
    expect(page.locator("span[data-session-field=pending_email]")).to_have_text("n•••@exemple.fr")
    expect(page.locator("[data-session-row=pending_email]")).to_be_visible()
    expect(page.locator("dd[data-session-field=email]")).to_have_text(f"{pupil.identifier[0]}•••@exemple.fr")
    page.set_viewport_size({"width": 360, "height": 740})  # a phone: the details wrap, nothing scrolls sideways
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    expect(page.locator("span[data-session-field=pending_email]")).to_be_in_viewport()
