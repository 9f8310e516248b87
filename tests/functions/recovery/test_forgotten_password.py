"""« J'ai égaré mon mot de passe » : a link valid 1 hour, sent only to a confirmed address."""

from __future__ import annotations

from dataclasses import replace

import pytest

from functions.core import timing
from functions.core.lifecycle import AccountState
from functions.login.app import create_app as create_login_app
from functions.recovery.app import RESPONSE_FLOOR
from tests.functions.recovery.steps import PASSWORD, ask_reset, choose_password, reset_links, token_of

ADDRESS = "zoe.parent@example.fr"


def test_every_identifier_gets_the_same_answer(client, accounts):
    active, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email=ADDRESS)
    issued, _ = accounts.make(first_name="Léo", last_name="Petit")
    pending, _ = accounts.make(state=AccountState.PENDING_CONFIRMATION, first_name="Ana", last_name="Silva")
    deactivated, _ = accounts.make(state=AccountState.DEACTIVATED, first_name="Tom", last_name="Roux")
    answers = [
        ask_reset(client, name)
        for name in (
            active.identifier,
            issued.identifier,
            pending.identifier,
            deactivated.identifier,
            "personne.inconnue",
            "<script>",
        )
    ]
    assert {answer.status_code for answer in answers} == {202}
    assert all(answer.json == answers[0].json for answer in answers)
    assert active.identifier not in answers[0].get_data(as_text=True)


def test_only_an_account_with_a_confirmed_address_gets_a_link(client, accounts, store, outbox):
    active, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email=ADDRESS)
    pending, _ = accounts.make(state=AccountState.PENDING_CONFIRMATION, first_name="Ana", last_name="Silva")
    store.save_account(replace(pending, pending_email="ana@example.fr"))
    deactivated, _ = accounts.make(
        state=AccountState.DEACTIVATED, email="tom@example.fr", first_name="Tom", last_name="Roux"
    )
    for identifier in (active.identifier, pending.identifier, deactivated.identifier):
        ask_reset(client, identifier)
    [mail] = outbox()
    assert mail["to"] == ADDRESS


def test_the_mail_gives_a_one_hour_link_and_says_to_ignore_it_if_not_asked(client, accounts, outbox):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email=ADDRESS)
    ask_reset(client, " Zoe.Martin ")
    [mail] = outbox()
    [link] = reset_links([mail])
    assert link.startswith("https://aide.ent.example.fr/mot-de-passe-oublie/nouveau/#t=")
    assert len(token_of(link)) >= 22  # at least 128 bits
    assert "1 heure" in mail["text"] and "30/11/2026 à 11h00" in mail["text"]
    assert "ignorez ce message" in mail["text"]
    assert account.identifier in mail["text"]
    assert PASSWORD not in mail["text"] + mail["html"]
    assert f'href="{link}"' in mail["html"]


def test_links_use_the_public_address_whatever_the_host(client, accounts, outbox):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email=ADDRESS)
    ask_reset(client, account.identifier, headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    [link] = reset_links(outbox())
    assert link.startswith("https://aide.ent.example.fr/")
    assert "evil.example" not in outbox()[0]["text"] + outbox()[0]["html"]


def test_no_more_than_3_mails_an_hour_then_it_works_again(client, accounts, outbox, clock):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email=ADDRESS)
    for _ in range(3):
        ask_reset(client, account.identifier)
        clock.advance(minutes=5)
    fourth = ask_reset(client, account.identifier)
    assert (fourth.status_code, fourth.json) == (202, ask_reset(client, "personne.inconnue").json)
    assert len(outbox()) == 3
    clock.advance(minutes=50)
    ask_reset(client, account.identifier)
    assert len(outbox()) == 4


def test_identifier_and_password_mails_share_the_hourly_cap(client, accounts, outbox):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email=ADDRESS)
    client.post("/api/recovery/identifier", {"email": ADDRESS})
    client.post("/api/recovery/identifier", {"email": ADDRESS})
    ask_reset(client, account.identifier)
    ask_reset(client, account.identifier)
    assert len(outbox()) == 3


def test_recovery_works_while_the_account_is_locked(client, make_client, accounts, outbox):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email=ADDRESS)
    login = make_client(create_login_app)
    for _ in range(5):
        login.post("/api/login", {"identifier": account.identifier, "password": "Mauvais123", "profile": "parent"})
    assert ask_reset(client, account.identifier).status_code == 202
    assert len(reset_links(outbox())) == 1


def test_when_mail_fails_the_answer_is_503_and_the_account_is_as_it_was(
    client, refusing_client, accounts, store, outbox
):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email=ADDRESS)
    ask_reset(client, account.identifier)
    [older_link] = reset_links(outbox())
    before = store.get_account(account.identifier)
    response = ask_reset(refusing_client, account.identifier)
    assert (response.status_code, response.json["error"]) == (503, "mail_unavailable")
    after = store.get_account(account.identifier)
    assert replace(after, version=before.version) == before
    assert choose_password(client, token_of(older_link)).status_code == 200  # the older link still works


def test_after_a_mail_failure_a_retry_sends_the_link(client, refusing_client, accounts, outbox):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email=ADDRESS)
    assert ask_reset(refusing_client, account.identifier).status_code == 503
    for _ in range(3):  # the failed mail was not counted against the hourly cap
        assert ask_reset(client, account.identifier).status_code == 202
    links = reset_links(outbox())
    assert len(links) == 3
    assert choose_password(client, token_of(links[-1])).status_code == 200


def test_the_request_is_audited_without_the_link(client, accounts, store, outbox):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email=ADDRESS)
    deactivated, _ = accounts.make(state=AccountState.DEACTIVATED, first_name="Tom", last_name="Roux")
    ask_reset(client, account.identifier, headers={"User-Agent": "Firefox/1"})
    ask_reset(client, deactivated.identifier)
    token = token_of(reset_links(outbox())[0])
    [sent] = store.events(account.identifier)
    [refused] = store.events(deactivated.identifier)
    assert (sent.action, sent.detail, sent.user_agent) == ("password_reset_requested", "sent", "Firefox/1")
    assert (refused.action, refused.detail) == ("password_reset_requested", "deactivated")
    assert token not in repr(store.events(account.identifier))


@pytest.mark.parametrize("body", [{}, {"identifier": ""}, {"identifier": ["zoe.martin"]}, {"identifier": "a" * 65}])
def test_a_missing_or_malformed_identifier_is_a_json_400(client, body):
    response = client.post("/api/recovery/password", body)
    assert response.status_code == 400
    assert response.json["field"] == "identifier"


def test_known_and_unknown_identifiers_both_wait_for_the_response_floor(client, accounts, floor_sleeps, monkeypatch):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email=ADDRESS)
    monkeypatch.setattr(timing, "perf_counter", lambda: 100.0)  # the work itself takes no time here
    ask_reset(client, account.identifier)
    ask_reset(client, "personne.inconnue")
    assert floor_sleeps == [RESPONSE_FLOOR, RESPONSE_FLOOR]
