"""Staff management from the console: the académie's alone; a secretary gets 403 academie_only."""

from __future__ import annotations

import pytest

from functions.core.staff import StaffMember, StaffRole
from tests.functions.admin.conftest import SCHOOL_A, SCHOOL_B

INVITATION = {"email": "nouvelle@ac-exemple.fr", "role": "secretariat", "schools": [SCHOOL_A]}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/admin/staff", None),
        ("post", "/api/admin/staff/invitations", INVITATION),
        ("post", "/api/admin/staff/{email}/disable", {}),
    ],
)
def test_a_secretary_cannot_manage_the_staff(staff_client, staff_members, outbox, store, method, path, body):
    other = staff_members.make()
    secretary = staff_client(role="secretariat", schools=(SCHOOL_A, SCHOOL_B), stepped_up=True)
    call = getattr(secretary, method)
    answer = call(path.format(email=other.member.email), **({"body": body} if method == "post" else {}))
    assert (answer.status_code, answer.get_json()["error"]) == (403, "academie_only")
    assert outbox() == [] and not store.get_staff(other.member.email).disabled
    assert store.get_staff("nouvelle@ac-exemple.fr") is None


def test_the_academie_lists_every_member_with_their_state(staff_client, staff_members):
    secretary = staff_members.make(schools=(SCHOOL_A, SCHOOL_B))
    staff_members.invitation(email="invitee@ac-exemple.fr")
    academie = staff_client(role="academie", schools=())
    lines = {line["email"]: line for line in academie.get("/api/admin/staff").get_json()["staff"]}
    assert lines[secretary.member.email] == {
        "email": secretary.member.email,
        "role": "secretariat",
        "schools": [SCHOOL_A, SCHOOL_B],
        "state": "active",
    }
    assert lines["invitee@ac-exemple.fr"]["state"] == "invited"
    assert lines[academie.member.email]["role"] == "academie"


def test_an_invitation_is_audited_with_the_inviter_as_actor(staff_client, store, outbox):
    academie = staff_client(role="academie", schools=())
    answer = academie.post("/api/admin/staff/invitations", INVITATION)
    assert answer.status_code == 201
    assert answer.get_json()["state"] == "invited" and answer.get_json()["invitation_expires_at"]
    [event] = store.staff_events("nouvelle@ac-exemple.fr")
    assert (event.action, event.actor) == ("staff_invited", academie.member.email)
    assert [mail["to"] for mail in outbox()] == ["nouvelle@ac-exemple.fr"]


@pytest.mark.parametrize(
    ("invitation", "error"),
    [
        ({**INVITATION, "schools": ["0751234A"]}, "invalid_uai"),  # a wrong key letter
        ({**INVITATION, "schools": ["075065"]}, "invalid_uai"),
        ({**INVITATION, "schools": [42]}, "invalid_uai"),
        ({**INVITATION, "schools": []}, "invalid_input"),  # a secretary has one school at least
        ({**INVITATION, "schools": None}, "invalid_input"),
        ({**INVITATION, "role": "directeur"}, "invalid_input"),
        ({**INVITATION, "email": "pas-une-adresse"}, "invalid_email"),
    ],
)
def test_a_wrong_invitation_is_refused_with_its_reason(staff_client, outbox, invitation, error):
    academie = staff_client(role="academie", schools=())
    answer = academie.post("/api/admin/staff/invitations", invitation)
    assert (answer.status_code, answer.get_json()["error"]) == (400, error)
    assert outbox() == []


def test_an_academie_member_needs_no_school(staff_client, store):
    academie = staff_client(role="academie", schools=())
    answer = academie.post("/api/admin/staff/invitations", {"email": "rectorat@ac-exemple.fr", "role": "academie"})
    assert answer.status_code == 201
    assert store.get_staff("rectorat@ac-exemple.fr").role == StaffRole.ACADEMIE


def test_a_member_with_access_is_not_invited_again(staff_client, staff_members, outbox):
    member = staff_members.make()
    academie = staff_client(role="academie", schools=())
    answer = academie.post("/api/admin/staff/invitations", {**INVITATION, "email": member.member.email})
    assert (answer.status_code, answer.get_json()["error"]) == (409, "staff_already_enrolled")
    assert outbox() == []


