"""The authorization request (OIDC Core §3.1.2.1), read and checked before anything is issued.

The client and its redirect URI are checked first and without redirecting: an unknown client or
an address that is not exactly one it registered gets a page, so the endpoint is never an open
redirect. Every later refusal goes back to that verified address with `state` and `iss`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from functions.core.clients import Client, Protocol
from functions.core.limits import (
    CLIENT_ID_MAX_LENGTH,
    OIDC_NONCE_MAX_LENGTH,
    OIDC_SCOPE_MAX_LENGTH,
    OIDC_STATE_MAX_LENGTH,
)
from functions.core.messages import Code
from functions.core.store import Store
from functions.oidc.claims import SCOPES
from functions.oidc.errors import REFUSALS, AuthorizationRefused, InvalidRedirectUri, UnknownClient

_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")  # base64url of a SHA-256, unpadded
_PROMPTS = frozenset({"none", "login", "consent"})  # consent: the school's apps need none asked
_UNSUPPORTED = ("request", "request_uri", "registration")

Params = Mapping[str, list[str]]


@dataclass(frozen=True)
class AuthorizationRequest:
    client: Client
    redirect_uri: str
    state: str | None
    scope: tuple[str, ...]
    code_challenge: str
    nonce: str | None
    prompt: frozenset[str]
    max_age: int | None
    reference: str | None  # `demande`: the pending request this call resumes after a login

    @property
    def forces_login(self) -> bool:
        return "login" in self.prompt or self.max_age == 0


def read_request(store: Store, params: Params) -> AuthorizationRequest:
    """Return the checked request; raise a page error, or AuthorizationRefused for the app."""
    client_id = _single(params, "client_id")
    client = store.get_client(client_id) if client_id and len(client_id) <= CLIENT_ID_MAX_LENGTH else None
    if client is None or client.protocol != Protocol.OIDC:
        raise UnknownClient()
    redirect_uri = _single(params, "redirect_uri")
    if redirect_uri is None or redirect_uri not in client.redirect_uris:
        raise InvalidRedirectUri()  # exact string match: no prefix, no normalisation

    state = _first(params, "state")

    def refuse(code: Code, message: str | None = None) -> AuthorizationRefused:
        echoed = state if state and len(state) <= OIDC_STATE_MAX_LENGTH else None
        return REFUSALS[code](redirect_uri, echoed, message)

    duplicated = sorted(name for name, values in params.items() if len(values) > 1)
    if duplicated:
        raise refuse(Code.INVALID_REQUEST, f"Paramètre répété : {duplicated[0]}.")
    if state is not None and len(state) > OIDC_STATE_MAX_LENGTH:
        raise refuse(Code.INVALID_REQUEST, f"« state » dépasse {OIDC_STATE_MAX_LENGTH} caractères.")
    if _single(params, "response_type") != "code":
        raise refuse(Code.UNSUPPORTED_RESPONSE_TYPE)
    if _single(params, "response_mode") not in (None, "query"):
        raise refuse(Code.INVALID_REQUEST, "Seul « response_mode=query » est accepté.")
    if any(name in params for name in _UNSUPPORTED):
        raise refuse(Code.INVALID_REQUEST, "Les paramètres request, request_uri et registration ne sont pas acceptés.")
    scope_text = _single(params, "scope") or ""
    scope = tuple(dict.fromkeys(scope_text.split()))
    if len(scope_text) > OIDC_SCOPE_MAX_LENGTH or "openid" not in scope:
        raise refuse(Code.INVALID_SCOPE)
    if _single(params, "code_challenge_method") != "S256":
        raise refuse(Code.INVALID_REQUEST, "PKCE est obligatoire, avec « code_challenge_method=S256 ».")
    challenge = _single(params, "code_challenge") or ""
    if not _CHALLENGE.fullmatch(challenge):
        raise refuse(Code.INVALID_REQUEST, "« code_challenge » doit être l'empreinte S256 du vérificateur PKCE.")
    nonce = _single(params, "nonce")
    if nonce is not None and not 0 < len(nonce) <= OIDC_NONCE_MAX_LENGTH:
        raise refuse(Code.INVALID_REQUEST, f"« nonce » doit compter de 1 à {OIDC_NONCE_MAX_LENGTH} caractères.")
    prompt = frozenset((_single(params, "prompt") or "").split())
    if not prompt <= _PROMPTS or ("none" in prompt and len(prompt) > 1):
        raise refuse(Code.INVALID_REQUEST, "« prompt » accepte none, login ou consent ; none seul.")
    max_age_text = _single(params, "max_age")
    if max_age_text is not None and not (max_age_text.isascii() and max_age_text.isdigit() and len(max_age_text) <= 9):
        raise refuse(Code.INVALID_REQUEST, "« max_age » doit être un nombre de secondes.")
    return AuthorizationRequest(
        client=client,
        redirect_uri=redirect_uri,
        state=state,
        scope=tuple(name for name in scope if name in SCOPES),  # unknown scopes are ignored (RFC 6749 §3.3)
        code_challenge=challenge,
        nonce=nonce,
        prompt=prompt,
        max_age=int(max_age_text) if max_age_text is not None else None,
        reference=_first(params, "demande"),
    )


def _first(params: Params, name: str) -> str | None:
    values = params.get(name) or []
    return values[0] if values else None


def _single(params: Params, name: str) -> str | None:
    values = params.get(name) or []
    return values[0] if len(values) == 1 else None
