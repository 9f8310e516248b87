"""Each error code's help answer on the site: the forms link to it beside the message."""

from __future__ import annotations

HELP_LINKS: dict[str, str] = {
    "invalid_credentials": "/aide/se-connecter/#identifiants-incorrects",
    "account_deactivated": "/aide/compte-desactive/#compte-desactive",
    "email_confirmation_pending": "/aide/premiere-connexion/#renvoyer-le-lien",
    "account_locked": "/aide/compte-bloque/#compte-bloque",
    "too_many_attempts": "/aide/compte-bloque/#trop-de-demandes",
    "too_many_requests": "/aide/compte-bloque/#trop-de-demandes",
    "password_policy": "/aide/regle-mot-de-passe/#regle-mot-de-passe",
    "birth_date_mismatch": "/aide/premiere-connexion/#date-de-naissance",
    "invalid_email": "/aide/premiere-connexion/#adresse-electronique",
    "current_password_incorrect": "/aide/mot-de-passe-oublie/#mot-de-passe-oublie",
    "token_invalid": "/aide/lien-courriel/#lien-invalide",
    "email_unchanged": "/aide/changer-adresse/#changer-adresse",
}

# A link's answer depends on what the link was for.
TOKEN_HELP_LINKS: dict[tuple[str, str], str] = {
    ("token_expired", "activation"): "/aide/lien-courriel/#lien-activation-expire",
    ("token_used", "activation"): "/aide/lien-courriel/#lien-activation-utilise",
    ("token_expired", "reset"): "/aide/lien-courriel/#lien-reinitialisation-expire",
    ("token_used", "reset"): "/aide/lien-courriel/#lien-reinitialisation-utilise",
    ("token_expired", "email_change"): "/aide/lien-courriel/#lien-adresse-expire",
    ("token_used", "email_change"): "/aide/lien-courriel/#lien-adresse-utilise",
}


def help_for(code: str) -> str | None:
    """Return the path of the answer that explains `code`, if there is one."""
    return HELP_LINKS.get(code)
