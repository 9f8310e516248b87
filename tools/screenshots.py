"""Take the help centre's screenshots of our real pages: `make screenshots`.

Usage (from the repository root):

    .venv/bin/python -m tools.screenshots            # writes docs/assets/screenshots/*.png
    .venv/bin/python -m tools.screenshots --check    # exit 1 if a committed screenshot is stale

It builds the site when it is older than its sources, starts the local stack (`python -m devserver`
on free ports), drives Debian's Chromium headless through Playwright, and photographs the login page
and Mon compte with the stack's fixed demo data (the seeded identifiers `camille.martin` and
`lea.dupont`, whose names, school and profile never change). Nothing on these crops depends on the
time. Same machine, same fonts: the same pixels (tests/browser/test_screenshots.py re-renders them
and fails when one is stale).

The stack and the browser are started by the browser tests' harness (tests/browser/harness.py), so
the tests and this tool start them the same way.
"""

from __future__ import annotations

import argparse
import base64
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from tests.browser.harness import ROOT, Stack, build_site_if_stale, launch_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Browser, FloatRect, Page, ViewportSize

OUTPUT = ROOT / "docs" / "assets" / "screenshots"

# The screenshots' frame: a small laptop window, one CSS pixel per pixel, French, no motion.
VIEWPORT: ViewportSize = {"width": 1000, "height": 800}
MARGIN = 12  # CSS pixels around the cropped elements
FRAME_COLOUR = "#767676"  # 4.5:1 on white
TYPED_PASSWORD = "Exemple2024"  # only its dots show
# Pixels whose channels differ by more than CHANNEL_TOLERANCE count as different; a screenshot is
# stale when more than PIXEL_TOLERANCE of its pixels differ (text anti-aliasing may move a few).
CHANNEL_TOLERANCE = 32
PIXEL_TOLERANCE = 0.002


# ---------------------------------------------------------------- the screenshots

# The box of what shows inside an element: its texts and its controls, not its full-width blocks.
_CONTENT_BOX = """(element) => {
  const boxes = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  for (let node = element; node; node = walker.nextNode()) {
    if (node.nodeType === Node.TEXT_NODE) {
      if (!node.textContent.trim()) continue;
      const parent = node.parentElement.getBoundingClientRect();
      if (parent.width <= 1 || parent.height <= 1) continue;  // visually hidden, for screen readers
      const range = document.createRange();
      range.selectNodeContents(node);
      boxes.push(range.getBoundingClientRect());
    } else if (node.matches("input, button, select, textarea, fieldset, svg, img")) {
      boxes.push(node.getBoundingClientRect());
    }
  }
  const seen = boxes.filter((box) => box.width > 0 && box.height > 0);
  return {
    left: Math.min(...seen.map((box) => box.left)) + scrollX,
    top: Math.min(...seen.map((box) => box.top)) + scrollY,
    right: Math.max(...seen.map((box) => box.right)) + scrollX,
    bottom: Math.max(...seen.map((box) => box.bottom)) + scrollY,
  };
}"""


def _crop(page: Page, *selectors: str) -> bytes:
    """Screenshot the box around the contents of every element `selectors` match, framed."""
    boxes = [
        box
        for selector in selectors
        for box in page.locator(selector).evaluate_all(f"(nodes) => nodes.map({_CONTENT_BOX})")
    ]
    assert boxes, f"nothing to photograph: {selectors}"
    left = max(0, min(box["left"] for box in boxes) - MARGIN)
    top = max(0, min(box["top"] for box in boxes) - MARGIN)
    right = max(box["right"] for box in boxes) + MARGIN
    bottom = max(box["bottom"] for box in boxes) + MARGIN
    clip: FloatRect = {"x": round(left), "y": round(top), "width": round(right - left), "height": round(bottom - top)}
    # A border the page does not have: on a help page, the picture must not pass for a real form.
    page.evaluate(_FRAME, clip)
    try:
        return page.screenshot(clip=clip, animations="disabled", caret="hide", full_page=True)
    finally:
        page.evaluate("document.getElementById('ent-screenshot-frame').remove()")


_FRAME = f"""(clip) => {{
  const frame = document.createElement("div");
  frame.id = "ent-screenshot-frame";
  Object.assign(frame.style, {{ position: "absolute", left: clip.x + "px", top: clip.y + "px",
    width: clip.width + "px", height: clip.height + "px", boxSizing: "border-box",
    border: "1px solid {FRAME_COLOUR}", pointerEvents: "none", zIndex: 10 }});
  document.body.append(frame);
}}"""


def _settle(page: Page) -> None:
    """Wait for the fonts, drop the focus ring and the mouse hover: only the content shows."""
    page.evaluate("document.fonts.ready")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.mouse.move(0, 0)
    page.evaluate("window.scrollTo(0, 0)")  # the crops are measured from the top of the page


def _login_page(page: Page, stack: Stack) -> None:
    page.goto(stack.url("/connexion/"))
    page.locator(".ent-form").wait_for()


