"""`ent-admin import`: a school's roster becomes accounts, and letters that let each family in."""

from __future__ import annotations

import json

import pytest

from functions.core.lifecycle import AccountState, Profile
from tests.secretariat.conftest import read_letters

SCHOOL = "0751234J"
ROSTER = [
    "Lefèvre-Martin;Zoé;parent;01/03/2015;6e B",
    "N'Diaye;Aïssatou;eleve;23/04/2012;4e A",
    "Martin;Zoé;parent;01/03/2015;",
    "Martin;Zoé;parent;14/07/2016;CM2",  # a homonym: another child's birth date, another person
]


def test_a_roster_becomes_accounts_and_one_letter_page_each(admin, write_roster, tmp_path, store):
    out = tmp_path / "lettres.pdf"
    result = admin(
        "import",
        str(write_roster(ROSTER)),
        "--school",
        SCHOOL.lower(),
        "--out",
        str(out),
        "--operator",
        "Mme Secrétaire",
    )
    assert result.code == 0, result.err
    assert "Créés : 4 - déjà présents : 0 - refusés : 0" in result.out
    letters = read_letters(out)
    assert [letter.identifier for letter in letters] == [
        "zoe.lefevre-martin",
        "aissatou.ndiaye",
        "zoe.martin",
        "zoe.martin2",
    ]
    for letter in letters:
        account = store.get_account(letter.identifier)
        assert account.state == AccountState.ISSUED and account.school == SCHOOL
        assert account.display_name in letter.text
        assert letter.password not in result.out  # passwords go on paper only
    assert store.get_account("aissatou.ndiaye").profile == Profile.ELEVE
    assert "N'Diaye" in letters[1].text and "classe 4e A" in letters[1].text


def test_each_letter_logs_its_family_in_to_first_connection(admin, write_roster, tmp_path, log_in):
    out = tmp_path / "lettres.pdf"
    assert admin("import", str(write_roster(ROSTER)), "--school", SCHOOL, "--out", str(out)).code == 0
    for letter, profile in zip(read_letters(out), ["parent", "eleve", "parent", "parent"], strict=False):
        response = log_in(letter.identifier, letter.password, profile)
        assert (response.status_code, response.json) == (200, {"next": "first-connection"})


def test_the_letter_says_what_the_faq_says(admin, write_roster, tmp_path, settings):
    out = tmp_path / "lettres.pdf"
    admin("import", str(write_roster(ROSTER[:2])), "--school", SCHOOL, "--out", str(out))
    parent, pupil = read_letters(out)
    for letter in (parent, pupil):
        text = " ".join(letter.text.split())
        for expected in (
            "Mise à disposition de services en ligne",
            f"Établissement {SCHOOL}",
            "À activer au plus tard le 28/02/2027",
            "8 à 14 caractères, lettres ET chiffres obligatoires",
            f"Centre d'aide : {settings.public_url}",
            "adresse électronique personnelle valide",
            "saisissez-le deux fois",
            "lien d'activation",
            "3 mois",
            "désactivé",
            "supprimé après un an, le 30/11/2027",
            "nouvel identifiant",
        ):
            assert expected in text, expected
    assert "date de naissance de votre enfant" in " ".join(parent.text.split())
    assert "saisissez votre date de naissance" in " ".join(pupil.text.split())
    assert "profil « Élève »" in " ".join(pupil.text.split())


def test_importing_the_same_roster_again_creates_no_one_twice(admin, write_roster, tmp_path, store, log_in):
    roster = write_roster(ROSTER)
    first = tmp_path / "premier.pdf"
    assert admin("import", str(roster), "--school", SCHOOL, "--out", str(first)).code == 0
    # The same people, as another export writes them: capitals, no accents, spaces for hyphens.
    again = write_roster(
        ["LEFEVRE MARTIN;ZOE;parent;01/03/2015;6e B", *ROSTER[1:], "Durand;Léa;parent;02/03/2015;"], name="encore.csv"
    )
    second = tmp_path / "second.pdf"
    result = admin("import", str(again), "--school", SCHOOL, "--out", str(second))
    assert result.code == 0
    assert "Créés : 1 - déjà présents : 4 - refusés : 0" in result.out
    assert "déjà présent zoe.lefevre-martin" in " ".join(result.out.split())
    assert [letter.identifier for letter in read_letters(second)] == ["lea.durand"]
    assert store.get_account("zoe.lefevre-martin3") is None and store.get_account("zoe.martin3") is None
    # They keep the password of their first letter.
    letter = read_letters(first)[0]
    assert log_in(letter.identifier, letter.password).json == {"next": "first-connection"}


