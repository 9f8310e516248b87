"""One person, one account per school and profile: the store's person items."""

from __future__ import annotations

import threading
from datetime import date

import boto3
import pytest

from functions.core.accounts import PersonAlreadyIssued, issue_account, person_fingerprint
from functions.core.lifecycle import Profile
from functions.core.store.dynamodb import marshal
from functions.core.store.keys import SCHOOL_INDEX, account_key

SCHOOL = "0751234J"


def issue(store, clock, first_name="Zoé", last_name="Lefèvre-Martin", birth_date=date(2015, 3, 1), school=SCHOOL):
    return issue_account(
        store,
        profile=Profile.PARENT,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        school=school,
        now=clock(),
        once_per_person=True,
    )


@pytest.mark.parametrize(
    ("first_name", "last_name"), [("ZOÉ", "lefevre martin"), ("Zoe", "Lefèvre - Martin"), (" zoé ", "LEFÈVRE-MARTIN")]
)
def test_a_person_is_recognised_whatever_the_case_accents_and_hyphens(first_name, last_name):
    assert person_fingerprint(first_name, last_name, date(2015, 3, 1)) == person_fingerprint(
        "Zoé", "Lefèvre-Martin", date(2015, 3, 1)
    )


def test_another_birth_date_is_another_person():
    assert person_fingerprint("Zoé", "Martin", date(2015, 3, 1)) != person_fingerprint(
        "Zoé", "Martin", date(2016, 7, 14)
    )


def test_simultaneous_imports_of_one_person_create_one_account(store, clock):
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            outcomes.append(issue(store, clock).account.identifier)
        except PersonAlreadyIssued as known:
            outcomes.append(f"known:{known.identifier}")

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [*["known:zoe.lefevre-martin"] * 5, "zoe.lefevre-martin"]
    assert [row.identifier for row in store.accounts_of_school(SCHOOL)] == ["zoe.lefevre-martin"]


def test_deleting_the_account_forgets_the_person(store, clock):
    identifier = issue(store, clock).account.identifier
    assert (
        store.person_identifier(SCHOOL, Profile.PARENT, person_fingerprint("Zoé", "Lefèvre-Martin", date(2015, 3, 1)))
        == identifier
    )
    store.delete_account(identifier)
    assert (
        store.person_identifier(SCHOOL, Profile.PARENT, person_fingerprint("Zoé", "Lefèvre-Martin", date(2015, 3, 1)))
        is None
    )


def test_a_person_whose_account_vanished_gets_a_new_one(store, clock, table):
    identifier = issue(store, clock).account.identifier
    boto3.client("dynamodb").delete_item(TableName=table, Key=marshal(account_key(identifier)))
    assert issue(store, clock).account.identifier == identifier


def test_the_person_item_stays_out_of_the_school_index(store, clock, table):
    issue(store, clock)
    items = boto3.client("dynamodb").query(
        TableName=table,
        IndexName=SCHOOL_INDEX,
        KeyConditionExpression="school = :s",
        ExpressionAttributeValues={":s": {"S": SCHOOL}},
    )["Items"]
    assert [item["pk"]["S"] for item in items] == [account_key("zoe.lefevre-martin")["pk"]]
    assert "password_hash" not in items[0] and "birth_date" not in items[0]  # only what the list shows
