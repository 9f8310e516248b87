"""What each `ent-admin` command does, given its parsed arguments and a Context; returns the exit code."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import date, datetime, time

from functions.core.accounts import IssuedAccount, PersonAlreadyIssued, issue_account
from functions.core.clock import PARIS, paris_day
from functions.core.errors import DomainError
from functions.core.lifecycle import Profile
from functions.core.settings import Settings
from functions.core.store import Store

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class Context:
    """What every command gets: the table, the settings, the time, and who is typing."""

    store: Store
    settings: Settings
    now: datetime
    operator: str

    @property
    def today(self) -> date:
        return paris_day(self.now)


def _print_json(value: object) -> None:
    from secretariat.output import json_text

    print(json_text(value))


def run_issue(arguments: argparse.Namespace, context: Context) -> int:
    from functions.core.follow_up import record

    try:
        issued = issue_account(
            context.store,
            profile=Profile(arguments.profile),
            first_name=arguments.first_name,
            last_name=arguments.last_name,
            birth_date=arguments.birth_date,
            school=arguments.school,
            now=context.now,
            once_per_person=True,
            classe=arguments.classe,
        )
    except PersonAlreadyIssued as known:
        raise PersonAlreadyIssued(
            known.identifier,
            hint=(
                f"Elle garde son identifiant et son mot de passe ; pour une nouvelle lettre : ent-admin reissue {known.identifier} --out lettre.pdf"
            ),
        ) from None
    record(context.store, issued.account.identifier, "issued", context.now, context.operator)
    print(_issued_as_json(issued) if arguments.json else _issued_as_text(issued))
    return EXIT_OK


MAX_SCHOOL_NAME_LENGTH = 100


def run_school_set(arguments: argparse.Namespace, context: Context) -> int:
    """Name a school in the directory: Mon compte, the forgotten-identifier mail and the letters show it."""
    from functions.core.errors import InvalidInput
    from functions.core.names import hidden_character
    from functions.core.uai import validate_uai
    from secretariat.output import printable

    school = validate_uai(arguments.school)
    code_point = hidden_character(arguments.name)
    if code_point is not None:
        raise InvalidInput(
            f"Le nom contient un caractère invisible ou de contrôle ({code_point}) : retapez-le au clavier.",
            field="name",
        )
    name = " ".join(arguments.name.split())
    if not name or len(name) > MAX_SCHOOL_NAME_LENGTH:
        raise InvalidInput(
            f"Le nom de l'établissement doit compter 1 à {MAX_SCHOOL_NAME_LENGTH} caractères.", field="name"
        )
    context.store.set_school_name(school, name)
    print(f"Établissement {school} : « {printable(name)} »")
    return EXIT_OK


def _issued_as_json(issued: IssuedAccount) -> str:
    return json.dumps(
        {
            "identifier": issued.account.identifier,
            "initial_password": issued.initial_password,
            "activation_deadline": issued.account.activation_deadline.isoformat(),
            "deletion_date": issued.account.deletion_date.isoformat(),
        }
    )


def _issued_as_text(issued: IssuedAccount) -> str:
    from secretariat.output import printable

    account = issued.account
    return "\n".join(
        [
            f"Compte créé pour {printable(account.display_name)} ({account.profile.value}, {account.school})",
            f"  Identifiant :           {account.identifier}",
            f"  Mot de passe initial :  {issued.initial_password}",
            f"  À activer avant le :    {account.activation_deadline:%d/%m/%Y}",
            f"  Supprimé s'il n'est pas activé le : {account.deletion_date:%d/%m/%Y}",
        ]
    )


def run_import(arguments: argparse.Namespace, context: Context) -> int:
    from secretariat.importing import describe, import_roster

    report = import_roster(
        context.store,
        arguments.roster,
        school=arguments.school,
        out=arguments.out,
        now=context.now,
        operator=context.operator,
        help_url=context.settings.public_url,
        skip_invalid=arguments.skip_invalid,
    )
    if arguments.json:
        _print_json(report.as_dict(arguments.out))
    else:
        print(describe(report, arguments.out), file=sys.stdout if report.imported else sys.stderr)
    return EXIT_OK if report.imported else EXIT_USAGE


def _check_printable(store: Store, identifier: str) -> None:
    """Refuse, before anything changes, a letter that could not print the account's names as typed."""
    from functions.core.follow_up import find_account
    from functions.core.letters import undrawable_reason

    account = find_account(store, identifier)
    reason = undrawable_reason(account.first_name, account.last_name, account.classe)
    if reason:
        raise DomainError(f"lettre impossible pour {account.identifier}, rien n'a été modifié : {reason}")


