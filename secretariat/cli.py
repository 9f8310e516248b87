"""`ent-admin`: the secretariat's command line, on the local stack or on AWS alike.

AWS is found through boto3's own environment (AWS_ENDPOINT_URL, AWS_DEFAULT_REGION, credentials),
the table through ENT_TABLE, the help centre's address (printed on the letters) through
ENT_PUBLIC_URL. Exit codes: 0 done, 2 refused (arguments, file, unknown account, wrong state),
1 AWS unreachable or misconfigured.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from datetime import date

from functions.core.clock import Clock, utc_now
from functions.core.dates import parse_date
from functions.core.errors import DomainError
from functions.core.lifecycle import Profile
from functions.core.settings import Settings, SettingsError
from functions.core.store import Store
from secretariat import commands
from secretariat.commands import EXIT_FAILURE, EXIT_USAGE, Context


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
    common = _Parser(add_help=False)
    common.add_argument(
        "--operator",
        type=_operator,
        default=None,
        help="qui fait l'opération, pour le journal (par défaut : votre nom de session)",
    )
    subcommands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, help_text: str, run: Callable[..., int]) -> argparse.ArgumentParser:
        sub = subcommands.add_parser(name, help=help_text, description=help_text, parents=[common])
        sub.set_defaults(run=run)
        return sub

    issue = command("issue", "créer un compte et afficher ses identifiants", commands.run_issue)
    issue.add_argument("--profile", required=True, choices=[profile.value for profile in Profile])
    issue.add_argument("--last-name", required=True, help="nom de famille")
    issue.add_argument("--first-name", required=True, help="prénom")
    issue.add_argument(
        "--birth-date",
        required=True,
        type=_birth_date,
        help="AAAA-MM-JJ : celle de l'enfant pour un parent, la sienne pour un élève",
    )
    issue.add_argument("--school", required=True, help="code UAI de l'établissement, ex. 0751234J")
    issue.add_argument(
        "--class", dest="classe", metavar="CLASSE", help="classe de l'élève (pour un parent : de l'enfant), ex. 6e B"
    )
    issue.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")

    roster = command("import", "créer les comptes d'une liste (CSV « ; ») et leurs lettres PDF", commands.run_import)
    roster.add_argument("roster", metavar="LISTE.csv", help="nom;prenom;profil;date_naissance;classe")
    roster.add_argument("--school", required=True, help="code UAI de l'établissement, ex. 0751234J")
    roster.add_argument("--out", required=True, metavar="LETTRES.pdf", help="fichier PDF des lettres à imprimer")
    roster.add_argument(
        "--skip-invalid", action="store_true", help="importer les lignes valides malgré les lignes refusées"
    )
    roster.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")

    for name, help_text, run in (
        (
            "reissue",
            "nouveau mot de passe provisoire et nouveaux délais (même identifiant), avec sa lettre",
            commands.run_reissue,
        ),
        (
            "reactivate",
            "réactiver un compte désactivé (vérifié par l'établissement), avec sa lettre",
            commands.run_reactivate,
        ),
    ):
        renew = command(name, help_text, run)
        renew.add_argument("identifier", metavar="IDENTIFIANT")
        renew.add_argument("--out", required=True, metavar="LETTRE.pdf", help="fichier PDF de la lettre à imprimer")
        if name == "reissue":
            renew.add_argument(
                "--confirm",
                action="store_true",
                help="exigé pour un compte actif, qu'il retire à la famille ; elle en est avertie par courriel",
            )

    command("unlock", "débloquer un compte bloqué après des essais incorrects", commands.run_unlock).add_argument(
        "identifier", metavar="IDENTIFIANT"
    )
    show = command(
        "show", "afficher un compte : état, délais, adresse, blocage, derniers événements", commands.run_show
    )
    show.add_argument("identifier", metavar="IDENTIFIANT")
    show.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")
    school = subcommands.add_parser(
        "school",
        help="l'annuaire des établissements : leur nom, affiché aux familles",
        description="l'annuaire des établissements : leur nom, affiché aux familles",
    )
    school_actions = school.add_subparsers(dest="action", required=True, parser_class=_Parser)
    school_set = school_actions.add_parser(
        "set",
        help="donner son nom à un établissement (Mon compte, courriels, lettres)",
        description="donner son nom à un établissement (Mon compte, courriels, lettres)",
        parents=[common],
    )
    school_set.set_defaults(run=commands.run_school_set)
    school_set.add_argument("school", metavar="UAI", help="code UAI de l'établissement, ex. 0751234J")
    school_set.add_argument("--name", required=True, help="son nom, ex. « Collège Victor-Hugo »")
    status = command("status", "lister les comptes d'un établissement, à relancer en premier", commands.run_status)
    status.add_argument("--school", required=True, help="code UAI de l'établissement")
    output = status.add_mutually_exclusive_group()
    output.add_argument("--csv", action="store_true", help="CSV « ; » pour un tableur (UTF-8 avec BOM)")
    output.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")
    sweep = command("sweep", "rappels, désactivations et suppressions dues (le balayage quotidien)", commands.run_sweep)
    sweep.add_argument("--now", type=_day, metavar="AAAA-MM-JJ", help="le jour à balayer (par défaut : aujourd'hui)")
    sweep.add_argument("--dry-run", action="store_true", help="dire ce qui serait fait, sans rien modifier")
    # No longer a way to sweep a day to come on AWS: still accepted, so that an old script gets the
    # French refusal rather than argparse's; on the local stack a day to come needs no flag.
    sweep.add_argument("--allow-future", action="store_true", help=argparse.SUPPRESS)
    sweep.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")
    feedback = command(
        "feedback-report", "avis « Cette page vous a-t-elle été utile ? » par page", commands.run_feedback
    )
    feedback.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")
    return parser


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
        from secretariat.output import printable

        field = f" ({error.field})" if error.field else ""
        print(f"ent-admin: erreur{field} : {printable(error.message)}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # AWS unreachable, missing table, credentials...
        from botocore.exceptions import BotoCoreError, ClientError

        if isinstance(error, (BotoCoreError, ClientError)):
            print(f"ent-admin: AWS indisponible ou mal configuré : {error}", file=sys.stderr)
            return EXIT_FAILURE
        raise


if __name__ == "__main__":
    sys.exit(main())
