"""The « Cette page vous a-t-elle été utile ? » widget."""

from __future__ import annotations

import pytest

from functions.feedback.app import create_app
from functions.feedback.flow import recent_feedback


@pytest.fixture
def client(make_client):
    return make_client(create_app)


def test_a_yes_with_a_comment_is_stored_for_its_page(client, store, clock):
    response = client.post(
        "/api/feedback", {"page": "/premiere-connexion/", "helpful": True, "comment": " Très clair "}
    )
    assert (response.status_code, response.json) == (202, {"status": "received"})
    (answer,) = recent_feedback(store, clock()).answers
    assert (answer.page, answer.helpful, answer.comment) == ("/premiere-connexion/", True, "Très clair")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"page": "https://evil.example/", "helpful": True}, "page"),
        ({"page": "/" + "a" * 300, "helpful": True}, "page"),
        ({"page": "/aide/courrier/", "helpful": "yes"}, "helpful"),
        ({"page": "/aide/courrier/", "helpful": True, "comment": "x" * 1001}, "comment"),
        ({"page": "/aide/courrier/", "helpful": True, "comment": {"a": 1}}, "comment"),
        ({"helpful": False}, "page"),
    ],
)
def test_bad_feedback_is_refused_with_the_field(client, body, field):
    response = client.post("/api/feedback", body)
    assert (response.status_code, response.json["error"], response.json["field"]) == (400, "invalid_input", field)


def test_feedback_must_be_json_from_our_own_site(client):
    as_form = client.client.post(
        "/api/feedback", data="page=/aide/courrier/&helpful=1", content_type="application/x-www-form-urlencoded"
    )
    assert (as_form.status_code, as_form.json["error"]) == (415, "unsupported_media_type")
    cross_site = client.post(
        "/api/feedback", {"page": "/aide/courrier/", "helpful": True}, headers={"Origin": "https://evil.example"}
    )
    assert (cross_site.status_code, cross_site.json["error"]) == (403, "forbidden")
    fetch_cross_site = client.post(
        "/api/feedback", {"page": "/aide/courrier/", "helpful": True}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert fetch_cross_site.status_code == 403


def test_oversized_and_malformed_bodies_get_clear_json_errors(client):
    huge = client.client.post("/api/feedback", data='{"page": "' + "a" * 20000 + '"}', content_type="application/json")
    assert (huge.status_code, huge.json["error"]) == (413, "payload_too_large")
    broken = client.client.post("/api/feedback", data="{not json", content_type="application/json")
    assert (broken.status_code, broken.json["error"]) == (400, "invalid_input")
    listed = client.client.post("/api/feedback", json=[1, 2], headers={"Origin": "https://aide.ent.example.fr"})
    assert listed.status_code == 400


def test_api_answers_are_never_cached_and_carry_security_headers(client):
    response = client.post("/api/feedback", {"page": "/aide/courrier/", "helpful": False})
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_unknown_path_and_wrong_method_answer_json(client):
    assert client.get("/api/nowhere").json["error"] == "not_found"
    assert client.get("/api/feedback").json["error"] == "method_not_allowed"