def _renew(arguments: argparse.Namespace, context: Context, *, reactivate: bool) -> int:
    from functions.core.follow_up import STATE_LABELS, ConfirmationNeeded, WrongState, renew_credentials
    from functions.core.letters import letter_for
    from functions.core.lifecycle import AccountState
    from functions.core.mail import Mailer
    from secretariat.output import check_writable, printable, write_letters
    from secretariat.reports import masked

    check_writable(arguments.out, context.settings.public_url)
    _check_printable(context.store, arguments.identifier)
    try:
        issued, notice = renew_credentials(
            context.store,
            arguments.identifier,
            context.now,
            context.operator,
            reactivate=reactivate,
            confirm=getattr(arguments, "confirm", False),
            mailer=None if reactivate else Mailer.from_settings(context.settings),
            public_url=context.settings.public_url,
        )
    except WrongState as refused:
        state = STATE_LABELS[AccountState(refused.extra["state"])]
        raise WrongState(
            f"Le compte {arguments.identifier} n'est pas désactivé (état : {state}) : rien à réactiver. "
            f"Pour un nouveau mot de passe : ent-admin reissue {arguments.identifier}."
        ) from None
    except ConfirmationNeeded:
        raise ConfirmationNeeded(
            f"Le compte {arguments.identifier} est actif : la famille s'en sert avec son propre mot de passe. "
            "Une nouvelle lettre le lui retirerait : son mot de passe, ses sessions et ses liens ne "
            "fonctionneraient plus jusqu'à une nouvelle première connexion. Rien n'a été modifié. "
            "Si la famille l'a demandé (mot de passe et adresse perdus), relancez avec --confirm : "
            "elle en sera avertie à son adresse vérifiée."
        ) from None
    school_name = context.store.school_name(issued.account.school)
    write_letters(arguments.out, [letter_for(issued, context.today, school_name)], context.settings.public_url)
    account = issued.account
    done = "réactivé" if reactivate else "a un nouveau mot de passe provisoire"
    lines = [
        f"Le compte {account.identifier} ({printable(account.display_name)}) {done}.",
        "  L'ancien mot de passe, les sessions ouvertes et les liens envoyés par courriel ne fonctionnent plus.",
        f"  À activer avant le {account.activation_deadline:%d/%m/%Y} ; lettre à imprimer : {arguments.out}",
    ]
    address = printable(masked(account.email) or "")
    if notice == "notice_sent":
        lines.append(f"  La famille en a été avertie par courriel à son adresse vérifiée ({address}).")
    print("\n".join(lines))
    if notice == "notice_not_sent":
        print(
            f"ent-admin: attention : le courriel qui avertit la famille ({address}) n'a pas pu partir ; prévenez-la.",
            file=sys.stderr,
        )
    return EXIT_OK


def run_reissue(arguments: argparse.Namespace, context: Context) -> int:
    return _renew(arguments, context, reactivate=False)


def run_reactivate(arguments: argparse.Namespace, context: Context) -> int:
    return _renew(arguments, context, reactivate=True)


def run_unlock(arguments: argparse.Namespace, context: Context) -> int:
    from functions.core.follow_up import unlock
    from secretariat.reports import paris_time

    account, was_locked_until = unlock(context.store, arguments.identifier, context.now, context.operator)
    if was_locked_until:
        print(
            f"Compte {account.identifier} débloqué (il l'était jusqu'au {paris_time(was_locked_until)}) : la famille peut réessayer."
        )
    else:
        print(f"Le compte {account.identifier} n'était pas bloqué ; ses essais incorrects sont remis à zéro.")
    return EXIT_OK


def run_show(arguments: argparse.Namespace, context: Context) -> int:
    from functions.core.follow_up import find_account, record
    from secretariat.reports import account_as_dict, describe_account

    account = find_account(context.store, arguments.identifier)
    events = context.store.events(account.identifier, limit=20)
    record(context.store, account.identifier, "consulted", context.now, context.operator)
    if arguments.json:
        _print_json(account_as_dict(account, events, context.now, context.store.guess_states(account.identifier)))
    else:
        print(
            describe_account(
                account, events, context.now, context.today, context.store.guess_states(account.identifier)
            )
        )
    return EXIT_OK


