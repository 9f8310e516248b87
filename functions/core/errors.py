"""Domain errors raised by the core and the flows; mapped to HTTP answers in one place."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the request. `code` is stable for programs, `message` French for people."""

    code = "error"
    status = 400
    message = "La demande n'a pas pu être traitée."

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message
        self.field = field


class IdentifierTaken(DomainError):
    code = "identifier_taken"
    status = 409
    message = "Cet identifiant existe déjà."


class AccountNotFound(DomainError):
    code = "account_not_found"
    status = 404
    message = "Aucun compte ne porte cet identifiant."


class ConcurrentUpdate(DomainError):
    code = "concurrent_update"
    status = 409
    message = "Le compte vient d'être modifié par une autre demande. Veuillez réessayer."


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 400
    message = "Une information saisie n'est pas valide."
