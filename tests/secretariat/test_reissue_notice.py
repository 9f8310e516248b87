"""`ent-admin reissue` of an active account takes it from the family: only with --confirm, and they hear of it."""

from __future__ import annotations

import email
import email.policy

import pytest

from functions.core.lifecycle import AccountState
from tests.secretariat.conftest import read_letters

ADDRESS = "famille.martin@example.fr"


@pytest.fixture
def outbox(table):
    """Read the mails sent through moto's SES: `outbox()` → [{to, subject, text, html}]."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    def read() -> list[dict[str, str]]:
        mails = []
        for sent in ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-3"].sent_messages:
            parsed = email.message_from_string(sent.raw_data, policy=email.policy.default)
            text, html = parsed.get_body(("plain",)), parsed.get_body(("html",))
            assert text is not None and html is not None
            mails.append(
                {
                    "to": str(parsed["To"]),
                    "subject": str(parsed["Subject"]),
                    "text": text.get_content(),
                    "html": html.get_content(),
                }
            )
        return mails

    return read


@pytest.fixture
def active(accounts, log_in):
    """An active account, its family logged in with their own password."""
    account, password = accounts.make(state=AccountState.ACTIVE, password="Tournesol42", email=ADDRESS)
    assert log_in(account.identifier, password).status_code == 200
    return account, password


@pytest.mark.parametrize("extra", [[], ["--operator", "m.dupont"], ["--operator", "m.dupont", "--out", "autre.pdf"]])
def test_reissuing_an_active_account_without_confirm_is_refused_and_changes_nothing(
    admin, active, store, outbox, log_in, tmp_path, monkeypatch, extra
):
    monkeypatch.chdir(tmp_path)
    account, password = active
    before = store.get_account(account.identifier)
    result = admin("reissue", account.identifier, "--out", "lettre.pdf", *extra)
    assert result.code == 2 and result.out == ""
    assert f"Le compte {account.identifier} est actif" in result.err
    assert "retirerait" in result.err and "--confirm" in result.err and "Rien n'a été modifié" in result.err
    assert store.get_account(account.identifier) == before
    assert not list(tmp_path.glob("*.pdf")) and outbox() == []
    assert "reissued" not in {event.action for event in store.events(account.identifier)}
    assert log_in(account.identifier, password).status_code == 200  # the family keeps its account


def test_reissuing_an_active_account_with_confirm_tells_the_verified_address(
    admin, active, store, outbox, log_in, tmp_path, settings
):
    account, password = active
    result = admin(
        "reissue", account.identifier, "--confirm", "--out", str(tmp_path / "l.pdf"), "--operator", "m.dupont"
    )
    assert result.code == 0, result.err
    assert "La famille en a été avertie par courriel à son adresse vérifiée (f***@example.fr)" in result.out
    [letter] = read_letters(tmp_path / "l.pdf")
    assert log_in(account.identifier, password).status_code == 401
    assert log_in(account.identifier, letter.password).json == {"next": "first-connection"}
    assert store.get_account(account.identifier).state == AccountState.ISSUED

    [mail] = outbox()
    assert mail["to"] == ADDRESS
    assert mail["subject"] == "Un nouveau courrier a été établi pour votre compte ENT"
    for body in (mail["text"], mail["html"]):
        assert "Zoé Martin" in body and account.identifier in body
        assert "l'établissement a établi un nouveau courrier" in body
        assert "Votre mot de passe ne fonctionne plus" in body
        assert "contactez sans attendre votre établissement" in body
        assert "30/11/2026 à 10h00" in body
        assert f"{settings.public_url}/aide/courrier/" in body
        assert letter.password not in body and password not in body  # a mail never holds a password
    [reissued] = [event for event in store.events(account.identifier) if event.action == "reissued"]
    assert reissued.detail == "operator=m.dupont; was active; notice_sent"


def test_the_notice_is_escaped_in_html(admin, accounts, store, outbox, tmp_path):
    from dataclasses import replace

    account, _ = accounts.make(state=AccountState.ACTIVE, email=ADDRESS)
    store.save_account(replace(store.get_account(account.identifier), first_name="<b>Zoé</b>"))
    assert admin("reissue", account.identifier, "--confirm", "--out", str(tmp_path / "l.pdf")).code == 0
    [mail] = outbox()
    assert "<b>Zoé</b>" not in mail["html"] and "&lt;b&gt;Zoé&lt;/b&gt;" in mail["html"]


def test_a_notice_that_cannot_be_sent_does_not_undo_the_reissue(admin, active, store, outbox, tmp_path, monkeypatch):
    account, _ = active
    monkeypatch.setenv("ENT_MAIL_FROM", "inconnu@ent.example.fr")  # not verified in SES: refused
    result = admin("reissue", account.identifier, "--confirm", "--out", str(tmp_path / "l.pdf"))
    assert result.code == 0
    assert "n'a pas pu partir" in result.err and "prévenez-la" in result.err
    assert store.get_account(account.identifier).state == AccountState.ISSUED and (tmp_path / "l.pdf").exists()
    [reissued] = [event for event in store.events(account.identifier) if event.action == "reissued"]
    assert reissued.detail.endswith("; was active; notice_not_sent")
    assert outbox() == []


@pytest.mark.parametrize("state", [AccountState.ISSUED, AccountState.PENDING_CONFIRMATION, AccountState.DEACTIVATED])
def test_an_account_not_yet_active_is_reissued_without_confirm(admin, accounts, store, outbox, tmp_path, state):
    account, _ = accounts.make(state=state)
    result = admin("reissue", account.identifier, "--out", str(tmp_path / "l.pdf"))
    assert result.code == 0, result.err
    assert store.get_account(account.identifier).state == AccountState.ISSUED
    assert outbox() == []  # no verified address, nobody to tell
    [reissued] = [event for event in store.events(account.identifier) if event.action == "reissued"]
    assert reissued.detail.endswith(f"; was {state.value}")


def test_a_reissued_account_that_kept_its_address_is_told_again(admin, active, store, outbox, tmp_path):
    # Reissued once (confirmed), not yet activated again: a second letter replaces the first.
    account, _ = active
    assert admin("reissue", account.identifier, "--confirm", "--out", str(tmp_path / "1.pdf")).code == 0
    assert admin("reissue", account.identifier, "--out", str(tmp_path / "2.pdf")).code == 0
    assert [mail["to"] for mail in outbox()] == [ADDRESS, ADDRESS]


def test_reactivate_has_no_confirm_flag(admin, accounts, tmp_path):
    account, _ = accounts.make(state=AccountState.DEACTIVATED)
    result = admin("reactivate", account.identifier, "--confirm", "--out", str(tmp_path / "l.pdf"))
    assert result.code == 2 and not (tmp_path / "l.pdf").exists()


def test_an_account_activated_while_the_reissue_was_read_is_not_taken(
    admin, accounts, store, outbox, tmp_path, monkeypatch
):
    # The secretariat looked at an issued account; the family activated it before the write landed.
    from dataclasses import replace

    import functions.core.follow_up

    account, _ = accounts.make(email=ADDRESS)
    stale = store.get_account(account.identifier)
    store.save_account(replace(stale, state=AccountState.ACTIVE))
    monkeypatch.setattr(functions.core.follow_up, "find_account", lambda store, identifier: stale)
    result = admin("reissue", account.identifier, "--out", str(tmp_path / "l.pdf"))
    assert result.code == 2 and "est actif" in result.err
    assert store.get_account(account.identifier).state == AccountState.ACTIVE
    assert not (tmp_path / "l.pdf").exists() and outbox() == []
