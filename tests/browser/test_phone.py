"""Every form works on a 360 px wide phone: no sideways scrolling, every field on screen, errors too."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, ViewportSize

from tests.browser.harness import Stack
from tests.browser.helpers import axe_violations, form_pages, open_form_page, submit_every_form_empty

PHONE: ViewportSize = {"width": 360, "height": 740}
MIN_WIDTH = 44  # CSS pixels: a field or button narrower than a fingertip is not usable
CONTROLS = "form.ent-form:not([hidden]) :is(input, textarea, select, button):not([type=hidden]):not([hidden])"


@pytest.fixture
def phone(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_viewport_size(PHONE)
    return page


def overflow(page: Page) -> list[str]:
    """Return what does not fit in the phone's width: the page itself, or a form control."""
    problems = []
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    if scroll_width > PHONE["width"]:
        problems.append(f"the page scrolls sideways: scrollWidth {scroll_width}")
    controls = page.locator(CONTROLS)
    for index in range(controls.count()):
        control = controls.nth(index)
        name = control.evaluate("(node) => node.id || node.name || node.textContent.trim()")
        box = control.bounding_box()
        squeezed = control.get_attribute("type") not in ("radio", "checkbox") and box and box["width"] < MIN_WIDTH
        if box is None or not control.is_visible():
            problems.append(f"{name}: not visible")
        elif box["x"] < 0 or box["x"] + box["width"] > PHONE["width"] + 0.5 or squeezed:
            problems.append(f"{name}: from x={box['x']:.0f} to {box['x'] + box['width']:.0f}")
    return problems


@pytest.mark.parametrize("path", form_pages())
def test_form_fits_a_phone(phone: Page, stack: Stack, path: str) -> None:
    open_form_page(phone, stack, path)
    assert phone.locator(CONTROLS).count() >= 1
    assert overflow(phone) == []

    submit_every_form_empty(phone)

    assert overflow(phone) == [], "with the error messages"


# The help pages of issue 12, read on a phone by a family without an address or waiting for a mail,
# and the pages that name the school's old buttons.
HELP_PAGES = [
    "/aide/pas-d-adresse-electronique/",
    "/aide/courriel-non-recu/",
    "/aide/se-connecter/",
    "/aide/changer-mot-de-passe/",
]


@pytest.mark.parametrize("path", HELP_PAGES)
def test_help_page_fits_a_phone(phone: Page, stack: Stack, path: str) -> None:
    phone.goto(stack.url(path))
    phone.locator("article h1").wait_for()

    assert overflow(phone) == []
    assert axe_violations(phone) == []
