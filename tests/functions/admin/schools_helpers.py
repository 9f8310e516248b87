"""What the school console's tests share: families of two schools, letters read back from the bucket."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urlparse

from functions.core.accounts import issue_account
from functions.core.lifecycle import AccountState, Profile
from functions.core.model import Account
from functions.core.store import Store
from tests.conftest import LETTERS_BUCKET
from tests.functions.admin.conftest import SCHOOL_A, SCHOOL_B

ROSTER_HEADER = "nom;prenom;profil;date_naissance;classe"


def family(
    store: Store,
    now: Any,
    school: str = SCHOOL_A,
    *,
    first_name: str = "Zoé",
    last_name: str = "Martin",
    state: AccountState = AccountState.ISSUED,
    email: str | None = None,
    classe: str | None = "6e B",
) -> Account:
    """An account of `school` in `state` (issued by the store, as ent-admin would)."""
    account = issue_account(
        store,
        profile=Profile.PARENT,
        first_name=first_name,
        last_name=last_name,
        birth_date=date(2015, 3, 1),
        school=school,
        now=now,
        classe=classe,
    ).account
    changes: dict[str, Any] = {}
    if state != AccountState.ISSUED:
        changes["state"] = state
    if state == AccountState.ACTIVE:
        changes["activated_at"] = now
    if email:
        changes["email"] = email
    return store.save_account(replace(account, **changes)) if changes else account


def letters_text(download: dict[str, Any]) -> str:
    """The text of a letters PDF the console stored, read back from the bucket its URL names."""
    from pypdf import PdfReader

    from functions.core.aws import client

    path = urlparse(download["url"]).path.lstrip("/")
    key = path.removeprefix(f"{LETTERS_BUCKET}/")
    body = client("s3").get_object(Bucket=LETTERS_BUCKET, Key=key)["Body"].read()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


__all__ = ["SCHOOL_A", "SCHOOL_B", "family", "letters_text", "ROSTER_HEADER"]
