"""What the secretariat reads: one account, a school's accounts, a sweep, the pages' feedback."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime

from functions.core.clock import PARIS
from functions.core.follow_up import STATE_LABELS
from functions.core.inert import csv_text, printable
from functions.core.lifecycle import AccountState
from functions.core.model import Account, AuditEvent, Feedback, SchoolAccount
from functions.core.school_accounts import CSV_HEADER, WAITING, csv_row, follow_up_order
from functions.core.school_accounts import consecutive_failures as _failures
from functions.core.school_accounts import masked as masked
from functions.core.school_accounts import running_lock as _lock
from functions.core.throttling import GuessState
from functions.sweep.flow import SweepReport


def paris_time(moment: datetime) -> str:
    return f"{moment.astimezone(PARIS):%d/%m/%Y %H:%M}"


def account_as_dict(
    account: Account, events: list[AuditEvent], now: datetime, guesses: Mapping[str, GuessState] | None = None
) -> dict[str, object]:
    guesses = guesses or {}
    lock = _lock(guesses, now)
    return {
        "identifier": account.identifier,
        "state": account.state.value,
        "profile": account.profile.value,
        "school": account.school,
        "display_name": account.display_name,
        "classe": account.classe,
        "issued_at": account.issued_at.isoformat(),
        "activation_deadline": account.activation_deadline.isoformat(),
        "deletion_date": account.deletion_date.isoformat(),
        "activated_at": account.activated_at.isoformat() if account.activated_at else None,
        "email_verified": account.email is not None,
        "email": masked(account.email),
        "pending_email": masked(account.pending_email),
        "locked_until": lock.isoformat() if lock else None,
        "consecutive_failures": _failures(guesses),
        "events": [
            {"at": event.at.isoformat(), "action": event.action, "detail": event.detail, "source_ip": event.source_ip}
            for event in events
        ],
    }


def describe_account(
    account: Account,
    events: list[AuditEvent],
    now: datetime,
    today: date,
    guesses: Mapping[str, GuessState] | None = None,
) -> str:
    """Return one account for a terminal: every field from the data through `printable`."""
    guesses = guesses or {}
    lock = _lock(guesses, now)
    identifier = printable(account.identifier)
    lines = [
        f"Compte {identifier}",
        f"  Nom :                 {printable(account.display_name)}",
        f"  Profil :              {account.profile.value}",
        f"  Établissement :       {printable(account.school)}",
        f"  Classe :              {printable(account.classe or 'non indiquée')}",
        f"  État :                {STATE_LABELS[account.state]} ({account.state.value})",
        f"  Délivré le :          {paris_time(account.issued_at)}",
    ]
    if account.state in WAITING:
        left = (account.activation_deadline - today).days
        lines.append(f"  À activer avant le :  {account.activation_deadline:%d/%m/%Y} inclus ({_days(left)})")
    if account.state != AccountState.ACTIVE:
        lines.append(f"  Supprimé après le :   {account.deletion_date:%d/%m/%Y} s'il n'est pas activé")
    if account.activated_at:
        lines.append(f"  Activé le :           {paris_time(account.activated_at)}")
    lines.append(f"  Adresse vérifiée :    {printable(masked(account.email) or 'aucune')}")
    if account.pending_email:
        lines.append(f"  Adresse à confirmer : {printable(masked(account.pending_email))}")
    if lock:
        lines.append(f"  Blocage :             bloqué jusqu'au {paris_time(lock)} (ent-admin unlock {identifier})")
    else:
        failures = _failures(guesses)
        lines.append(f"  Blocage :             aucun ({failures} essai(s) incorrect(s) de suite)")
    lines.append(f"Derniers événements ({len(events)}) :" if events else "Aucun événement enregistré.")
    for event in events:
        extra = " ".join(part for part in (event.detail, event.source_ip and f"ip={event.source_ip}") if part)
        lines.append(f"  {paris_time(event.at)}  {printable(event.action):<26} {printable(extra)}".rstrip())
    return "\n".join(lines)


def _days(left: int) -> str:
    if left < 0:
        return "dépassé"
    return "dernier jour" if left == 0 else f"encore {left} jour{'s' if left > 1 else ''}"


def school_status(rows: list[SchoolAccount], school: str, today: date) -> str:
    """Return a school's accounts for a terminal, those to follow up first; names through `printable`."""
    rows = sorted(rows, key=follow_up_order)
    if not rows:
        return f"Aucun compte pour l'établissement {school}."
    counts: defaultdict[AccountState, int] = defaultdict(int)
    lines = [f"Comptes de l'établissement {school} ({len(rows)}) :"]
    lines.append(f"  {'identifiant':<28} {'nom':<30} {'profil':<7} {'état':<40} à activer avant le")
    for row in rows:
        counts[row.state] += 1
        deadline = ""
        if row.state in WAITING:
            deadline = f"{row.activation_deadline:%d/%m/%Y} ({_days((row.activation_deadline - today).days)})"
        name = printable(f"{row.first_name} {row.last_name}")
        lines.append(
            f"  {printable(row.identifier):<28} {name[:30]:<30} {row.profile.value:<7} {STATE_LABELS[row.state]:<40} {deadline}".rstrip()
        )
    lines.append(
        "Total : " + ", ".join(f"{STATE_LABELS[state]} : {counts[state]}" for state in AccountState if counts[state])
    )
    return "\n".join(lines)