def test_a_disabled_member_can_be_invited_again(staff_client, staff_members, outbox):
    member = staff_members.make()
    academie = staff_client(role="academie", schools=())
    assert academie.post(f"/api/admin/staff/{member.member.email}/disable").status_code == 200
    answer = academie.post("/api/admin/staff/invitations", {**INVITATION, "email": member.member.email})
    assert answer.status_code == 201 and answer.get_json()["state"] == "disabled"  # until enrolled again


def test_disabling_kills_a_pending_invitation(staff_client, staff_members, browser):
    invited, token = staff_members.invitation()
    academie = staff_client(role="academie", schools=())
    assert academie.post(f"/api/admin/staff/{invited.email}/disable").status_code == 200
    body = {"token": token, "password": "Lanterne-Verger-42", "password_confirmation": "Lanterne-Verger-42"}
    assert browser().post("/api/admin/invitation", body).get_json()["error"] == "invitation_expired"


def test_disabling_is_audited_and_a_second_time_changes_nothing(staff_client, staff_members, store):
    member = staff_members.make()
    academie = staff_client(role="academie", schools=())
    for _ in range(2):
        answer = academie.post(f"/api/admin/staff/{member.member.email.upper()}/disable")
        assert (answer.status_code, answer.get_json()["state"]) == (200, "disabled")
    events = [event for event in store.staff_events(member.member.email) if event.action == "staff_disabled"]
    assert [event.actor for event in events] == [academie.member.email]


def test_an_unknown_member_is_not_found_and_oneself_cannot_be_disabled(staff_client):
    academie = staff_client(role="academie", schools=())
    unknown = academie.post("/api/admin/staff/personne@ac-exemple.fr/disable")
    assert (unknown.status_code, unknown.get_json()["error"]) == (404, "staff_not_found")
    oneself = academie.post(f"/api/admin/staff/{academie.member.email}/disable")
    assert (oneself.status_code, oneself.get_json()["error"]) == (400, "invalid_input")


@pytest.mark.parametrize(
    ("role", "schools", "uai", "reached"),
    [
        (StaffRole.SECRETARIAT, (SCHOOL_A,), SCHOOL_A, True),
        (StaffRole.SECRETARIAT, (SCHOOL_A,), SCHOOL_B, False),
        (StaffRole.ACADEMIE, (), SCHOOL_B, True),
    ],
)
def test_a_member_reaches_their_schools_the_academie_every_school(role, schools, uai, reached):
    assert StaffMember(email="m@ac-exemple.fr", role=role, schools=schools).reaches(uai) is reached


def test_a_disabled_member_reaches_no_school():
    from datetime import UTC, datetime

    member = StaffMember(email="m@ac-exemple.fr", role=StaffRole.ACADEMIE, schools=(), disabled_at=datetime.now(UTC))
    assert not member.reaches(SCHOOL_A)


class _SesDown:
    def send_email(self, **kwargs):
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "SendEmail")


def test_an_invitation_that_cannot_be_mailed_changes_nothing(settings, store, clock, staff_members):
    from flask import Response
    from werkzeug.test import Client

    from functions.admin.app import create_app
    from functions.core.mail import Mailer
    from functions.core.staff import STAFF_COOKIE

    academie = staff_members.make(role="academie", schools=())
    down = create_app(settings, store=store, clock=clock, mailer=Mailer(settings.mail_from, ses=_SesDown()))
    browser = Client(down, response_wrapper=Response)
    browser.set_cookie(STAFF_COOKIE, staff_members.session(academie))
    headers = {"Origin": "https://aide.ent.example.fr"}
    answer = browser.post("/api/admin/staff/invitations", json=INVITATION, headers=headers)
    assert (answer.status_code, answer.get_json()["error"]) == (503, "mail_unavailable")
    assert store.get_staff("nouvelle@ac-exemple.fr") is None
    assert "nouvelle@ac-exemple.fr" not in {line["email"] for line in store.staff_list()}
