"""The two HTML pages the CAS server answers itself: a refusal (no redirect) and « Vous êtes déconnecté »."""

from __future__ import annotations

from html import escape

# No script, no inline style, no form: only the site's stylesheet and links to the site.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def _page(title: str, paragraphs: list[str], links: list[tuple[str, str]]) -> str:
    body = "\n".join(f"    <p>{escape(text)}</p>" for text in paragraphs)
    items = "\n".join(f'      <li><a href="{escape(href)}">{escape(label)}</a></li>' for href, label in links)
    return f"""<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(title)} - ENT</title>
  <link rel="stylesheet" href="/assets/css/ent.css">
</head>
<body>
  <main class="cas-page">
    <h1>{escape(title)}</h1>
{body}
    <ul>
{items}
    </ul>
  </main>
</body>
</html>
"""


def unknown_service() -> str:
    """The answer to a `service` nobody registered (HTML for the browser: no JSON code)."""
    return _page(
        "Application non reconnue",
        [
            "Cette application n'est pas reconnue par l'ENT : la connexion ne peut pas continuer.",
            "Retournez sur le site de l'établissement et ouvrez l'application depuis son lien ; "
            "si cela recommence, signalez-le à l'établissement.",
        ],
        [
            ("/aide/services-ent/#application-inconnue", "Se connecter aux services de l'ENT"),
            ("/", "Accueil de l'aide"),
        ],
    )


def signed_out() -> str:
    return _page(
        "Vous êtes déconnecté",
        [
            "Vous êtes déconnecté de l'ENT et de toutes ses applications.",
            "Sur un ordinateur partagé, fermez aussi le navigateur.",
        ],
        [("/connexion/", "Se connecter"), ("/aide/services-ent/#se-deconnecter", "Se déconnecter de l'ENT")],
    )
