"""« J'ai égaré mon identifiant » : the identifiers of an address are sent to it, never shown."""

from __future__ import annotations

import statistics
import time
from dataclasses import replace
from datetime import date

import pytest

from functions.core import timing
from functions.core.lifecycle import AccountState, Profile
from functions.recovery.app import RESPONSE_FLOOR
from tests.functions.recovery.steps import ask_identifier

FAMILY = "famille.durand@example.fr"


def test_known_unknown_and_unconfirmed_addresses_get_the_same_answer(client, accounts, store):
    accounts.make(state=AccountState.ACTIVE, email=FAMILY)
    awaiting, _ = accounts.make(state=AccountState.PENDING_CONFIRMATION, first_name="Ana", last_name="Silva")
    store.save_account(replace(awaiting, pending_email="ana.silva@example.fr"))
    known = ask_identifier(client, FAMILY)
    unknown = ask_identifier(client, "personne@example.fr")
    unconfirmed = ask_identifier(client, "ana.silva@example.fr")
    assert known.status_code == unknown.status_code == unconfirmed.status_code == 202
    assert known.json == unknown.json == unconfirmed.json
    assert known.json["status"] == "sent"


def test_one_email_lists_every_identifier_of_the_address(client, accounts, outbox):
    accounts.make(state=AccountState.ACTIVE, email=FAMILY, first_name="Léa", last_name="Durand")
    accounts.make(
        state=AccountState.ACTIVE,
        email="Famille.Durand@example.fr",
        first_name="Tom",
        last_name="Durand",
        profile=Profile.ELEVE,
    )
    accounts.make(state=AccountState.ACTIVE, email="autre@example.fr", first_name="Ana", last_name="Silva")
    ask_identifier(client, " FAMILLE.durand@EXAMPLE.fr ")
    [mail] = outbox()
    assert mail["to"] == FAMILY
    assert "lea.durand : Léa Durand, profil parent" in mail["text"]
    assert "tom.durand : Tom Durand, profil élève" in mail["text"]
    assert "ana.silva" not in mail["text"]
    assert "lea.durand" in mail["html"] and "tom.durand" in mail["html"]


def test_identifiers_are_never_shown_in_the_answer(client, accounts):
    account, _ = accounts.make(state=AccountState.ACTIVE, email=FAMILY)
    response = ask_identifier(client, FAMILY)
    assert account.identifier not in response.get_data(as_text=True)


def test_an_unknown_or_unconfirmed_address_receives_nothing(client, accounts, store, outbox):
    awaiting, _ = accounts.make(state=AccountState.PENDING_CONFIRMATION)
    store.save_account(replace(awaiting, pending_email=FAMILY))
    ask_identifier(client, FAMILY)
    ask_identifier(client, "personne@example.fr")
    assert outbox() == []


@pytest.mark.parametrize(
    "email", ["pas-une-adresse", "parent@exemple", "parent @exemple.fr", "a" * 250 + "@exemple.fr"]
)
def test_a_malformed_address_is_refused_in_french(client, email, outbox):
    response = ask_identifier(client, email)
    assert response.status_code == 400
    assert response.json["error"] == "invalid_email"
    assert response.json["field"] == "email"
    assert "adresse" in response.json["message"]
    assert outbox() == []


@pytest.mark.parametrize("body", [{}, {"email": ""}, {"email": 42}, {"email": "a" * 400 + "@exemple.fr"}])
def test_a_missing_or_oversized_field_is_a_json_400(client, body):
    response = client.post("/api/recovery/identifier", body)
    assert response.status_code == 400
    assert response.json["field"] == "email"


def test_a_body_that_is_not_json_is_a_json_400(client):
    response = client.client.post(
        "/api/recovery/identifier",
        data="{pas du json",
        content_type="application/json",
        headers={"Origin": "https://aide.ent.example.fr"},
    )
    assert response.status_code == 400
    assert response.json["error"] == "invalid_input"


def test_no_more_than_3_mails_an_hour_then_it_works_again(client, accounts, outbox, clock):
    accounts.make(state=AccountState.ACTIVE, email=FAMILY)
    for _ in range(3):
        assert ask_identifier(client, FAMILY).status_code == 202
        clock.advance(minutes=5)
    fourth = ask_identifier(client, FAMILY)
    assert fourth.status_code == 202
    assert fourth.json == ask_identifier(client, "personne@example.fr").json
    assert len(outbox()) == 3
    clock.advance(minutes=50)  # the first mail is now an hour old
    ask_identifier(client, FAMILY)
    assert len(outbox()) == 4


def test_when_mail_fails_the_answer_is_503_nothing_changes_and_a_retry_works(
    client, refusing_client, accounts, store, outbox
):
    account, _ = accounts.make(state=AccountState.ACTIVE, email=FAMILY)
    before = store.get_account(account.identifier)
    response = ask_identifier(refusing_client, FAMILY)
    assert (response.status_code, response.json["error"]) == (503, "mail_unavailable")
    after = store.get_account(account.identifier)
    assert replace(after, version=before.version) == before
    for _ in range(3):  # the failed mail was not counted against the hourly cap
        assert ask_identifier(client, FAMILY).status_code == 202
    assert len(outbox()) == 3


