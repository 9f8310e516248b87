"""What parents type finds the right answer first: synonyms, abbreviations, the school's old labels.

The words parents use ("mdp", "mail", "login", "verrouillé") are not the pages' words ("mot de
passe", "courriel", "identifiant", "bloqué"): overrides/hooks/search_fold.py rewrites them in the
search worker. Each query of the table is typed key by key, as a person types it, and the first
result must be its page.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from playwright.sync_api import Page

from overrides.hooks import search_fold
from tests.browser.harness import Stack
from tests.browser.helpers import site_pages
from tests.browser.test_search_and_feedback import search

# Real queries -> the page that must come first.
FIRST_RESULT = {
    # the email address
    "email": "/aide/courriel-non-recu/",
    "e-mail": "/aide/courriel-non-recu/",
    "mail": "/aide/courriel-non-recu/",
    "courriel": "/aide/courriel-non-recu/",
    "adresse": "/aide/changer-adresse/",
    "adresse mail": "/aide/changer-adresse/",
    "changer email": "/aide/changer-adresse/",
    "pas d'email": "/aide/pas-d-adresse-electronique/",
    "je n'ai pas d'adresse mail": "/aide/pas-d-adresse-electronique/",
    "créer une adresse mail": "/aide/pas-d-adresse-electronique/",
    # the mail that does not come
    "pas reçu": "/aide/courriel-non-recu/",
    "mail pas reçu": "/aide/courriel-non-recu/",
    "pas reçu le mail": "/aide/courriel-non-recu/",
    "spam": "/aide/courriel-non-recu/",
    "indésirables": "/aide/courriel-non-recu/",
    "lien": "/aide/lien-courriel/",
    "lien expiré": "/aide/lien-courriel/",
    # the password
    "mdp": "/aide/mot-de-passe-oublie/",
    "mdp oublié": "/aide/mot-de-passe-oublie/",
    "mot de pass oublié": "/aide/mot-de-passe-oublie/",
    "mot de passe oublie": "/aide/mot-de-passe-oublie/",
    "changer mdp": "/aide/changer-mot-de-passe/",
    "règle mdp": "/aide/regle-mot-de-passe/",
    # the identifier
    "login": "/aide/identifiant-oublie/",
    "identifiant": "/aide/identifiant-oublie/",
    "code": "/aide/identifiant-oublie/",
    "login oublié": "/aide/identifiant-oublie/",
    "nom d'utilisateur": "/aide/identifiant-oublie/",
    "identifiants": "/aide/identifiants-manquants/",
    # locked out
    "bloqué": "/aide/compte-bloque/",
    "verrouillé": "/aide/compte-bloque/",
    "compte verrouillé": "/aide/compte-bloque/",
    "mon compte est bloqué": "/aide/compte-bloque/",
    # the school's old instructions (../shared/seed/faq-parents-ent.txt)
    "Identifiez-vous": "/aide/se-connecter/",
    "Valider": "/aide/se-connecter/",
    "Dossier élève": "/aide/changer-mot-de-passe/",
    "MON COMPTE": "/aide/changer-mot-de-passe/",
    "Bureau": "/aide/changer-mot-de-passe/",
    "bouton fléché identifiant oublié": "/aide/identifiant-oublie/",
    # the rest of the journey
    "activer compte": "/aide/delais/",
    "courrier perdu": "/aide/courrier/",
}


@pytest.mark.parametrize(("query", "expected"), FIRST_RESULT.items(), ids=list(FIRST_RESULT))
def test_query_finds_its_answer_first(page: Page, stack: Stack, query: str, expected: str) -> None:
    results = search(page, stack, query)

    first = results[0]["href"].split("#")[0]
    assert first == expected, [result["href"] for result in results[:4]]


def test_a_synonym_is_highlighted_with_the_page_s_own_word(page: Page, stack: Stack) -> None:
    results = search(page, stack, "mdp oublié")

    assert {"mot", "passe"} <= set(results[0]["marked"]), results[0]


def test_the_table_is_large_and_names_real_pages() -> None:
    assert len(FIRST_RESULT) >= 20
    assert set(FIRST_RESULT.values()) <= set(site_pages())


def _folded(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def test_the_synonyms_are_folded_words_the_worker_can_look_up() -> None:
    stop = set(_folded(search_fold.STOP_WORDS).split())
    for table in (search_fold.SYNONYMS, search_fold.WHOLE_QUERIES):
        for typed, words in table.items():
            assert re.fullmatch(r"[a-z]+( [a-z]+)?", typed), typed  # one word, or two
            assert typed.split()[-1] not in stop, typed  # a stop word never reaches the lookup alone
            assert re.fullmatch(r"[a-z]+( [a-z]+)*", words), words
            assert not set(words.split()) & stop, words  # not indexed: would find nothing
    for typed in search_fold.SYNONYMS:  # only the first of two words may be a stop word ("pas email")
        assert not set(typed.split()[1:]) & stop, typed


def test_the_patch_carries_both_tables() -> None:
    assert json.dumps(search_fold.SYNONYMS, sort_keys=True) in search_fold.PATCH
    assert json.dumps(search_fold.WHOLE_QUERIES, sort_keys=True) in search_fold.PATCH
    for placeholder in ("__STOP_WORDS__", "__SYNONYMS__", "__WHOLE_QUERIES__"):
        assert placeholder not in search_fold.PATCH
