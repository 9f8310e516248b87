"""A mistyped address is not the end, and a typo is caught before it costs anything (issue 12, points 1-2).

The pending page shows the awaited address masked with its two ways on (send the link again, or
correct the address); the correction sends a new link and the old one expires; « Vouliez-vous
dire …@gmail.com ? » is applied in one click, on a phone and with the keyboard.
"""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.harness import Stack
from tests.browser.helpers import Account, Api, axe_violations, link_in, login, mail_to
from tests.browser.test_keyboard import tab_to
from tests.browser.test_phone import PHONE, overflow

NEW_PASSWORD = "Tulipe7Orange"


def pending_at(stack: Stack, account: Account, email: str) -> Account:
    """Make the first connection through the API with `email`; return the account with its new password."""
    api = Api(stack)
    status, answer = api.post(
        "/api/login", {"identifier": account.identifier, "password": account.password, "profile": account.profile}
    )
    assert (status, answer) == (200, {"next": "first-connection"})
    status, answer = api.post(
        "/api/first-connection",
        {
            "birth_date": account.birth_date.isoformat(),
            "email": email,
            "new_password": NEW_PASSWORD,
            "new_password_confirmation": NEW_PASSWORD,
        },
    )
    assert status == 202, answer
    return account.with_password(NEW_PASSWORD)


def reach_suggestion(page: Page, selector: str) -> None:
    """The suggestion comes right after its field: Tab may already be on it, else Shift+Tab goes back."""
    if not page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
        tab_to(page, selector, key="Shift+Tab")


def addresses(account: Account) -> tuple[str, str, str]:
    """The mistyped address, the right one, and the mistyped one as the pages show it (masked)."""
    local = account.identifier
    return f"{local}@gmial.com", f"{local}@gmail.com", f"{local[0]}•••@gmial.com"


def test_the_login_page_shows_the_masked_address_and_corrects_it(page: Page, stack: Stack, issue) -> None:
    fresh = issue()
    typo, right, masked = addresses(fresh)
    account = pending_at(stack, fresh, typo)

    login(page, stack, account, expect=None)
    panel = page.locator("#login-pending")
    expect(panel).to_be_visible()
    expect(panel).to_be_focused()
    expect(panel.locator("[data-fill=pending_email]")).to_have_text(masked)
    expect(panel.get_by_role("button", name="Renvoyer le lien à cette adresse")).to_be_visible()
    assert typo not in page.content()  # only the masked address is on the page
    assert axe_violations(page) == []

    page.fill("#login-pending-email", right)
    page.get_by_role("button", name="Envoyer le lien à cette adresse", exact=True).click()
    done = page.locator("#login-corrected")
    expect(done).to_be_visible()
    expect(done).to_contain_text(right)
    expect(panel).to_be_hidden()
    assert axe_violations(page) == []

    # The link sent to the mistyped address no longer works; the new one does.
    page.goto(link_in(mail_to(stack, typo, "Activez"), "/activation/"))
    # The page asks the link's state as it opens: expired at once, no button to press for nothing.
    expect(
        page.locator(".ent-panel:not([hidden])", has=page.get_by_role("heading", name="Ce lien a expiré"))
    ).to_be_visible()
    expect(page.get_by_role("button", name="Activer mon compte")).to_be_hidden()
    page.goto(link_in(mail_to(stack, right, "Activez"), "/activation/"))
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page.locator("#act-done")).to_be_visible()
    login(page, stack, account)
    expect(page.locator("dd[data-session-field=identifier]")).to_have_text(account.identifier)


def test_the_login_page_sends_the_link_again_to_the_masked_address(page: Page, stack: Stack, issue) -> None:
    fresh = issue()
    typo, _, masked = addresses(fresh)
    account = pending_at(stack, fresh, typo)

    login(page, stack, account, expect=None)
    page.get_by_role("button", name="Renvoyer le lien à cette adresse").click()
    resent = page.locator("#login-resent")
    expect(resent).to_be_visible()
    expect(resent).to_contain_text(masked)
    assert len([mail for mail in stack.mails() if typo in mail["to"]]) == 2


def test_a_typo_is_fixed_in_one_click_at_first_connection_on_a_phone_with_the_keyboard(
    context: BrowserContext, stack: Stack, issue
) -> None:
    account: Account = issue()
    typo, right, _ = addresses(account)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    login(page, stack, account, expect="/premiere-connexion/")

    tab_to(page, "#fc-birth-date")
    page.keyboard.type(account.birth_date.strftime("%d%m%Y"))
    tab_to(page, "#fc-email")
    page.keyboard.type(typo)
    page.keyboard.press("Tab")  # leaving the field: « Vouliez-vous dire … ? »
    suggestion = page.locator("#fc-email-suggestion")
    expect(suggestion).to_contain_text("Vouliez-vous dire")
    expect(suggestion).to_contain_text(right)
    assert overflow(page) == []
    assert axe_violations(page) == []
    reach_suggestion(page, "#fc-email-suggestion button")
    page.keyboard.press("Enter")  # one key: the address is corrected, the focus back in the field
    expect(page.locator("#fc-email")).to_have_value(right)
    expect(page.locator("#fc-email")).to_be_focused()
    expect(suggestion).not_to_contain_text("Vouliez-vous dire")

    tab_to(page, "#fc-new-password")
    page.keyboard.type(NEW_PASSWORD)
    tab_to(page, "#fc-new-password-confirmation")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")
    done = page.locator("#fc-done")
    expect(done).to_be_focused()
    expect(done).to_contain_text(right)
    assert mail_to(stack, right, "Activez")


