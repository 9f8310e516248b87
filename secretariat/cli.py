"""`ent-admin`: the secretariat's command line, on the local stack or on AWS alike.

AWS is found through boto3's own environment (AWS_ENDPOINT_URL, AWS_DEFAULT_REGION, credentials),
the table through ENT_TABLE.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Callable, Sequence

from functions.core.accounts import IssuedAccount, issue_account
from functions.core.clock import utc_now
from functions.core.dates import parse_date
from functions.core.errors import DomainError
from functions.core.lifecycle import Profile
from functions.core.settings import Settings, SettingsError
from functions.core.store import Store

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: erreur : {message}\n")


def _birth_date(text: str):
    try:
        return parse_date(text)
    except DomainError as error:
        raise argparse.ArgumentTypeError(f"date de naissance « {text} » : {error.message}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ent-admin", description="Outils du secrétariat : comptes ENT des familles.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    issue = commands.add_parser("issue", help="créer un compte et afficher ses identifiants")
    issue.add_argument("--profile", required=True, choices=[profile.value for profile in Profile])
    issue.add_argument("--last-name", required=True, help="nom de famille")
    issue.add_argument("--first-name", required=True, help="prénom")
    issue.add_argument("--birth-date", required=True, type=_birth_date,
                       help="AAAA-MM-JJ : celle de l'enfant pour un parent, la sienne pour un élève")
    issue.add_argument("--school", required=True, help="code UAI de l'établissement, ex. 0751234A")
    issue.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")
    issue.set_defaults(run=_run_issue)
    return parser


def _run_issue(arguments: argparse.Namespace, store: Store) -> int:
    issued = issue_account(
        store,
        profile=Profile(arguments.profile),
        first_name=arguments.first_name,
        last_name=arguments.last_name,
        birth_date=arguments.birth_date,
        school=arguments.school,
        now=utc_now(),
    )
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ent-admin command and return its exit code."""
    try:
        arguments = build_parser().parse_args(argv)
    except SystemExit as exit_request:  # --help, or bad arguments (already explained on stderr)
        return int(exit_request.code or 0)
    try:
        store = Store(Settings.from_env().table_name)
        run: Callable[[argparse.Namespace, Store], int] = arguments.run
        return run(arguments, store)
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
