"""The secretariat's follow-up: new letters, reactivation, unlock, and looking accounts up."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import date, timedelta

import pytest

from functions.core import audit
from functions.core.auth import current_session
from functions.core.errors import NotAuthenticated, TokenExpired, TokenInvalid
from functions.core.lifecycle import AccountState
from functions.core.links import open_token, prepare_link
from functions.core.sessions import SessionScope
from functions.core.throttling import GuessState
from functions.core.tokens import TokenKind
from tests.secretariat.conftest import read_letters


def test_reissue_makes_the_old_password_fail_and_the_new_one_work(
    admin, accounts, store, clock, log_in, login_client, settings, tmp_path
):
    account, old_password = accounts.make()
    assert log_in(account.identifier, old_password).status_code == 200
    old_session = login_client.client.get_cookie("__Host-ent-session").value
    with_link, link = prepare_link(
        store, store.get_account(account.identifier), TokenKind.ACTIVATION, clock(), settings.public_url
    )
    store.save_account(
        replace(
            with_link,
            state=AccountState.PENDING_CONFIRMATION,
            pending_email="f@example.fr",
            reminders_sent=("reminder_14_days",),
        )
    )
    store.save_guess_state(
        account.identifier, "password", "address#192.0.2.1", GuessState(5, clock() + timedelta(hours=1)), 0, clock()
    )
    clock.advance(days=40)

    result = admin(
        "reissue", account.identifier.upper(), "--out", str(tmp_path / "lettre.pdf"), "--operator", "m.dupont"
    )

    assert result.code == 0, result.err
    [letter] = read_letters(tmp_path / "lettre.pdf")
    assert letter.identifier == account.identifier and letter.password != old_password
    assert log_in(account.identifier, old_password).status_code == 401
    assert log_in(account.identifier, letter.password).json == {"next": "first-connection"}
    renewed = store.get_account(account.identifier)
    assert renewed.state == AccountState.ISSUED and renewed.reminders_sent == () and renewed.live_tokens == {}
    assert store.guess_states(account.identifier) == {} and renewed.pending_email is None
    assert renewed.activation_deadline == date(2027, 4, 9) and renewed.deletion_date == date(2028, 1, 9)
    assert renewed.session_version == account.session_version + 1
    with pytest.raises(NotAuthenticated):
        current_session(store, old_session, clock(), scope=SessionScope.FIRST_CONNECTION)
    with pytest.raises((TokenInvalid, TokenExpired)):  # the emailed link is gone with the old password
        open_token(store, link.split("#t=")[1], TokenKind.ACTIVATION, clock())
    [reissued] = [event for event in store.events(account.identifier) if event.action == "reissued"]
    assert reissued.detail == "operator=m.dupont; was pending_confirmation"


def test_reactivate_lets_a_deactivated_family_log_in_to_first_connection(admin, accounts, store, log_in, tmp_path):
    account, password = accounts.make(state=AccountState.DEACTIVATED)
    assert log_in(account.identifier, password).json["error"] == "account_deactivated"
    result = admin("reactivate", account.identifier, "--out", str(tmp_path / "lettre.pdf"))
    assert result.code == 0 and "réactivé" in result.out
    [letter] = read_letters(tmp_path / "lettre.pdf")
    assert log_in(account.identifier, letter.password).json == {"next": "first-connection"}
    assert store.get_account(account.identifier).state == AccountState.ISSUED
    assert {event.action for event in store.events(account.identifier)} == {
        "login_refused_deactivated",
        "reactivated",
        "login",
    }


@pytest.mark.parametrize("state", [AccountState.ACTIVE, AccountState.ISSUED, AccountState.PENDING_CONFIRMATION])
def test_reactivating_an_account_that_is_not_deactivated_is_refused(admin, accounts, store, log_in, tmp_path, state):
    account, _password = accounts.make(state=state, password="Tournesol42")
    result = admin("reactivate", account.identifier, "--out", str(tmp_path / "lettre.pdf"))
    assert result.code == 2
    assert f"Le compte {account.identifier} n'est pas désactivé" in result.err and "ent-admin reissue" in result.err
    assert not (tmp_path / "lettre.pdf").exists()
    assert store.get_account(account.identifier).password_hash == account.password_hash


@pytest.mark.parametrize(
    "command", [["reissue", "--out", "x.pdf"], ["reactivate", "--out", "x.pdf"], ["unlock"], ["show"]]
)
def test_an_unknown_identifier_is_a_clear_error(admin, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = admin(command[0], "personne.inconnue", *command[1:])
    assert result.code == 2 and "Aucun compte ne porte l'identifiant « personne.inconnue »" in result.err
    assert not (tmp_path / "x.pdf").exists()


def test_unlock_lets_a_locked_family_try_again(admin, accounts, log_in):
    account, password = accounts.make()
    for _ in range(5):
        log_in(account.identifier, "Mauvais1234")
    assert log_in(account.identifier, password).status_code == 429
    result = admin("unlock", account.identifier)
    assert result.code == 0 and "débloqué" in result.out
    assert log_in(account.identifier, password).json == {"next": "first-connection"}
    assert "n'était pas bloqué" in admin("unlock", account.identifier).out


def test_show_tells_state_deadlines_masked_address_lock_and_events(admin, accounts, store, log_in, clock):
    account, password = accounts.make()
    store.save_account(
        replace(
            store.get_account(account.identifier),
            state=AccountState.PENDING_CONFIRMATION,
            pending_email="famille.martin@example.fr",
        )
    )
    for _ in range(5):
        log_in(account.identifier, "Mauvais1234")
    clock.advance(seconds=1)
    result = admin("show", account.identifier, "--operator", "m.dupont")
    assert result.code == 0
    out = result.out
    for expected in (
        f"Compte {account.identifier}",
        "Zoé Martin",
        "parent",
        "0751234J",
        "en attente de confirmation du courriel",
        "À activer avant le :  28/02/2027 inclus (encore 90 jours)",
        "Supprimé après le :   30/11/2027",
        "Adresse vérifiée :    aucune",
        "Adresse à confirmer : f***@example.fr",
        "bloqué jusqu'au 30/11/2026 10:01",
        "login_failed",
    ):
        assert expected in out, expected
    assert "famille.martin" not in out and password not in out
    clock.advance(seconds=1)
    shown = json.loads(admin("show", account.identifier, "--json").out)
    assert shown["pending_email"] == "f***@example.fr" and shown["email_verified"] is False
    assert shown["state"] == "pending_confirmation"
    assert {"action": "consulted", "detail": "operator=m.dupont"}.items() <= shown["events"][0].items()


def test_show_lists_at_most_the_last_20_events(admin, accounts, store, clock):
    account, _ = accounts.make()
    for minute in range(24):
        audit.record(store, account.identifier, f"event_{minute}", clock() + timedelta(minutes=minute), audit.SYSTEM)
    events = json.loads(admin("show", account.identifier, "--json").out)["events"]
    assert [event["action"] for event in events] == [f"event_{minute}" for minute in range(23, 3, -1)]


@pytest.fixture
def school(admin, write_roster, tmp_path, store):
    """A school with one account in each state, and one account in another school."""
    roster = write_roster(
        [
            "Martin;Zoé;parent;01/03/2015;",
            "Durand;Léa;parent;02/03/2015;",
            "Petit;Tom;eleve;03/03/2012;",
            "Roux;Ana;parent;04/03/2015;",
        ]
    )
    admin("import", str(roster), "--school", "0751234J", "--out", str(tmp_path / "a.pdf"))
    admin(
        "import",
        str(write_roster(["Silva;Inès;parent;05/03/2015;"], name="autre.csv")),
        "--school",
        "0931234L",
        "--out",
        str(tmp_path / "b.pdf"),
    )
    for identifier, state in (
        ("lea.durand", AccountState.ACTIVE),
        ("tom.petit", AccountState.DEACTIVATED),
        ("ana.roux", AccountState.PENDING_CONFIRMATION),
    ):
        store.save_account(replace(store.get_account(identifier), state=state))
    return "0751234J"


@pytest.fixture
def no_scan():
    """Make any Scan of the table fail the test."""
    from functions.core.aws import client

    def refuse(**_):
        raise AssertionError("the table was scanned")

    client("dynamodb").meta.events.register("before-call.dynamodb.Scan", refuse)


def test_status_lists_the_school_families_to_follow_up_first(admin, school, no_scan):
    result = admin("status", "--school", school.lower())
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "Comptes de l'établissement 0751234J (4) :"
    assert [line.split()[0] for line in lines[2:6]] == ["ana.roux", "zoe.martin", "tom.petit", "lea.durand"]
    assert "en attente de confirmation du courriel" in lines[2] and "28/02/2027 (encore 90 jours)" in lines[2]
    assert "délivré (première connexion à faire)" in lines[3]
    assert "ines.silva" not in result.out
    assert (
        lines[-1]
        == "Total : délivré (première connexion à faire) : 1, en attente de confirmation du courriel : 1, actif : 1, désactivé : 1"
    )


def test_status_csv_opens_in_a_spreadsheet(admin, school, no_scan):
    out = admin("status", "--school", school, "--csv").out
    assert out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff")), delimiter=";"))
    assert [(row["identifiant"], row["etat"], row["date_limite_activation"]) for row in rows] == [
        ("ana.roux", "pending_confirmation", "28/02/2027"),
        ("zoe.martin", "issued", "28/02/2027"),
        ("tom.petit", "deactivated", ""),
        ("lea.durand", "active", ""),
    ]
    assert rows[0]["prenom"] == "Ana" and rows[3]["date_suppression"] == ""


def test_status_of_a_school_without_accounts(admin, env):
    assert "Aucun compte pour l'établissement 0751234J." in admin("status", "--school", "0751234J").out


def test_sweep_past_three_months_deactivates_and_dry_run_changes_nothing(admin, accounts, store, log_in, clock):
    account, password = accounts.make()
    active, _ = accounts.make(state=AccountState.ACTIVE, first_name="Léa")
    dry = admin("sweep", "--now", "2027-03-01", "--dry-run")
    assert dry.code == 0 and "essai à blanc" in dry.out and f"seraient désactivés (1) : {account.identifier}" in dry.out
    assert store.get_account(account.identifier).state == AccountState.ISSUED
    clock.advance(days=91)  # 1 March 2027: three months and a day after the letter
    result = admin("sweep", "--operator", "m.dupont")
    assert result.code == 0 and f"désactivés (1) : {account.identifier}" in result.out
    assert store.get_account(account.identifier).state == AccountState.DEACTIVATED
    assert store.get_account(active.identifier).state == AccountState.ACTIVE
    assert log_in(account.identifier, password).json["error"] == "account_deactivated"
    assert "déjà été balayé" in admin("sweep", "--now", "2027-03-01").out
    assert any(event.detail == "operator=m.dupont" for event in store.events(account.identifier))


def test_sweep_the_day_before_the_deadline_deactivates_no_one(admin, accounts, store):
    account, _ = accounts.make()
    result = admin("sweep", "--now", "28/02/2027", "--dry-run", "--json")
    assert json.loads(result.out)["deactivated"] == []
    assert store.get_account(account.identifier).state == AccountState.ISSUED


def test_feedback_report_counts_yes_and_no_and_lists_comments_per_page(admin, store, clock):
    store.add_feedback("/premiere-connexion/", True, "Très clair, merci", clock())
    store.add_feedback("/premiere-connexion/", False, None, clock() + timedelta(minutes=1))
    store.add_feedback("/premiere-connexion/", True, None, clock() + timedelta(minutes=2))
    store.add_feedback("/aide/delais/", False, "Et après un an ?\x1b[31m", clock())
    result = admin("feedback-report")
    assert result.code == 0
    assert "/premiere-connexion/  utile : oui 2 / non 1 (67 % de oui)" in result.out
    assert "/aide/delais/  utile : oui 0 / non 1 (0 % de oui)" in result.out
    assert "30/11/2026 10:00 [oui] Très clair, merci" in result.out
    assert "\x1b" not in result.out  # a comment cannot drive the secretary's terminal
    report = json.loads(admin("feedback-report", "--json").out)
    assert report["/premiere-connexion/"]["yes"] == 2 and report["/aide/delais/"]["comments"][0]["helpful"] is False


def test_feedback_report_with_no_answers(admin, env):
    assert "Aucun avis enregistré." in admin("feedback-report").out