def test_a_second_import_with_no_one_new_writes_no_letters(admin, write_roster, tmp_path):
    roster = write_roster(ROSTER[:1])
    admin("import", str(roster), "--school", SCHOOL, "--out", str(tmp_path / "a.pdf"))
    result = admin("import", str(roster), "--school", SCHOOL, "--out", str(tmp_path / "b.pdf"))
    assert result.code == 0 and "Aucune lettre à imprimer" in result.out
    assert not (tmp_path / "b.pdf").exists()


def test_the_same_person_in_another_school_or_profile_is_another_account(admin, write_roster, tmp_path):
    roster = write_roster(ROSTER[:1])
    admin("import", str(roster), "--school", SCHOOL, "--out", str(tmp_path / "a.pdf"))
    result = admin("import", str(roster), "--school", "0931234L", "--out", str(tmp_path / "b.pdf"), "--json")
    assert [row["identifier"] for row in json.loads(result.out)["created"]] == ["zoe.lefevre-martin2"]


def test_bad_lines_are_all_reported_and_nothing_is_imported(admin, write_roster, tmp_path, store):
    out = tmp_path / "lettres.pdf"
    roster = write_roster([*ROSTER[:2], "Martin;Zoé;prof;01/03/2015;", "Petit;Tom;eleve;30/02/2012;", "Roux;;parent;;"])
    result = admin("import", str(roster), "--school", SCHOOL, "--out", str(out))
    assert result.code == 2
    assert "ligne 4 : profil « prof » inconnu" in result.err
    assert "ligne 5 : date de naissance « 30/02/2012 » impossible" in result.err
    assert "ligne 6 : prénom manquant ; date de naissance manquante" in result.err
    assert "Rien n'a été importé" in result.err and "--skip-invalid" in result.err
    assert not out.exists()
    assert store.get_account("zoe.lefevre-martin") is None
    assert store.accounts_of_school(SCHOOL) == []


def test_skip_invalid_imports_the_good_lines_and_lists_the_refused(admin, write_roster, tmp_path):
    out = tmp_path / "lettres.pdf"
    roster = write_roster([*ROSTER[:2], "Martin;Zoé;prof;01/03/2015;"])
    result = admin("import", str(roster), "--school", SCHOOL, "--out", str(out), "--skip-invalid")
    assert result.code == 0
    assert "ligne 4 : profil « prof » inconnu" in result.out
    assert "Créés : 2 - déjà présents : 0 - refusés : 1" in result.out
    assert [letter.identifier for letter in read_letters(out)] == ["zoe.lefevre-martin", "aissatou.ndiaye"]


def test_windows_1252_and_bom_files_import_with_their_accents(admin, write_roster, tmp_path, store):
    cp1252 = write_roster(["Cœur;Chloé;parent;01/03/2015;"], encoding="cp1252", name="excel.csv")
    assert admin("import", str(cp1252), "--school", SCHOOL, "--out", str(tmp_path / "a.pdf")).code == 0
    assert store.get_account("chloe.coeur").display_name == "Chloé Cœur"
    assert "Chloé Cœur" in read_letters(tmp_path / "a.pdf")[0].text
    bom = write_roster(["Hélène;Noé;eleve;01/03/2012;"], bom=True, name="bom.csv", newline="\n")
    assert admin("import", str(bom), "--school", SCHOOL, "--out", str(tmp_path / "b.pdf")).code == 0
    assert store.get_account("noe.helene").last_name == "Hélène"


def test_each_created_account_is_audited_with_the_operator(admin, write_roster, tmp_path, store):
    admin(
        "import",
        str(write_roster(ROSTER[:1])),
        "--school",
        SCHOOL,
        "--out",
        str(tmp_path / "a.pdf"),
        "--operator",
        "m.dupont",
    )
    [event] = store.events("zoe.lefevre-martin")
    assert event.action == "issued" and event.detail == "operator=m.dupont; roster line 2"
    assert event.user_agent == "ent-admin"


