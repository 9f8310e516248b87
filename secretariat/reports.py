"""What the secretariat reads: one account, a school's accounts, a sweep, the pages' feedback."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import defaultdict
from datetime import date, datetime

from functions.core.clock import PARIS
from functions.core.emails import mask_email
from functions.core.lifecycle import AccountState
from functions.core.model import Account, AuditEvent, Feedback, SchoolAccount
from functions.sweep.flow import SweepReport
from secretariat.follow_up import STATE_LABELS

WAITING = (AccountState.ISSUED, AccountState.PENDING_CONFIRMATION)


def masked(address: str | None) -> str | None:
    """Return f***@example.fr for famille@example.fr (plain ASCII for any terminal)."""
    return mask_email(address, filler="***") if address else None


def printable(text: str) -> str:
    """Return `text` with control characters shown as \ufffd: typed by the public, read in a terminal."""
    return "".join("\ufffd" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)


def paris_time(moment: datetime) -> str:
    return f"{moment.astimezone(PARIS):%d/%m/%Y %H:%M}"


def _lock(account: Account, now: datetime) -> datetime | None:
    until = account.guesses.locked_until
    return until if until and until > now else None


def account_as_dict(account: Account, events: list[AuditEvent], now: datetime) -> dict[str, object]:
    lock = _lock(account, now)
    return {
        "identifier": account.identifier,
        "state": account.state.value,
        "profile": account.profile.value,
        "school": account.school,
        "display_name": account.display_name,
        "issued_at": account.issued_at.isoformat(),
        "activation_deadline": account.activation_deadline.isoformat(),
        "deletion_date": account.deletion_date.isoformat(),
        "activated_at": account.activated_at.isoformat() if account.activated_at else None,
        "email_verified": account.email is not None,
        "email": masked(account.email),
        "pending_email": masked(account.pending_email),
        "locked_until": lock.isoformat() if lock else None,
        "consecutive_failures": account.guesses.consecutive_failures,
        "events": [
            {"at": event.at.isoformat(), "action": event.action, "detail": event.detail, "source_ip": event.source_ip}
            for event in events
        ],
    }


def describe_account(account: Account, events: list[AuditEvent], now: datetime, today: date) -> str:
    lock = _lock(account, now)
    lines = [
        f"Compte {account.identifier}",
        f"  Nom :                 {account.display_name}",
        f"  Profil :              {account.profile.value}",
        f"  Établissement :       {account.school}",
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
    lines.append(f"  Adresse vérifiée :    {masked(account.email) or 'aucune'}")
    if account.pending_email:
        lines.append(f"  Adresse à confirmer : {masked(account.pending_email)}")
    if lock:
        lines.append(
            f"  Blocage :             bloqué jusqu'au {paris_time(lock)} (ent-admin unlock {account.identifier})"
        )
    else:
        failures = account.guesses.consecutive_failures
        lines.append(f"  Blocage :             aucun ({failures} essai(s) incorrect(s) de suite)")
    lines.append(f"Derniers événements ({len(events)}) :" if events else "Aucun événement enregistré.")
    for event in events:
        extra = " ".join(part for part in (event.detail, event.source_ip and f"ip={event.source_ip}") if part)
        lines.append(f"  {paris_time(event.at)}  {event.action:<26} {printable(extra)}".rstrip())
    return "\n".join(lines)


def _days(left: int) -> str:
    if left < 0:
        return "dépassé"
    return "dernier jour" if left == 0 else f"encore {left} jour{'s' if left > 1 else ''}"


def _follow_up_order(row: SchoolAccount) -> tuple[int, date, str]:
    # Families still to activate first, the most urgent on top; then the deactivated; then the active.
    rank = 0 if row.state in WAITING else 1 if row.state == AccountState.DEACTIVATED else 2
    return rank, row.activation_deadline, row.identifier


def school_status(rows: list[SchoolAccount], school: str, today: date) -> str:
    rows = sorted(rows, key=_follow_up_order)
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
        name = f"{row.first_name} {row.last_name}"
        lines.append(
            f"  {row.identifier:<28} {name[:30]:<30} {row.profile.value:<7} {STATE_LABELS[row.state]:<40} {deadline}".rstrip()
        )
    lines.append(
        "Total : " + ", ".join(f"{STATE_LABELS[state]} : {counts[state]}" for state in AccountState if counts[state])
    )
    return "\n".join(lines)


def school_status_csv(rows: list[SchoolAccount]) -> str:
    """Return the list as a ';' CSV that Excel opens with its accents (UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        ["identifiant", "nom", "prenom", "profil", "etat", "etat_libelle", "date_limite_activation", "date_suppression"]
    )
    for row in sorted(rows, key=_follow_up_order):
        waiting = row.state in WAITING
        writer.writerow(
            [
                row.identifier,
                row.last_name,
                row.first_name,
                row.profile.value,
                row.state.value,
                STATE_LABELS[row.state],
                f"{row.activation_deadline:%d/%m/%Y}" if waiting else "",
                f"{row.deletion_date:%d/%m/%Y}" if row.state != AccountState.ACTIVE else "",
            ]
        )
    return "\ufeff" + buffer.getvalue()


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
        lines.append(f"  {would}{label} ({len(identifiers)}) : {', '.join(identifiers) or '-'}")
    if report.failed:
        lines.append(
            f"  échecs ({len(report.failed)}) : "
            + ", ".join(f"{identifier} ({error})" for identifier, error in sorted(report.failed.items()))
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
        lines.append(f"{path}  utile : oui {yes} / non {no} ({share} % de oui)")
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
