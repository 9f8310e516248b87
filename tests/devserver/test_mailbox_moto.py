"""What devserver/mailbox.py patches in moto is still there, shaped as the patches expect.

`mailbox.record()` wraps three moto methods (see the module's docstring). They are moto's internals:
a new moto may rename them or change what they return, and the mailbox would then show mails
without a time or without their text part. These tests say so by name instead.

- `SESBackend.send_raw_email`: the product's own path (functions/core/mail.py sends SES v2 Raw
  content, which moto hands to it); stamped with the sending time.
- `SESBackend.send_email` (SES v1, and v2 Simple content) and `SESV2Response.send_email` (v2 Simple):
  paths the product does not use; kept for mails sent by hand to the local stack (the mailbox reads
  every kind), stamped and given back their Text part.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import boto3
import pytest
from moto.ses.models import Message, RawMessage, SESBackend, ses_backends
from moto.sesv2.responses import SESV2Response

from devserver import mailbox

SENDER = "ne-pas-repondre@ent.example.fr"
CHANGED = "moto changed under devserver/mailbox.py's patch of {}: revisit the patch"


def parameters(method: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(method).parameters)


def test_the_patched_methods_keep_their_signatures() -> None:
    assert parameters(SESBackend.send_raw_email) == ["self", "source", "destinations", "raw_data"], CHANGED.format(
        "SESBackend.send_raw_email"
    )
    assert set(parameters(SESBackend.send_email)) == {"self", "source", "subject", "body", "destinations"}, (
        CHANGED.format("SESBackend.send_email")
    )
    assert parameters(SESV2Response.send_email) == ["self"], CHANGED.format("SESV2Response.send_email")
    assert isinstance(inspect.getattr_static(SESV2Response, "sesv2_backend"), property), CHANGED.format(
        "SESV2Response.send_email (its sesv2_backend)"
    )


def test_record_wraps_and_stop_recording_gives_moto_its_methods_back() -> None:
    originals = (SESBackend.send_email, SESBackend.send_raw_email, SESV2Response.send_email)

    mailbox.record()
    try:
        wrapped = (SESBackend.send_email, SESBackend.send_raw_email, SESV2Response.send_email)
        assert all(now is not before for now, before in zip(wrapped, originals, strict=True))
        assert [getattr(method, "__wrapped__", None) for method in wrapped] == list(originals)
    finally:
        mailbox.stop_recording()

    assert (SESBackend.send_email, SESBackend.send_raw_email, SESV2Response.send_email) == originals


def _kept(region: str = "us-east-1") -> list[Any]:
    return [message for by_region in ses_backends.values() for message in by_region[region].sent_messages]


@pytest.fixture
def sesv2(aws: None) -> Any:
    client = boto3.client("sesv2", region_name="us-east-1")
    client.create_email_identity(EmailIdentity=SENDER)
    mailbox.record()
    yield client
    mailbox.stop_recording()


def test_the_products_raw_mail_is_a_raw_message_with_its_sending_time(sesv2: Any) -> None:
    mime = EmailMessage()
    mime["Subject"], mime["From"], mime["To"] = "Brut", SENDER, "c@example.fr"
    mime.set_content("Bonjour")
    sesv2.send_email(
        FromEmailAddress=SENDER,
        Destination={"ToAddresses": ["c@example.fr"]},
        Content={"Raw": {"Data": mime.as_bytes()}},
    )

    (message,) = _kept()

    assert isinstance(message, RawMessage), CHANGED.format("SESBackend.send_raw_email (what it keeps)")
    assert {"raw_data", "destinations"} <= set(vars(message)), CHANGED.format("SESBackend.send_raw_email")
    assert getattr(message, "sent_at", None) is not None, CHANGED.format(
        "SESBackend.send_raw_email (not called for v2 Raw?)"
    )


def test_a_simple_mail_is_a_message_given_its_time_and_both_parts(sesv2: Any) -> None:
    body = {"Text": {"Data": "texte"}, "Html": {"Data": "<p>html</p>"}}
    answer = sesv2.send_email(
        FromEmailAddress=SENDER,
        Destination={"ToAddresses": ["a@example.fr"]},
        Content={"Simple": {"Subject": {"Data": "Simple"}, "Body": body}},
    )

    (message,) = _kept()

    assert isinstance(message, Message), CHANGED.format("SESBackend.send_email (what it keeps)")
    assert message.id == answer["MessageId"], CHANGED.format("SESV2Response.send_email (the message id)")
    assert {"body", "destinations", "subject"} <= set(vars(message)), CHANGED.format("SESBackend.send_email")
    assert getattr(message, "sent_at", None) is not None, CHANGED.format("SESBackend.send_email")
    assert (getattr(message, "text_part", None), getattr(message, "html_part", None)) == ("texte", "<p>html</p>"), (
        CHANGED.format("SESV2Response.send_email")
    )
