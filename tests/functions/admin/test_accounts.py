"""One family account from the console: its page and trail, a new letter, reactivation, unlock."""

from __future__ import annotations

from datetime import timedelta

from functions.core.directory import SchoolEntry
from functions.core.lifecycle import AccountState
from tests.functions.admin.schools_helpers import SCHOOL_A, family, letters_text


def test_the_account_page_shows_state_masked_address_lock_and_the_trail_with_its_actor(staff_client, store, clock):
    client = staff_client(schools=(SCHOOL_A,))
    account = family(store, clock(), state=AccountState.ACTIVE, email="famille.martin@example.fr")

    client.post(f"/api/admin/accounts/{account.identifier}/unlock")
    body = client.get(f"/api/admin/accounts/{account.identifier.upper()}").get_json()

    assert body["identifier"] == account.identifier and body["state"] == "active"
    assert body["email"] == "f***@example.fr" and body["locked_until"] is None
    assert body["events"][0]["action"] == "unlocked"
    assert body["events"][0]["actor"] == client.member.email


def test_a_new_letter_for_an_issued_account_gives_its_pdf_and_a_new_password(staff_client, store, clock):
    client = staff_client(schools=(SCHOOL_A,))
    account = family(store, clock())
    store.put_school_entry(
        SchoolEntry(
            SCHOOL_A, "Collège Victor Hugo", "12 rue des Écoles, 75005 Paris", "01 23 45 67 89", "8 h 30 - 17 h"
        )
    )

    response = client.post(f"/api/admin/accounts/{account.identifier}/reissue", {})

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["state"] == "issued" and body["notice"] is None and body["letters"]["pages"] == 1
    text = letters_text(body["letters"])
    assert account.identifier in text and "Collège Victor Hugo" in text
    assert "12 rue des Écoles, 75005 Paris" in text and "Secrétariat : 01 23 45 67 89, 8 h 30 - 17 h" in text
    renewed = store.get_account(account.identifier)
    assert renewed is not None and renewed.password_hash != account.password_hash
    assert store.events(account.identifier, limit=1)[0].actor == client.member.email


def test_reissuing_an_active_account_needs_confirm_then_a_step_up_and_tells_the_family(
    staff_client, store, clock, outbox
):
    client = staff_client(schools=(SCHOOL_A,))
    account = family(store, clock(), state=AccountState.ACTIVE, email="famille.martin@example.fr")
    path = f"/api/admin/accounts/{account.identifier}/reissue"

    unconfirmed = client.post(path, {})
    assert unconfirmed.status_code == 409 and unconfirmed.get_json()["error"] == "confirmation_needed"
    not_stepped_up = client.post(path, {"confirm": True})
    assert not_stepped_up.status_code == 403 and not_stepped_up.get_json()["error"] == "step_up_required"
    assert store.get_account(account.identifier).state == AccountState.ACTIVE  # nothing changed

    client.step_up()
    done = client.post(path, {"confirm": True}).get_json()

    assert done["state"] == "issued" and done["notice"] == "notice_sent"
    assert [mail["to"] for mail in outbox()] == ["famille.martin@example.fr"]
    assert "contactez sans attendre votre établissement : le secrétariat." in outbox()[0]["text"]


def test_the_reissue_notice_names_the_schools_contact_from_the_directory(staff_client, store, clock, outbox):
    client = staff_client(schools=(SCHOOL_A,), stepped_up=True)
    account = family(store, clock(), state=AccountState.ACTIVE, email="famille.martin@example.fr")
    store.put_school_entry(SchoolEntry(SCHOOL_A, "Collège Victor Hugo", phone="01 23 45 67 89", hours="8 h - 17 h"))

    client.post(f"/api/admin/accounts/{account.identifier}/reissue", {"confirm": True})

    assert "votre établissement : Collège Victor Hugo, 01 23 45 67 89 (8 h - 17 h)." in outbox()[0]["text"]


def test_only_a_deactivated_account_is_reactivated(staff_client, store, clock):
    client = staff_client(schools=(SCHOOL_A,))
    issued = family(store, clock(), first_name="Léo")
    deactivated = family(store, clock() - timedelta(days=120), state=AccountState.DEACTIVATED)

    refused = client.post(f"/api/admin/accounts/{issued.identifier}/reactivate", {})
    done = client.post(f"/api/admin/accounts/{deactivated.identifier}/reactivate", {})

    assert refused.status_code == 409 and refused.get_json()["error"] == "wrong_state"
    assert done.status_code == 200 and done.get_json()["state"] == "issued"
    assert done.get_json()["activation_deadline"] > deactivated.activation_deadline.isoformat()


def test_unlock_clears_the_lock_and_says_until_when_it_ran(staff_client, store, clock, api):
    client = staff_client(schools=(SCHOOL_A,))
    account = family(store, clock())
    for _ in range(6):  # wrong passwords from one address: its budget locks
        api.post("/api/login", {"identifier": account.identifier, "password": "Mauvais-1234", "profile": "parent"})

    body = client.post(f"/api/admin/accounts/{account.identifier}/unlock").get_json()

    assert body["was_locked_until"] is not None
    assert client.get(f"/api/admin/accounts/{account.identifier}").get_json()["locked_until"] is None
    assert store.get_account(account.identifier).password_hash == account.password_hash  # the letter still works
