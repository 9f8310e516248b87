"""The console's sessions: 15 minutes idle, 8 hours at most, ended by logout or disabling; step-up for 5 minutes."""

from __future__ import annotations

import pytest
from flask import Blueprint, jsonify
from werkzeug.test import Client

from functions.admin.auth import audit_action, current_staff, require_step_up
from functions.core.staff import STAFF_COOKIE, session_hash
from functions.web import create_flow_app
from tests.functions.admin.conftest import StaffClient
from tests.functions.conftest import JsonClient


def me(client) -> int:
    return client.get("/api/admin/me").status_code


def test_fifteen_minutes_without_a_request_end_the_session(staff_client, clock):
    client = staff_client()
    clock.advance(minutes=14, seconds=50)
    assert me(client) == 200  # and the session is refreshed
    clock.advance(minutes=14, seconds=50)
    assert me(client) == 200
    clock.advance(minutes=15)
    answer = client.get("/api/admin/me")
    assert (answer.status_code, answer.get_json()["error"]) == (401, "staff_not_signed_in")


def test_eight_hours_end_the_session_however_busy(staff_client, clock):
    client = staff_client()
    for _ in range(8 * 6 - 1):  # a request every 10 minutes for 7 h 50
        clock.advance(minutes=10)
        assert me(client) == 200
    clock.advance(minutes=10)
    assert me(client) == 401


def test_logout_ends_the_session_on_the_server(staff_client, store):
    client = staff_client()
    cookie = client.cookie(STAFF_COOKIE)
    answer = client.post("/api/admin/logout")
    assert answer.status_code == 204
    assert store.get_staff_session(session_hash(cookie)) is None
    client.client.set_cookie(STAFF_COOKIE, cookie)  # a stolen copy of the cookie
    assert me(client) == 401


def test_disabling_a_member_ends_every_session_of_theirs(staff_client, guarded_client, store, clock):
    academie = staff_client(role="academie", schools=())
    secretary = staff_client()
    second_browser = StaffClient(guarded_client().client, secretary.enrolled, store, clock)
    assert second_browser.login().status_code == 200
    assert me(secretary) == me(second_browser) == 200
    answer = academie.post(f"/api/admin/staff/{secretary.member.email}/disable")
    assert (answer.status_code, answer.get_json()["state"]) == (200, "disabled")
    assert me(secretary) == me(second_browser) == 401
    assert second_browser.login().status_code == 401  # and signing in again is refused


def test_signing_in_counts_as_entering_a_code_for_five_minutes(staff_client, clock):
    client = staff_client(stepped_up=True)
    assert client.get("/api/admin/me").get_json()["step_up_until"]
    clock.advance(minutes=4, seconds=59)
    assert steps_up(client) == 200
    clock.advance(seconds=2)
    answer = client.get("/api/test/guarded")
    assert (answer.status_code, answer.get_json()["error"]) == (403, "step_up_required")


@pytest.fixture
def guarded_client(settings, store, clock):
    """The console's app with one more route behind `require_step_up`, as the schools' bulk import is."""
    from functions.admin.app import BLUEPRINTS

    guarded = Blueprint("guarded", __name__)

    @guarded.get("/api/test/guarded")
    def route():
        staff = current_staff()
        require_step_up(staff)
        audit_action(staff, "zoe.martin", "test_guarded_action", detail="bulk")
        return jsonify({"ok": True})

    app = create_flow_app("guarded", [*BLUEPRINTS, guarded], settings, store=store, clock=clock)
    return lambda: JsonClient(Client(app))


def steps_up(client) -> int:
    return client.get("/api/test/guarded").status_code


@pytest.fixture
def staff_client(staff_members, guarded_client, store, clock):
    """Like tests/functions/admin's staff_client, on the app with the guarded route."""

    def build(role="secretariat", schools=("0750654D",), *, stepped_up=False):
        enrolled = staff_members.make(role=role, schools=schools)
        client = StaffClient(guarded_client().client, enrolled, store, clock)
        assert client.login().status_code == 200
        if not stepped_up:
            client.expire_step_up()
        return client

    return build


def test_a_route_behind_step_up_asks_for_a_fresh_code(staff_client, store):
    client = staff_client(stepped_up=False)
    answer = client.get("/api/test/guarded")
    assert (answer.status_code, answer.get_json()["error"]) == (403, "step_up_required")
    client.step_up()
    assert client.get("/api/test/guarded").status_code == 200
    [event] = [event for event in store.events("zoe.martin") if event.action == "test_guarded_action"]
    assert event.actor == client.member.email  # audited with the member's email as its actor


def test_a_wrong_or_replayed_step_up_code_is_refused(staff_client, clock):
    client = staff_client(stepped_up=False)
    wrong = client.post("/api/admin/step-up", {"code": "000000"})
    assert (wrong.status_code, wrong.get_json()["error"]) == (401, "staff_code_incorrect")
    code = client.code()
    assert client.post("/api/admin/step-up", {"code": code}).status_code == 200
    replayed = client.post("/api/admin/step-up", {"code": code})
    assert (replayed.status_code, replayed.get_json()["error"]) == (401, "staff_code_incorrect")


def test_step_up_needs_a_session(staff_client):
    client = staff_client()
    client.post("/api/admin/logout")
    answer = client.post("/api/admin/step-up", {"code": "123456"})
    assert (answer.status_code, answer.get_json()["error"]) == (401, "staff_not_signed_in")
