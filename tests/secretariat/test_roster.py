"""Reading a school's roster: encodings, names as schools write them, and every bad line reported."""

from __future__ import annotations

from datetime import date

import pytest

from functions.core.lifecycle import Profile
from functions.core.roster import read_roster

TODAY = date(2026, 11, 30)
HEADER = "nom;prenom;profil;date_naissance;classe"


def roster_bytes(lines: list[str], encoding: str = "utf-8", header: str = HEADER) -> bytes:
    return "\r\n".join([header, *lines, ""]).encode(encoding)


def test_names_keep_their_accents_hyphens_and_apostrophes():
    roster = read_roster(
        roster_bytes(
            [
                "Lefèvre-Martin;Zoé;parent;01/03/2015;6e B",
                "N'Diaye;Aïssatou;eleve;23/04/2012;",
                "d'Œuvre ;  Jean  Noël ;Élève;05/06/2011",
            ]
        ),
        TODAY,
    )
    assert roster.refusals == []
    assert [(p.line, p.last_name, p.first_name, p.profile, p.birth_date, p.classe) for p in roster.people] == [
        (2, "Lefèvre-Martin", "Zoé", Profile.PARENT, date(2015, 3, 1), "6e B"),
        (3, "N'Diaye", "Aïssatou", Profile.ELEVE, date(2012, 4, 23), None),
        (4, "d'Œuvre", "Jean Noël", Profile.ELEVE, date(2011, 6, 5), None),
    ]


def test_a_windows_1252_file_is_read_as_such():
    roster = read_roster(
        roster_bytes(["Lefèvre;Zoé;parent;01/03/2015;6e B", "Cœur;Chloé;parent;02/03/2015;"], "cp1252"), TODAY
    )
    assert roster.encoding == "cp1252" and roster.refusals == []
    assert [p.display_name for p in roster.people] == ["Zoé Lefèvre", "Chloé Cœur"]


def test_a_byte_order_mark_is_not_part_of_the_header():
    roster = read_roster(b"\xef\xbb\xbf" + roster_bytes(["Lefèvre;Zoé;parent;01/03/2015;"]), TODAY)
    assert roster.refusals == [] and roster.people[0].last_name == "Lefèvre"


def test_header_names_may_be_written_as_people_write_them():
    roster = read_roster(
        roster_bytes(["6e A;01/03/2015;Zoé;Martin;parent"], header="Classe;Date de naissance;Prénom;NOM;Profil"), TODAY
    )
    assert roster.refusals == []
    assert (roster.people[0].first_name, roster.people[0].classe) == ("Zoé", "6e A")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (";Zoé;parent;01/03/2015;", "nom manquant"),
        ("Martin;;parent;01/03/2015;", "prénom manquant"),
        ("Martin;Zoé", "profil manquant ; date de naissance manquante"),
        ("Martin;Zoé;prof;01/03/2015;", "profil « prof » inconnu (parent ou eleve)"),
        ("Martin;Zoé;parent;31/02/2015;", "date de naissance « 31/02/2015 » impossible : Cette date n'existe pas"),
        ("Martin;Zoé;parent;2015/03/01;", "JJ/MM/AAAA"),
        ("Martin;Zoé;parent;01/03/2031;", "dans le futur"),
        ("Martin;Zoé;parent;01/03/2015;6e B;Paris", "6 champs au lieu de 5"),
        ("1234;Zoé;parent;01/03/2015;", "nom « 1234 » sans aucune lettre"),
    ],
)
def test_each_bad_line_is_refused_with_its_reason(line, reason):
    roster = read_roster(roster_bytes(["Durand;Léa;parent;02/03/2015;", line]), TODAY)
    [refusal] = roster.refusals
    assert refusal.line == 3 and reason in refusal.reason
    assert [person.first_name for person in roster.people] == ["Léa"]


def test_every_bad_line_is_reported_not_just_the_first():
    roster = read_roster(
        roster_bytes(
            [
                "Durand;Léa;parent;02/03/2015;",
                "Martin;Zoé;prof;01/03/2015;",
                "",
                "Petit;Tom;eleve;30/02/2012;",
                "Roux;;parent;;",
            ]
        ),
        TODAY,
    )
    assert [(refusal.line, refusal.reason) for refusal in roster.refusals] == [
        (3, "profil « prof » inconnu (parent ou eleve)"),
        (5, "date de naissance « 30/02/2012 » impossible : Cette date n'existe pas dans le calendrier."),
        (6, "prénom manquant ; date de naissance manquante"),
    ]
    assert len(roster.people) == 1


def test_an_undecodable_line_is_reported_with_its_number():
    data = roster_bytes(["Lefèvre;Zoé;parent;01/03/2015;"], "cp1252") + b"Martin;Z\x81e;parent;01/03/2015;\r\n"
    roster = read_roster(data, TODAY)
    [refusal] = roster.refusals
    assert refusal.line == 3 and "illisible" in refusal.reason


def test_a_stray_latin_1_line_in_a_utf8_file_is_reported_not_misread():
    data = roster_bytes(
        ["Lefèvre;Zoé;parent;01/03/2015;", "Gaël;Noé;eleve;01/03/2012;"]
    ) + "Hélène;Léa;parent;01/03/2015;\n".encode("cp1252")
    roster = read_roster(data, TODAY)
    assert roster.encoding == "utf-8"
    assert [(refusal.line, "illisible" in refusal.reason) for refusal in roster.refusals] == [(4, True)]


@pytest.mark.parametrize(
    ("header", "complaint"),
    [
        ("nom;prenom;date_naissance", "colonne manquante : profil"),
        ("nom;prenom;profil;date_naissance;adresse", "colonne inconnue : « adresse »"),
        ("nom,prenom,profil,date_naissance", "séparées par des « ; »"),
        ("Martin;Zoé;parent;01/03/2015;", "en-tête attendu : nom;prenom;profil;date_naissance;classe"),
    ],
)
def test_a_bad_header_is_reported_on_line_1(header, complaint):
    roster = read_roster(roster_bytes(["Martin;Zoé;parent;01/03/2015;"], header=header), TODAY)
    [refusal] = roster.refusals
    assert refusal.line == 1 and complaint in refusal.reason and roster.people == []


def test_an_empty_or_utf16_file_says_so():
    assert "vide" in read_roster(b"\r\n\r\n", TODAY).refusals[0].reason
    assert "UTF-16" in read_roster(HEADER.encode("utf-16"), TODAY).refusals[0].reason
