"""A sign-in waiting for its login: kept 15 minutes server-side, hashed, never an open redirect."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from functions.core import sso
from tests.sso_support import SERVICE, query_of


def pending_reference(api) -> str:
    return query_of(api.get("/cas/login?" + urlencode({"service": SERVICE})).headers["Location"])["demande"]


def test_the_login_page_learns_the_app_and_where_to_continue(api, service):
    answer = api.get(f"/api/sso/pending?demande={pending_reference(api)}")
    assert answer.status_code == 200
    assert answer.json["app_name"] == "Vie scolaire" and answer.json["force_login"] is False
    assert answer.json["continue_url"].startswith("/cas/login?" + urlencode({"service": SERVICE}) + "&demande=")


def test_a_pending_request_lasts_fifteen_minutes(api, service, clock):
    reference = pending_reference(api)
    clock.advance(minutes=14, seconds=59)
    assert api.get(f"/api/sso/pending?demande={reference}").status_code == 200
    clock.advance(seconds=1)
    answer = api.get(f"/api/sso/pending?demande={reference}")
    assert (answer.status_code, answer.json["error"]) == (404, "sso_request_unknown")
    assert answer.json["help"] == "/aide/services-ent/#demande-expiree"


@pytest.mark.parametrize("reference", ["", "abc", "x" * 65, "../../etc", "https://pirate.example.com", "é" * 20])
def test_an_unknown_or_malformed_reference_is_refused_plainly(api, reference):
    answer = api.get("/api/sso/pending?" + urlencode({"demande": reference}))
    assert (answer.status_code, answer.json["error"]) == (404, "sso_request_unknown")


def test_only_the_references_hash_is_stored(api, service, store, table):
    reference = pending_reference(api)
    items = str(store.dynamodb.scan(TableName=table)["Items"])
    assert reference not in items and "SSO_PENDING#" in items


@pytest.mark.parametrize(
    "resume_url", ["https://pirate.example.com/", "//pirate.example.com/cas/login?", "/compte/", "/cas/login?\\x"]
)
def test_a_resume_url_can_only_be_one_of_our_sign_in_endpoints(store, service, clock, resume_url):
    with pytest.raises(ValueError):
        sso.start_pending(store, protocol="cas", client=service, resume_url=resume_url, now=clock())