def run_status(arguments: argparse.Namespace, context: Context) -> int:
    from functions.core.uai import validate_uai
    from secretariat.reports import describe_school_counts, school_status, school_status_csv

    school = validate_uai(arguments.school)
    rows = context.store.accounts_of_school(school)
    if arguments.csv:
        sys.stdout.write(school_status_csv(rows))
    elif arguments.json:
        _print_json(
            [
                {
                    "identifier": row.identifier,
                    "last_name": row.last_name,
                    "first_name": row.first_name,
                    "profile": row.profile.value,
                    "state": row.state.value,
                    "activation_deadline": row.activation_deadline.isoformat(),
                    "deletion_date": row.deletion_date.isoformat(),
                }
                for row in sorted(rows, key=lambda row: row.identifier)
            ]
        )
    else:
        print(school_status(rows, school, context.today))
        swept = describe_school_counts(context.store.school_counts(school))  # None before any sweep
        if swept:
            print(swept)
    return EXIT_OK


def run_sweep(arguments: argparse.Namespace, context: Context) -> int:
    from functions.core.follow_up import record
    from functions.core.mail import Mailer
    from functions.sweep.flow import run_sweep
    from secretariat.reports import describe_sweep

    today = arguments.now or context.today
    future = today > context.today
    # No flag lets a day to come be swept on a real AWS account: every school's accounts not yet
    # active would be deactivated or deleted before their deadlines. A rehearsal is for the local stack.
    if future and not arguments.dry_run and not _on_local_stack(context.store):
        raise FutureSweepRefused(
            f"le {today:%d/%m/%Y} n'est pas encore arrivé : balayer ce jour sur un vrai compte AWS désactiverait "
            "et supprimerait, avant leur date limite, les comptes pas encore activés de tous les établissements. "
            "Ce n'est possible que sur la pile locale (make run), pour une répétition. "
            "Ajoutez --dry-run pour voir ce qui se passerait ce jour-là, sans rien modifier."
        )
    # Another day than today: act as at noon of that day in Paris (audit times, link expiries).
    now = context.now if today == context.today else datetime.combine(today, time(12), tzinfo=PARIS)
    report = run_sweep(
        context.store,
        Mailer.from_settings(context.settings),
        today=today,
        now=now,
        public_url=context.settings.public_url,
        dry_run=arguments.dry_run,
        # A day to come is a rehearsal: the daily runs must still start from the real last day.
        move_cursor=not future,
    )
    if not arguments.dry_run:
        for identifier in [*report.reminded, *report.deactivated]:  # the deleted left nothing to note it on
            record(context.store, identifier, "sweep_run_by_hand", context.now, context.operator)
    if arguments.json:
        _print_json(
            {
                **report.as_dict(),
                "reminded": report.reminded,
                "deactivated": report.deactivated,
                "deleted": report.deleted,
                "failed": report.failed,
            }
        )
    else:
        print(describe_sweep(report))
    return EXIT_FAILURE if report.failed else EXIT_OK


class FutureSweepRefused(DomainError):
    code = "future_sweep_refused"
    status = 409


def _on_local_stack(store: Store) -> bool:
    """Tell whether AWS is the local stack (`make run`), where moving the clock is a demo.

    Read from the endpoints the sweep's clients really use (the table's and the mail's), not from
    AWS_ENDPOINT_URL alone: AWS_ENDPOINT_URL_DYNAMODB or a profile's endpoint_url can point elsewhere.
    """
    from functions.core.aws import client

    return all(
        _loopback(endpoint) for endpoint in (store.dynamodb.meta.endpoint_url, client("sesv2").meta.endpoint_url)
    )


def _loopback(endpoint: str | None) -> bool:
    import ipaddress
    from urllib.parse import urlparse

    host = urlparse(endpoint or "").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name: only "localhost" is taken as this machine
        return False


def run_feedback(arguments: argparse.Namespace, context: Context) -> int:
    from functions.core.model import FEEDBACK_RETENTION_MONTHS
    from functions.feedback.flow import REPORT_ANSWERS_PER_PAGE, recent_feedback
    from secretariat.reports import describe_feedback, feedback_by_page

    # Bounded: the last 13 months of each page, its newest answers at most (see recent_feedback).
    recent = recent_feedback(context.store, context.now)
    if arguments.json:
        _print_json(feedback_by_page(recent.answers))
    else:
        print(describe_feedback(recent.answers))
    if recent.capped_pages:
        note = (
            f"Rapport limité aux {REPORT_ANSWERS_PER_PAGE} dernières réponses de chaque page sur "
            f"{FEEDBACK_RETENTION_MONTHS} mois ; réponses plus anciennes non lues pour : {', '.join(recent.capped_pages)}"
        )
        print(note, file=sys.stderr if arguments.json else sys.stdout)  # the JSON on stdout stays as it was
    return EXIT_OK
