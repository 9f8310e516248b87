"""`ent-admin import`: a school's roster becomes accounts and their printable letters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from functions.core.accounts import IssuedAccount, PersonAlreadyIssued, issue_account
from functions.core.clock import paris_day
from functions.core.errors import InvalidInput
from functions.core.follow_up import record
from functions.core.letters import letter_for, refuse_undrawable
from functions.core.roster import Person, Refusal, Roster, read_roster
from functions.core.store import Store
from functions.core.uai import validate_uai
from secretariat.output import FileProblem, check_writable, printable, read_input, write_letters


@dataclass
class ImportReport:
    roster: Roster
    created: list[tuple[Person, IssuedAccount]] = field(default_factory=list)
    existing: list[tuple[Person, str]] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    imported: bool = False  # False: faulty lines and no --skip-invalid, nothing written

    def as_dict(self, letters: str) -> dict[str, object]:
        return {
            "imported": self.imported,
            "encoding": self.roster.encoding,
            "created": [
                {
                    "line": person.line,
                    "identifier": issued.account.identifier,
                    "name": person.display_name,
                    "profile": person.profile.value,
                    "activation_deadline": issued.account.activation_deadline.isoformat(),
                }
                for person, issued in self.created
            ],
            "existing": [
                {
                    "line": person.line,
                    "identifier": identifier,
                    "name": person.display_name,
                    "profile": person.profile.value,
                }
                for person, identifier in self.existing
            ],
            "refused": [{"line": refusal.line, "reason": refusal.reason} for refusal in self.refused],
            "letters": letters if self.created else None,
        }


def import_roster(
    store: Store,
    path: str,
    *,
    school: str,
    out: str,
    now: datetime,
    operator: str,
    help_url: str,
    skip_invalid: bool = False,
) -> ImportReport:
    """Check every line; unless all are right (or skip_invalid), import nothing. Then issue and print."""
    school = validate_uai(school)
    data = read_input(path)
    check_writable(out, help_url)
    roster = read_roster(data, paris_day(now))
    refuse_undrawable(roster)
    report = ImportReport(roster=roster, refused=list(roster.refusals))
    if (roster.refusals and not skip_invalid) or not roster.people:
        return report
    report.imported = True
    try:
        for person in roster.people:
            try:
                issued = issue_account(
                    store,
                    profile=person.profile,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    birth_date=person.birth_date,
                    school=school,
                    now=now,
                    once_per_person=True,
                    classe=person.classe,
                )
            except PersonAlreadyIssued as known:
                report.existing.append((person, known.identifier))
                continue
            except InvalidInput as error:
                report.refused.append(Refusal(person.line, error.message))
                continue
            report.created.append((person, issued))
            record(store, issued.account.identifier, "issued", now, operator, detail=f"roster line {person.line}")
    finally:
        # Even if AWS fails midway, the accounts made so far get their letters.
        if report.created:
            school_name = store.school_name(school)
            letters = [letter_for(issued, paris_day(now), school_name) for _, issued in report.created]
            try:
                write_letters(out, letters, help_url)
            except FileProblem as problem:
                created = ", ".join(issued.account.identifier for _, issued in report.created)
                raise FileProblem(
                    f"{problem.message}. Comptes créés sans lettre, à refaire avec ent-admin reissue : {created}"
                ) from None
    report.refused.sort(key=lambda refusal: refusal.line)
    return report


def describe(report: ImportReport, out: str) -> str:
    """Return the French account of an import, line by line, then the totals; the data through `printable`."""
    lines = [f"Fichier lu en {'UTF-8' if report.roster.encoding == 'utf-8' else 'Windows-1252'}."]
    if report.refused:
        lines.append(f"Lignes refusées ({len(report.refused)}) :")
        lines += [f"  ligne {refusal.line} : {printable(refusal.reason)}" for refusal in report.refused]
    if not report.imported:
        if report.roster.people and report.roster.refusals:
            lines.append(
                "Rien n'a été importé : corrigez ces lignes et relancez, ou ajoutez --skip-invalid "
                f"pour importer les {len(report.roster.people)} lignes valides."
            )
        else:
            lines.append("Rien n'a été importé : aucune ligne valide.")
        return "\n".join(lines)
    for person, issued in report.created:
        lines.append(
            f"  ligne {person.line} : créé        {issued.account.identifier:<28} {printable(person.display_name)} ({person.profile.value})"
        )
    for person, identifier in report.existing:
        lines.append(
            f"  ligne {person.line} : déjà présent {identifier:<28} {printable(person.display_name)} ({person.profile.value})"
            " - garde son mot de passe, pas de nouvelle lettre"
        )
    lines.append(
        f"Créés : {len(report.created)} - déjà présents : {len(report.existing)} - refusés : {len(report.refused)}"
    )
    if report.created:
        lines.append(f"Lettres à imprimer ({len(report.created)} pages) : {out}")
    else:
        lines.append("Aucune lettre à imprimer : aucun compte créé.")
    if report.existing:
        lines.append(
            "Pour une nouvelle lettre à une personne déjà présente : ent-admin reissue IDENTIFIANT --out lettre.pdf"
        )
    return "\n".join(lines)
