"""`ent-admin`: the secretariat's command line, on the local stack or on AWS alike.

AWS is found through boto3's own environment (AWS_ENDPOINT_URL, AWS_DEFAULT_REGION, credentials),
the table through ENT_TABLE, the help centre's address (printed on the letters) through
ENT_PUBLIC_URL. Exit codes: 0 done, 2 refused (arguments, file, unknown account, wrong state),
1 AWS unreachable or misconfigured.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Callable, Sequence

from functions.core.accounts import IssuedAccount, PersonAlreadyIssued, issue_account
from functions.core.clock import PARIS, Clock, paris_day, utc_now
from functions.core.dates import parse_date
from functions.core.errors import DomainError
from functions.core.lifecycle import Profile
from functions.core.settings import Settings, SettingsError
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


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: erreur : {message}\n")


def _birth_date(text: str) -> date:
    try:
        return parse_date(text)
    except DomainError as error:
        raise argparse.ArgumentTypeError(f"date de naissance « {text} » : {error.message}") from None


def _day(text: str) -> date:
    try:
        return parse_date(text, field="now")
    except DomainError as error:
        raise argparse.ArgumentTypeError(f"date « {text} » : {error.message}") from None


def _operator(text: str) -> str:
    name = " ".join(text.split())
    if not name or len(name) > 64 or not name.isprintable():
        raise argparse.ArgumentTypeError("nom d'opérateur vide, trop long ou illisible")
    return name


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in a bare container: the audit still says something
        return "inconnu"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ent-admin", description="Outils du secrétariat : comptes ENT des familles.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--operator", type=_operator, default=None,
                        help="qui fait l'opération, pour le journal (par défaut : votre nom de session)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, help_text: str, run: Callable[..., int]) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, parents=[common])
        sub.set_defaults(run=run)
        return sub

    issue = command("issue", "créer un compte et afficher ses identifiants", _run_issue)
    issue.add_argument("--profile", required=True, choices=[profile.value for profile in Profile])
    issue.add_argument("--last-name", required=True, help="nom de famille")
    issue.add_argument("--first-name", required=True, help="prénom")
    issue.add_argument("--birth-date", required=True, type=_birth_date,
                       help="AAAA-MM-JJ : celle de l'enfant pour un parent, la sienne pour un élève")
    issue.add_argument("--school", required=True, help="code UAI de l'établissement, ex. 0751234A")
    issue.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")

    roster = command("import", "créer les comptes d'une liste (CSV « ; ») et leurs lettres PDF", _run_import)
    roster.add_argument("roster", metavar="LISTE.csv", help="nom;prenom;profil;date_naissance;classe")
    roster.add_argument("--school", required=True, help="code UAI de l'établissement, ex. 0751234A")
    roster.add_argument("--out", required=True, metavar="LETTRES.pdf", help="fichier PDF des lettres à imprimer")
    roster.add_argument("--skip-invalid", action="store_true", help="importer les lignes valides malgré les lignes refusées")
    roster.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")

    for name, help_text, run in (
        ("reissue", "nouveau mot de passe provisoire et nouveaux délais (même identifiant), avec sa lettre", _run_reissue),
        ("reactivate", "réactiver un compte désactivé (vérifié par l'établissement), avec sa lettre", _run_reactivate),
    ):
        renew = command(name, help_text, run)
        renew.add_argument("identifier", metavar="IDENTIFIANT")
        renew.add_argument("--out", required=True, metavar="LETTRE.pdf", help="fichier PDF de la lettre à imprimer")

    command("unlock", "débloquer un compte bloqué après des essais incorrects", _run_unlock).add_argument(
        "identifier", metavar="IDENTIFIANT")
    show = command("show", "afficher un compte : état, délais, adresse, blocage, derniers événements", _run_show)
    show.add_argument("identifier", metavar="IDENTIFIANT")
    show.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")
    status = command("status", "lister les comptes d'un établissement, à relancer en premier", _run_status)
    status.add_argument("--school", required=True, help="code UAI de l'établissement")
    output = status.add_mutually_exclusive_group()
    output.add_argument("--csv", action="store_true", help="CSV « ; » pour un tableur (UTF-8 avec BOM)")
    output.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")
    sweep = command("sweep", "rappels, désactivations et suppressions dues (le balayage quotidien)", _run_sweep)
    sweep.add_argument("--now", type=_day, metavar="AAAA-MM-JJ", help="le jour à balayer (par défaut : aujourd'hui)")
    sweep.add_argument("--dry-run", action="store_true", help="dire ce qui serait fait, sans rien modifier")
    sweep.add_argument("--allow-future", action="store_true",
                       help="accepter un jour à venir sans --dry-run (démonstration sur la pile locale) : "
                            "des comptes seraient désactivés avant leur date limite")
    sweep.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")
    feedback = command("feedback-report", "avis « Cette page vous a-t-elle été utile ? » par page", _run_feedback)
    feedback.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")
    return parser


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def _run_issue(arguments: argparse.Namespace, context: Context) -> int:
    from secretariat.follow_up import record

    try:
        issued = issue_account(
            context.store, profile=Profile(arguments.profile), first_name=arguments.first_name,
            last_name=arguments.last_name, birth_date=arguments.birth_date, school=arguments.school,
            now=context.now, once_per_person=True,
        )
    except PersonAlreadyIssued as known:
        raise PersonAlreadyIssued(known.identifier, hint=(
            f"Elle garde son identifiant et son mot de passe ; pour une nouvelle lettre : ent-admin reissue {known.identifier} --out lettre.pdf"
        )) from None
    record(context.store, issued.account.identifier, "issued", context.now, context.operator)
    print(_issued_as_json(issued) if arguments.json else _issued_as_text(issued))
    return EXIT_OK


def _issued_as_json(issued: IssuedAccount) -> str:
    return json.dumps({
        "identifier": issued.account.identifier,
        "initial_password": issued.initial_password,
        "activation_deadline": issued.account.activation_deadline.isoformat(),
        "deletion_date": issued.account.deletion_date.isoformat(),
    })


def _issued_as_text(issued: IssuedAccount) -> str:
    account = issued.account
    return "\n".join([
        f"Compte créé pour {account.display_name} ({account.profile.value}, {account.school})",
        f"  Identifiant :           {account.identifier}",
        f"  Mot de passe initial :  {issued.initial_password}",
        f"  À activer avant le :    {account.activation_deadline:%d/%m/%Y}",
        f"  Supprimé s'il n'est pas activé le : {account.deletion_date:%d/%m/%Y}",
    ])


def _run_import(arguments: argparse.Namespace, context: Context) -> int:
    from secretariat.importing import describe, import_roster

    report = import_roster(
        context.store, arguments.roster, school=arguments.school, out=arguments.out, now=context.now,
        operator=context.operator, help_url=context.settings.public_url, skip_invalid=arguments.skip_invalid,
    )
    if arguments.json:
        _print_json(report.as_dict(arguments.out))
    else:
        print(describe(report, arguments.out), file=sys.stdout if report.imported else sys.stderr)
    return EXIT_OK if report.imported else EXIT_USAGE


def _renew(arguments: argparse.Namespace, context: Context, *, reactivate: bool) -> int:
    from secretariat.follow_up import renew_credentials
    from secretariat.output import check_writable, letter_for, write_letters

    check_writable(arguments.out)
    issued = renew_credentials(context.store, arguments.identifier, context.now, context.operator, reactivate=reactivate)
    write_letters(arguments.out, [letter_for(issued, context.today)], context.settings.public_url)
    account = issued.account
    done = "réactivé" if reactivate else "a un nouveau mot de passe provisoire"
    print("\n".join([
        f"Le compte {account.identifier} ({account.display_name}) {done}.",
        "  L'ancien mot de passe, les sessions ouvertes et les liens envoyés par courriel ne fonctionnent plus.",
        f"  À activer avant le {account.activation_deadline:%d/%m/%Y} ; lettre à imprimer : {arguments.out}",
    ]))
    return EXIT_OK


def _run_reissue(arguments: argparse.Namespace, context: Context) -> int:
    return _renew(arguments, context, reactivate=False)


def _run_reactivate(arguments: argparse.Namespace, context: Context) -> int:
    return _renew(arguments, context, reactivate=True)


def _run_unlock(arguments: argparse.Namespace, context: Context) -> int:
    from secretariat.follow_up import unlock
    from secretariat.reports import paris_time

    account, was_locked_until = unlock(context.store, arguments.identifier, context.now, context.operator)
    if was_locked_until:
        print(f"Compte {account.identifier} débloqué (il l'était jusqu'au {paris_time(was_locked_until)}) : la famille peut réessayer.")
    else:
        print(f"Le compte {account.identifier} n'était pas bloqué ; ses essais incorrects sont remis à zéro.")
    return EXIT_OK


def _run_show(arguments: argparse.Namespace, context: Context) -> int:
    from secretariat.follow_up import find_account, record
    from secretariat.reports import account_as_dict, describe_account

    account = find_account(context.store, arguments.identifier)
    events = context.store.events(account.identifier, limit=20)
    record(context.store, account.identifier, "consulted", context.now, context.operator)
    if arguments.json:
        _print_json(account_as_dict(account, events, context.now))
    else:
        print(describe_account(account, events, context.now, context.today))
    return EXIT_OK


def _run_status(arguments: argparse.Namespace, context: Context) -> int:
    from functions.core.accounts import validate_uai
    from secretariat.reports import school_status, school_status_csv

    school = validate_uai(arguments.school)
    rows = context.store.accounts_of_school(school)
    if arguments.csv:
        sys.stdout.write(school_status_csv(rows))
    elif arguments.json:
        _print_json([
            {"identifier": row.identifier, "last_name": row.last_name, "first_name": row.first_name,
             "profile": row.profile.value, "state": row.state.value,
             "activation_deadline": row.activation_deadline.isoformat(), "deletion_date": row.deletion_date.isoformat()}
            for row in sorted(rows, key=lambda row: row.identifier)
        ])
    else:
        print(school_status(rows, school, context.today))
    return EXIT_OK


def _run_sweep(arguments: argparse.Namespace, context: Context) -> int:
    from functions.core.mail import Mailer
    from functions.sweep.flow import run_sweep
    from secretariat.follow_up import record
    from secretariat.reports import describe_sweep

    today = arguments.now or context.today
    if today > context.today and not (arguments.dry_run or arguments.allow_future):
        raise DomainError(
            f"le {today:%d/%m/%Y} n'est pas encore arrivé : balayer ce jour désactiverait des comptes avant leur "
            "date limite. Ajoutez --dry-run pour voir ce qui se passerait ce jour-là."
        )
    # Another day than today: act as at noon of that day in Paris (audit times, link expiries).
    now = context.now if today == context.today else datetime.combine(today, time(12), tzinfo=PARIS)
    report = run_sweep(
        context.store, Mailer(context.settings.mail_from), today=today, now=now,
        public_url=context.settings.public_url, dry_run=arguments.dry_run,
    )
    if not arguments.dry_run:
        for identifier in [*report.reminded, *report.deactivated]:  # the deleted left nothing to note it on
            record(context.store, identifier, "sweep_run_by_hand", context.now, context.operator)
    if arguments.json:
        _print_json({**report.as_dict(), "reminded": report.reminded, "deactivated": report.deactivated,
                     "deleted": report.deleted, "failed": report.failed})
    else:
        print(describe_sweep(report))
    return EXIT_FAILURE if report.failed else EXIT_OK


def _run_feedback(arguments: argparse.Namespace, context: Context) -> int:
    from secretariat.reports import describe_feedback, feedback_by_page

    answers = context.store.feedback()
    if arguments.json:
        _print_json(feedback_by_page(answers))
    else:
        print(describe_feedback(answers))
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, clock: Clock = utc_now) -> int:
    """Run one ent-admin command and return its exit code."""
    try:
        arguments = build_parser().parse_args(argv)
    except SystemExit as exit_request:  # --help, or bad arguments (already explained on stderr)
        return int(exit_request.code or 0)
    try:
        settings = Settings.from_env()
        context = Context(Store(settings.table_name), settings, clock(), arguments.operator or _login_name())
        return arguments.run(arguments, context)
    except SettingsError as error:
        print(f"ent-admin: configuration : {error}", file=sys.stderr)
        return EXIT_USAGE
    except DomainError as error:
        field = f" ({error.field})" if error.field else ""
        print(f"ent-admin: erreur{field} : {error.message}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # AWS unreachable, missing table, credentials...
        from botocore.exceptions import BotoCoreError, ClientError

        if isinstance(error, (BotoCoreError, ClientError)):
            print(f"ent-admin: AWS indisponible ou mal configuré : {error}", file=sys.stderr)
            return EXIT_FAILURE
        raise


if __name__ == "__main__":
    sys.exit(main())
