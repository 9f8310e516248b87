"""The emails sent through moto's SES (v1 and v2), read in-process from its backends.

What moto 5.2.5 keeps: `send_email` (v1, and v2 with Simple content) stores a `Message` whose
`body` is the Html part when there is one, else the Text part — the other part is dropped;
`destinations` is the request's {"ToAddresses": [...], "CcAddresses": [...]}. Raw content
(v1 `send_raw_email`, v2 Raw) is a `RawMessage` holding the MIME text. `record()` adds what
is missing for a mailbox: the sending time of every message and the Text part of v2 Simple mail.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from moto.ses.models import Message, RawMessage, SESBackend, ses_backends
from moto.sesv2.responses import SESV2Response

from devserver.text import html_to_text

_HTML_TAG = re.compile(r"<(?:!doctype|html|body|p|div|a|br|table|span|h[1-6])\b", re.IGNORECASE)
_originals: dict[tuple[type, str], Callable[..., Any]] = {}


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None
    sent_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        """Return the mail as the mailbox's JSON item."""
        sent_at = self.sent_at.isoformat(timespec="seconds") if self.sent_at else None
        return {"to": self.to, "subject": self.subject, "text": self.text, "html": self.html, "sent_at": sent_at}


def _stamped(send: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(send)
    def send_and_stamp(self: SESBackend, *args: Any, **kwargs: Any) -> Any:
        message = send(self, *args, **kwargs)
        message.sent_at = datetime.now(UTC)
        return message

    return send_and_stamp


def _keeping_text(send: Callable[[SESV2Response], str]) -> Callable[[SESV2Response], str]:
    @wraps(send)
    def send_and_keep_text(self: SESV2Response) -> str:
        answer = send(self)
        simple = (json.loads(self.body).get("Content") or {}).get("Simple")
        if simple is None:
            return answer  # Raw content: the MIME text holds every part
        body = simple.get("Body") or {}
        message_id = json.loads(answer)["MessageId"]
        for message in reversed(self.sesv2_backend.core_backend.sent_messages):
            if getattr(message, "id", None) == message_id:
                message.text_part = (body.get("Text") or {}).get("Data")
                message.html_part = (body.get("Html") or {}).get("Data")
                break
        return answer

    return send_and_keep_text


def record() -> None:
    """Make moto keep each mail's sending time and the Text part of SES v2 Simple mail."""
    patches = [
        (SESBackend, "send_email", _stamped),
        (SESBackend, "send_raw_email", _stamped),
        (SESV2Response, "send_email", _keeping_text),
    ]
    for owner, name, wrapper in patches:
        if (owner, name) not in _originals:
            _originals[owner, name] = getattr(owner, name)
            setattr(owner, name, wrapper(_originals[owner, name]))


def stop_recording() -> None:
    """Give moto back its own methods."""
    while _originals:
        (owner, name), original = _originals.popitem()
        setattr(owner, name, original)


def _addresses(destinations: dict[str, list[str]] | list[str]) -> str:
    if isinstance(destinations, dict):
        destinations = [
            address for key in ("ToAddresses", "CcAddresses", "BccAddresses") for address in destinations.get(key, [])
        ]
    return ", ".join(dict.fromkeys(destinations))  # moto lists a raw mail's To twice


def _from_message(message: Message) -> Mail:
    body = message.body or ""
    if hasattr(message, "html_part") and hasattr(message, "text_part"):  # recorded: both parts as sent
        text, html = message.text_part, message.html_part
    else:  # moto's own record: one body, the Html part when there was one
        html = body if _HTML_TAG.search(body) else None
        text = None if html else body
    if text is None:
        text = html_to_text(html or "")
    return Mail(_addresses(message.destinations), message.subject or "", text, html, getattr(message, "sent_at", None))


def _from_raw(message: RawMessage) -> Mail:
    # moto decoded the bytes as UTF-8: encode them back so 8bit parts parse as they were sent.
    parsed = email.message_from_bytes(message.raw_data.encode("utf-8"), policy=email.policy.default)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    html = html_part.get_content() if html_part is not None else None
    text = text_part.get_content() if text_part is not None else html_to_text(html or "")
    to = _addresses(message.destinations) or str(parsed.get("To", ""))
    return Mail(to, str(parsed.get("Subject", "")), text, html, getattr(message, "sent_at", None))


def sent_mails() -> list[Mail]:
    """Return every mail sent through moto's SES in this process, newest first."""
    mails: list[Mail] = []
    for by_region in list(ses_backends.values()):
        for backend in list(by_region.values()):
            for message in list(backend.sent_messages):
                if isinstance(message, Message):
                    mails.append(_from_message(message))
                elif isinstance(message, RawMessage):
                    mails.append(_from_raw(message))
    oldest = datetime.min.replace(tzinfo=UTC)
    ordered = sorted(enumerate(mails), key=lambda pair: (pair[1].sent_at or oldest, pair[0]), reverse=True)
    return [mail for _, mail in ordered]
