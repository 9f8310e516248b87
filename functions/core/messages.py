"""The catalogue of refusals: each error code with its HTTP status, French message and help answer.

One table, read by the domain errors (`functions/core/errors.py` and the flows' own error classes,
which declare `class X(DomainError, answer=Code.X)`) and by `functions/web.py` for the refusals
made before a flow runs (403, 404, 413, …). Like Ory Kratos' message catalogue: programs (the
site's `docs/assets/js/forms.js`, tests) rely on the stable `Code`; people read `message`; `help`
is the path of the help centre's answer (`/page/#anchor`) the forms link beside the message.

Every code the API can answer is listed in `functions/openapi.yaml` and every help link is an
anchor of a page in `docs/` (`tests/core/test_messages.py` checks both ways). A message may be a
`str.format` template whose fields its error class fills (`{wait}`, `{rule}`, `{identifier}`);
a raise site may still give a more precise message (`InvalidInput("Ce champ est obligatoire.")`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType

from functions.core.tokens import TokenKind


class Code(StrEnum):
    """The stable `error` codes of the API's JSON answers (DESIGN §3)."""

    # Refused before a flow runs (functions/web.py).
    BAD_REQUEST = "bad_request"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    TOO_MANY_REQUESTS = "too_many_requests"
    INTERNAL_ERROR = "internal_error"
    ERROR = "error"  # any other refusal: the fallback, never expected
    # Input.
    INVALID_INPUT = "invalid_input"
    INVALID_EMAIL = "invalid_email"
    PASSWORD_POLICY = "password_policy"
    PASSWORD_MISMATCH = "password_mismatch"
    # Sessions and credentials.
    NOT_AUTHENTICATED = "not_authenticated"
    INVALID_CREDENTIALS = "invalid_credentials"
    CURRENT_PASSWORD_INCORRECT = "current_password_incorrect"
    BIRTH_DATE_MISMATCH = "birth_date_mismatch"
    ACCOUNT_LOCKED = "account_locked"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    LETTER_SPENT = "letter_spent"
    # Account states.
    ACCOUNT_DEACTIVATED = "account_deactivated"
    EMAIL_CONFIRMATION_PENDING = "email_confirmation_pending"
    FIRST_CONNECTION_DONE = "first_connection_done"
    FIRST_CONNECTION_REQUIRED = "first_connection_required"
    ALREADY_ACTIVE = "already_active"
    EMAIL_UNCHANGED = "email_unchanged"
    # The help pages' feedback.
    UNKNOWN_PAGE = "unknown_page"
    # Links sent by email.
    TOKEN_INVALID = "token_invalid"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_USED = "token_used"
    # Nothing was changed: try again.
    CONCURRENT_UPDATE = "concurrent_update"
    SERVICE_UNAVAILABLE = "service_unavailable"
    MAIL_UNAVAILABLE = "mail_unavailable"
    # The secretariat's console: its staff, their sign-in and second factor.
    STAFF_NOT_SIGNED_IN = "staff_not_signed_in"
    STAFF_INVALID_CREDENTIALS = "staff_invalid_credentials"
    STAFF_CODE_INCORRECT = "staff_code_incorrect"
    STEP_UP_REQUIRED = "step_up_required"
    ACADEMIE_ONLY = "academie_only"
    INVITATION_INVALID = "invitation_invalid"
    INVITATION_EXPIRED = "invitation_expired"
    INVITATION_USED = "invitation_used"
    STAFF_ALREADY_ENROLLED = "staff_already_enrolled"
    STAFF_NOT_FOUND = "staff_not_found"
    INVALID_UAI = "invalid_uai"
    # The console's schools, accounts and imports (functions/admin/schools/).
    SCHOOL_NOT_FOUND = "school_not_found"
    IMPORT_NOT_FOUND = "import_not_found"
    IMPORT_DONE = "import_done"
    IMPORT_EMPTY = "import_empty"
    INVALID_CURSOR = "invalid_cursor"
    CONFIRMATION_NEEDED = "confirmation_needed"
    WRONG_STATE = "wrong_state"
    LETTER_IMPOSSIBLE = "letter_impossible"
    # The secretariat's commands only (issuing accounts, looking one up): no route answers them.
    IDENTIFIER_TAKEN = "identifier_taken"
    ACCOUNT_NOT_FOUND = "account_not_found"
    PERSON_ALREADY_ISSUED = "person_already_issued"


# Codes no API answer documents: a 500 is never part of the contract (the contract tests allow
# none), the fallback has no known cause, and the secretariat-only codes never reach a route.
# STEP_UP_REQUIRED is `functions.admin.auth.require_step_up`'s, for the schools' routes (imports,
# reissue) that call it: the branch adding them documents it and takes it out of this set.
NOT_IN_API: frozenset[Code] = frozenset(
    {Code.INTERNAL_ERROR, Code.ERROR, Code.IDENTIFIER_TAKEN, Code.PERSON_ALREADY_ISSUED}
)


