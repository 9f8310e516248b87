"""A deactivated account, with the right password, is told how to reach its school (the directory's entry)."""

from __future__ import annotations

from functions.core.directory import SchoolEntry
from functions.core.lifecycle import AccountState

PASSWORD = "Soleil2024x"


def test_the_right_password_of_a_deactivated_account_gets_the_schools_contact(api, accounts, store):
    account, _ = accounts.make(state=AccountState.DEACTIVATED, password=PASSWORD)
    store.put_school_entry(
        SchoolEntry(account.school, "Collège Victor Hugo", phone="01 23 45 67 89", hours="8 h - 17 h")
    )

    body = api.post(
        "/api/login", {"identifier": account.identifier, "password": PASSWORD, "profile": "parent"}
    ).get_json()

    assert body["error"] == "account_deactivated"
    assert body["school_contact"] == "Collège Victor Hugo, 01 23 45 67 89 (8 h - 17 h)"
    assert "Collège Victor Hugo, 01 23 45 67 89" in body["message"]


def test_a_wrong_password_says_nothing_of_the_school(api, accounts, store):
    account, _ = accounts.make(state=AccountState.DEACTIVATED, password=PASSWORD)
    store.put_school_entry(SchoolEntry(account.school, "Collège Victor Hugo", phone="01 23 45 67 89"))

    body = api.post(
        "/api/login", {"identifier": account.identifier, "password": "Mauvais123", "profile": "parent"}
    ).get_json()

    assert body["error"] == "invalid_credentials" and "school_contact" not in body


def test_without_a_directory_entry_the_answer_is_the_usual_one(api, accounts):
    account, _ = accounts.make(state=AccountState.DEACTIVATED, password=PASSWORD)

    body = api.post(
        "/api/login", {"identifier": account.identifier, "password": PASSWORD, "profile": "parent"}
    ).get_json()

    assert body["error"] == "account_deactivated" and "school_contact" not in body
