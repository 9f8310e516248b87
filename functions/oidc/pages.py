"""The provider's few HTML pages, in French: an error that must not redirect, and the logout's end."""

from __future__ import annotations

from html import escape

PAGE_CSP = "default-src 'self'; script-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

_PAGE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – ENT Parents</title>
<link rel="stylesheet" href="/assets/css/ent.css">
</head>
<body>
<main class="md-content" data-error="{code}">
<h1>{title}</h1>
<p>{message}</p>
<p>{links}</p>
</main>
</body>
</html>
"""


def error_page(code: str, message: str, help_link: str | None) -> str:
    """The page shown instead of redirecting to an address we cannot trust."""
    links = "<a href=\"/\">Centre d'aide de l'ENT</a>"
    if help_link:
        links = f'<a href="{escape(help_link)}">Que faire ?</a> · {links}'
    return _PAGE.format(
        title="Connexion à l'application impossible", code=escape(code), message=escape(message), links=links
    )


def logout_page(ended: bool) -> str:
    """After an app's logout: what happened, and where to go."""
    if ended:
        return _PAGE.format(
            title="Vous êtes déconnecté",
            code="",
            message="Vous êtes déconnecté de l'ENT et de ses applications. Sur un ordinateur partagé, fermez aussi le navigateur.",
            links='<a href="/connexion/">Se connecter</a> · <a href="/">Centre d\'aide de l\'ENT</a>',
        )
    return _PAGE.format(
        title="Se déconnecter de l'ENT",
        code="",
        message="L'application n'a pas pu confirmer votre déconnexion. Pour vous déconnecter de l'ENT et de toutes ses applications, utilisez « Se déconnecter » dans Mon compte.",
        links='<a href="/compte/">Mon compte</a> · <a href="/">Centre d\'aide de l\'ENT</a>',
    )
