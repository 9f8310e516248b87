"""The account store: every access pattern, conditional writes, identifiers."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from functions.core.accounts import issue_account
from functions.core.errors import AccountNotFound, ConcurrentUpdate, IdentifierTaken, InvalidInput
from functions.core.lifecycle import AccountState, Profile
from functions.core.passwords import verify_password
from functions.core.store import Store
from functions.core.store.dynamodb import marshal
from functions.core.store.keys import DUE_SHARDS, account_key


def issue(store: Store, clock, first_name: str = "Zoé", last_name: str = "Martin", **overrides):
    arguments = dict(
        profile=Profile.PARENT,
        first_name=first_name,
        last_name=last_name,
        birth_date=date(2015, 3, 1),
        school="0751234J",
        now=clock(),
    )
    arguments.update(overrides)
    return issue_account(store, **arguments)


@pytest.mark.parametrize(
    ("first_name", "last_name", "identifier"),
    [
        ("Zoé", "Martin", "zoe.martin"),
        ("Aminata", "N'Diaye", "aminata.ndiaye"),
        ("Hélène", "Lefèvre-Martin", "helene.lefevre-martin"),
        ("Thị", "Ngô", "thi.ngo"),
        ("Jean Pierre", "De La Fontaine", "jean-pierre.de-la-fontaine"),
        ("Œdipe", "Cœur", "oedipe.coeur"),
        ("  Zoé ", " MARTIN ", "zoe.martin"),
    ],
)
def test_identifier_is_prenom_nom_in_plain_lowercase_ascii(store, clock, first_name, last_name, identifier):
    issued = issue(store, clock, first_name, last_name)
    assert issued.account.identifier == identifier
    assert store.get_account(identifier) == issued.account


def test_a_name_without_latin_letters_still_gets_an_identifier(store, clock):
    issued = issue(store, clock, "李", "王")
    assert issued.account.identifier == "parent.parent"


def test_homonyms_get_a_number_suffix(store, clock):
    identifiers = [issue(store, clock).account.identifier for _ in range(3)]
    assert identifiers == ["zoe.martin", "zoe.martin2", "zoe.martin3"]


def test_homonyms_issued_concurrently_never_share_an_identifier(store, clock):
    identifiers: list[str] = []

    def worker() -> None:
        identifiers.append(issue(store, clock).account.identifier)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(identifiers) == sorted(set(identifiers))
    assert len(identifiers) == 6


def test_creating_an_existing_identifier_is_refused(store, clock):
    account = issue(store, clock).account
    with pytest.raises(IdentifierTaken):
        store.create_account(account)


def test_initial_password_is_ten_unambiguous_letters_and_digits(store, clock):
    for _ in range(20):
        password = issue(store, clock).initial_password
        assert len(password) == 10
        assert not set(password) & set("0Oo1lI")
        assert any(ch.isdigit() for ch in password) and any(ch.isalpha() for ch in password)


@pytest.mark.argon2_production
def test_only_the_argon2id_hash_of_the_initial_password_is_stored(store, clock):
    issued = issue(store, clock)
    item = store.dynamodb.get_item(TableName=store.table_name, Key=marshal(account_key("zoe.martin")))["Item"]
    assert issued.initial_password not in str(item)
    assert item["password_hash"]["S"].startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in item["password_hash"]["S"]
    assert verify_password(item["password_hash"]["S"], issued.initial_password)


@pytest.mark.parametrize(
    ("issued_on", "deadline", "deletion"),
    [
        (datetime(2026, 11, 30, 9, 0, tzinfo=UTC), date(2027, 2, 28), date(2027, 11, 30)),
        (datetime(2027, 11, 30, 9, 0, tzinfo=UTC), date(2028, 2, 29), date(2028, 11, 30)),
        (datetime(2026, 8, 31, 9, 0, tzinfo=UTC), date(2026, 11, 30), date(2027, 8, 31)),
        (datetime(2028, 2, 29, 9, 0, tzinfo=UTC), date(2028, 5, 29), date(2029, 2, 28)),
        # 23:30 UTC on 31 Dec is already 1 January in Paris: the school's day counts.
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2027, 4, 1), date(2028, 1, 1)),
    ],
)
def test_issued_account_has_deadline_at_three_months_and_deletion_at_one_year(
    store, clock, issued_on, deadline, deletion
):
    clock.now = issued_on
    account = issue(store, clock).account
    assert account.state == AccountState.ISSUED
    assert (account.activation_deadline, account.deletion_date) == (deadline, deletion)


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("school", {"school": "75"}),
        ("first_name", {"first_name": "   "}),
        ("last_name", {"last_name": "x" * 101}),
        ("birth_date", {"birth_date": date(2099, 1, 1)}),
    ],
)
def test_bad_issue_input_names_the_field(store, clock, field, overrides):
    with pytest.raises(InvalidInput) as raised:
        issue(store, clock, **overrides)
    assert raised.value.field == field


def test_save_account_bumps_the_version(store, clock):
    account = issue(store, clock).account
    saved = store.save_account(replace(account, state=AccountState.ACTIVE))
    assert saved.version == account.version + 1
    assert store.get_account(account.identifier) == saved


def test_two_concurrent_changes_of_one_account_never_both_win(store, clock):
    account = issue(store, clock).account
    store.save_account(replace(account, state=AccountState.PENDING_CONFIRMATION))
    with pytest.raises(ConcurrentUpdate):
        store.save_account(replace(account, state=AccountState.DEACTIVATED))
    assert store.get_account(account.identifier).state == AccountState.PENDING_CONFIRMATION


def test_saving_a_deleted_account_says_it_is_gone(store, clock):
    account = issue(store, clock).account
    store.delete_account(account.identifier)
    assert store.get_account(account.identifier) is None
    with pytest.raises(AccountNotFound):
        store.save_account(account)


def test_deleting_a_stale_copy_is_refused_and_deletes_nothing(store, clock):
    from functions.core.audit import SYSTEM, record

    account = issue(store, clock, once_per_person=True).account
    record(store, account.identifier, "issued", clock(), SYSTEM)
    changed = store.save_account(replace(account, state=AccountState.DEACTIVATED))
    for stale in (account, replace(changed, state=AccountState.ISSUED)):  # older version; other state
        with pytest.raises(ConcurrentUpdate):
            store.delete_account(account.identifier, known=stale)
    assert store.get_account(account.identifier) == changed
    assert [event.action for event in store.events(account.identifier)] == ["issued"]
    assert store.person_identifier("0751234J", Profile.PARENT, account.person_fingerprint) == account.identifier
    assert store.delete_account(account.identifier, known=changed) == 2  # the account and its event
    assert store.get_account(account.identifier) is None and store.events(account.identifier) == []
    assert store.person_identifier("0751234J", Profile.PARENT, account.person_fingerprint) is None


def test_deleting_an_account_already_gone_says_so(store, clock):
    account = issue(store, clock).account
    store.delete_account(account.identifier)
    with pytest.raises(AccountNotFound):
        store.delete_account(account.identifier, known=account)


def test_unknown_identifier_reads_as_none(store):
    assert store.get_account("personne.inconnue") is None


def test_identifiers_for_email_lists_every_account_of_a_verified_address(store, clock):
    first = issue(store, clock, "Léa", "Durand").account
    second = issue(store, clock, "Tom", "Durand").account
    third = issue(store, clock, "Ana", "Silva").account
    store.save_account(replace(first, email="Famille.Durand@example.fr"))
    store.save_account(replace(second, email="famille.durand@example.fr"))
    # An address awaiting confirmation is not a recovery address.
    store.save_account(replace(third, pending_email="famille.durand@example.fr"))
    assert store.identifiers_for_email("FAMILLE.durand@example.fr ") == ["lea.durand", "tom.durand"]
    assert store.identifiers_for_email("nobody@example.fr") == []


def test_accounts_due_reads_non_active_accounts_of_a_period_across_shards(store, clock):
    names = [f"Enfant{number}" for number in range(4 * DUE_SHARDS)]
    accounts = [issue(store, clock, name, "Petit").account for name in names]
    active = store.save_account(replace(accounts[0], state=AccountState.ACTIVE))
    due_day = date(2027, 3, 1)  # the day after the 28 February deadline
    due = {account.identifier for account in store.accounts_due(due_day, due_day)}
    assert due == {account.identifier for account in accounts} - {active.identifier}
    assert {a.identifier for a in store.accounts_due(date(2026, 1, 1), date(2027, 4, 1))} == due
    assert list(store.accounts_due(date(2026, 12, 1), date(2027, 2, 28))) == []
    assert list(store.accounts_due(date(2027, 3, 2), date(2027, 5, 1))) == []