def test_links_in_the_mail_use_the_public_address_whatever_the_host(client, accounts, outbox):
    accounts.make(state=AccountState.ACTIVE, email=FAMILY)
    ask_identifier(client, FAMILY, headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    [mail] = outbox()
    assert "https://aide.ent.example.fr/connexion/" in mail["text"]
    assert "evil.example" not in mail["text"] + mail["html"]


def test_the_request_is_audited_with_where_it_came_from(client, accounts, store):
    account, _ = accounts.make(state=AccountState.ACTIVE, email=FAMILY)
    ask_identifier(client, FAMILY, headers={"User-Agent": "Firefox/1"})
    [event] = [event for event in store.events(account.identifier) if event.action == "recovery_identifier_requested"]
    assert (event.detail, event.user_agent) == ("sent", "Firefox/1")
    assert event.source_ip


def test_known_and_unknown_addresses_both_wait_for_the_response_floor(client, accounts, floor_sleeps, monkeypatch):
    accounts.make(state=AccountState.ACTIVE, email=FAMILY)
    monkeypatch.setattr(timing, "perf_counter", lambda: 100.0)  # the work itself takes no time here
    ask_identifier(client, FAMILY)
    ask_identifier(client, "personne@example.fr")
    assert floor_sleeps == [RESPONSE_FLOOR, RESPONSE_FLOOR]


# DynamoDB and SES as Lambda sees them: each call a network round trip. moto answers in-process
# in about a millisecond, which would hide what many accounts cost (10 took 800 ms once on the
# local stack against the 0.5 s floor).
DYNAMODB_LATENCY, SES_LATENCY = 0.025, 0.05


def _median_seconds(call, runs: int, between) -> float:
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        durations.append(time.perf_counter() - started)
        between()
    return statistics.median(durations)


def test_ten_accounts_on_one_address_answer_in_the_time_of_none(client, accounts, clock, outbox, monkeypatch):
    from functions.core.aws import client as aws_client

    for number in range(10):
        accounts.make(state=AccountState.ACTIVE, email=FAMILY, first_name=f"Enfant{'abcdefghij'[number]}")
    monkeypatch.setattr(timing, "sleep", time.sleep)  # the real floor, not the recorded one
    aws_client("dynamodb").meta.events.register("before-call.dynamodb", lambda **_: time.sleep(DYNAMODB_LATENCY))
    aws_client("sesv2").meta.events.register("before-call.sesv2", lambda **_: time.sleep(SES_LATENCY))

    def next_hour() -> None:
        clock.advance(hours=1, seconds=1)  # past the accounts' 3 mails an hour

    many = _median_seconds(lambda: ask_identifier(client, FAMILY), 3, next_hour)
    none = _median_seconds(lambda: ask_identifier(client, "personne@example.fr"), 3, next_hour)
    [mail, *_] = outbox()
    assert mail["text"].count(" : ") >= 10  # one mail listing every identifier
    assert len(outbox()) == 3
    assert none >= RESPONSE_FLOOR
    assert many < RESPONSE_FLOOR + 0.1, f"10 accounts took {many * 1000:.0f} ms against a {RESPONSE_FLOOR}s floor"
    assert abs(many - none) < 0.1


def test_past_ten_accounts_the_mail_lists_ten_and_says_to_ask_the_school(client, accounts, outbox):
    for number in range(12):
        accounts.make(state=AccountState.ACTIVE, email=FAMILY, first_name=f"Enfant{'abcdefghijkl'[number]}")
    ask_identifier(client, FAMILY)
    [mail] = outbox()
    assert mail["text"].count(", profil parent") == 10
    assert "D'autres comptes utilisent aussi cette adresse" in mail["text"]


def test_the_mail_tells_each_account_by_its_school_and_child(client, accounts, store, outbox):
    """A parent of two children, and one of them a pupil: each line says whose account it is, and where."""
    store.set_school_name("0751234J", "Collège Victor-Hugo")
    accounts.make(state=AccountState.ACTIVE, email=FAMILY, first_name="Léa", last_name="Durand", classe="6e B")
    accounts.make(
        state=AccountState.ACTIVE,
        email=FAMILY,
        first_name="Tom",
        last_name="Durand",
        birth_date=date(2012, 5, 4),
        classe="3e A",
    )
    accounts.make(
        state=AccountState.ACTIVE,
        email=FAMILY,
        first_name="Tom",
        last_name="Durand",
        birth_date=date(2012, 5, 4),
        profile=Profile.ELEVE,
        classe="3e A",
    )
    ask_identifier(client, FAMILY)
    [mail] = outbox()
    lines = mail["text"].splitlines()
    assert "lea.durand : Léa Durand, profil parent - compte pour Léa, 6e B - Collège Victor-Hugo" in lines
    assert "tom.durand : Tom Durand, profil parent - compte pour Tom, 3e A - Collège Victor-Hugo" in lines
    assert any(line.endswith(": Tom Durand, profil élève - classe 3e A - Collège Victor-Hugo") for line in lines)
    assert "compte pour Léa, 6e B - Collège Victor-Hugo" in mail["html"]


def test_an_unnamed_school_is_named_by_its_uai_and_a_missing_class_is_left_out(client, accounts, outbox):
    accounts.make(state=AccountState.ACTIVE, email=FAMILY, first_name="Léa", last_name="Durand")
    ask_identifier(client, FAMILY)
    [mail] = outbox()
    assert "lea.durand : Léa Durand, profil parent - compte pour Léa - 0751234J" in mail["text"].splitlines()
