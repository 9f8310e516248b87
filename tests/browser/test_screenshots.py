"""The help centre's screenshots show the pages as they are: re-rendered, they match the committed PNGs.

When one fails, the page changed: run `make screenshots`, look at the new images and commit them.
"""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.harness import Stack
from tools import screenshots


@pytest.mark.parametrize("name", list(screenshots.SHOTS))
def test_screenshot_is_up_to_date(browser: Browser, stack: Stack, page: Page, name: str) -> None:
    committed = screenshots.OUTPUT / name
    assert committed.is_file(), f"{committed.relative_to(screenshots.ROOT)} is missing: run `make screenshots`"

    fresh = screenshots.render(browser, stack, name)

    why = screenshots.difference(page, committed.read_bytes(), fresh)
    assert why is None, f"{name} is stale ({why}): run `make screenshots` and commit the new images"


def test_comparison_sees_a_changed_image(browser: Browser, stack: Stack, page: Page) -> None:
    original = screenshots.render(browser, stack, "connexion-liens-oublies.png")
    page.set_content("<!doctype html><title>retouche</title>")
    touched = page.evaluate(  # the same image with a 20 x 20 black square: same size, other pixels
        """async (data) => {
             const image = new Image();
             image.src = "data:image/png;base64," + data;
             await image.decode();
             const canvas = Object.assign(document.createElement("canvas"), { width: image.naturalWidth,
                                                                             height: image.naturalHeight });
             const context = canvas.getContext("2d");
             context.drawImage(image, 0, 0);
             context.fillRect(0, 0, 20, 20);
             return canvas.toDataURL("image/png").split(",")[1];
           }""",
        base64.b64encode(original).decode(),
    )

    assert screenshots.difference(page, original, original) is None
    assert "pixels differ" in (screenshots.difference(page, original, base64.b64decode(touched)) or "")
