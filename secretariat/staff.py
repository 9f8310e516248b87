"""`ent-admin staff invite | list | disable`: the académie operator manages the console's staff."""

from __future__ import annotations

import argparse
from typing import Any

from functions.admin.staff import management
from functions.core.audit import Client
from functions.core.clock import paris_text
from functions.core.mail import Mailer
from functions.core.staff import StaffRole
from secretariat.commands import EXIT_OK, Context

ADMIN = Client(source_ip=None, user_agent="ent-admin")
STATE_LABELS = {"invited": "invité (inscription à faire)", "active": "actif", "disabled": "désactivé"}


def _print_json(value: object) -> None:
    from secretariat.output import json_text

    print(json_text(value))


def run_invite(arguments: argparse.Namespace, context: Context) -> int:
    from secretariat.output import printable

    role = StaffRole(arguments.role)
    invited = management.invite(
        context.store,
        Mailer.from_settings(context.settings),
        email=arguments.email,
        role=role,
        schools=management.parse_schools(arguments.school or [], role),
        by=context.actor,
        now=context.now,
        public_url=context.settings.public_url,
        client=ADMIN,
    )
    member = invited.member
    if arguments.json:
        _print_json(
            {
                "email": member.email,
                "role": member.role.value,
                "schools": list(member.schools),
                "state": member.state,
                "invitation_expires_at": invited.expires_at.isoformat(),
            }
        )
        return EXIT_OK
    schools = ", ".join(member.schools) or "tous les établissements"
    print(f"Invitation envoyée à {printable(member.email)} ({member.role.value} : {schools}).")
    print(f"  Lien valable jusqu'au {paris_text(invited.expires_at)} (heure de Paris), une seule fois.")
    return EXIT_OK


def run_list(arguments: argparse.Namespace, context: Context) -> int:
    from secretariat.output import printable

    lines = management.staff_list(context.store)
    if arguments.json:
        _print_json(lines)
        return EXIT_OK
    if not lines:
        print("Aucun membre du personnel : invitez-en un (ent-admin staff invite).")
        return EXIT_OK
    for line in lines:
        schools = ", ".join(line["schools"]) or "tous les établissements"
        print(
            f"{printable(line['email'])}  {line['role']}  {STATE_LABELS.get(line['state'], line['state'])}  {schools}"
        )
    return EXIT_OK


def run_disable(arguments: argparse.Namespace, context: Context) -> int:
    from secretariat.output import printable

    member = management.disable(context.store, email=arguments.email, by=context.actor, now=context.now, client=ADMIN)
    print(f"Accès de {printable(member.email)} désactivé : ses sessions de la console sont fermées.")
    return EXIT_OK


def add_staff_commands(
    subcommands: argparse._SubParsersAction[Any],
    parser_class: type[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `staff invite | list | disable` to ent-admin's parser."""
    staff = subcommands.add_parser(
        "staff",
        help="le personnel de la console du secrétariat : inviter, lister, désactiver",
        description="le personnel de la console du secrétariat : inviter, lister, désactiver",
    )
    actions = staff.add_subparsers(dest="action", required=True, parser_class=parser_class)
    invite = actions.add_parser(
        "invite",
        help="inviter un membre (courriel d'invitation, 72 h)",
        description="inviter un membre",
        parents=[common],
    )
    invite.set_defaults(run=run_invite)
    invite.add_argument("--email", required=True, help="son adresse professionnelle")
    invite.add_argument("--role", required=True, choices=[role.value for role in StaffRole])
    invite.add_argument("--school", action="append", metavar="UAI", help="un établissement (répétable), ex. 0750654D")
    invite.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")
    listing = actions.add_parser(
        "list", help="lister le personnel", description="lister le personnel", parents=[common]
    )
    listing.set_defaults(run=run_list)
    listing.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")
    disable = actions.add_parser(
        "disable",
        help="désactiver un membre (ferme ses sessions)",
        description="désactiver un membre (ferme ses sessions)",
        parents=[common],
    )
    disable.set_defaults(run=run_disable)
    disable.add_argument("email", metavar="EMAIL")
