"""A whole journey with the keyboard alone: login, first connection, activation, login, Mon compte.

No click anywhere: Tab, Shift+Tab, Space, Enter and typing. The two page.goto() are what a person
does outside the site: typing the address, and opening the link of the activation mail.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import Stack
from tests.browser.helpers import Account, link_in, login, mail_to

NEW_PASSWORD = "Tulipe7Orange"
MAX_TABS = 60

# The focus ring of the focused element (or of the radio's label box): visible, 2 px at least.
_FOCUS_SHOWN = """() => {
  const element = document.activeElement;
  return [element, element.closest(".ent-choice")].filter(Boolean).some((node) => {
    const style = getComputedStyle(node);
    return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) || style.outlineStyle === "auto"
      || (style.boxShadow && style.boxShadow !== "none");
  });
}"""


def focused(page: Page) -> str:
    return page.evaluate("""() => { const e = document.activeElement;
        return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " " + (e.textContent || "").trim().slice(0, 40); }""")


def tab_to(page: Page, selector: str, key: str = "Tab") -> None:
    """Press `key` until `selector` has the focus; fail if it never comes or shows no focus ring."""
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            assert page.evaluate(_FOCUS_SHOWN), f"{selector} has the focus but no visible focus ring"
            return
    pytest.fail(f"{selector} never got the focus with {key}; the focus is on {focused(page)}")


def log_in_with_keys(page: Page, account: Account) -> None:
    tab_to(page, "input[name=profile]")
    if not page.locator("input[name=profile]:checked").count():
        page.keyboard.press("Space")
    expect(page.locator("#login-profile-parent")).to_be_checked()
    tab_to(page, "#login-identifier")
    page.keyboard.type(account.identifier)
    tab_to(page, "#login-password")
    page.keyboard.type(account.password)
    page.keyboard.press("Enter")


def test_first_connection_to_my_account_with_the_keyboard_alone(page: Page, stack: Stack, issue) -> None:
    account: Account = issue()
    page.goto(stack.url("/connexion/"))

    # Login: the identifier is typed first with a typo, then corrected by coming back with Shift+Tab.
    tab_to(page, "#login-profile-parent")
    page.keyboard.press("Space")
    expect(page.locator("#login-profile-parent")).to_be_checked()
    tab_to(page, "#login-identifier")
    page.keyboard.type(account.identifier + "x")
    tab_to(page, "#login-password")
    page.keyboard.type(account.password)
    tab_to(page, "#login-identifier", key="Shift+Tab")
    page.keyboard.press("End")
    page.keyboard.press("Backspace")
    tab_to(page, "#login-password")
    page.keyboard.press("Enter")
    page.wait_for_url("**/premiere-connexion/")

    # First connection: birth date as typed on a phone keypad, email, new password twice.
    tab_to(page, "#fc-birth-date")
    page.keyboard.type(account.birth_date.strftime("%d%m%Y"))
    tab_to(page, "#fc-email")
    page.keyboard.type(account.email)
    tab_to(page, "#fc-new-password")
    page.keyboard.type(NEW_PASSWORD)
    tab_to(page, "#fc-new-password-confirmation")
    page.keyboard.type(NEW_PASSWORD)
    tab_to(page, "[data-reveal=fc-new-password]", key="Shift+Tab")  # check what was typed: « Afficher »
    page.keyboard.press("Space")
    expect(page.locator("#fc-new-password")).to_have_attribute("type", "text")
    expect(page.locator("[data-reveal=fc-new-password]")).to_have_attribute("aria-pressed", "true")
    tab_to(page, "#fc-new-password-confirmation")
    page.keyboard.press("Enter")
    expect(page.locator("#fc-done")).to_be_focused()
    expect(page.locator("#fc-new-password")).to_have_attribute("type", "password")  # hidden again on sending

    # The activation link of the mail, then « Activer mon compte » and « Se connecter ».
    page.goto(link_in(mail_to(stack, account.email, "Activez"), "/activation/"))
    tab_to(page, "form[data-api='/api/activation'] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#act-done")).to_be_focused()
    tab_to(page, "#act-done a")
    page.keyboard.press("Enter")
    page.wait_for_url("**/connexion/")

    log_in_with_keys(page, account.with_password(NEW_PASSWORD))
    page.wait_for_url("**/compte/")
    expect(page.locator("dd[data-session-field=display_name]")).to_have_text(f"Zoé {account.last_name}")


def test_errors_are_reached_from_the_summary_with_the_keyboard(page: Page, stack: Stack) -> None:
    page.goto(stack.url("/connexion/"))
    tab_to(page, "#login-identifier")
    page.keyboard.press("Enter")  # nothing typed: the summary takes the focus

    expect(page.locator(".ent-summary")).to_be_focused()
    tab_to(page, ".ent-summary a[href='#login-profile-parent']")
    page.keyboard.press("Enter")
    expect(page.locator("#login-profile-parent")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#login-profile-parent")).to_be_checked()


# Where a family without an address, or without the mail, finds its answer: the link, reached and
# followed with the keyboard alone (after « Aller au contenu », as a keyboard user skips the menu).
HELP_LINKS = [
    ("/aide/premiere-connexion/", "/aide/pas-d-adresse-electronique/"),
    ("/aide/courrier/", "/aide/pas-d-adresse-electronique/"),
    ("/aide/premiere-connexion/", "/aide/courriel-non-recu/"),
    ("/aide/mot-de-passe-oublie/", "/aide/courriel-non-recu/"),
]


@pytest.mark.parametrize(("start", "target"), HELP_LINKS)
def test_help_link_is_followed_with_the_keyboard(page: Page, stack: Stack, start: str, target: str) -> None:
    page.goto(stack.url(start))
    tab_to(page, "a.md-skip")
    page.keyboard.press("Enter")

    tab_to(page, f"article a[href$='{target.removeprefix('/aide/')}']")
    page.keyboard.press("Enter")

    page.wait_for_url(f"**{target}")
    expect(page.locator("article h1")).to_be_visible()


def test_the_first_connection_form_leads_to_the_no_address_page(page: Page, stack: Stack, issue) -> None:
    account: Account = issue()
    login(page, stack, account, expect="/premiere-connexion/")  # the page needs its session
    page.locator("#fc-form").wait_for()
    tab_to(page, "a.md-skip")
    page.keyboard.press("Enter")

    tab_to(page, "#fc-email-hint a")  # in the email field's hint, just before the field
    page.keyboard.press("Enter")

    page.wait_for_url("**/aide/pas-d-adresse-electronique/")
    expect(page.locator("article h1")).to_have_text("Je n'ai pas d'adresse électronique")