def school_status_csv(rows: list[SchoolAccount]) -> str:
    """Return the list as a ';' CSV for a spreadsheet (`csv_text`: no cell can be a formula)."""
    return csv_text([CSV_HEADER, *(csv_row(row) for row in sorted(rows, key=follow_up_order))])


def describe_sweep(report: SweepReport) -> str:
    would = "seraient " if report.dry_run else ""
    lines = [
        f"Balayage du {report.today:%d/%m/%Y}" + (" (essai à blanc : rien n'a été modifié)" if report.dry_run else "")
    ]
    for label, identifiers in (
        ("rappelés par courriel" if not report.dry_run else "rappelés", report.reminded),
        ("désactivés", report.deactivated),
        ("supprimés", report.deleted),
    ):
        lines.append(f"  {would}{label} ({len(identifiers)}) : {printable(', '.join(identifiers)) or '-'}")
    if report.failed:
        lines.append(
            f"  échecs ({len(report.failed)}) : "
            + printable(", ".join(f"{identifier} ({error})" for identifier, error in sorted(report.failed.items())))
        )
    if not report.finished:
        lines.append("  interrompu faute de temps : relancez la commande pour finir.")
    if not report.days_read and not report.dry_run:
        lines.append("  Ce jour avait déjà été balayé : rien de plus à faire.")
    return "\n".join(lines)


def feedback_by_page(answers: list[Feedback]) -> dict[str, dict[str, object]]:
    pages: dict[str, dict[str, object]] = {}
    for answer in sorted(answers, key=lambda item: (item.page, item.at)):
        page = pages.setdefault(answer.page, {"yes": 0, "no": 0, "comments": []})
        page["yes" if answer.helpful else "no"] += 1  # type: ignore[operator]
        if answer.comment:
            page["comments"].append({"at": answer.at.isoformat(), "helpful": answer.helpful, "comment": answer.comment})  # type: ignore[attr-defined]
    return pages


def describe_feedback(answers: list[Feedback]) -> str:
    pages = feedback_by_page(answers)
    if not pages:
        return "Aucun avis enregistré."
    lines = [f"Avis sur les pages d'aide ({len(answers)} réponses) :"]
    for path, page in pages.items():
        yes, no = page["yes"], page["no"]
        share = round(100 * yes / (yes + no))  # type: ignore[operator]
        lines.append(f"{printable(path)}  utile : oui {yes} / non {no} ({share} % de oui)")
        for comment in page["comments"]:  # type: ignore[attr-defined]
            when = paris_time(datetime.fromisoformat(comment["at"]))
            lines.append(f"    {when} [{'oui' if comment['helpful'] else 'non'}] {printable(comment['comment'])}")
    return "\n".join(lines)


def describe_school_counts(counts: dict[str, int]) -> str | None:
    """Return what the sweep did to the school since the service opened, or None if nothing yet.

    From its per-school counters (`Store.school_counts`), which outlive the deleted accounts.
    """
    deactivated = counts.get("deactivated_unactivated", 0)
    deleted = counts.get("deleted_unactivated", 0)
    if not deactivated and not deleted:
        return None
    return (
        f"Depuis l'ouverture : {deactivated} {_plural(deactivated, 'compte désactivé', 'comptes désactivés')} "
        f"faute d'activation, {deleted} {_plural(deleted, 'supprimé', 'supprimés')}."
    )


def _plural(count: int, one: str, many: str) -> str:
    return many if count > 1 else one  # French: 0 and 1 take the singular