@dataclass(frozen=True)
class Entry:
    """One answer: its code, HTTP status, French message and help answer (if any)."""

    code: Code
    status: int
    message: str
    help: str | None = None

    def with_message(self, message: str) -> Entry:
        """Return this answer with another message: one situation of a shared code."""
        return replace(self, message=message)


# The help centre's answers the entries link to (each an anchor of a page in docs/).
EMAIL_CHANGE_HELP = "/aide/changer-adresse/#changer-adresse"
TOO_MANY_REQUESTS_HELP = "/aide/compte-bloque/#trop-de-demandes"

_ENTRIES = (
    Entry(Code.BAD_REQUEST, 400, "La demande est mal formée."),
    Entry(
        Code.UNKNOWN_PAGE,
        400,
        "Cette adresse n'est pas celle d'une page du centre d'aide : l'avis n'a pas été enregistré.",
    ),
    Entry(
        Code.LETTER_SPENT,
        403,
        "Trop de dates de naissance erronées : par sécurité, ce courrier n'est plus valable. "
        "Contactez votre établissement pour recevoir un nouveau courrier.",
        "/aide/premiere-connexion/#date-de-naissance",
    ),
    Entry(Code.FORBIDDEN, 403, "Cette demande n'est pas autorisée."),
    Entry(Code.NOT_FOUND, 404, "Cette adresse n'existe pas."),
    Entry(Code.METHOD_NOT_ALLOWED, 405, "Cette méthode n'est pas acceptée ici."),
    Entry(Code.PAYLOAD_TOO_LARGE, 413, "La demande est trop volumineuse."),
    Entry(Code.UNSUPPORTED_MEDIA_TYPE, 415, "La demande doit être envoyée au format JSON."),
    Entry(
        Code.TOO_MANY_REQUESTS,
        429,
        "Trop de demandes. Veuillez patienter avant de réessayer.",
        TOO_MANY_REQUESTS_HELP,
    ),
    Entry(Code.INTERNAL_ERROR, 500, "Une erreur inattendue est survenue. Veuillez réessayer plus tard."),
    Entry(Code.ERROR, 400, "La demande n'a pas pu être traitée."),
    Entry(Code.INVALID_INPUT, 400, "Une information saisie n'est pas valide."),
    Entry(
        Code.INVALID_EMAIL,
        400,
        "Cette adresse de messagerie n'est pas valide. Vérifiez-la (exemple : prenom.nom@exemple.fr).",
        "/aide/premiere-connexion/#adresse-electronique",
    ),
    Entry(
        Code.PASSWORD_POLICY,
        400,
        "Le mot de passe doit respecter la règle : {rule}.",
        "/aide/regle-mot-de-passe/#regle-mot-de-passe",
    ),
    Entry(Code.PASSWORD_MISMATCH, 400, "Les deux mots de passe saisis ne sont pas identiques."),
    Entry(
        Code.NOT_AUTHENTICATED,
        401,
        "Vous n'êtes pas connecté, ou votre session a expiré. Veuillez vous connecter.",
    ),
    Entry(
        Code.INVALID_CREDENTIALS,
        401,
        "Identifiant ou mot de passe incorrect. Vérifiez aussi le profil choisi (parent ou élève).",
        "/aide/se-connecter/#identifiants-incorrects",
    ),
    Entry(
        Code.CURRENT_PASSWORD_INCORRECT,
        401,
        "Le mot de passe actuel n'est pas le bon. Vérifiez la saisie (majuscules, chiffres).",
        "/aide/mot-de-passe-oublie/#mot-de-passe-oublie",
    ),
    Entry(
        Code.BIRTH_DATE_MISMATCH,
        401,
        "La date de naissance ne correspond pas à celle connue de l'établissement (pour un parent : celle de l'enfant).",
        "/aide/premiere-connexion/#date-de-naissance",
    ),
    Entry(
        Code.ACCOUNT_LOCKED,
        429,
        "Trop d'essais infructueux : par sécurité, le compte est bloqué pendant {wait}. Vous pouvez aussi réinitialiser votre mot de passe.",
        "/aide/compte-bloque/#compte-bloque",
    ),
    Entry(
        Code.TOO_MANY_ATTEMPTS,
        429,
        "Trop d'essais infructueux depuis votre connexion internet. Veuillez patienter quelques minutes avant de réessayer.",
        TOO_MANY_REQUESTS_HELP,
    ),
    Entry(
        Code.ACCOUNT_DEACTIVATED,
        403,
        "Votre compte est désactivé. Contactez votre établissement afin de faire vérifier votre compte.",
        "/aide/compte-desactive/#compte-desactive",
    ),
    Entry(
        Code.EMAIL_CONFIRMATION_PENDING,
        403,
        "Votre compte n'est pas encore activé : cliquez sur le lien reçu par courriel. Vous pouvez demander un nouveau lien.",
        "/aide/premiere-connexion/#renvoyer-le-lien",
    ),
    Entry(
        Code.FIRST_CONNECTION_DONE,
        409,
        "La première connexion de ce compte a déjà été faite. Consultez votre messagerie pour activer le compte.",
    ),
    Entry(
        Code.FIRST_CONNECTION_REQUIRED,
        400,
        "La première connexion n'a pas encore été faite : connectez-vous avec le mot de passe du courrier de l'établissement.",
    ),
    Entry(
        Code.ALREADY_ACTIVE,
        400,
        "Votre compte est déjà activé : connectez-vous avec votre identifiant et votre mot de passe.",
    ),
    Entry(
        Code.EMAIL_UNCHANGED,
        400,
        "Cette adresse est déjà celle de votre compte : saisissez la nouvelle adresse.",
        EMAIL_CHANGE_HELP,
    ),
    Entry(
        Code.TOKEN_INVALID,
        400,
        "Ce lien n'est pas valide. Vérifiez que vous avez copié l'adresse complète, ou demandez un nouveau lien.",
        "/aide/lien-courriel/#lien-invalide",
    ),
    Entry(Code.TOKEN_EXPIRED, 400, "Ce lien a expiré. Demandez un nouveau lien."),  # help: by link, below
    Entry(Code.TOKEN_USED, 400, "Ce lien a déjà été utilisé."),  # message and help: by link, below
    Entry(
        Code.CONCURRENT_UPDATE,
        409,
        "Le compte vient d'être modifié par une autre demande. Veuillez réessayer.",
    ),
    Entry(
        Code.SERVICE_UNAVAILABLE,
        503,
        "Le service est momentanément surchargé. Rien n'a été modifié : veuillez réessayer dans une minute.",
    ),
    Entry(
        Code.MAIL_UNAVAILABLE,
        503,
        "Le courriel n'a pas pu être envoyé pour le moment. Rien n'a été modifié : veuillez réessayer dans quelques minutes.",
    ),
    Entry(
        Code.STAFF_NOT_SIGNED_IN,
        401,
        "Vous n'êtes pas connecté à la console, ou votre session a expiré. Veuillez vous reconnecter.",
    ),
    Entry(
        Code.STAFF_INVALID_CREDENTIALS,
        401,
        "Adresse, mot de passe ou code incorrect. Vérifiez les trois, et que l'heure de votre téléphone est juste.",
    ),
    Entry(
        Code.STAFF_CODE_INCORRECT,
        401,
        "Ce code n'est pas le bon, ou il a déjà servi. Saisissez le code affiché maintenant par votre application.",
    ),
    Entry(
        Code.STEP_UP_REQUIRED,
        403,
        "Pour cette action, confirmez votre identité : saisissez le code affiché par votre application d'authentification.",
    ),
    Entry(Code.ACADEMIE_ONLY, 403, "Cette action est réservée aux membres de l'académie."),
    Entry(
        Code.INVITATION_INVALID,
        400,
        "Ce lien d'invitation n'est pas valide. Vérifiez que vous avez copié l'adresse complète, ou demandez une nouvelle invitation.",
    ),
    Entry(
        Code.INVITATION_EXPIRED, 400, "Ce lien d'invitation a expiré : demandez une nouvelle invitation à l'académie."
    ),
    Entry(
        Code.INVITATION_USED,
        400,
        "Ce lien d'invitation a déjà servi : connectez-vous à la console avec votre adresse, votre mot de passe et un code.",
    ),
    Entry(
        Code.STAFF_ALREADY_ENROLLED,
        409,
        "Cette personne a déjà accès à la console. Pour une nouvelle invitation, désactivez d'abord son accès.",
    ),
    Entry(Code.STAFF_NOT_FOUND, 404, "Aucun membre du personnel n'a cette adresse."),
    Entry(
        Code.INVALID_UAI,
        400,
        "Ce code UAI n'est pas valide : 7 chiffres puis une lettre de contrôle (exemple : 0750654D).",
    ),
    # A school, account or import outside the member's schools answers as one that does not exist.
    Entry(Code.SCHOOL_NOT_FOUND, 404, "Aucun de vos établissements n'a ce code UAI."),
    Entry(Code.IMPORT_NOT_FOUND, 404, "Cet import n'existe pas ou a expiré : déposez le fichier à nouveau."),
    Entry(Code.IMPORT_DONE, 409, "Cet import est déjà terminé : ses comptes sont créés et leurs lettres données."),
    Entry(Code.IMPORT_EMPTY, 400, "Aucune ligne valide à importer : corrigez le fichier et déposez-le à nouveau."),
    Entry(Code.INVALID_CURSOR, 400, "Cette page de la liste n'existe plus : revenez au début de la liste."),
    Entry(
        Code.CONFIRMATION_NEEDED,
        409,
        "Ce compte est actif : la famille s'en sert avec son propre mot de passe. Une nouvelle lettre le lui "
        "retirerait (mot de passe, sessions et liens ne fonctionneraient plus). Rien n'a été modifié : "
        "confirmez si la famille l'a demandé ; elle en sera avertie à son adresse vérifiée.",
    ),
    Entry(
        Code.WRONG_STATE,
        409,
        "Ce compte n'est pas désactivé : rien à réactiver. Pour un nouveau mot de passe, donnez une nouvelle lettre.",
    ),
    Entry(
        Code.LETTER_IMPOSSIBLE,
        409,
        "La lettre ne sait pas imprimer le nom de ce compte tel qu'il est écrit : rien n'a été modifié.",
    ),
    Entry(Code.IDENTIFIER_TAKEN, 409, "Cet identifiant existe déjà."),
    Entry(Code.ACCOUNT_NOT_FOUND, 404, "Aucun compte ne porte cet identifiant."),
    Entry(Code.PERSON_ALREADY_ISSUED, 409, "Cette personne a déjà un compte dans l'établissement : {identifier}."),
)

