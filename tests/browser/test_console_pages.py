"""Every page of the console: outside the parents' site, axe-clean at 1280 px and on a tablet, keyboard-only.

Signed in once per module through the API (the demo members' codes are spent one time step each),
the session is given to each test's browser context.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from functions.core.messages import Code
from tests.browser.console_staff import Member, StaffApi, account_path, demo_members, share_session
from tests.browser.harness import ROOT, Stack
from tests.browser.helpers import DESKTOP, axe_violations, built_html, site_pages
from tests.browser.test_console import issue_in

TABLET: ViewportSize = {"width": 768, "height": 1024}
SIZES = {"1280px": DESKTOP, "tablet": TABLET}
CONSOLE_JS = (ROOT / "docs" / "assets" / "js" / "console.js").read_text(encoding="utf-8")
MAX_TABS = 40

# The focused element shows a ring of 2 px at least (or the browser's own).
_FOCUS_SHOWN = """() => { const style = getComputedStyle(document.activeElement);
  return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) || style.outlineStyle === "auto"; }"""


def console_pages() -> list[str]:
    return [path for path in site_pages() if path.startswith("/secretariat/")]


@pytest.fixture(scope="module")
def members(stack: Stack) -> dict[str, Member]:
    return demo_members(stack)


@pytest.fixture(scope="module")
def sessions(stack: Stack, members: dict[str, Member]) -> dict[str, StaffApi]:
    return {role: StaffApi(stack).sign_in(member) for role, member in members.items()}


@pytest.fixture(scope="module")
def school(members: dict[str, Member]) -> str:
    """The demo secretary's first school."""
    return members["secretariat"].schools[0]


@pytest.fixture(scope="module")
def identifier(stack: Stack, school: str) -> str:
    return issue_in(stack, school, "Marchand")


# ---------------------------------------------------------------- outside the parents' site


def test_the_console_has_its_pages() -> None:
    assert {
        "/secretariat/",
        "/secretariat/invitation/",
        "/secretariat/tableau-de-bord/",
        "/secretariat/comptes/",
        "/secretariat/compte/",
        "/secretariat/import/",
        "/secretariat/annuaire/",
        "/secretariat/equipe/",
    } <= set(console_pages())


@pytest.mark.parametrize("path", console_pages())
def test_a_console_page_is_not_indexed_nor_in_the_parents_menu(path: str) -> None:
    html = built_html(path).read_text(encoding="utf-8")

    assert '<meta name="robots" content="noindex">' in html
    assert 'class="md-nav' not in html and "md-search" not in html  # no parents' menu, no search box
    assert 'src="../assets/js/console.js"' in html or 'src="../../assets/js/console.js"' in html


def test_the_site_search_knows_no_console_page() -> None:
    index = json.loads((ROOT / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))

    assert [doc["location"] for doc in index["docs"] if doc["location"].startswith("secretariat/")] == []


def test_the_console_script_knows_only_the_catalogues_codes() -> None:
    table = re.search(r"^const MESSAGES = \{\n(.*?)^\};", CONSOLE_JS, re.S | re.M)
    assert table, "console.js has no MESSAGES table"
    codes = set(re.findall(r"^ {2}(\w+):", table.group(1), re.M)) - {"network", "server"}

    assert codes and codes <= {code.value for code in Code}


# ---------------------------------------------------------------- axe at both sizes


def open_signed_in(
    page: Page, stack: Stack, sessions: dict[str, StaffApi], path: str, identifier: str, school: str
) -> None:
    """Open a console page as it is used: signed in (the académie for staff), its content loaded."""
    role = "academie" if path == "/secretariat/equipe/" else "secretariat"
    if path not in ("/secretariat/", "/secretariat/invitation/"):
        share_session(page.context, stack, sessions[role])
    if path == "/secretariat/compte/":
        path = account_path(identifier)
    elif path == "/secretariat/invitation/":
        path += "#t=" + "A" * 43  # a well-formed link: the password step shows
    elif path != "/secretariat/":
        path += f"?uai={school}"
    page.goto(stack.url(path))
    page.locator("[data-console-page] :is(form, [data-console-content]):not([hidden])").first.wait_for()


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("path", console_pages())
def test_every_console_page_is_axe_clean_and_fits(
    page: Page,
    stack: Stack,
    sessions: dict[str, StaffApi],
    identifier: str,
    school: str,
    path: str,
    size: ViewportSize,
) -> None:
    page.set_viewport_size(size)
    open_signed_in(page, stack, sessions, path, identifier, school)

    assert axe_violations(page) == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= size["width"]


@pytest.mark.parametrize("path", ["/secretariat/", "/secretariat/invitation/", "/secretariat/import/"])
def test_a_console_form_sent_empty_is_axe_clean(
    page: Page, stack: Stack, sessions: dict[str, StaffApi], identifier: str, school: str, path: str
) -> None:
    open_signed_in(page, stack, sessions, path, identifier, school)
    form = page.locator("[data-console-page] form:not([hidden])").first
    form.locator("button[type=submit]").click()

    expect(form.locator(".ent-summary")).to_be_focused()
    assert axe_violations(page) == []


def test_the_confirmation_dialog_is_axe_clean_and_escape_closes_it(
    page: Page, stack: Stack, sessions: dict[str, StaffApi], identifier: str, school: str
) -> None:
    open_signed_in(page, stack, sessions, "/secretariat/compte/", identifier, school)
    page.get_by_role("button", name="Émettre un nouveau courrier").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()

    assert axe_violations(page) == []
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)


# ---------------------------------------------------------------- the keyboard alone


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


def test_a_secretary_works_with_the_keyboard_alone(
    page: Page, stack: Stack, members: dict[str, Member], identifier: str
) -> None:
    member = members["secretariat"]
    page.goto(stack.url("/secretariat/"))
    tab_to(page, "#signin-email")
    page.keyboard.type(member.email)
    tab_to(page, "#signin-password")
    page.keyboard.type(member.password)
    tab_to(page, "#signin-code")
    page.keyboard.type(member.phone.code())
    page.keyboard.press("Enter")
    page.wait_for_url("**/secretariat/tableau-de-bord/**")
    expect(page.locator("[data-counts]")).to_be_visible()  # the page has loaded, as a person waits

    # The menu, then the list searched by name, then the account.
    tab_to(page, "[data-nav=accounts]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/secretariat/comptes/**")
    expect(page.locator("[data-accounts]")).to_be_visible()
    tab_to(page, "#accounts-q")
    page.keyboard.type("Marchand")
    page.keyboard.press("Enter")
    rows = page.get_by_role("table", name="Comptes de l'établissement").locator("tbody tr")
    expect(rows).to_have_count(1)
    tab_to(page, f"[data-accounts] a[href$='#{identifier}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/secretariat/compte/#{identifier}")
    expect(page.locator("[data-account-actions] button")).to_be_visible()

    # A new letter for this `issued` account: the confirmation is answered from the keyboard.
    tab_to(page, "[data-account-actions] button")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Émettre un nouveau courrier ?")
    expect(dialog.get_by_role("button", name="Émettre le courrier")).to_be_focused()
    page.keyboard.press("Enter")
    done = page.locator("#account-done")
    expect(done).to_be_focused()
    tab_to(page, "#account-done a[data-letter]")

    tab_to(page, "[data-console-logout]", key="Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/secretariat/")
