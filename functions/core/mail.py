"""Named emails: `mail/<message>/{subject.txt,body.txt,body.html}`, sent through SES (v2).

Templates use `$name` placeholders; values are HTML-escaped in the HTML body. No email ever holds a
password. Links are built by the flows from the configured public URL, never from request headers.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

from functions.core.aws import client
from functions.core.errors import DomainError
from functions.core.messages import Code

MAIL_DIR = Path(__file__).resolve().parent.parent / "mail"
logger = logging.getLogger("ent")


class MailUnavailable(DomainError, answer=Code.MAIL_UNAVAILABLE):
    pass


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


@cache
def _templates(message: str) -> tuple[Template, Template, Template]:
    folder = MAIL_DIR / message
    return tuple(  # type: ignore[return-value]
        Template((folder / name).read_text(encoding="utf-8")) for name in ("subject.txt", "body.txt", "body.html")
    )


def render(message: str, **context: Any) -> RenderedMail:
    """Fill the named message with `context` (strings; lists are shown one per line)."""
    subject, text, html_body = _templates(message)
    plain = {
        name: "\n".join(value) if isinstance(value, (list, tuple)) else str(value) for name, value in context.items()
    }
    escaped = {
        name: "<br>".join(html.escape(item) for item in value)
        if isinstance(value, (list, tuple))
        else html.escape(str(value))
        for name, value in context.items()
    }
    return RenderedMail(
        subject=subject.substitute(plain).strip(),
        text=text.substitute(plain),
        html=html_body.substitute(escaped),
    )


class Mailer:
    """Sends named messages from the configured identity."""

    def __init__(self, sender: str, ses: Any | None = None, configuration_set: str | None = None) -> None:
        self.sender = sender
        self._ses = ses
        self.configuration_set = configuration_set

    @classmethod
    def from_settings(cls, settings: Any) -> Mailer:
        """Return the mailer of the configured identity and SES configuration set."""
        return cls(settings.mail_from, configuration_set=settings.ses_configuration_set)

    def mime(self, mail: RenderedMail, to: str) -> bytes:
        """Return the message as MIME: French text and HTML alternatives, UTF-8."""
        from email.message import EmailMessage

        message = EmailMessage()
        message["From"] = f"ENT - Aide aux familles <{self.sender}>"
        message["To"] = to
        message["Subject"] = mail.subject
        message["Content-Language"] = "fr"
        message.set_content(mail.text)
        message.add_alternative(mail.html, subtype="html")
        return message.as_bytes()

    def send(self, message: str, *, to: str, **context: Any) -> None:
        """Send `message` to one address; raise MailUnavailable if SES refuses or fails."""
        mail = render(message, **context)
        ses = self._ses or client("sesv2")
        try:
            options = {"ConfigurationSetName": self.configuration_set} if self.configuration_set else {}
            ses.send_email(
                FromEmailAddress=self.sender,
                Destination={"ToAddresses": [to]},
                Content={"Raw": {"Data": self.mime(mail, to)}},
                **options,
            )
        except Exception as error:  # botocore ClientError/EndpointConnectionError alike
            # The message name only: never the address, the link or the body.
            logger.warning('{"mail_failed": "%s", "error": "%s"}', message, type(error).__name__)
            raise MailUnavailable() from error