def test_a_suggestion_is_never_a_refusal(page: Page, stack: Stack, issue) -> None:
    account: Account = issue()
    typo, _, _ = addresses(account)
    login(page, stack, account, expect="/premiere-connexion/")
    page.fill("#fc-birth-date", account.birth_date_fr)
    page.fill("#fc-email", typo)
    page.fill("#fc-new-password", NEW_PASSWORD)
    page.fill("#fc-new-password-confirmation", NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#fc-done")).to_contain_text(typo)  # the family may really mean it


def test_the_resend_page_corrects_the_address_on_a_phone_with_the_keyboard(
    context: BrowserContext, stack: Stack, issue
) -> None:
    account = issue()
    typo, right, _ = addresses(account)
    account = pending_at(stack, account, typo)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(stack.url("/activation/renvoi/"))

    tab_to(page, "#resend-identifier")
    page.keyboard.type(account.identifier)
    tab_to(page, "#resend-password")
    page.keyboard.type(account.password)
    tab_to(page, "#correct-email")
    page.keyboard.type(f"{account.identifier}@gmal.com")
    page.keyboard.press("Tab")
    expect(page.locator("#correct-email-suggestion")).to_contain_text(right)
    reach_suggestion(page, "#correct-email-suggestion button")
    page.keyboard.press("Space")
    expect(page.locator("#correct-email")).to_have_value(right)
    assert overflow(page) == []
    page.keyboard.press("Enter")  # the focus is back in the field: Enter sends the correction
    done = page.locator("#correct-done")
    expect(done).to_be_focused()
    expect(done).to_contain_text(right)
    assert overflow(page) == []
    assert axe_violations(page) == []
    page.goto(link_in(mail_to(stack, right, "Activez"), "/activation/"))
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page.locator("#act-done")).to_be_visible()


def test_the_resend_page_shows_where_the_link_went(page: Page, stack: Stack, issue) -> None:
    account = issue()
    typo, _, masked = addresses(account)
    account = pending_at(stack, account, typo)
    page.goto(stack.url("/activation/renvoi/"))
    page.fill("#resend-identifier", account.identifier)
    page.fill("#resend-password", account.password)
    page.get_by_role("button", name="Renvoyer le lien", exact=True).click()
    done = page.locator("#resend-done")
    expect(done).to_be_visible()
    expect(done.locator("[data-fill=pending_email]")).to_have_text(masked)
    expect(done.get_by_role("link", name="Corrigez-la ci-dessous")).to_be_visible()
    assert axe_violations(page) == []


def test_my_account_suggests_the_right_domain(page: Page, stack: Stack, activate) -> None:
    account = activate()
    login(page, stack, account)
    page.fill("#cem-email", "famille@hotmial.fr")
    page.locator("#cem-email").blur()
    suggestion = page.locator("#cem-email-suggestion")
    expect(suggestion).to_contain_text("famille@hotmail.fr")
    assert axe_violations(page) == []
    suggestion.get_by_role("button").click()
    expect(page.locator("#cem-email")).to_have_value("famille@hotmail.fr")
    page.fill("#cem-email", "famille@orange.fr")
    page.locator("#cem-email").blur()
    expect(suggestion).to_be_empty()  # a known domain: nothing to suggest


def test_the_pending_panel_fits_a_phone(context: BrowserContext, stack: Stack, issue) -> None:
    fresh = issue()
    typo, _, masked = addresses(fresh)
    account = pending_at(stack, fresh, typo)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    login(page, stack, account, expect=None)
    panel = page.locator("#login-pending")
    expect(panel).to_contain_text(masked)
    page.get_by_role("button", name="Envoyer le lien à cette adresse", exact=True).click()  # nothing typed
    expect(panel.locator(".ent-summary:not([hidden])")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    controls = panel.locator("input, button")
    for index in range(controls.count()):
        box = controls.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5
    assert axe_violations(page) == []


# The slips of issue 12 and others families make: each has its one suggestion.
SLIPS = {
    "gmial.com": "gmail.com",
    "gmal.com": "gmail.com",
    "gmail.con": "gmail.com",
    "gmail.fr": "gmail.com",
    "hotmial.fr": "hotmail.fr",
    "hotmail.fe": "hotmail.fr",
    "orange.ft": "orange.fr",
    "wanadoo.fe": "wanadoo.fr",
    "laposte.nte": "laposte.net",
    "laposte.fr": "laposte.net",
    "free.fe": "free.fr",
    "sfr.fe": "sfr.fr",
    "yahoo.fe": "yahoo.fr",
    "outlok.fr": "outlook.fr",
}
# Real domains, known or not: never a suggestion.
RIGHT_AS_TYPED = ["gmail.com", "orange.fr", "laposte.net", "hotmail.de", "mail.com", "ac-paris.fr", "exemple.fr"]


def test_the_one_list_of_domains_suggests_each_slip_and_nothing_else(page: Page, stack: Stack) -> None:
    page.goto(stack.url("/"))
    typed = [f"camille.durand@{domain}" for domain in [*SLIPS, *RIGHT_AS_TYPED]]
    suggested = page.evaluate(
        """async (typed) => {
             const { suggestEmail } = await import("/assets/js/email-typos.js");
             return typed.map(suggestEmail);
           }""",
        typed,
    )
    expected = [f"camille.durand@{domain}" for domain in SLIPS.values()] + [None] * len(RIGHT_AS_TYPED)
    assert suggested == expected
