"""A dead link says so at once, and the first-connection page knows its 15 minutes (issue 12, points 6-7).

Each link page asks its link's state when it opens: a link that expired, that was used or that is
not one shows its own page straight away, on a 360 px phone, reachable with the keyboard, axe clean.
The links are real: sent by the stack's flows, replaced by a newer one or used through the API.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import Stack
from tests.browser.helpers import FAKE_TOKEN, Account, Api, axe_violations, login, mail_to
from tests.browser.test_phone import PHONE, overflow

NEW_PASSWORD = "Tulipe7Orange"
NEWER_PASSWORD = "Cerise8Verte"


@dataclass(frozen=True)
class Links:
    """Tokens of one purpose: the live one, one replaced by it (expired), and how to use the live one."""

    path: str
    live: str
    replaced: str
    use: Callable[[], None]


def tokens_to(stack: Stack, address: str, subject: str, path: str) -> list[str]:
    """Every token of the links to `path` mailed to `address`, newest first."""
    mail_to(stack, address, subject)  # waits for the first one
    found = []
    for mail in stack.mails():
        if address in mail["to"] and subject in mail["subject"]:
            found += re.findall(rf"{re.escape(path)}#t=([\w\-]+)", mail["text"])[:1]
    return found


def first_connection(stack: Stack, account: Account) -> Api:
    api = Api(stack)
    body = {"identifier": account.identifier, "password": account.password, "profile": account.profile}
    assert api.post("/api/login", body) == (200, {"next": "first-connection"})
    status, answer = api.post(
        "/api/first-connection",
        {
            "birth_date": account.birth_date.isoformat(),
            "email": account.email,
            "new_password": NEW_PASSWORD,
            "new_password_confirmation": NEW_PASSWORD,
        },
    )
    assert status == 202, answer
    return api


def activation_links(stack: Stack, issue) -> Links:
    account = issue()
    api = first_connection(stack, account)
    assert (
        api.post("/api/first-connection/resend", {"identifier": account.identifier, "password": NEW_PASSWORD})[0] == 202
    )
    live, replaced = tokens_to(stack, account.email, "Activez", "/activation/")[:2]
    return Links("/activation/", live, replaced, lambda: _ok(api.post("/api/activation", {"token": live})))


def reset_links(stack: Stack, activate) -> Links:
    account = activate()
    api = Api(stack)
    for _ in range(2):
        assert api.post("/api/recovery/password", {"identifier": account.identifier})[0] == 202
    path = "/mot-de-passe-oublie/nouveau/"
    live, replaced = tokens_to(stack, account.email, "Choisir un nouveau mot de passe", path)[:2]
    body = {"token": live, "new_password": NEWER_PASSWORD, "new_password_confirmation": NEWER_PASSWORD}
    return Links(path, live, replaced, lambda: _ok(api.post("/api/recovery/password/reset", body)))


def email_links(stack: Stack, activate) -> Links:
    account = activate()
    api = Api(stack)
    body = {"identifier": account.identifier, "password": account.password, "profile": account.profile}
    assert api.post("/api/login", body) == (200, {"next": "home"})
    new_email = f"nouvelle.{account.email}"
    for _ in range(2):
        status, answer = api.post("/api/account/email", {"current_password": account.password, "new_email": new_email})
        assert status == 202, answer
    live, replaced = tokens_to(stack, new_email, "Confirmez votre nouvelle adresse", "/compte/email/")[:2]
    return Links("/compte/email/", live, replaced, lambda: _ok(api.post("/api/account/email/confirm", {"token": live})))


def _ok(answer: tuple[int, dict]) -> None:
    assert answer[0] == 200, answer


# The panel of each dead state: its heading and the way on (the panel's first link).
DEAD = {
    "/activation/": {
        "expired": ("Ce lien a expiré", "Recevoir un nouveau lien d'activation"),
        "used": ("Votre compte est déjà activé", "Se connecter"),
        "invalid": ("Ce lien n'est pas valide", "Recevoir un nouveau lien d'activation"),
    },
    "/mot-de-passe-oublie/nouveau/": {
        "expired": ("Ce lien a expiré", "Demander un nouveau lien"),
        "used": ("Ce lien a déjà servi", "Se connecter"),
        "invalid": ("Ce lien n'est pas valide", "Demander un nouveau lien"),
    },
    "/compte/email/": {
        "expired": ("Ce lien a expiré", "Aller à Mon compte"),
        "used": ("Votre nouvelle adresse est déjà confirmée", "Aller à Mon compte"),
        "invalid": ("Ce lien n'est pas valide", "Aller à Mon compte"),
    },
}


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def open_link(page: Page, stack: Stack, path: str, token: str) -> None:
    page.goto("about:blank")
    page.goto(stack.url(f"{path}#t={token}"))
    assert "#t=" not in page.url


def assert_dead(page: Page, path: str, state: str) -> None:
    heading, way_on = DEAD[path][state]
    panel = page.locator(".ent-panel:not([hidden])", has=page.get_by_role("heading", name=heading))
    expect(panel).to_be_visible()
    expect(panel).to_be_focused()  # a screen reader reads it at once; the keyboard goes on from it
    expect(page.locator("form.ent-form")).to_be_hidden()  # no button, no password to type for nothing
    page.keyboard.press("Tab")
    expect(panel.get_by_role("link", name=way_on).first).to_be_focused()
    assert overflow(page) == [], f"{path} {state}"
    assert axe_violations(page) == [], f"{path} {state}"


def assert_alive(page: Page) -> None:
    expect(page.locator("form.ent-form")).to_be_visible()
    expect(page.locator("form.ent-form button[type=submit]")).to_be_visible()
    for panel in page.locator(".ent-panel[id]").all():
        expect(panel).to_be_hidden()


@pytest.mark.parametrize("purpose", ["activation", "reset", "email_change"])
def test_each_link_page_says_at_once_what_its_link_is(phone: Page, stack: Stack, issue, activate, purpose) -> None:
    links = {
        "activation": lambda: activation_links(stack, issue),
        "reset": lambda: reset_links(stack, activate),
        "email_change": lambda: email_links(stack, activate),
    }[purpose]()
    asked: list[dict] = []
    phone.on(
        "response",
        lambda response: asked.append(response.json()) if response.url.endswith("/api/links/status") else None,
    )

    open_link(phone, stack, links.path, links.live)
    assert_alive(phone)
    assert asked[-1] == {"status": "valid", "purpose": purpose}

    open_link(phone, stack, links.path, links.replaced)
    assert_dead(phone, links.path, "expired")

    open_link(phone, stack, links.path, FAKE_TOKEN)
    assert_dead(phone, links.path, "invalid")
    assert asked[-1] == {"status": "invalid", "purpose": None}

    links.use()  # the lookups did not use it: it still works
    open_link(phone, stack, links.path, links.live)
    assert_dead(phone, links.path, "used")


def test_a_link_of_another_purpose_is_invalid_here(phone: Page, stack: Stack, activate) -> None:
    links = reset_links(stack, activate)
    open_link(phone, stack, "/activation/", links.live)
    assert_dead(phone, "/activation/", "invalid")


def test_without_an_answer_the_form_is_shown_and_tells_on_sending(phone: Page, stack: Stack) -> None:
    phone.route("**/api/links/status", lambda route: route.fulfill(status=429, body=json.dumps({})))
    open_link(phone, stack, "/activation/", FAKE_TOKEN)
    assert_alive(phone)


# ---------------------------------------------------------------- the first connection's 15 minutes


def test_first_connection_without_a_session_goes_to_login_then_comes_back(phone: Page, stack: Stack, issue) -> None:
    account: Account = issue()
    phone.goto(stack.url("/premiere-connexion/"))
    phone.wait_for_url("**/connexion/")
    login(phone, stack, account, expect="/premiere-connexion/")
    expect(phone.locator("[data-first-connection-timer]")).to_be_visible()


def test_first_connection_counts_down_warns_and_keeps_what_was_typed(phone: Page, stack: Stack, issue) -> None:
    account: Account = issue()
    phone.clock.install()
    login(phone, stack, account, expect="/premiere-connexion/")
    timer = phone.locator("[data-first-connection-timer]")
    expect(timer).to_be_visible()
    expect(timer.locator("[data-time-left]")).to_have_text(re.compile(r"^1[45] min \d\d s$"))
    phone.fill("#fc-birth-date", account.birth_date_fr)
    phone.fill("#fc-email", account.email)
    phone.fill("#fc-new-password", NEW_PASSWORD)
    phone.fill("#fc-new-password-confirmation", NEW_PASSWORD)

    phone.clock.run_for("12:30")
    warning = timer.locator("[data-time-warning]")
    expect(warning).to_have_text("")
    phone.clock.run_for("00:40")  # under 2 minutes left
    expect(warning).to_contain_text("il vous reste 2 minutes")
    assert warning.get_attribute("role") == "status" and warning.get_attribute("aria-live") == "polite"
    expect(phone.get_by_role("alert")).to_have_count(0)  # a live region, not an alert box
    expect(phone.locator("#fc-birth-date")).to_have_value(account.birth_date_fr)  # nothing lost, nothing moved
    assert overflow(phone) == []
    assert axe_violations(phone) == []

    phone.clock.run_for("02:00")
    expired = phone.locator("#fc-expired")
    expect(expired).to_be_visible()
    expect(expired).to_be_focused()
    expect(phone.locator("#fc-form")).to_be_hidden()
    draft = json.loads(phone.evaluate("sessionStorage.getItem('ent.first-connection.draft')"))
    assert draft == {"birth_date": account.birth_date_fr, "email": account.email}  # never the passwords
    assert NEW_PASSWORD not in json.dumps(phone.evaluate("({...sessionStorage})"))
    assert overflow(phone) == []
    assert axe_violations(phone) == []

    phone.keyboard.press("Tab")
    expect(expired.get_by_role("link", name="Se reconnecter")).to_be_focused()
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/connexion/")
    login(phone, stack, account, expect="/premiere-connexion/")
    expect(phone.locator("#fc-birth-date")).to_have_value(account.birth_date_fr)
    expect(phone.locator("#fc-email")).to_have_value(account.email)
    expect(phone.locator("#fc-new-password")).to_have_value("")
    expect(phone.locator("#fc-new-password-confirmation")).to_have_value("")
    expect(timer.locator("[data-time-warning]")).to_contain_text("remis dans le formulaire")

    phone.fill("#fc-new-password", NEW_PASSWORD)
    phone.fill("#fc-new-password-confirmation", NEW_PASSWORD)
    phone.get_by_role("button", name="Enregistrer").click()
    expect(phone.locator("#fc-done")).to_be_visible()
    assert phone.evaluate("sessionStorage.getItem('ent.first-connection.draft')") is None
    expect(timer).to_be_hidden()
