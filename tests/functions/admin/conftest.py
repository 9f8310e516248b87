"""Fixtures of the console's API: enrolled staff members and clients signed in as them.

    client = staff_client(role="secretariat", schools=("0750654D",), stepped_up=False)
    client.get("/api/admin/me").get_json()["email"]
    client.step_up()  # a fresh code (the clock moves on 30 s, a code is used once)

Every client speaks to the whole API (tests/apps.py), so the schools' routes are reached too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from flask import Response
from werkzeug.test import Client

from functions.core.staff import STAFF_COOKIE, STEP_UP_WINDOW, StaffMember, StaffRole, session_hash
from functions.core.store import Store
from tests.apps import FlowApps
from tests.functions.conftest import JsonClient
from tests.staff import SCHOOL_A, SCHOOL_B, STAFF_PASSWORD, EnrolledMember, StaffFactory, totp_code

__all__ = ["SCHOOL_A", "SCHOOL_B", "STAFF_PASSWORD", "EnrolledMember", "StaffFactory", "totp_code"]


class StaffClient(JsonClient):
    """A JSON client with its own cookies, signed in (or not) as one member."""

    def __init__(self, flask_client: Any, enrolled: EnrolledMember, store: Store, clock: Any) -> None:
        super().__init__(flask_client)
        self.enrolled, self.store, self.clock = enrolled, store, clock

    @property
    def member(self) -> StaffMember:
        return self.enrolled.member

    def code(self) -> str:
        """A code not used yet: the clock moves to the next 30-second step first."""
        self.clock.advance(seconds=30)
        return totp_code(self.enrolled.otp_secret, self.clock())

    def login(self) -> Any:
        enrolled = self.enrolled
        body = {"email": enrolled.member.email, "password": enrolled.password, "code": self.code()}
        return self.post("/api/admin/login", body)

    def step_up(self) -> Any:
        response = self.post("/api/admin/step-up", {"code": self.code()})
        assert response.status_code == 200, response.get_json()
        return response

    def expire_step_up(self) -> None:
        """Make the session's last code older than the step-up window (sign-in counts as one)."""
        cookie = self.cookie(STAFF_COOKIE)
        assert cookie, "not signed in"
        session = self.store.get_staff_session(session_hash(cookie))
        assert session is not None
        self.store.put_staff_session(replace(session, stepped_up_at=self.clock() - STEP_UP_WINDOW))


@pytest.fixture
def staff_members(store, clock) -> StaffFactory:
    return StaffFactory(store, clock)


@pytest.fixture
def admin_apps(settings, store, clock) -> FlowApps:
    apps = FlowApps(settings, store, clock)
    apps.source_ip = "127.0.0.1"
    return apps


@pytest.fixture
def staff_client(admin_apps, staff_members, store, clock):
    """Build a client signed in as a new member: `staff_client(role=, schools=, stepped_up=, signed_in=)`."""

    def build(
        role: str | StaffRole = StaffRole.SECRETARIAT,
        schools: tuple[str, ...] = (SCHOOL_A,),
        *,
        stepped_up: bool = False,
        signed_in: bool = True,
        email: str | None = None,
    ) -> StaffClient:
        enrolled = staff_members.make(role=role, schools=schools, email=email)
        client = StaffClient(Client(admin_apps, response_wrapper=Response), enrolled, store, clock)
        if signed_in:
            response = client.login()
            assert response.status_code == 200, response.get_json()
            if not stepped_up:
                client.expire_step_up()
        return client

    return build
