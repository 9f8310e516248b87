"""The apps that sign families in through us: OpenID Connect clients and CAS services.

Registered by the secretariat's `ent-admin client add`; read by the OIDC provider and the CAS
server. A confidential OIDC client gets a random secret shown once and kept only as its SHA-256
(256 random bits need no slow hash: nothing to guess from the hash); a public one has no secret
and relies on PKCE alone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from functions.core.errors import InvalidInput
from functions.core.limits import REDIRECT_URI_MAX_LENGTH as URL_MAX_LENGTH

NAME_MAX_LENGTH = 80
MAX_URLS = 10
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class Protocol(StrEnum):
    OIDC = "oidc"
    CAS = "cas"


@dataclass(frozen=True)
class Client:
    client_id: str
    name: str  # shown to families: « Continuer vers <name> », Mon compte's list of apps
    protocol: Protocol
    redirect_uris: tuple[str, ...] = ()  # OIDC: exact matches only
    post_logout_redirect_uris: tuple[str, ...] = ()  # OIDC: where logout may send the browser
    service_urls: tuple[str, ...] = ()  # CAS: scheme, host, port and path compared, query ignored
    public: bool = False  # OIDC: no secret, PKCE alone
    secret_hash: str | None = field(default=None, repr=False)

    def accepts_secret(self, secret: str) -> bool:
        """Return whether `secret` is this confidential client's (compared in constant time)."""
        if self.public or not self.secret_hash:
            return False
        return hmac.compare_digest(secret_hash(secret), self.secret_hash)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_client_id() -> str:
    return secrets.token_urlsafe(16)


def new_client_secret() -> str:
    return secrets.token_urlsafe(32)


def register_oidc_client(
    *,
    name: str,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str] | None = None,
    public: bool = False,
) -> tuple[Client, str | None]:
    """Return a new OIDC client and its secret (None for a public client), validated."""
    if not redirect_uris:
        raise InvalidInput(
            "Une application OpenID Connect a besoin d'au moins une adresse de retour.", field="redirect_uri"
        )
    secret = None if public else new_client_secret()
    client = Client(
        client_id=new_client_id(),
        name=_name(name),
        protocol=Protocol.OIDC,
        redirect_uris=_urls(redirect_uris, "redirect_uri"),
        post_logout_redirect_uris=_urls(post_logout_redirect_uris or [], "post_logout_redirect_uri"),
        public=public,
        secret_hash=secret_hash(secret) if secret else None,
    )
    return client, secret


def register_cas_client(*, name: str, service_urls: list[str]) -> Client:
    """Return a new CAS service, validated."""
    if not service_urls:
        raise InvalidInput("Un service CAS a besoin d'au moins une adresse de service.", field="service_url")
    return Client(
        client_id=new_client_id(),
        name=_name(name),
        protocol=Protocol.CAS,
        service_urls=_urls(service_urls, "service_url"),
    )


def service_matches(registered: str, candidate: str) -> bool:
    """Return whether a CAS `service` names a registered service URL: same scheme, host, port, path."""
    try:
        left, right = urlsplit(registered), urlsplit(candidate)
        left_port, right_port = left.port, right.port
    except ValueError:
        return False
    return (
        left.scheme == right.scheme
        and (left.hostname or "") == (right.hostname or "")
        and left_port == right_port
        and (left.path or "/") == (right.path or "/")
        and not right.fragment
        and "@" not in right.netloc
    )


def check_url(url: str, field_name: str) -> str:
    """Return `url` if it may receive codes or tickets: absolute https (http on loopback), no fragment."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises on a malformed port
    except ValueError:
        parts = None
    if (
        parts is None
        or len(text) > URL_MAX_LENGTH
        or not parts.hostname
        or parts.fragment
        or "@" in parts.netloc
        or any(character.isspace() for character in text)
        or not (parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS))
    ):
        raise InvalidInput(
            f"Adresse refusée : {text[:80]!r} (https://… complète, sans #fragment ; http:// seulement en local).",
            field=field_name,
        )
    return text


def _urls(urls: list[str], field_name: str) -> tuple[str, ...]:
    if len(urls) > MAX_URLS:
        raise InvalidInput(f"{MAX_URLS} adresses au plus.", field=field_name)
    return tuple(dict.fromkeys(check_url(url, field_name) for url in urls))


def _name(name: str) -> str:
    text = " ".join(name.split())
    if not text or len(text) > NAME_MAX_LENGTH or not text.isprintable():
        raise InvalidInput(
            f"Le nom de l'application est vide, illisible ou dépasse {NAME_MAX_LENGTH} caractères.", field="name"
        )
    return text
