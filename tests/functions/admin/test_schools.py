"""A school's dashboard and list in the console: counts, who to chase first, pages, search, spreadsheet."""

from __future__ import annotations

from datetime import timedelta

from functions.core.lifecycle import AccountState
from tests.functions.admin.schools_helpers import SCHOOL_A, family


def test_the_dashboard_counts_each_state_and_the_families_to_chase(staff_client, store, clock):
    client = staff_client(schools=(SCHOOL_A,))
    family(store, clock(), first_name="Zoé")
    family(store, clock(), first_name="Léo", state=AccountState.ACTIVE)
    soon = family(store, clock() - timedelta(days=80), first_name="Inès")  # deadline in ~10 days
    store.set_school_name(SCHOOL_A, "Collège Victor Hugo")

    body = client.get(f"/api/admin/schools/{SCHOOL_A}").get_json()

    assert body["school"]["name"] == "Collège Victor Hugo" and body["school"]["uai"] == SCHOOL_A
    assert body["total"] == 3
    assert body["counts"] == {"issued": 2, "pending_confirmation": 0, "active": 1, "deactivated": 0}
    assert body["to_chase"] == 1 and body["chase_within_days"] == 14
    assert [row["identifier"] for row in body["chase_first"]] == [soon.identifier]


def test_the_list_comes_in_follow_up_order_with_class_deadlines_and_last_event(staff_client, store, clock):
    client = staff_client(schools=(SCHOOL_A,))
    active = family(store, clock(), first_name="Léo", state=AccountState.ACTIVE)
    waiting = family(store, clock(), first_name="Zoé")
    client.get(f"/api/admin/accounts/{waiting.identifier}")  # audited: consulted, by the member

    rows = client.get(f"/api/admin/schools/{SCHOOL_A}/accounts").get_json()["accounts"]

    assert [row["identifier"] for row in rows] == [waiting.identifier, active.identifier]
    first = rows[0]
    assert first["classe"] == "6e B" and first["state"] == "issued"
    assert first["activation_deadline"] == waiting.activation_deadline.isoformat()
    assert first["last_event"]["action"] == "consulted"
    assert first["last_event"]["actor"] == client.member.email
    assert rows[1]["activation_deadline"] is None and rows[1]["deletion_date"] is None  # active: no deadline


def test_filters_by_state_and_searches_names_without_accents(staff_client, store, clock):
    client = staff_client(schools=(SCHOOL_A,))
    family(store, clock(), first_name="Hélène", last_name="Dupré")
    family(store, clock(), first_name="Léo", state=AccountState.ACTIVE)

    searched = client.get(f"/api/admin/schools/{SCHOOL_A}/accounts?q=HELENE dupre").get_json()
    active = client.get(f"/api/admin/schools/{SCHOOL_A}/accounts?state=active").get_json()

    assert [row["first_name"] for row in searched["accounts"]] == ["Hélène"]
    assert [row["first_name"] for row in active["accounts"]] == ["Léo"] and active["total"] == 1
    refused = client.get(f"/api/admin/schools/{SCHOOL_A}/accounts?state=perdu")
    assert refused.status_code == 400 and refused.get_json()["field"] == "state"


def test_pages_follow_one_another_by_cursor_and_a_forged_cursor_is_refused(staff_client, store, clock, monkeypatch):
    from functions.admin.schools import listing

    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    client = staff_client(schools=(SCHOOL_A,))
    made = {family(store, clock(), first_name=name).identifier for name in ("Ana", "Bea", "Cyd", "Dan", "Eve")}

    seen, cursor, pages = [], None, 0
    while True:
        query = f"?cursor={cursor}" if cursor else ""
        body = client.get(f"/api/admin/schools/{SCHOOL_A}/accounts{query}").get_json()
        seen += [row["identifier"] for row in body["accounts"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 3 and sorted(seen) == sorted(made) and len(seen) == 5

    for forged in ("nope", "x" * 300, "MXwyMDI2LTEzLTAxfHg"):
        answer = client.get(f"/api/admin/schools/{SCHOOL_A}/accounts?cursor={forged}")
        assert answer.status_code == 400 and answer.get_json()["error"] == "invalid_cursor"


def test_the_spreadsheet_is_the_whole_list_and_no_cell_is_a_formula(staff_client, store, clock):
    client = staff_client(schools=(SCHOOL_A,))
    family(store, clock(), first_name="Zoé", last_name="=HYPERLINK(1)")

    response = client.get(f"/api/admin/schools/{SCHOOL_A}/accounts.csv")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f"comptes-{SCHOOL_A}.csv" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffidentifiant;nom;prenom;profil;classe;etat")
    assert ";'=HYPERLINK(1);" in text and "6e B" in text
