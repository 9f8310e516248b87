"""The help centre's search box (typed as a person types) and the « utile ? » widget."""

from __future__ import annotations

import json
import re
import subprocess
import time

from playwright.sync_api import Page, expect

from tests.browser.harness import BIN, ROOT, Stack, clean_environment

FIRST_RESULTS = 3


def search(page: Page, stack: Stack, query: str) -> list[dict]:
    """Type `query` key by key in the search box; return the results shown: [{href, text, marked}]."""
    page.goto(stack.url("/"))
    box = page.get_by_role("textbox", name="Rechercher")
    box.click()
    box.press_sequentially(query, delay=15)  # fill() would not trigger the search
    # Material searches on keyup, and Playwright types « é » without one: a last key sends it all.
    box.press("End")
    meta = page.locator(".md-search-result__meta")
    expect(meta).to_contain_text("trouvé")  # « N documents trouvés » once the worker answered
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    return page.locator(".md-search-result__item a").evaluate_all(
        """(links) => links.map((link) => ({
             href: new URL(link.href).pathname + new URL(link.href).hash,
             text: link.innerText,
             marked: Array.from(link.querySelectorAll("mark"), (mark) => mark.textContent.toLowerCase()),
           }))"""
    )


def test_unaccented_query_finds_the_forgotten_password_answer_first(page: Page, stack: Stack) -> None:
    results = search(page, stack, "mot de passe oublie")

    first = [result["href"] for result in results[:FIRST_RESULTS]]
    assert any(href.startswith("/aide/mot-de-passe-oublie/") for href in first), results[:FIRST_RESULTS]
    answer = next(result for result in results if result["href"].startswith("/aide/mot-de-passe-oublie/"))
    assert "oublié" in answer["text"]


def test_activation_finds_the_pages_that_say_d_activation(page: Page, stack: Stack) -> None:
    results = search(page, stack, "activation")

    elided = [result for result in results if "d'activation" in result["text"] or "d’activation" in result["text"]]
    assert elided, [result["text"][:80] for result in results]
    for result in elided:  # the word itself is highlighted, not « d'activation » as one unknown word
        assert any(mark.startswith("activation") for mark in result["marked"]), result


def test_yes_with_a_comment_is_posted_and_accepted(page: Page, stack: Stack) -> None:
    page.goto(stack.url("/aide/delais/"))
    widget = page.locator("form[name=feedback]")
    expect(widget).to_be_visible()

    widget.get_by_role("button", name="Oui").click()
    comment = widget.get_by_label("Votre commentaire (facultatif)")
    expect(comment).to_be_focused()
    comment.fill("Clair et utile.")
    with page.expect_response(lambda response: response.url.endswith("/api/feedback")) as answer:
        widget.get_by_role("button", name="Envoyer mon avis").click()

    assert answer.value.status == 202
    assert answer.value.request.method == "POST"
    assert answer.value.request.post_data_json == {
        "page": "/aide/delais/",
        "helpful": True,
        "comment": "Clair et utile.",
    }
    expect(widget.locator(".ent-feedback__status")).to_have_text("Merci, votre avis a bien été envoyé.")


def test_no_without_comment_is_sent_when_the_person_leaves(page: Page, stack: Stack) -> None:
    page.goto(stack.url("/aide/compte-bloque/"))
    widget = page.locator("form[name=feedback]")
    widget.get_by_role("button", name="Non").click()
    expect(widget.locator(".ent-feedback__status")).to_contain_text("Dites-nous ce qui vous a manqué")

    page.goto(stack.url("/"))  # leaving sends the answer alone (fetch keepalive, after the page is gone)

    # A request sent while the page unloads is not reported to Playwright: read what the stack received.
    deadline = time.monotonic() + 5
    while feedback_report(stack).get("/aide/compte-bloque/", {}).get("no", 0) < 1:
        assert time.monotonic() < deadline, f"no feedback received:\n{stack.output[-2000:]}"
        time.sleep(0.2)
    assert re.search(r"POST /api/feedback 202", stack.output)


def feedback_report(stack: Stack) -> dict:
    """Return `ent-admin feedback-report --json`: {page: {yes, no, comments}}."""
    result = subprocess.run(
        [str(BIN / "ent-admin"), "feedback-report", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_environment(**stack.env),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