def shot_profile(page: Page, stack: Stack) -> bytes:
    """The profile choice of the login page, « Parent » chosen."""
    _login_page(page, stack)
    page.check("#login-profile-parent")
    _settle(page)
    return _crop(page, ".ent-form > fieldset")


def shot_login_form(page: Page, stack: Stack) -> bytes:
    """The login form under the profile: the issued demo identifier, a password as dots, the links."""
    _login_page(page, stack)
    page.check("#login-profile-parent")
    page.fill("#login-identifier", stack.demo["issued"].identifier)
    page.fill("#login-password", TYPED_PASSWORD)
    _settle(page)
    return _crop(page, ".ent-form > div.ent-field", ".ent-form > .ent-submit", ".ent-form > .ent-links")


def shot_forgotten_links(page: Page, stack: Stack) -> bytes:
    """The « Se connecter » button and, under it, the « … oublié ? » links."""
    _login_page(page, stack)
    _settle(page)
    return _crop(page, ".ent-form > .ent-submit", ".ent-form > .ent-links")


def shot_account(page: Page, stack: Stack) -> bytes:
    """Mon compte of the active demo account: its details and the password change form."""
    active = stack.demo["active"]
    _login_page(page, stack)
    page.check(f"#login-profile-{active.profile}")
    page.fill("#login-identifier", active.identifier)
    page.fill("#login-password", active.password)
    page.click(".ent-form .ent-submit")
    page.wait_for_url("**/compte/")
    page.locator("[data-session-content]").wait_for()
    _settle(page)
    return _crop(
        page,
        "h1",
        "[data-session-content] > .ent-details",
        "[data-session-content] > .ent-hint",
        "#changer-mot-de-passe",
        "form[data-api='/api/account/password']",
    )


SHOTS: dict[str, Callable[[Page, Stack], bytes]] = {
    "connexion-profil.png": shot_profile,
    "connexion-formulaire.png": shot_login_form,
    "connexion-liens-oublies.png": shot_forgotten_links,
    "mon-compte.png": shot_account,
}


def render(browser: Browser, stack: Stack, name: str) -> bytes:
    """Return the PNG of screenshot `name`, taken in a fresh browser context."""
    context = browser.new_context(
        viewport=VIEWPORT,
        device_scale_factor=1,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        reduced_motion="reduce",
        color_scheme="light",
    )
    try:
        return SHOTS[name](context.new_page(), stack)
    finally:
        context.close()


# ---------------------------------------------------------------- comparing two PNGs

_COMPARE = """async ([first, second, channelTolerance]) => {
  const load = (data) => new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error("not a PNG"));
    image.src = "data:image/png;base64," + data;
  });
  const pixels = (image) => {
    const canvas = document.createElement("canvas");
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, canvas.width, canvas.height).data;
  };
  const [a, b] = await Promise.all([load(first), load(second)]);
  const size = [a.naturalWidth, a.naturalHeight, b.naturalWidth, b.naturalHeight];
  if (size[0] !== size[2] || size[1] !== size[3]) return { size, differing: null, total: null };
  const [pa, pb] = [pixels(a), pixels(b)];
  let differing = 0;
  for (let i = 0; i < pa.length; i += 4) {
    if (Math.abs(pa[i] - pb[i]) > channelTolerance || Math.abs(pa[i + 1] - pb[i + 1]) > channelTolerance
        || Math.abs(pa[i + 2] - pb[i + 2]) > channelTolerance || Math.abs(pa[i + 3] - pb[i + 3]) > channelTolerance) {
      differing += 1;
    }
  }
  return { size, differing, total: pa.length / 4 };
}"""


def difference(page: Page, first: bytes, second: bytes) -> str | None:
    """Compare two PNGs decoded by Chromium; return why they differ, or None if they match."""
    page.set_content("<!doctype html><title>comparaison</title>")
    result = page.evaluate(
        _COMPARE, [base64.b64encode(first).decode(), base64.b64encode(second).decode(), CHANNEL_TOLERANCE]
    )
    width, height, other_width, other_height = result["size"]
    if result["differing"] is None:
        return f"size {width}x{height} became {other_width}x{other_height}"
    if result["differing"] > PIXEL_TOLERANCE * result["total"]:
        return f"{result['differing']} of {result['total']} pixels differ"
    return None


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed PNGs, write nothing")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    build_site_if_stale()
    stack = Stack()
    stale = []
    try:
        stack.start()
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            compare = browser.new_page()
            for name in SHOTS:
                image = render(browser, stack, name)
                target = OUTPUT / name
                if args.check:
                    why = difference(compare, target.read_bytes(), image) if target.is_file() else "missing"
                    if why:
                        stale.append(f"{name}: {why}")
                    print(f"{name}: {why or 'up to date'}")
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.is_file() and difference(compare, target.read_bytes(), image) is None:
                    print(f"{name}: unchanged")  # keep the committed bytes: no noise in git
                    continue
                target.write_bytes(image)
                print(f"{name}: written ({len(image)} bytes)")
            browser.close()
    finally:
        stack.stop()
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
