"""The roster a school exports: `nom;prenom;profil;date_naissance;classe`, checked line by line.

UTF-8 (with or without BOM) or Windows-1252, as spreadsheets save it. Every line is checked and
every fault reported with its line number, before anything is imported.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from functions.core.accounts import MAX_CLASS_LENGTH, MAX_NAME_LENGTH
from functions.core.dates import parse_date
from functions.core.errors import InvalidInput
from functions.core.lifecycle import Profile
from functions.core.names import UnreadableName, check_name
from functions.core.text import fold

COLUMNS = ("nom", "prenom", "profil", "date_naissance", "classe")
REQUIRED = COLUMNS[:4]
LABELS = {
    "nom": "nom",
    "prenom": "prénom",
    "profil": "profil",
    "date_naissance": "date de naissance",
    "classe": "classe",
}
FIELDS = {"nom": "last_name", "prenom": "first_name", "classe": "classe"}
ALIASES = {"date_de_naissance": "date_naissance", "profile": "profil"}
PROFILES = {"parent": Profile.PARENT, "eleve": Profile.ELEVE}


@dataclass(frozen=True)
class Person:
    line: int
    last_name: str
    first_name: str
    profile: Profile
    birth_date: date
    classe: str | None = None

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Refusal:
    line: int
    reason: str


@dataclass
class Roster:
    people: list[Person] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    encoding: str = "utf-8"


def _fold(text: str) -> str:
    """Fold a column name or profile as the roster's aliases are written (« Prénom » → « prenom »)."""
    return fold(text.strip()).replace(" ", "_").replace("-", "_")


def _decode(raw_lines: list[bytes]) -> tuple[list[str | None], str]:
    """Decode each line; None for a line that the file's encoding cannot read."""
    if raw_lines and raw_lines[0].startswith(b"\xef\xbb\xbf"):
        raw_lines = [raw_lines[0][3:], *raw_lines[1:]]
        encoding = "utf-8"
    else:
        non_ascii = [line for line in raw_lines if not line.isascii()]
        readable = sum(1 for line in non_ascii if _try(line, "utf-8") is not None)
        # A spreadsheet saves one encoding: the one most non-ASCII lines read in.
        encoding = "utf-8" if readable * 2 >= len(non_ascii) else "cp1252"
    return [_try(line, encoding) for line in raw_lines], encoding


def _try(line: bytes, encoding: str) -> str | None:
    try:
        text = line.decode(encoding)
    except UnicodeDecodeError:
        return None
    return None if any(unicodedata.category(ch) == "Cc" and ch != "\t" for ch in text) else text


def _header(text: str | None) -> tuple[list[str] | None, str | None]:
    if text is None:
        return None, "en-tête illisible (encodage inconnu)"
    names = [ALIASES.get(_fold(name), _fold(name)) for name in next(csv.reader([text], delimiter=";"))]
    while names and not names[-1]:
        names.pop()  # a spreadsheet's trailing ";"
    expected = "en-tête attendu : nom;prenom;profil;date_naissance;classe (classe facultative)"
    unknown = [name for name in names if name not in COLUMNS]
    missing = [LABELS[name] for name in REQUIRED if name not in names]
    if unknown or missing or len(set(names)) != len(names):
        problems = []
        if missing:
            problems.append("colonne manquante : " + ", ".join(missing))
        if unknown:
            problems.append("colonne inconnue : " + ", ".join(f"« {name} »" for name in unknown))
        if len(set(names)) != len(names):
            problems.append("colonne en double")
        hint = "" if ";" in text else " (les colonnes doivent être séparées par des « ; »)"
        return None, f"{' ; '.join(problems)}{hint} - {expected}"
    return names, None


