"""Domain errors raised by the core and the flows; mapped to HTTP answers in one place.

Each takes its code, status and message from the catalogue (`functions/core/messages.py`):
`class IdentifierTaken(DomainError, answer=Code.IDENTIFIER_TAKEN)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from functions.core.messages import CATALOGUE, Code, Entry, token_answer
from functions.core.tokens import TokenKind


class DomainError(Exception):
    """A rule refused the request. `code` is stable for programs, `message` French for people."""

    code: str = Code.ERROR.value
    status: int = CATALOGUE[Code.ERROR].status
    message: str = CATALOGUE[Code.ERROR].message

    def __init_subclass__(cls, answer: Code | Entry | None = None, **kwargs: Any) -> None:
        """Take code, status and message from the catalogue; a message set in the class body wins."""
        super().__init_subclass__(**kwargs)
        if answer is None:
            return
        entry = answer if isinstance(answer, Entry) else CATALOGUE[answer]
        cls.code, cls.status = entry.code.value, entry.status
        if "message" not in cls.__dict__:
            cls.message = entry.message

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        help: str | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message
        self.field = field
        self.help = help  # the answer explaining this error, when it differs from the code's
        self.extra = dict(extra or {})  # more fields of the answer, documented with its code


class IdentifierTaken(DomainError, answer=Code.IDENTIFIER_TAKEN):
    pass


class AccountNotFound(DomainError, answer=Code.ACCOUNT_NOT_FOUND):
    pass


class ConcurrentUpdate(DomainError, answer=Code.CONCURRENT_UPDATE):
    pass


class InvalidInput(DomainError, answer=Code.INVALID_INPUT):
    pass


class TokenInvalid(DomainError, answer=Code.TOKEN_INVALID):
    pass


class TokenExpired(DomainError, answer=Code.TOKEN_EXPIRED):
    @classmethod
    def of_link(cls, kind: TokenKind) -> TokenExpired:
        """Return the refusal of an expired link of `kind`, with that link's help answer."""
        answer = token_answer(Code.TOKEN_EXPIRED, kind)
        return cls(answer.message, field="token", help=answer.help)


class TokenUsed(DomainError, answer=Code.TOKEN_USED):
    @classmethod
    def of_link(cls, kind: TokenKind) -> TokenUsed:
        """Return the refusal of a used link of `kind`: what it did, where to go next."""
        answer = token_answer(Code.TOKEN_USED, kind)
        return cls(answer.message, field="token", help=answer.help)


class NotAuthenticated(DomainError, answer=Code.NOT_AUTHENTICATED):
    pass


class InvalidCredentials(DomainError, answer=Code.INVALID_CREDENTIALS):
    pass


class AccountLocked(DomainError, answer=Code.ACCOUNT_LOCKED):
    def __init__(self, retry_after: int) -> None:
        minutes = max(1, (retry_after + 59) // 60)
        wait = f"{minutes} minute{'s' if minutes > 1 else ''}"
        super().__init__(self.message.format(wait=wait))
        self.retry_after = retry_after


class LetterSpent(DomainError, answer=Code.LETTER_SPENT):
    """Ten wrong birth dates for one letter: only a new letter opens the first connection again."""


class AccountDeactivated(DomainError, answer=Code.ACCOUNT_DEACTIVATED):
    pass


class EmailConfirmationPending(DomainError, answer=Code.EMAIL_CONFIRMATION_PENDING):
    """Given only after the right password: the answer shows the awaited address, masked."""

    def __init__(self, pending_email: str | None = None) -> None:
        super().__init__(extra={"pending_email": pending_email} if pending_email else None)


class ServiceBusy(DomainError, answer=Code.SERVICE_UNAVAILABLE):
    retry_after = 30


class TooManyAttempts(DomainError, answer=Code.TOO_MANY_ATTEMPTS):
    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after


class StaffNotSignedIn(DomainError, answer=Code.STAFF_NOT_SIGNED_IN):
    pass


class StaffInvalidCredentials(DomainError, answer=Code.STAFF_INVALID_CREDENTIALS):
    """One answer for a wrong address, password or code, a disabled or unenrolled member."""


class StaffCodeIncorrect(DomainError, answer=Code.STAFF_CODE_INCORRECT):
    def __init__(self) -> None:
        super().__init__(field="code")


class StepUpRequired(DomainError, answer=Code.STEP_UP_REQUIRED):
    pass


class AcademieOnly(DomainError, answer=Code.ACADEMIE_ONLY):
    pass


class InvitationInvalid(DomainError, answer=Code.INVITATION_INVALID):
    def __init__(self) -> None:
        super().__init__(field="token")


class InvitationExpired(DomainError, answer=Code.INVITATION_EXPIRED):
    def __init__(self) -> None:
        super().__init__(field="token")


class InvitationUsed(DomainError, answer=Code.INVITATION_USED):
    def __init__(self) -> None:
        super().__init__(field="token")


class StaffAlreadyEnrolled(DomainError, answer=Code.STAFF_ALREADY_ENROLLED):
    pass


class StaffNotFound(DomainError, answer=Code.STAFF_NOT_FOUND):
    pass


class InvalidUai(DomainError, answer=Code.INVALID_UAI):
    pass


class SchoolNotFound(DomainError, answer=Code.SCHOOL_NOT_FOUND):
    """No such school, or not one of the member's: the same answer."""


class ImportNotFound(DomainError, answer=Code.IMPORT_NOT_FOUND):
    """No such import, expired, or another school's or member's: the same answer."""


class ImportDone(DomainError, answer=Code.IMPORT_DONE):
    pass


class ImportEmpty(DomainError, answer=Code.IMPORT_EMPTY):
    pass


class InvalidCursor(DomainError, answer=Code.INVALID_CURSOR):
    pass


class LetterImpossible(DomainError, answer=Code.LETTER_IMPOSSIBLE):
    pass
