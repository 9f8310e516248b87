"""What a CAS service learns of an account: `cas:user` and the attributes school-life apps read.

The names follow what French school-life apps expect of an ENT (entcore's Pronote service sends
`nom`, `prenom`, `dateNaissance` as DD/MM/YYYY and `categories` as `National_1` for a pupil,
`National_2` for a parent), with the SDET names many apps also read (`ENTPersonProfils`,
`ENTPersonStructRattachRNE`) and our own plain ones (`profil`, `uai`, `etablissement`).

The birth date on a parent's account is their child's (the letter's check): it is sent only for a
pupil, whose own it is. An app matches a first-time user on these attributes, then keeps the
`cas:user` it was given (pairwise: `functions.core.sso.record_app_sign_in`).
"""

from __future__ import annotations

from datetime import datetime

from functions.core.lifecycle import Profile
from functions.core.model import Account

CATEGORIES = {Profile.ELEVE: "National_1", Profile.PARENT: "National_2"}
SDET_PROFILES = {Profile.ELEVE: "National_ELV", Profile.PARENT: "National_TUT"}


def attributes_of(
    account: Account, *, school_name: str | None, authenticated_at: datetime, from_new_login: bool
) -> dict[str, str]:
    """The attributes of `cas:attributes`, in a stable order."""
    attributes = {
        "nom": account.last_name,
        "prenom": account.first_name,
        "displayName": account.display_name,
        "profil": account.profile.value,
        "categories": CATEGORIES[account.profile],
        "ENTPersonProfils": SDET_PROFILES[account.profile],
        "uai": account.school,
        "ENTPersonStructRattachRNE": account.school,
        "etablissement": school_name or account.school,
    }
    if account.profile == Profile.ELEVE:
        attributes["dateNaissance"] = account.birth_date.strftime("%d/%m/%Y")
    # The protocol's own (CAS 3.0 appendix, as Apereo CAS sends them).
    attributes["authenticationDate"] = authenticated_at.isoformat()
    attributes["isFromNewLogin"] = "true" if from_new_login else "false"
    attributes["longTermAuthenticationRequestTokenUsed"] = "false"
    return attributes
