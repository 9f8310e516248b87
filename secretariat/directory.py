"""`ent-admin directory import schools.csv`: a region's list of schools into the school directory.

The file: `uai;nom;adresse;telephone;horaires;courriel` (a header, then a school per line; every
column but `uai` and `nom` may be empty), UTF-8 or Windows-1252 as spreadsheets save it. Every line
is checked (UAI with its key letter, each field as the console checks it) and every fault reported
with its number; nothing is written unless every line is right.
"""

from __future__ import annotations

import argparse
import csv
import sys
from typing import Any

from functions.core.directory import SchoolEntry, entry_from_fields
from functions.core.errors import InvalidInput
from functions.core.text import fold
from functions.core.uai import validate_uai

COLUMNS = {
    "uai": "uai",
    "nom": "name",
    "adresse": "address",
    "telephone": "phone",
    "horaires": "hours",
    "courriel": "contact_email",
}


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_directory(data: bytes, *, now: Any, by: str) -> tuple[list[SchoolEntry], list[tuple[int, str]]]:
    """Return the schools of the file and, line by line, why the others are refused."""
    lines = _decode(data).splitlines()
    rows = list(csv.reader(lines, delimiter=";"))
    if not rows:
        return [], [(1, "fichier vide")]
    header = [fold(name.strip()).replace(" ", "_") for name in rows[0]]
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown or "uai" not in header or "nom" not in header:
        expected = ";".join(COLUMNS)
        return [], [(1, f"en-tête attendu : {expected} (colonnes inconnues : {', '.join(unknown) or 'aucune'})")]
    entries, refusals, seen = [], [], set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {COLUMNS[name]: cell for name, cell in zip(header, row, strict=False) if name}
        try:
            uai = validate_uai(values.pop("uai", ""))
            if uai in seen:
                raise InvalidInput(f"l'établissement {uai} figure déjà plus haut dans le fichier")
            entries.append(entry_from_fields(uai, dict(values), now=now, by=by))
            seen.add(uai)
        except InvalidInput as error:
            refusals.append((number, error.message))
    return entries, refusals


def run_directory_import(arguments: argparse.Namespace, context: Any) -> int:
    from secretariat.output import printable, read_input

    entries, refusals = read_directory(read_input(arguments.file), now=context.now, by=context.actor)
    for number, reason in refusals:
        print(f"ligne {number} : {printable(reason)}", file=sys.stderr)
    if refusals:
        print("Rien n'a été importé : corrigez ces lignes et relancez.", file=sys.stderr)
        return 2
    for entry in entries:
        context.store.put_school_entry(entry)
    print(
        f"Annuaire : {len(entries)} établissement{'s' if len(entries) > 1 else ''} enregistré{'s' if len(entries) > 1 else ''}."
    )
    return 0


def add_directory_commands(subcommands: Any, parser_class: type[argparse.ArgumentParser], common: Any) -> None:
    """`ent-admin directory import FICHIER`."""
    directory = subcommands.add_parser(
        "directory",
        help="l'annuaire des établissements (nom, adresse, téléphone, horaires, contact), lu par les familles",
        description="l'annuaire des établissements (nom, adresse, téléphone, horaires, contact), lu par les familles",
    )
    actions = directory.add_subparsers(dest="action", required=True, parser_class=parser_class)
    load = actions.add_parser(
        "import",
        help="charger la liste des établissements d'une région (CSV uai;nom;adresse;telephone;horaires;courriel)",
        description="charger la liste des établissements d'une région (CSV uai;nom;adresse;telephone;horaires;courriel)",
        parents=[common],
    )
    load.set_defaults(run=run_directory_import)
    load.add_argument("file", metavar="FICHIER", help="le fichier CSV, « ; » entre les colonnes")
