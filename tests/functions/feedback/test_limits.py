"""Feedback can't be flooded: the widget's endpoint as an attacker would use it (issue 11, point 6)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from functions.core.clock import epoch_seconds
from functions.core.store import keys
from functions.feedback import flow
from functions.feedback.app import create_app
from infra.template import time_to_live

PAGE = "/aide/courrier/"
LIMIT = flow.ANSWERS_PER_WINDOW


@pytest.fixture
def app(settings, store, clock):
    built = create_app(settings, store=store, clock=clock)
    built.testing = True
    return built


def post(app, body, ip: str = "192.0.2.10"):
    """Send one answer as the site's script does, from `ip` (the address API Gateway saw)."""
    return app.test_client().post(
        "/api/feedback",
        json=body,
        headers={"Origin": "https://aide.ent.example.fr", "Sec-Fetch-Site": "same-origin"},
        environ_base={"REMOTE_ADDR": ip},
    )


def answer(ip: str = "192.0.2.10", app=None, **fields):
    return post(app, {"page": PAGE, "helpful": True, **fields}, ip)


def stored(store) -> list[dict]:
    """Every feedback item in the table, as written (whatever the report would read)."""
    return list(store._query("pk = :pk", {":pk": keys.FEEDBACK_PARTITION}))


def test_one_hundred_parallel_answers_from_one_address_store_at_most_the_limit(app, store):
    start = threading.Barrier(100)

    def send(_: int):
        start.wait()  # all at once: each is counted before any of them is written
        return post(app, {"page": PAGE, "helpful": False, "comment": "spam"}, "198.51.100.7")

    with ThreadPoolExecutor(max_workers=100) as pool:
        responses = list(pool.map(send, range(100)))
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [202] * LIMIT + [429] * (100 - LIMIT)
    refused = next(response for response in responses if response.status_code == 429)
    assert refused.json["error"] == "too_many_requests"
    assert set(refused.json) <= {"error", "message", "help"} and refused.json["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert refused.headers["Cache-Control"] == "no-store"
    assert len(stored(store)) == LIMIT


def test_rotating_ipv6_addresses_within_one_slash_64_is_still_one_client(app, store):
    statuses = [answer(f"2001:db8:42:7:{n:x}:{n * 31:x}:{n * 7:x}:1", app).status_code for n in range(1, LIMIT + 6)]
    assert statuses == [202] * LIMIT + [429] * 5
    assert len(stored(store)) == LIMIT
    # Its neighbour /64 is another client, and so is any IPv4 address.
    assert answer("2001:db8:42:8::1", app).status_code == 202
    assert answer("192.0.2.99", app).status_code == 202


def test_a_flooding_address_does_not_silence_the_others(app, store, clock):
    for _ in range(LIMIT):
        assert answer("203.0.113.5", app).status_code == 202
    assert answer("203.0.113.5", app).status_code == 429
    assert answer("203.0.113.6", app).status_code == 202  # the family next door
    clock.advance(hours=1)
    assert answer("203.0.113.5", app).status_code == 202  # and the next hour, the same address again
    assert len(stored(store)) == LIMIT + 2


def test_the_counter_is_one_conditional_item_per_client_and_hour_that_expires(app, store, clock):
    for _ in range(LIMIT + 3):
        answer("2001:db8:5::9", app)
    start, end = flow.rate_window(clock())
    counter = store._get(keys.feedback_rate_key("2001:db8:5::/64", start))
    assert counter["attempts"] == LIMIT  # refusals add nothing
    assert counter["expires_at"] == epoch_seconds(end)
    assert counter["pk"].startswith(keys.FEEDBACK_RATE_PREFIX)


@pytest.mark.parametrize("page", ["/aide/", "/aide/inconnue/", "/404.html", "/assets/js/feedback.js", "/aide/courrier"])
def test_a_page_the_site_does_not_have_is_refused_and_nothing_is_stored(app, store, page):
    for _ in range(LIMIT + 1):  # and it uses up no one's answers
        response = post(app, {"page": page, "helpful": True, "comment": "x"})
        assert (response.status_code, response.json["error"], response.json["field"]) == (400, "unknown_page", "page")
        assert "page du centre d'aide" in response.json["message"]
    assert stored(store) == []
    assert answer(app=app).status_code == 202


def test_every_page_of_the_site_is_accepted(app, store):
    for number, page in enumerate(sorted(flow.site_pages())):
        assert post(app, {"page": page, "helpful": True}, f"198.51.100.{number + 1}").status_code == 202
    assert {item["page"] for item in stored(store)} == flow.site_pages()


def test_a_long_comment_is_refused_and_nothing_is_stored(app, store):
    long = answer(app=app, comment="x" * 10_000)
    assert (long.status_code, long.json["error"], long.json["field"]) == (400, "invalid_input", "comment")
    bigger = answer(app=app, comment="é" * 10_000)  # 20 kB of UTF-8: past the body limit
    assert (bigger.status_code, bigger.json["error"]) == (413, "payload_too_large")
    exact = answer(app=app, comment="x" * flow.MAX_COMMENT_LENGTH)
    assert exact.status_code == 202
    assert [len(item.get("comment", "")) for item in stored(store)] == [flow.MAX_COMMENT_LENGTH]


def test_answers_expire_after_13_months_through_the_tables_ttl(app, store, clock):
    assert answer(app=app).status_code == 202
    (item,) = stored(store)
    thirteen_months = datetime(2027, 12, 30, 9, 0, tzinfo=UTC)  # the clock is 30 November 2026, 09:00 UTC
    assert item["expires_at"] == epoch_seconds(thirteen_months)
    assert time_to_live() == {"AttributeName": "expires_at", "Enabled": True}


def test_the_report_reads_a_bounded_number_of_items(store, clock, monkeypatch):
    cap = 5
    monkeypatch.setattr(flow, "REPORT_ANSWERS_PER_PAGE", cap)
    now = clock()
    for minute in range(40):  # a flood on one page (written straight to the table)
        store.add_feedback(PAGE, False, f"flood {minute}", now - timedelta(minutes=minute))
    store.add_feedback("/aide/delais/", True, "récent", now - timedelta(days=30))
    store.add_feedback("/aide/delais/", True, "trop ancien", now - timedelta(days=400))  # over 13 months
    store.add_feedback("/ailleurs/", True, "page inconnue", now)  # written before pages were checked
    read = []
    store.dynamodb.meta.events.register("after-call.dynamodb.Query", lambda parsed, **_: read.append(parsed))

    report = flow.recent_feedback(store, now)

    assert sum(page["ScannedCount"] for page in read) <= len(flow.site_pages()) * (cap + 1)
    assert len(read) == len(flow.site_pages())  # one query per page, one round trip each
    flooded = [answer for answer in report.answers if answer.page == PAGE]
    assert [answer.comment for answer in flooded] == [f"flood {minute}" for minute in range(cap - 1, -1, -1)]
    assert report.capped_pages == (PAGE,)
    assert [(answer.page, answer.comment) for answer in report.answers if answer.page != PAGE] == [
        ("/aide/delais/", "récent")
    ]
