"""The token endpoint (OIDC Core §3.1.3): a code, its PKCE verifier and the client, for tokens."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from functions.core import audit
from functions.core.clients import Client, Protocol
from functions.core.grants import ACCESS_TOKEN_LIFETIME, AccessToken
from functions.core.limits import AUTHORIZATION_CODE_MAX_LENGTH
from functions.core.store import Store
from functions.core.tokens import new_token, token_hash
from functions.oidc.claims import at_hash, id_token_claims, pairwise_subject, scoped_claims
from functions.oidc.errors import InvalidClient, InvalidGrant, InvalidRequest, UnsupportedGrantType
from functions.oidc.sessions import account_of_live_session
from functions.oidc.signing import KeyRing, b64url

_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")  # RFC 7636 §4.1


@dataclass(frozen=True)
class Issuer:
    url: str
    pairwise_secret: str
    keys: KeyRing


def authenticate_client(store: Store, form: Mapping[str, list[str]], authorization: str | None) -> Client:
    """Return the client: a confidential one by HTTP Basic (client_secret_basic), a public one by its id."""
    named = _single(form, "client_id")
    if authorization:
        scheme, _, encoded = authorization.partition(" ")
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise InvalidClient() from None
        if scheme.lower() != "basic" or ":" not in decoded:
            raise InvalidClient()
        client_id, secret = (unquote(part) for part in decoded.split(":", 1))  # RFC 6749 §2.3.1
        if named is not None and named != client_id:
            raise InvalidRequest("Le client_id du formulaire n'est pas celui de l'authentification.")
        client = store.get_client(client_id)
        if client is None or client.protocol != Protocol.OIDC or not client.accepts_secret(secret):
            raise InvalidClient()
        return client
    if "client_secret" in form:
        raise InvalidClient("Envoyez le secret par l'en-tête Authorization (client_secret_basic).")
    client = store.get_client(named) if named else None
    if client is None or client.protocol != Protocol.OIDC or not client.public:
        raise InvalidClient()  # a confidential client must authenticate
    return client


def exchange_code(
    store: Store,
    issuer: Issuer,
    *,
    form: Mapping[str, list[str]],
    authorization: str | None,
    now: datetime,
    client_info: audit.Client,
) -> dict[str, Any]:
    """Return the token response, or raise the RFC 6749 §5.2 refusal."""
    duplicated = sorted(name for name, values in form.items() if len(values) > 1)
    if duplicated:
        raise InvalidRequest(f"Paramètre répété : {duplicated[0]}.")
    if _single(form, "grant_type") != "authorization_code":
        raise UnsupportedGrantType()
    client = authenticate_client(store, form, authorization)
    code_text, redirect_uri, verifier = (_single(form, name) for name in ("code", "redirect_uri", "code_verifier"))
    if not code_text or len(code_text) > AUTHORIZATION_CODE_MAX_LENGTH or not redirect_uri:
        raise InvalidRequest("« code » et « redirect_uri » sont obligatoires.")
    if not verifier or not _VERIFIER.fullmatch(verifier):
        raise InvalidRequest("« code_verifier » (PKCE) est obligatoire : 43 à 128 caractères.")
    code = store.get_authorization_code(token_hash(code_text))
    if code is None:
        raise InvalidGrant()
    if code.used_at is not None:
        _revoke_first_use(store, code.access_token_hash, code.identifier, now, client_info)
        raise InvalidGrant()
    if (
        now >= code.valid_until
        or code.client_id != client.client_id
        or code.redirect_uri != redirect_uri
        or not hmac.compare_digest(b64url(hashlib.sha256(verifier.encode("ascii")).digest()), code.code_challenge)
    ):
        raise InvalidGrant()
    account = account_of_live_session(store, code.session_hash, now)
    if account is None or account.identifier != code.identifier:
        raise InvalidGrant("La session de l'ENT a été fermée depuis : reconnectez-vous.")
    access_token = new_token()
    token = AccessToken(
        token_hash=token_hash(access_token),
        client_id=client.client_id,
        identifier=account.identifier,
        session_hash=code.session_hash,
        scope=code.scope,
        expires_at=now + ACCESS_TOKEN_LIFETIME,
    )
    if not store.redeem_authorization_code(code, token, now):  # a parallel request redeemed it first
        fresh = store.get_authorization_code(code.code_hash)
        _revoke_first_use(store, fresh.access_token_hash if fresh else None, code.identifier, now, client_info)
        raise InvalidGrant()
    claims = id_token_claims(
        issuer=issuer.url,
        subject=pairwise_subject(issuer.pairwise_secret, client.client_id, account.identifier),
        client_id=client.client_id,
        now=now,
        auth_time=code.auth_time,
        nonce=code.nonce,
        access_token_hash=at_hash(access_token),
        extra=scoped_claims(account, store.school_name(account.school), code.scope),
    )
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
        "id_token": issuer.keys.sign(claims),
        "scope": " ".join(code.scope),
    }


def _revoke_first_use(
    store: Store, access_token_hash: str | None, identifier: str, now: datetime, client_info: audit.Client
) -> None:
    """A code used twice was stolen, or replayed: the token its first use gave stops working (RFC 6749 §4.1.2)."""
    if access_token_hash:
        store.revoke_access_token(access_token_hash)
    audit.record(store, identifier, "oidc_code_replayed", now, client_info)


def _single(form: Mapping[str, list[str]], name: str) -> str | None:
    values = form.get(name) or []
    return values[0] if len(values) == 1 else None
