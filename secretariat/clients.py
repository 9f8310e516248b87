"""`ent-admin client …`: register the apps that sign families in (OIDC clients, CAS services)."""

from __future__ import annotations

import argparse
import sys

from functions.core.clients import Client, Protocol, register_cas_client, register_oidc_client
from functions.core.errors import InvalidInput
from secretariat.commands import EXIT_OK, EXIT_USAGE, Context, _print_json
from secretariat.output import printable


def add_parsers(subcommands: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    """Add `client add | list | remove` to ent-admin's parser."""
    client = subcommands.add_parser(
        "client",
        help="les applications qui connectent les familles (OpenID Connect, CAS)",
        description="les applications qui connectent les familles (OpenID Connect, CAS)",
    )
    actions = client.add_subparsers(dest="action", required=True, parser_class=parser_class)
    add = actions.add_parser(
        "add", help="inscrire une application", description="inscrire une application", parents=[common]
    )
    add.set_defaults(run=run_client_add)
    add.add_argument("--name", required=True, help="son nom, montré aux familles, ex. « Vie scolaire »")
    add.add_argument("--protocol", required=True, choices=[protocol.value for protocol in Protocol])
    add.add_argument("--redirect-uri", action="append", default=[], help="OIDC : adresse de retour exacte (répétable)")
    add.add_argument(
        "--post-logout-redirect-uri", action="append", default=[], help="OIDC : adresse après la déconnexion"
    )
    add.add_argument("--public", action="store_true", help="OIDC : application sans secret (PKCE seul)")
    add.add_argument("--service-url", action="append", default=[], help="CAS : adresse du service (répétable)")
    add.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")
    listing = actions.add_parser(
        "list", help="lister les applications inscrites", description="lister les applications", parents=[common]
    )
    listing.set_defaults(run=run_client_list)
    listing.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")
    remove = actions.add_parser(
        "remove", help="désinscrire une application", description="désinscrire une application", parents=[common]
    )
    remove.set_defaults(run=run_client_remove)
    remove.add_argument("client_id", metavar="CLIENT_ID")


def run_client_add(arguments: argparse.Namespace, context: Context) -> int:
    secret: str | None = None
    if arguments.protocol == Protocol.OIDC:
        if arguments.service_url:
            raise InvalidInput("--service-url est pour une application CAS.", field="service_url")
        client, secret = register_oidc_client(
            name=arguments.name,
            redirect_uris=arguments.redirect_uri,
            post_logout_redirect_uris=arguments.post_logout_redirect_uri,
            public=arguments.public,
        )
    else:
        if arguments.redirect_uri or arguments.post_logout_redirect_uri or arguments.public:
            raise InvalidInput("--redirect-uri, --post-logout-redirect-uri et --public sont pour OpenID Connect.")
        client = register_cas_client(name=arguments.name, service_urls=arguments.service_url)
    context.store.put_client(client)
    if arguments.json:
        _print_json({"client_id": client.client_id, "client_secret": secret})
        return EXIT_OK
    print(f"Application inscrite : {printable(client.name)}")
    print(f"client_id : {client.client_id}")
    if secret:
        print(f"client_secret : {secret}")
        print("Notez ce secret maintenant : il n'est conservé que sous forme d'empreinte et ne sera plus affiché.")
    return EXIT_OK


def run_client_list(arguments: argparse.Namespace, context: Context) -> int:
    clients = context.store.list_clients()
    if arguments.json:
        _print_json([_as_dict(client) for client in clients])
        return EXIT_OK
    if not clients:
        print("Aucune application inscrite.")
    for client in clients:
        kind = "OIDC public" if client.public else ("OIDC" if client.protocol == Protocol.OIDC else "CAS")
        urls = client.redirect_uris if client.protocol == Protocol.OIDC else client.service_urls
        print(printable(f"{client.client_id}  {kind:<11}  {client.name}  {' '.join(urls)}"))
    return EXIT_OK


def run_client_remove(arguments: argparse.Namespace, context: Context) -> int:
    if not context.store.remove_client(arguments.client_id):
        print(f"ent-admin: erreur : aucune application {printable(arguments.client_id)!r}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Application désinscrite : {printable(arguments.client_id)}")
    return EXIT_OK


def _as_dict(client: Client) -> dict[str, object]:
    return {
        "client_id": client.client_id,
        "name": client.name,
        "protocol": client.protocol.value,
        "public": client.public,
        "redirect_uris": list(client.redirect_uris),
        "post_logout_redirect_uris": list(client.post_logout_redirect_uris),
        "service_urls": list(client.service_urls),
    }