CATALOGUE: Mapping[Code, Entry] = MappingProxyType({entry.code: entry for entry in _ENTRIES})

# One situation answered under a shared code with a message of its own (same status and help).
ACTIVATION_MAILS_CAPPED = CATALOGUE[Code.TOO_MANY_REQUESTS].with_message(
    "Plusieurs liens ont déjà été envoyés dans l'heure. Consultez votre messagerie (et les courriers indésirables) ou réessayez plus tard."
)

# A link's answer depends on what the link was for: each says where to go next.
TOKEN_ANSWERS: Mapping[tuple[Code, TokenKind], Entry] = MappingProxyType(
    {
        (Code.TOKEN_EXPIRED, TokenKind.ACTIVATION): replace(
            CATALOGUE[Code.TOKEN_EXPIRED], help="/aide/lien-courriel/#lien-activation-expire"
        ),
        (Code.TOKEN_USED, TokenKind.ACTIVATION): Entry(
            Code.TOKEN_USED,
            400,
            "Ce lien a déjà été utilisé : votre compte est activé. Connectez-vous avec votre identifiant et votre mot de passe.",
            "/aide/lien-courriel/#lien-activation-utilise",
        ),
        (Code.TOKEN_EXPIRED, TokenKind.RESET): replace(
            CATALOGUE[Code.TOKEN_EXPIRED], help="/aide/lien-courriel/#lien-reinitialisation-expire"
        ),
        (Code.TOKEN_USED, TokenKind.RESET): Entry(
            Code.TOKEN_USED,
            400,
            "Ce lien a déjà servi à choisir un nouveau mot de passe. Connectez-vous, ou demandez un nouveau lien.",
            "/aide/lien-courriel/#lien-reinitialisation-utilise",
        ),
        (Code.TOKEN_EXPIRED, TokenKind.EMAIL_CHANGE): replace(
            CATALOGUE[Code.TOKEN_EXPIRED], help="/aide/lien-courriel/#lien-adresse-expire"
        ),
        (Code.TOKEN_USED, TokenKind.EMAIL_CHANGE): Entry(
            Code.TOKEN_USED,
            400,
            "Ce lien a déjà été utilisé : votre nouvelle adresse est confirmée.",
            "/aide/lien-courriel/#lien-adresse-utilise",
        ),
    }
)

_BY_VALUE: Mapping[str, Entry] = MappingProxyType({code.value: entry for code, entry in CATALOGUE.items()})


def entry_for(code: str) -> Entry | None:
    """Return the catalogue's entry for `code` (a `Code` or its value), if it has one."""
    return _BY_VALUE.get(code)


def help_for(code: str) -> str | None:
    """Return the path of the answer that explains `code`, if there is one."""
    entry = _BY_VALUE.get(code)
    return entry.help if entry else None


def token_answer(code: Code, kind: TokenKind) -> Entry:
    """Return the answer for a link of `kind` that is `code` (expired or used)."""
    return TOKEN_ANSWERS[(code, kind)]


def token_help(code: Code, kind: TokenKind) -> str | None:
    """Return the help answer for a link of `kind` that is `code` (expired or used)."""
    return TOKEN_ANSWERS[(code, kind)].help


def every_help_link() -> set[str]:
    """Return every help answer the catalogue links to."""
    entries = (*CATALOGUE.values(), ACTIVATION_MAILS_CAPPED, *TOKEN_ANSWERS.values())
    return {entry.help for entry in entries if entry.help}
