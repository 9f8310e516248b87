"""What tells a family's accounts apart: the school's name (the directory) and, for a parent, the child."""

from __future__ import annotations

from functions.core.store import keys
from tests.secretariat.conftest import read_letters

SCHOOL = "0751234J"


def test_the_letter_names_the_child_of_a_parents_account(admin, write_roster, tmp_path, store):
    out = tmp_path / "lettres.pdf"
    roster = write_roster(
        ["Martin;Zoé;parent;01/03/2015;6eB", "Martin;Hugo;parent;02/09/2018;", "Petit;Tom;eleve;04/05/2012;4e A"]
    )
    assert admin("import", str(roster), "--school", SCHOOL, "--out", str(out)).code == 0
    zoe, hugo, tom = (" ".join(letter.text.split()) for letter in read_letters(out))
    assert "Compte parent pour : Zoé, 6eB" in zoe
    assert "Compte parent pour : Hugo" in hugo and "Hugo," not in hugo
    assert "Élève - classe 4e A" in tom and "Compte parent" not in tom
    assert store.get_account("zoe.martin").classe == "6eB"  # kept on the account: Mon compte and the mails show it
    assert store.get_account("hugo.martin").classe is None


def test_issue_takes_the_class(admin, store):
    result = admin(
        "issue",
        *("--profile", "parent", "--last-name", "Martin", "--first-name", "Zoé", "--birth-date", "2015-03-01"),
        *("--school", SCHOOL, "--class", " 6e   B "),
    )
    assert result.code == 0, result.err
    assert store.get_account("zoe.martin").classe == "6e B"


def test_a_class_with_a_hidden_character_is_refused(admin, store):
    result = admin(
        "issue",
        *("--profile", "eleve", "--last-name", "Petit", "--first-name", "Tom", "--birth-date", "2012-05-04"),
        *("--school", SCHOOL, "--class", "4e\u202eA"),
    )
    assert result.code == 2 and "U+202E" in result.err
    assert store.get_account("tom.petit") is None


def test_school_set_names_the_school_for_the_letters_and_the_session(admin, write_roster, tmp_path, store):
    result = admin("school", "set", SCHOOL.lower(), "--name", "  Collège   Victor-Hugo ")
    assert result.code == 0, result.err
    assert store.school_name(SCHOOL) == "Collège Victor-Hugo"
    assert store._get(keys.school_key(SCHOOL))["pk"] == f"SCHOOL#{SCHOOL}"
    out = tmp_path / "lettres.pdf"
    admin("import", str(write_roster(["Martin;Zoé;parent;01/03/2015;6e B"])), "--school", SCHOOL, "--out", str(out))
    [letter] = read_letters(out)
    assert f"Collège Victor-Hugo ({SCHOOL})" in letter.text
    assert admin("school", "set", SCHOOL, "--name", "Collège Hugo").code == 0
    assert store.school_name(SCHOOL) == "Collège Hugo"  # renamed: one item, every account reads the new name


def test_school_set_refuses_a_bad_uai_or_name(admin, store):
    assert admin("school", "set", "75", "--name", "Collège").code == 2
    assert admin("school", "set", SCHOOL, "--name", "   ").code == 2
    refused = admin("school", "set", SCHOOL, "--name", "Collège\u200bHugo")
    assert refused.code == 2 and "U+200B" in refused.err
    assert store.school_name(SCHOOL) is None


def test_show_gives_the_class(admin, write_roster, tmp_path):
    out = tmp_path / "lettres.pdf"
    admin("import", str(write_roster(["Martin;Zoé;parent;01/03/2015;6e B"])), "--school", SCHOOL, "--out", str(out))
    assert "Classe :              6e B" in admin("show", "zoe.martin").out
    assert '"classe": "6e B"' in admin("show", "zoe.martin", "--json").out
