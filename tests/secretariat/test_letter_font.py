"""Letters keep every name whole: printed as typed, or the line refused, never quietly changed."""

from __future__ import annotations

import json

from tests.secretariat.conftest import read_letters

SCHOOL = "0751234J"


def test_vietnamese_names_are_printed_as_typed(admin, write_roster, tmp_path):
    out = tmp_path / "lettres.pdf"
    roster = write_roster(["Nguyễn;Thị Hương;parent;01/03/2015;6e B", "Wiśniewski;Łukasz;eleve;04/05/2012;4e A"])
    result = admin("import", str(roster), "--school", SCHOOL, "--out", str(out))
    assert result.code == 0, result.err
    huong, lukasz = read_letters(out)
    assert "Thị Hương Nguyễn" in huong.text  # not « Thi Huong Nguyen »
    assert "Compte parent pour : Thị Hương, 6e B" in huong.text.replace("\xa0", " ")
    assert "Łukasz Wiśniewski" in lukasz.text


def test_a_script_the_font_cannot_draw_is_reported_by_line(admin, write_roster, tmp_path, store):
    out = tmp_path / "lettres.pdf"
    roster = write_roster(["Martin;Zoé;parent;01/03/2015;6e B", "王;小明;eleve;04/05/2012;4e A"])
    result = admin("import", str(roster), "--school", SCHOOL, "--out", str(out))
    assert result.code == 2
    assert "ligne 3 : nom « 王 » : la lettre ne sait pas imprimer U+738B 王" in result.err
    assert "prénom « 小明 » : la lettre ne sait pas imprimer U+5C0F 小, U+660E 明" in result.err
    assert "Rien n'a été importé" in result.err
    assert store.get_account("zoe.martin") is None and not out.exists()


def test_skip_invalid_prints_the_others_and_lists_the_line(admin, write_roster, tmp_path):
    out = tmp_path / "lettres.pdf"
    roster = write_roster(["Martin;Zoé;parent;01/03/2015;6e B", "Cohen;אבי;parent;02/03/2015;"])
    result = admin("import", str(roster), "--school", SCHOOL, "--out", str(out), "--skip-invalid", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    [refused] = report["refused"]
    assert refused["line"] == 3 and "U+05D0 א" in refused["reason"]
    assert [letter.identifier for letter in read_letters(out)] == ["zoe.martin"]


def test_reissue_refuses_a_letter_it_could_not_print(admin, store, accounts, tmp_path):
    account, _ = accounts.make(first_name="小明", last_name="Wang")
    result = admin("reissue", account.identifier, "--out", str(tmp_path / "lettre.pdf"))
    assert result.code == 2 and "U+5C0F 小" in result.err and "rien n'a été modifié" in result.err
    assert store.get_account(account.identifier).password_hash == account.password_hash
