"""`ent-admin directory import schools.csv`: a region's schools into the directory, all lines right or none."""

from __future__ import annotations

HEADER = "uai;nom;adresse;telephone;horaires;courriel"


def write(tmp_path, lines: list[str], encoding: str = "utf-8"):
    path = tmp_path / "etablissements.csv"
    path.write_bytes("\r\n".join([HEADER, *lines]).encode(encoding))
    return str(path)


def test_a_regions_list_fills_the_directory(admin, store, tmp_path):
    path = write(
        tmp_path,
        [
            "0750654D;Collège Victor Hugo;12 rue des Écoles, 75005 Paris;01 23 45 67 89;8 h 30 - 17 h;secretariat@ac-exemple.fr",
            "0750655E;Lycée Condorcet;;;;",
        ],
        encoding="cp1252",
    )

    result = admin("directory", "import", path)

    assert result.code == 0 and "2 établissements" in result.out
    entry = store.school_entry("0750654D")
    assert (
        entry.name == "Collège Victor Hugo"
        and entry.phone == "01 23 45 67 89"
        and entry.updated_by.startswith("arn:aws:sts::")
    )  # the caller's IAM identity
    assert store.school_name("0750655E") == "Lycée Condorcet"


def test_one_bad_line_imports_nothing_and_names_every_fault(admin, store, tmp_path):
    path = write(
        tmp_path,
        ["0750654D;Collège Victor Hugo;;;;", "0751234A;Collège Faux;;;;", "0750655E;;;;;", "0750656F;Lycée;;appelez;;"],
    )

    result = admin("directory", "import", path)

    assert result.code == 2
    assert "ligne 3" in result.err and "lettre-clé" in result.err
    assert "ligne 4" in result.err and "ligne 5" in result.err and "ligne 2" not in result.err
    assert store.school_entry("0750654D") is None


def test_a_wrong_header_is_refused(admin, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text("code;intitule\n0750654D;Collège\n", encoding="utf-8")

    result = admin("directory", "import", str(path))

    assert result.code == 2 and "en-tête attendu" in result.err
