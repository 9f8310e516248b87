"""`ent-admin staff`: the académie operator invites, lists and disables the console's staff, as their IAM identity."""

from __future__ import annotations

import json
import re

import pytest

from functions.core.staff import STAFF_COOKIE
from tests.staff import StaffFactory

CALLER = "arn:aws:sts::123456789012:user/moto"  # what moto's STS answers GetCallerIdentity


@pytest.fixture
def outbox(table):
    """The text of the mails sent through moto's SES: `outbox()` → [text]."""
    import email
    import email.policy

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    def read() -> list[str]:
        texts = []
        for sent in ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-3"].sent_messages:
            part = email.message_from_string(sent.raw_data, policy=email.policy.default).get_body(("plain",))
            assert part is not None
            texts.append(part.get_content())
        return texts

    return read


def test_invite_mails_the_link_and_records_the_callers_iam_identity(admin, store, outbox):
    result = admin(
        "staff", "invite", "--email", "Claire@AC-Exemple.fr", "--role", "secretariat",
        "--school", "0750654D", "--school", "0750655e", "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    shown = json.loads(result.out)
    assert shown["email"] == "claire@ac-exemple.fr" and shown["schools"] == ["0750654D", "0750655E"]
    assert shown["state"] == "invited" and shown["invitation_expires_at"]
    [mail] = outbox()
    assert re.search(r"/secretariat/invitation/#t=[A-Za-z0-9_-]{43}", mail)
    assert "#t=" not in result.out  # the link goes to its owner only
    member = store.get_staff("claire@ac-exemple.fr")
    assert member.invited_by == CALLER
    [event] = store.staff_events("claire@ac-exemple.fr")
    assert (event.action, event.actor) == ("staff_invited", CALLER)


def test_a_self_declared_operator_is_not_what_the_journal_records(admin, store):
    result = admin("staff", "invite", "--email", "paul@ac-exemple.fr", "--role", "academie", "--operator", "quelqu.un")
    assert result.code == 0, result.err
    assert "--operator n'est plus enregistré" in result.err
    [event] = store.staff_events("paul@ac-exemple.fr")
    assert event.actor == CALLER and "quelqu.un" not in str(event)


def test_a_uai_with_a_wrong_key_letter_is_refused(admin, store, outbox):
    result = admin("staff", "invite", "--email", "x@ac-exemple.fr", "--role", "secretariat", "--school", "0751234A")
    assert result.code == 2 and "UAI" in result.err
    assert outbox() == [] and store.get_staff("x@ac-exemple.fr") is None


def test_a_secretary_needs_a_school(admin):
    result = admin("staff", "invite", "--email", "x@ac-exemple.fr", "--role", "secretariat")
    assert result.code == 2 and "établissement" in result.err


def test_list_shows_every_member_and_their_state(admin, store, clock):
    StaffFactory(store, clock).make(email="active@ac-exemple.fr", schools=("0750654D",))
    admin("staff", "invite", "--email", "invitee@ac-exemple.fr", "--role", "academie")
    text = admin("staff", "list")
    assert text.code == 0
    assert "active@ac-exemple.fr  secretariat  actif  0750654D" in text.out
    assert "invitee@ac-exemple.fr  academie  invité" in text.out
    lines = json.loads(admin("staff", "list", "--json").out)
    assert [line["email"] for line in lines] == ["active@ac-exemple.fr", "invitee@ac-exemple.fr"]


def test_disable_ends_the_members_sessions(admin, store, clock, settings):
    from flask import Response
    from werkzeug.test import Client

    from functions.admin.app import create_app

    staff = StaffFactory(store, clock)
    member = staff.make(email="partie@ac-exemple.fr")
    cookie = staff.session(member)
    browser = Client(create_app(settings, store=store, clock=clock), response_wrapper=Response)
    browser.set_cookie(STAFF_COOKIE, cookie)
    assert browser.get("/api/admin/me").status_code == 200
    result = admin("staff", "disable", "Partie@ac-exemple.fr")
    assert result.code == 0 and "désactivé" in result.out
    assert browser.get("/api/admin/me").status_code == 401
    disabled = store.get_staff("partie@ac-exemple.fr")
    assert disabled.disabled_by == CALLER


def test_disabling_an_unknown_member_is_refused(admin):
    result = admin("staff", "disable", "personne@ac-exemple.fr")
    assert result.code == 2 and "Aucun membre" in result.err
