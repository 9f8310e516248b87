"""Each error code's help answer on the site: the forms link to it beside the message."""

from __future__ import annotations

HELP_LINKS: dict[str, str] = {
    "account_deactivated": "/compte-desactive/",
    "account_locked": "/mot-de-passe-oublie-aide/#compte-bloque",
    "email_confirmation_pending": "/premiere-connexion-aide/#lien-activation",
    "token_expired": "/premiere-connexion-aide/#nouveau-lien",
    "token_used": "/premiere-connexion-aide/#lien-deja-utilise",
    "token_invalid": "/premiere-connexion-aide/#lien-invalide",
    "password_policy": "/changer-mot-de-passe/#regle",
    "birth_date_mismatch": "/premiere-connexion-aide/",
    "invalid_credentials": "/identifiants-perdus/",
}


def help_for(code: str) -> str | None:
    """Return the path of the answer that explains `code`, if there is one."""
    return HELP_LINKS.get(code)
