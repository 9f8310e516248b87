"""A roster imported from the console: preview with every bad line, then confirmation with the letters."""

from __future__ import annotations

from functions.admin.schools import imports as console_imports
from tests.functions.admin.schools_helpers import ROSTER_HEADER, SCHOOL_A, family, letters_text

ROSTER = "\n".join(
    [
        ROSTER_HEADER,
        "Martin;Zoé;parent;01/03/2015;6e B",
        "Nguyễn;Thị Hương;eleve;12/09/2012;4e A",
        "Durand;;eleve;01/01/2012;5e C",
        "Petit;Léo;parent;31/02/2015;",
    ]
).encode()


def post_roster(client, data: bytes, school: str = SCHOOL_A):
    return client.client.post(
        f"/api/admin/schools/{school}/imports",
        data=data,
        headers={"Content-Type": "text/csv", "Origin": "https://aide.ent.example.fr", "Sec-Fetch-Site": "same-origin"},
    )


def test_the_preview_lists_who_would_be_created_who_has_an_account_and_every_bad_line(staff_client, store, clock):
    client = staff_client(schools=(SCHOOL_A,))
    response = post_roster(client, ROSTER)

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert [row["line"] for row in body["to_create"]] == [2, 3]
    assert body["already_issued"] == []
    assert [(refusal["line"], "prénom" in refusal["reason"]) for refusal in body["refused"]] == [(4, True), (5, False)]
    assert store.accounts_of_school(SCHOOL_A) == []  # a preview creates nobody


def test_confirming_creates_the_accounts_and_gives_their_letters_once(staff_client, store, clock):
    client = staff_client(schools=(SCHOOL_A,))
    preview = post_roster(client, ROSTER).get_json()
    client.step_up()

    batch = client.post(f"/api/admin/imports/{preview['id']}/confirm").get_json()

    assert len(batch["created"]) == 2 and batch["remaining"] == 0 and batch["letters"]["pages"] == 2
    assert "Thị Hương" in letters_text(batch["letters"])
    again = client.post(f"/api/admin/imports/{preview['id']}/confirm")
    assert again.status_code == 409 and again.get_json()["error"] == "import_done"
    created = store.get_account(batch["created"][0]["identifier"])
    event = store.events(created.identifier, limit=1)[0]
    assert event.action == "issued" and event.actor == client.member.email


def test_a_second_preview_shows_the_people_already_issued(staff_client, store, clock):
    client = staff_client(schools=(SCHOOL_A,))
    known = family(store, clock(), first_name="Zoé", last_name="Martin")
    from dataclasses import replace

    from functions.core.accounts import person_fingerprint

    # issued from a roster before: its person item names it
    store.save_account(replace(known, person_fingerprint=person_fingerprint("Zoé", "Martin", known.birth_date)))
    first = post_roster(client, ROSTER).get_json()
    client.step_up()
    client.post(f"/api/admin/imports/{first['id']}/confirm")

    second = post_roster(client, ROSTER).get_json()

    assert [row["line"] for row in second["already_issued"]] == [2, 3]
    assert second["to_create"] == []


def test_confirming_needs_a_step_up(staff_client):
    client = staff_client(schools=(SCHOOL_A,))
    preview = post_roster(client, ROSTER).get_json()

    refused = client.post(f"/api/admin/imports/{preview['id']}/confirm")

    assert refused.status_code == 403 and refused.get_json()["error"] == "step_up_required"


def test_a_big_roster_is_confirmed_batch_by_batch(staff_client, store, monkeypatch):
    monkeypatch.setattr(console_imports, "BATCH_SIZE", 2)
    client = staff_client(schools=(SCHOOL_A,))
    lines = [f"Famille{chr(65 + n)};Enfant;eleve;01/01/2012;5e C" for n in range(3)]
    preview = post_roster(client, "\n".join([ROSTER_HEADER, *lines]).encode()).get_json()
    client.step_up()

    remaining = [client.post(f"/api/admin/imports/{preview['id']}/confirm").get_json()["remaining"] for _ in range(2)]

    assert remaining == [1, 0]
    assert len(store.accounts_of_school(SCHOOL_A)) == 3


def test_a_roster_over_a_mebibyte_or_not_csv_is_refused(staff_client):
    client = staff_client(schools=(SCHOOL_A,))
    too_big = post_roster(client, ROSTER_HEADER.encode() + b"\n" + b"x" * (1024 * 1024))
    as_json = client.post(f"/api/admin/schools/{SCHOOL_A}/imports", {"csv": "nom;prenom"})

    assert too_big.status_code == 413
    assert as_json.status_code == 415
