"""What a person does on the recovery pages, and what tests read in the mails."""

from __future__ import annotations

import re
from typing import Any

from botocore.exceptions import ClientError

from functions.core.mail import Mailer, MailUnavailable

PASSWORD = "Soleil2024x"
NEW_PASSWORD = "Marelle58vol"
_LINK = re.compile(r"(https?://\S+?/mot-de-passe-oublie/nouveau/#t=([A-Za-z0-9_-]+))")


class RefusingSES:
    """An SES client that refuses every mail, as when the quota is reached or SES is down."""

    def send_email(self, **_: Any) -> None:
        raise ClientError({"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."}}, "SendEmail")


class NoticeFailingMailer(Mailer):
    """Sends every message but the « password changed » notice."""

    def send(self, message: str, *, to: str, **context: Any) -> None:
        if message == "password_changed":
            raise MailUnavailable()
        super().send(message, to=to, **context)


def ask_identifier(client, email: Any, **kwargs: Any):
    return client.post("/api/recovery/identifier", {"email": email}, **kwargs)


def ask_reset(client, identifier: Any, **kwargs: Any):
    return client.post("/api/recovery/password", {"identifier": identifier}, **kwargs)


def choose_password(client, token: Any, password: str = NEW_PASSWORD, confirmation: str | None = None):
    return client.post(
        "/api/recovery/password/reset",
        {
            "token": token,
            "new_password": password,
            "new_password_confirmation": password if confirmation is None else confirmation,
        },
    )


def reset_links(mails: list[dict[str, str]]) -> list[str]:
    """Return the reset links of the mails, oldest first."""
    return [match.group(1) for mail in mails for match in [_LINK.search(mail["text"])] if match]


def token_of(link: str) -> str:
    return link.partition("#t=")[2]