def test_an_account_deleted_after_a_year_can_be_issued_again(admin, write_roster, tmp_path, store):
    roster = write_roster(ROSTER[:1])
    admin("import", str(roster), "--school", SCHOOL, "--out", str(tmp_path / "a.pdf"))
    store.delete_account("zoe.lefevre-martin")
    result = admin("import", str(roster), "--school", SCHOOL, "--out", str(tmp_path / "b.pdf"))
    assert "Créés : 1" in result.out
    assert [letter.identifier for letter in read_letters(tmp_path / "b.pdf")] == ["zoe.lefevre-martin"]


@pytest.mark.parametrize(
    ("roster", "out", "complaint"),
    [
        ("absent.csv", "lettres.pdf", "fichier introuvable : "),
        (".", "lettres.pdf", "est un dossier"),
        ("liste.csv", "pas/de/dossier/lettres.pdf", "dossier introuvable"),
        ("liste.csv", ".", "est un dossier"),
    ],
)
def test_missing_or_unusable_files_are_refused_before_anything_is_created(
    admin, write_roster, tmp_path, store, monkeypatch, roster, out, complaint
):
    write_roster(ROSTER[:1])
    monkeypatch.chdir(tmp_path)
    result = admin("import", roster, "--school", SCHOOL, "--out", out)
    assert result.code == 2 and complaint in result.err
    assert store.get_account("zoe.lefevre-martin") is None


def test_an_unreadable_roster_is_refused(admin, write_roster, tmp_path, monkeypatch):
    roster = write_roster(ROSTER[:1])

    def denied(self):
        raise PermissionError(13, "Permission non accordée")

    monkeypatch.setattr(type(roster), "read_bytes", denied)
    result = admin("import", str(roster), "--school", SCHOOL, "--out", str(tmp_path / "a.pdf"))
    assert result.code == 2 and "impossible de lire" in result.err and "Permission" in result.err


def test_a_bad_school_code_is_refused(admin, write_roster, tmp_path):
    result = admin("import", str(write_roster(ROSTER[:1])), "--school", "lycee", "--out", str(tmp_path / "a.pdf"))
    assert result.code == 2 and "UAI" in result.err


def test_issue_recognises_a_person_already_issued(admin):
    arguments = [
        "issue",
        "--profile",
        "parent",
        "--last-name",
        "Martin",
        "--first-name",
        "Zoé",
        "--birth-date",
        "2015-03-01",
        "--school",
        SCHOOL,
    ]
    assert admin(*arguments).code == 0
    result = admin(*[value.upper() if value == "Martin" else value for value in arguments])
    assert result.code == 2
    assert "déjà un compte" in result.err and "ent-admin reissue zoe.martin" in result.err


def test_a_help_address_too_long_for_the_letter_is_refused_before_anything_is_created(
    admin, write_roster, tmp_path, store, monkeypatch
):
    monkeypatch.setenv("ENT_PUBLIC_URL", "https://aide.ent.example.fr/" + "tres/long/" * 60)
    result = admin("import", str(write_roster(ROSTER[:1])), "--school", SCHOOL, "--out", str(tmp_path / "a.pdf"))
    assert result.code == 2 and "trop longue" in result.err
    assert store.get_account("zoe.lefevre-martin") is None


def test_letters_that_cannot_be_written_name_the_accounts_to_reissue(admin, write_roster, tmp_path, monkeypatch):
    from secretariat import output

    def full_disk(*_):
        raise OSError(28, "Plus d'espace disponible sur le périphérique")

    monkeypatch.setattr(output, "letters_pdf", full_disk)
    monkeypatch.setattr(output, "_check_layout", lambda help_url: None)
    result = admin("import", str(write_roster(ROSTER[:2])), "--school", SCHOOL, "--out", str(tmp_path / "a.pdf"))
    assert result.code == 2
    assert "Plus d'espace" in result.err and "ent-admin reissue : zoe.lefevre-martin, aissatou.ndiaye" in result.err
    assert not (tmp_path / "a.pdf.partial").exists()
