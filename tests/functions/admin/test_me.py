"""« Qui suis-je ? » : the signed-in member, their role and schools, by the cookie only."""

from __future__ import annotations

from tests.functions.admin.conftest import SCHOOL_A, SCHOOL_B


def test_a_signed_in_secretary_sees_their_schools_by_name_or_by_uai(staff_client, store):
    store.set_school_name(SCHOOL_A, "Collège Victor-Hugo")
    client = staff_client(role="secretariat", schools=(SCHOOL_A, SCHOOL_B))
    answer = client.get("/api/admin/me")
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["email"], body["role"]) == (client.member.email, "secretariat")
    assert body["schools"] == [{"uai": SCHOOL_A, "name": "Collège Victor-Hugo"}, {"uai": SCHOOL_B, "name": SCHOOL_B}]


def test_without_the_cookie_the_console_answers_staff_not_signed_in(staff_client):
    client = staff_client(signed_in=False)
    answer = client.get("/api/admin/me")
    assert (answer.status_code, answer.get_json()["error"]) == (401, "staff_not_signed_in")


def test_a_family_session_cookie_is_no_staff_session(staff_client, accounts):
    client = staff_client(signed_in=False)
    client.client.set_cookie("__Host-ent-session", "x" * 43)
    assert client.get("/api/admin/me").status_code == 401


def test_the_cookie_is_host_only_secure_httponly_and_strict(staff_client):
    client = staff_client(signed_in=False)
    response = client.login()
    header = response.headers["Set-Cookie"]
    assert header.startswith("__Host-ent-staff=")
    for attribute in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/"):
        assert attribute in header
    assert "Domain" not in header
