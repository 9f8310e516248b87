"""The school directory in the console: the académie writes a school's entry, its secretaries read it."""

from __future__ import annotations

from tests.functions.admin.schools_helpers import SCHOOL_A

ENTRY = {
    "name": "Collège Victor Hugo",
    "address": "12 rue des Écoles, 75005 Paris",
    "phone": "01 23 45 67 89",
    "hours": "du lundi au vendredi, 8 h 30 - 17 h",
    "contact_email": "secretariat.0750654d@ac-exemple.fr",
}


def test_the_academie_writes_the_entry_and_the_secretariat_reads_it(staff_client, store):
    academie = staff_client(role="academie", schools=())
    secretary = staff_client(schools=(SCHOOL_A,))

    written = academie.client.put(
        f"/api/admin/schools/{SCHOOL_A}/directory",
        json=ENTRY,
        headers={"Origin": "https://aide.ent.example.fr", "Sec-Fetch-Site": "same-origin"},
    )

    assert written.status_code == 200, written.get_json()
    assert secretary.get(f"/api/admin/schools/{SCHOOL_A}/directory").get_json() == {"uai": SCHOOL_A, **ENTRY}
    assert store.school_name(SCHOOL_A) == "Collège Victor Hugo"  # what the families' side reads
    assert store.school_entry(SCHOOL_A).updated_by == academie.member.email


def test_a_secretary_cannot_write_the_directory(staff_client):
    secretary = staff_client(schools=(SCHOOL_A,))

    refused = secretary.client.put(
        f"/api/admin/schools/{SCHOOL_A}/directory",
        json=ENTRY,
        headers={"Origin": "https://aide.ent.example.fr", "Sec-Fetch-Site": "same-origin"},
    )

    assert refused.status_code == 403 and refused.get_json()["error"] == "academie_only"


def test_a_bad_field_is_refused_with_its_name(staff_client):
    academie = staff_client(role="academie", schools=())
    for field, value in (
        ("name", ""),
        ("phone", "appelez-nous"),
        ("contact_email", "pas une adresse"),
        ("hours", "x\u202e"),
    ):
        refused = academie.client.put(
            f"/api/admin/schools/{SCHOOL_A}/directory",
            json={**ENTRY, field: value},
            headers={"Origin": "https://aide.ent.example.fr", "Sec-Fetch-Site": "same-origin"},
        )
        assert refused.status_code == 400 and refused.get_json()["field"] == field, (field, refused.get_json())


def test_an_unknown_school_has_an_empty_entry_and_an_invalid_uai_is_no_school(staff_client):
    academie = staff_client(role="academie", schools=())

    assert academie.get(f"/api/admin/schools/{SCHOOL_A}/directory").get_json()["name"] is None
    assert academie.get("/api/admin/schools/0751234A/directory").status_code == 404
