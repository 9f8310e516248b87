"""What the OpenID Connect provider hands out: authorization codes and access tokens.

Both are random secrets stored only as their SHA-256 (`core/tokens.token_hash`), and both carry
the hash of the family's SSO session: the token endpoint and userinfo honour them only while that
session lives, so logging out (or a password change, which revokes sessions) ends every app's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

CODE_LIFETIME = timedelta(seconds=60)
ACCESS_TOKEN_LIFETIME = timedelta(minutes=5)
ID_TOKEN_LIFETIME = timedelta(minutes=5)
# A redeemed code is kept as long as the token it gave, so that a second use can still revoke it.
CODE_KEPT = CODE_LIFETIME + ACCESS_TOKEN_LIFETIME


@dataclass(frozen=True)
class AuthorizationCode:
    code_hash: str
    client_id: str
    redirect_uri: str
    code_challenge: str  # PKCE S256: base64url(SHA-256(verifier))
    nonce: str | None
    scope: tuple[str, ...]
    identifier: str
    session_hash: str
    auth_time: datetime
    issued_at: datetime
    used_at: datetime | None = None
    access_token_hash: str | None = None  # what the first redemption issued: revoked by a second

    @property
    def valid_until(self) -> datetime:
        return self.issued_at + CODE_LIFETIME


@dataclass(frozen=True)
class AccessToken:
    token_hash: str
    client_id: str
    identifier: str
    session_hash: str
    scope: tuple[str, ...]
    expires_at: datetime