def _hidden(value: str, column: str, reasons: list[str]) -> bool:
    """Refuse, as issuing does, a character that hides, reorders or breaks what is printed."""
    try:
        check_name(value, FIELDS[column], LABELS[column])
    except UnreadableName as error:
        reasons.append(
            f"{LABELS[column]} avec un caractère invisible ou de contrôle ({error.code_point}) : "
            "retapez-le au clavier, sans copier-coller"
        )
        return True
    return False


def _name(value: str, column: str, reasons: list[str]) -> str:
    name = " ".join(value.split())
    if _hidden(value, column, reasons):
        return name
    if not name:
        reasons.append(f"{LABELS[column]} manquant")
    elif len(name) > MAX_NAME_LENGTH:
        reasons.append(f"{LABELS[column]} trop long ({len(name)} caractères, {MAX_NAME_LENGTH} au plus)")
    elif not any(ch.isalpha() for ch in name):
        reasons.append(f"{LABELS[column]} « {name} » sans aucune lettre")
    return name


def _person(number: int, values: dict[str, str], today: date, reasons: list[str]) -> Person | None:
    last_name = _name(values.get("nom", ""), "nom", reasons)
    first_name = _name(values.get("prenom", ""), "prenom", reasons)
    profile_text = values.get("profil", "").strip()
    profile = PROFILES.get(_fold(profile_text))
    if not profile_text:
        reasons.append("profil manquant")
    elif profile is None:
        reasons.append(f"profil « {profile_text} » inconnu (parent ou eleve)")
    birth_text = values.get("date_naissance", "").strip()
    birth_date = None
    if not birth_text:
        reasons.append("date de naissance manquante")
    else:
        try:
            birth_date = parse_date(birth_text)
        except InvalidInput as error:
            reasons.append(f"date de naissance « {birth_text} » impossible : {error.message}")
        else:
            if birth_date > today:
                reasons.append(f"date de naissance « {birth_text} » dans le futur")
    classe = " ".join(values.get("classe", "").split()) or None
    if not _hidden(values.get("classe", ""), "classe", reasons) and classe and len(classe) > MAX_CLASS_LENGTH:
        reasons.append(f"classe trop longue ({MAX_CLASS_LENGTH} caractères au plus)")
    if reasons or profile is None or birth_date is None:
        return None
    return Person(number, last_name, first_name, profile, birth_date, classe)


def read_roster(data: bytes, today: date) -> Roster:
    """Return the roster's people and, line by line, why the others are refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Roster(
            refusals=[Refusal(1, "fichier en UTF-16 : enregistrez-le en « CSV UTF-8 » ou « CSV (point-virgule) »")]
        )
    texts, encoding = _decode([line.rstrip(b"\r") for line in data.split(b"\n")])
    roster = Roster(encoding=encoding)
    numbered = [(number, text) for number, text in enumerate(texts, start=1) if text is None or text.strip(" ;\t")]
    if not numbered:
        roster.refusals.append(Refusal(1, "fichier vide"))
        return roster
    (header_line, header_text), rows = numbered[0], numbered[1:]
    columns, fault = _header(header_text)
    if columns is None:
        roster.refusals.append(Refusal(header_line, fault or ""))
        return roster
    if not rows:
        roster.refusals.append(Refusal(header_line, "aucune ligne après l'en-tête"))
    for number, text in rows:
        if text is None:
            roster.refusals.append(
                Refusal(number, f"texte illisible : ni UTF-8 ni Windows-1252 (fichier lu en {encoding})")
            )
            continue
        fields = [value.strip() for value in next(csv.reader([text], delimiter=";"))]
        while len(fields) > len(columns) and not fields[-1]:
            fields.pop()
        reasons: list[str] = []
        if len(fields) > len(columns):
            reasons.append(f"{len(fields)} champs au lieu de {len(columns)} (un « ; » dans un nom ?)")
            person = None
        else:
            person = _person(number, dict(zip(columns, fields, strict=False)), today, reasons)
        if person is None:
            roster.refusals.append(Refusal(number, " ; ".join(reasons)))
        else:
            roster.people.append(person)
    return roster
