"""What an app learns of a family: a pairwise `sub`, and the claims of the scopes it asked for."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from functions.core.clock import epoch_seconds
from functions.core.grants import ID_TOKEN_LIFETIME
from functions.core.model import Account
from functions.oidc.signing import b64url

SCOPES = ("openid", "profile", "email")


def pairwise_subject(secret: str, client_id: str, identifier: str) -> str:
    """Return the account's `sub` for this app (OIDC Core §8.1): stable per app, unlinkable across apps.

    The sector is the client itself: two apps (two registrations) never share a `sub`, and without
    the deployment's secret nobody can compute one from an identifier printed on a letter.
    """
    message = f"{client_id}\x00{identifier}".encode()
    return b64url(hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest())


def scoped_claims(account: Account, school_name: str | None, scope: tuple[str, ...]) -> dict[str, Any]:
    """Return the claims `profile` and `email` give (OIDC Core §5.4), with the ENT's own `ent` object."""
    claims: dict[str, Any] = {}
    if "profile" in scope:
        claims["given_name"] = account.first_name
        claims["family_name"] = account.last_name
        claims["ent"] = {
            "profile": account.profile.value,
            "school": account.school,
            "school_name": school_name or account.school,
        }
    if "email" in scope and account.email:
        claims["email"] = account.email
        claims["email_verified"] = True  # only a confirmed address is ever the account's `email`
    return claims


def id_token_claims(
    *,
    issuer: str,
    subject: str,
    client_id: str,
    now: datetime,
    auth_time: datetime,
    nonce: str | None,
    access_token_hash: str,
    extra: dict[str, Any],
) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": subject,
        "aud": client_id,
        "exp": epoch_seconds(now + ID_TOKEN_LIFETIME),
        "iat": epoch_seconds(now),
        "auth_time": epoch_seconds(auth_time),
        "at_hash": access_token_hash,
        **extra,
    }
    if nonce is not None:
        claims["nonce"] = nonce
    return claims


def at_hash(access_token: str) -> str:
    """The left half of the token's SHA-256 (OIDC Core §3.1.3.6, for ES256)."""
    return b64url(hashlib.sha256(access_token.encode("ascii")).digest()[:16])
