"""Domain errors raised by the core and the flows; mapped to HTTP answers in one place."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the request. `code` is stable for programs, `message` French for people."""

    code = "error"
    status = 400
    message = "La demande n'a pas pu être traitée."

    def __init__(self, message: str | None = None, *, field: str | None = None, help: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message
        self.field = field
        self.help = help  # the answer explaining this error, when it differs from the code's


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


class TokenInvalid(DomainError):
    code = "token_invalid"
    status = 400
    message = "Ce lien n'est pas valide. Vérifiez que vous avez copié l'adresse complète, ou demandez un nouveau lien."


class TokenExpired(DomainError):
    code = "token_expired"
    status = 400
    message = "Ce lien a expiré. Demandez un nouveau lien."


class TokenUsed(DomainError):
    code = "token_used"
    status = 400
    message = "Ce lien a déjà été utilisé."


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401
    message = "Vous n'êtes pas connecté, ou votre session a expiré. Veuillez vous connecter."


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 401
    message = "Identifiant ou mot de passe incorrect. Vérifiez aussi le profil choisi (parent ou élève)."


class AccountLocked(DomainError):
    code = "account_locked"
    status = 429
    message = "Trop d'essais infructueux : par sécurité, le compte est bloqué pendant {wait}. Vous pouvez aussi réinitialiser votre mot de passe."

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, (retry_after + 59) // 60)
        wait = f"{minutes} minute{'s' if minutes > 1 else ''}"
        super().__init__(self.message.format(wait=wait))
        self.retry_after = retry_after


class AccountDeactivated(DomainError):
    code = "account_deactivated"
    status = 403
    message = "Votre compte est désactivé. Contactez votre établissement afin de faire vérifier votre compte."


class EmailConfirmationPending(DomainError):
    code = "email_confirmation_pending"
    status = 403
    message = "Votre compte n'est pas encore activé : cliquez sur le lien reçu par courriel. Vous pouvez demander un nouveau lien."


class ServiceBusy(DomainError):
    code = "service_unavailable"
    status = 503
    message = "Le service est momentanément surchargé. Rien n'a été modifié : veuillez réessayer dans une minute."
    retry_after = 30


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    status = 429
    message = "Trop d'essais infructueux depuis votre connexion internet. Veuillez patienter quelques minutes avant de réessayer."

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after
