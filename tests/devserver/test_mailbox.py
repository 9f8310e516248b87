"""The dev mailbox reads what moto's SES kept, as JSON and as a French HTML page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import boto3
import pytest

from devserver.mailbox import sent_mails
from devserver.text import html_to_text, linkify
from tests.devserver.client import Client

SENDER = "ne-pas-repondre@ent.example.fr"
LINK = "http://127.0.0.1:8000/activation/#t=AbC-123_xyz&x=1"
TEXT = f"Bonjour,\n\nPour activer votre compte, ouvrez ce lien :\n{LINK}\n\nL'équipe ENT"
HTML = f'<p>Bonjour,</p><p><a href="{LINK}">Activer mon compte</a></p><p>L\'équipe ENT</p>'


@pytest.fixture
def sesv2(aws: None) -> Any:
    """A SES v2 client on moto, the sender verified."""
    client = boto3.client("sesv2")
    client.create_email_identity(EmailIdentity=SENDER)
    return client


def send(
    sesv2: Any,
    to: str = "famille@example.fr",
    subject: str = "Activez votre compte ENT",
    text: str | None = TEXT,
    html: str | None = HTML,
) -> None:
    """Send as functions.core.mail does: SES v2, Simple content, Text and Html parts."""
    body = {}
    if text is not None:
        body["Text"] = {"Data": text, "Charset": "UTF-8"}
    if html is not None:
        body["Html"] = {"Data": html, "Charset": "UTF-8"}
    sesv2.send_email(
        FromEmailAddress=SENDER,
        Destination={"ToAddresses": [to]},
        Content={"Simple": {"Subject": {"Data": subject, "Charset": "UTF-8"}, "Body": body}},
    )


def test_mailbox_json_gives_both_parts_of_a_sesv2_mail(sesv2: Any, recording: None, client: Client) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    send(sesv2)

    response = client.get("/_dev/mailbox.json")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    (mail,) = response.json
    assert set(mail) == {"to", "subject", "text", "html", "sent_at"}
    assert mail["to"] == "famille@example.fr"
    assert mail["subject"] == "Activez votre compte ENT"
    assert mail["text"] == TEXT
    assert mail["html"] == HTML
    assert before <= datetime.fromisoformat(mail["sent_at"]) <= before + timedelta(seconds=5)


def test_mailbox_page_lists_mails_newest_first_escaped_with_live_links(
    sesv2: Any, recording: None, client: Client
) -> None:
    send(sesv2, to="premier@example.fr", subject="Premier")
    send(sesv2, to="second@example.fr", subject="<script>alert(1)</script>")

    response = client.get("/_dev/mailbox")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="fr">' in page and "Boîte mail de développement" in page
    assert "Envoyé le" in page and "2 courriels envoyés." in page
    assert page.index("second@example.fr") < page.index("premier@example.fr")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    escaped_link = LINK.replace("&", "&amp;")
    assert f'<a href="{escaped_link}">{escaped_link}</a>' in page
    assert "&lt;p&gt;Bonjour,&lt;/p&gt;" in page  # the HTML part, shown as escaped source


def test_empty_mailbox(aws: None, client: Client) -> None:
    assert client.get("/_dev/mailbox.json").json == []
    assert "Aucun courriel envoyé" in client.get("/_dev/mailbox").get_data(as_text=True)


def test_without_recording_moto_keeps_the_html_and_the_text_is_derived_from_it(sesv2: Any) -> None:
    send(sesv2)

    (mail,) = sent_mails()

    assert mail.html == HTML
    assert LINK in mail.text and "Activer mon compte" in mail.text
    assert mail.sent_at is None


def test_text_only_mail(sesv2: Any, recording: None) -> None:
    send(sesv2, html=None)

    (mail,) = sent_mails()

    assert (mail.text, mail.html) == (TEXT, None)


def test_ses_v1_mail_is_read_too(sesv2: Any, recording: None) -> None:
    boto3.client("ses").send_email(
        Source=SENDER,
        Destination={"ToAddresses": ["a@example.fr"], "CcAddresses": ["b@example.fr"]},
        Message={"Subject": {"Data": "Ancien"}, "Body": {"Text": {"Data": TEXT}}},
    )

    (mail,) = sent_mails()

    assert (mail.to, mail.subject, mail.text, mail.html) == ("a@example.fr, b@example.fr", "Ancien", TEXT, None)
    assert mail.sent_at is not None


def test_raw_mime_mail_gives_both_parts(sesv2: Any, recording: None) -> None:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = "Brut", SENDER, "c@example.fr"
    message.set_content(TEXT)
    message.add_alternative(HTML, subtype="html")
    sesv2.send_email(
        FromEmailAddress=SENDER,
        Destination={"ToAddresses": ["c@example.fr"]},
        Content={"Raw": {"Data": message.as_bytes()}},
    )

    (mail,) = sent_mails()

    assert (mail.to, mail.subject) == ("c@example.fr", "Brut")
    assert mail.text.strip() == TEXT and mail.html.strip() == HTML  # type: ignore[union-attr]


def test_mailbox_only_answers_get(client: Client) -> None:
    assert client.post("/_dev/mailbox.json").status_code == 405


def test_html_to_text_keeps_link_addresses() -> None:
    text = html_to_text(
        "<html><head><style>p{}</style></head><body><p>A&eacute;</p>"
        '<p><a href="https://x.fr/a">Lien</a> et <a href="https://y.fr">https://y.fr</a></p></body>'
    )

    assert text == "Aé\n\nLien (https://x.fr/a) et https://y.fr"


def test_linkify_escapes_text_and_links_addresses() -> None:
    html = linkify('<b> voir https://x.fr/a?b=1&c="2" puis http://y.fr.')

    assert html == (
        '&lt;b&gt; voir <a href="https://x.fr/a?b=1&amp;c=">https://x.fr/a?b=1&amp;c=</a>'
        '&quot;2&quot; puis <a href="http://y.fr">http://y.fr</a>.'
    )
