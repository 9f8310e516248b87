"""`ent-admin issue`: what the secretariat types to create one account."""

from __future__ import annotations

import json
from datetime import date

import pytest

from functions.core.lifecycle import AccountState, Profile
from functions.core.passwords import verify_password
from secretariat.cli import main

ISSUE = [
    "issue",
    "--profile",
    "parent",
    "--last-name",
    "Lefèvre-Martin",
    "--first-name",
    "Zoé",
    "--birth-date",
    "2015-03-01",
    "--school",
    "0751234j",
]


@pytest.fixture
def env(table, monkeypatch):
    monkeypatch.setenv("ENT_TABLE", table)
    return table


def test_issue_json_prints_identifier_password_and_dates(env, store, capsys):
    assert main([*ISSUE, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == {"identifier", "initial_password", "activation_deadline", "deletion_date"}
    account = store.get_account(printed["identifier"])
    assert printed["identifier"] == "zoe.lefevre-martin"
    assert account.state == AccountState.ISSUED and account.profile == Profile.PARENT
    assert account.school == "0751234J" and account.birth_date == date(2015, 3, 1)
    assert verify_password(account.password_hash, printed["initial_password"])
    assert printed["activation_deadline"] == account.activation_deadline.isoformat()
    assert printed["deletion_date"] == account.deletion_date.isoformat()


def test_issue_text_is_french_and_shows_the_credentials(env, capsys):
    assert main(ISSUE) == 0
    out = capsys.readouterr().out
    assert "Identifiant :" in out and "zoe.lefevre-martin" in out
    assert "Mot de passe initial :" in out


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        (["issue", "--profile", "prof"], "invalid choice"),
        ([*ISSUE[:7], "--birth-date", "2015-02-30", *ISSUE[9:]], "n'existe pas"),
        ([*ISSUE[:7], "--birth-date", "01-03-2015", *ISSUE[9:]], "JJ/MM/AAAA"),
        ([*ISSUE[:9], "--school", "lycee"], "UAI"),
        ([*ISSUE[:5], "--first-name", "   ", *ISSUE[7:]], "prénom"),
        ([], "required"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(env, capsys, arguments, complaint):
    assert main(arguments) == 2
    assert complaint in capsys.readouterr().err


def test_missing_table_setting_exits_2(aws, monkeypatch, capsys):
    monkeypatch.delenv("ENT_TABLE", raising=False)
    assert main(ISSUE) == 2
    assert "ENT_TABLE" in capsys.readouterr().err


def test_missing_table_in_aws_exits_1_without_traceback(aws, monkeypatch, capsys):
    monkeypatch.setenv("ENT_TABLE", "no-such-table")
    assert main(ISSUE) == 1
    assert "AWS" in capsys.readouterr().err
