"""The provider's refusals: JSON (RFC 6749 §5.2), a redirect to the app, or a page instead of one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from functions.core.errors import DomainError
from functions.core.messages import Code


class OAuthError(DomainError, answer=Code.INVALID_REQUEST):
    """Answered as JSON with RFC 6749's `error` and, as `error_description`, the French message."""

    def __init__(self, message: str | None = None, *, extra: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(message, extra=extra, **kwargs)
        self.extra["error_description"] = self.message


class InvalidRequest(OAuthError, answer=Code.INVALID_REQUEST):
    pass


class InvalidClient(OAuthError, answer=Code.INVALID_CLIENT):
    pass


class InvalidGrant(OAuthError, answer=Code.INVALID_GRANT):
    pass


class UnsupportedGrantType(OAuthError, answer=Code.UNSUPPORTED_GRANT_TYPE):
    pass


class InvalidToken(OAuthError, answer=Code.INVALID_TOKEN):
    pass


class ErrorPage(DomainError, answer=Code.UNKNOWN_CLIENT):
    """Shown to the family as a French page: the app's address cannot be trusted with a redirect."""


class UnknownClient(ErrorPage, answer=Code.UNKNOWN_CLIENT):
    pass


class InvalidRedirectUri(ErrorPage, answer=Code.INVALID_REDIRECT_URI):
    pass


class MalformedLogout(ErrorPage, answer=Code.INVALID_REQUEST):
    pass


class AuthorizationRefused(DomainError, answer=Code.INVALID_REQUEST):
    """A refusal sent back to the app's (verified) redirect URI with `state` and `iss`, never shown here."""

    def __init__(self, redirect_uri: str, state: str | None, message: str | None = None) -> None:
        super().__init__(message)
        self.redirect_uri = redirect_uri
        self.state = state


class RequestRefused(AuthorizationRefused, answer=Code.INVALID_REQUEST):
    pass


class ScopeRefused(AuthorizationRefused, answer=Code.INVALID_SCOPE):
    pass


class ResponseTypeRefused(AuthorizationRefused, answer=Code.UNSUPPORTED_RESPONSE_TYPE):
    pass


class LoginRequired(AuthorizationRefused, answer=Code.LOGIN_REQUIRED):
    pass


REFUSALS: Mapping[Code, type[AuthorizationRefused]] = {
    Code(refusal.code): refusal for refusal in (RequestRefused, ScopeRefused, ResponseTypeRefused, LoginRequired)
}
