"""Names are text: a control, bidi or invisible character is refused at issue and at import, with its line.

Tested as an attacker would: a roster line with a bidi override in the last name, a zero-width
space, a line separator in the class, a soft hyphen from a Windows-1252 spreadsheet.
"""

from __future__ import annotations

import json

import pytest

from tests.secretariat.test_inert_output import ISSUE, assert_inert


@pytest.mark.parametrize("character", ["\u202e", "\u2066", "\u200b", "\ufeff", "\u00ad", "\u2028", "\x1b", "\t"])
def test_issue_refuses_a_name_with_a_hidden_character(admin, store, character):
    result = admin(*ISSUE, "--last-name", f"Martin{character}gnp.exe")
    assert result.code == 2 and result.out == ""
    assert f"U+{ord(character):04X}" in result.err and "caractère invisible ou de contrôle" in result.err
    assert character not in result.err
    assert store.accounts_of_school("0751234J") == []


def test_a_roster_line_with_a_bidi_override_is_refused_with_its_line_number(admin, write_roster, store, tmp_path):
    roster = write_roster(
        [
            "Martin;Zoé;parent;01/03/2015;6e B",
            "Durand\u202egnp.exe;Léa;parent;02/03/2015;6e B",  # prints « Durandexe.png »
            "Petit;To\u200bm;eleve;03/03/2012;5e A",
            "Roux;Ana;parent;04/03/2015;6e\u2028B",
        ]
    )
    result = admin("import", str(roster), "--school", "0751234J", "--out", str(tmp_path / "lettres.pdf"))
    assert result.code == 2
    assert "ligne 3 : nom avec un caractère invisible ou de contrôle (U+202E)" in result.err
    assert "ligne 4 : prénom avec un caractère invisible ou de contrôle (U+200B)" in result.err
    assert "ligne 5 : classe avec un caractère invisible ou de contrôle (U+2028)" in result.err
    assert "ligne 2" not in result.err
    assert_inert(result.err)
    assert store.accounts_of_school("0751234J") == [] and not (tmp_path / "lettres.pdf").exists()


def test_skip_invalid_imports_the_clean_lines_only(admin, write_roster, store, tmp_path):
    roster = write_roster(["Martin;Zoé;parent;01/03/2015;", "Durand\u202e;Léa;parent;02/03/2015;"])
    result = admin(
        "import", str(roster), "--school", "0751234J", "--out", str(tmp_path / "l.pdf"), "--skip-invalid", "--json"
    )
    report = json.loads(result.out)
    assert [created["identifier"] for created in report["created"]] == ["zoe.martin"]
    assert report["refused"] == [
        {
            "line": 3,
            "reason": "nom avec un caractère invisible ou de contrôle (U+202E) : retapez-le au clavier, sans copier-coller",
        }
    ]
    assert [row.identifier for row in store.accounts_of_school("0751234J")] == ["zoe.martin"]


def test_a_windows_1252_roster_with_a_soft_hyphen_is_refused(admin, write_roster, store, tmp_path):
    roster = write_roster(["Lef\u00e8vre\u00adMartin;Zoé;parent;01/03/2015;"], encoding="cp1252")
    result = admin("import", str(roster), "--school", "0751234J", "--out", str(tmp_path / "l.pdf"))
    assert result.code == 2 and "ligne 2 : nom avec un caractère invisible ou de contrôle (U+00AD)" in result.err
    assert store.accounts_of_school("0751234J") == []


def test_what_a_refused_line_echoes_stays_inert(admin, write_roster, tmp_path):
    # Cells that are not names are echoed in the reasons: they go through printable too.
    roster = write_roster(["Martin;Zoé;par\u202eent;01/03/2015\u2028;"])
    result = admin("import", str(roster), "--school", "0751234J", "--out", str(tmp_path / "l.pdf"))
    assert result.code == 2 and "ligne 2 : profil « par\ufffdent » inconnu" in result.err
    assert_inert(result.err)
    raw = admin("import", str(roster), "--school", "0751234J", "--out", str(tmp_path / "l.pdf"), "--json").out
    assert_inert(raw)
    assert "par\u202eent" in json.loads(raw)["refused"][0]["reason"]  # JSON escapes it, losing nothing
