"""The dev-only mailbox pages: /_dev/mailbox (HTML, in French) and /_dev/mailbox.json."""

from __future__ import annotations

import html
from collections.abc import Callable
from zoneinfo import ZoneInfo

from devserver.gateway import HttpResponse, json_response
from devserver.mailbox import Mail, sent_mails
from devserver.text import linkify

PARIS = ZoneInfo("Europe/Paris")
PARIS_FORMAT = "%d/%m/%Y à %H:%M:%S"

_PAGE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Boîte mail de développement – ENT Parents</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; line-height: 1.5; }}
article {{ border: 1px solid #767676; border-radius: .3rem; padding: .5rem 1rem; margin: 1rem 0; }}
dl {{ display: grid; grid-template-columns: max-content 1fr; gap: 0 1rem; margin: 0; }}
dt {{ font-weight: bold; }} dd {{ margin: 0; overflow-wrap: anywhere; }}
pre {{ white-space: pre-wrap; overflow-wrap: anywhere; background: #f4f4f4; padding: .5rem; }}
a {{ color: #0b57d0; }}
</style>
</head>
<body>
<main>
<h1>Boîte mail de développement</h1>
<p>Les courriels envoyés par la pile locale (SES simulé par moto), du plus récent au plus ancien.
Ils disparaissent à l'arrêt du serveur. <a href="/_dev/mailbox">Actualiser</a> ·
<a href="/_dev/mailbox.json">Version JSON</a> · <a href="/">Centre d'aide</a></p>
<p>{count}</p>
{mails}
</main>
</body>
</html>
"""

_MAIL = """<article aria-labelledby="mail-{number}">
<h2 id="mail-{number}">{subject}</h2>
<dl>
<dt>À</dt><dd>{to}</dd>
<dt>Envoyé le</dt><dd>{sent_at}</dd>
</dl>
<h3>Texte</h3>
<pre>{text}</pre>
{html_part}
</article>"""

_HTML_PART = """<details>
<summary>Version HTML (source)</summary>
<pre>{source}</pre>
</details>"""


def _sent_at(mail: Mail) -> str:
    if mail.sent_at is None:
        return "date inconnue"
    return mail.sent_at.astimezone(PARIS).strftime(PARIS_FORMAT) + " (heure de Paris)"


def _count(total: int) -> str:
    if total == 0:
        return "Aucun courriel envoyé pour l'instant."
    return "1 courriel envoyé." if total == 1 else f"{total} courriels envoyés."


def render_html(mails: list[Mail]) -> str:
    """Return the mailbox page: newest first, every text escaped, links clickable."""
    items = []
    for number, mail in enumerate(mails, start=1):
        items.append(
            _MAIL.format(
                number=number,
                subject=html.escape(mail.subject or "(sans objet)"),
                to=html.escape(mail.to),
                sent_at=html.escape(_sent_at(mail)),
                text=linkify(mail.text),
                html_part=_HTML_PART.format(source=html.escape(mail.html)) if mail.html else "",
            )
        )
    return _PAGE.format(count=_count(len(mails)), mails="\n".join(items))


def mailbox_html(read: Callable[[], list[Mail]] = sent_mails) -> HttpResponse:
    """Answer GET /_dev/mailbox."""
    body = render_html(read()).encode("utf-8")
    headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", "no-store"),
        ("Referrer-Policy", "no-referrer"),
    ]  # the page lists links carrying tokens
    return HttpResponse(200, headers, body)


def mailbox_json(read: Callable[[], list[Mail]] = sent_mails) -> HttpResponse:
    """Answer GET /_dev/mailbox.json."""
    return json_response(200, [mail.as_json() for mail in read()], [("Cache-Control", "no-store")])
