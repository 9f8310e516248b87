"""A family who never connected: letter → first connection → activation (maybe elsewhere) → the app."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from tests.sso_support import SERVICE, query_of

NEW_PASSWORD = "Tournesol42"
FORM = {
    "birth_date": "01/03/2015",
    "email": "famille.martin@example.fr",
    "new_password": NEW_PASSWORD,
    "new_password_confirmation": NEW_PASSWORD,
}


def activation_token(outbox) -> str:
    match = re.search(r"/activation/#t=([A-Za-z0-9_-]+)", outbox()[-1]["text"])
    assert match
    return match.group(1)


def first_connection_from_the_app(api, account, initial_password) -> str:
    reference = query_of(api.get("/cas/login?" + urlencode({"service": SERVICE})).headers["Location"])["demande"]
    api.post("/api/login", {"identifier": account.identifier, "password": initial_password, "profile": "parent"})
    assert api.post("/api/first-connection", {**FORM, "demande": reference}).status_code == 202
    return reference


def test_activation_offers_to_continue_to_the_app_the_family_came_from(api, accounts, service, outbox):
    account, initial_password = accounts.make()
    first_connection_from_the_app(api, account, initial_password)
    answer = api.post("/api/activation", {"token": activation_token(outbox)})
    assert answer.json["status"] == "active"
    offer = answer.json["continue"]
    assert offer["app_name"] == "Vie scolaire"
    assert offer["continue_url"].startswith("/connexion/?demande=")
    # The login page, then the app: a new pending request for the same service.
    pending = api.get("/api/sso/pending?" + urlencode({"demande": query_of(offer["continue_url"])["demande"]}))
    assert pending.json["continue_url"].startswith("/cas/login?" + urlencode({"service": SERVICE}))
    api.post("/api/login", {"identifier": account.identifier, "password": NEW_PASSWORD, "profile": "parent"})
    assert "ticket=ST-" in api.get(pending.json["continue_url"]).headers["Location"]


def test_activation_on_another_device_hours_later_still_offers_the_app(api, accounts, service, outbox, clock):
    account, initial_password = accounts.make()
    first_connection_from_the_app(api, account, initial_password)
    clock.advance(hours=5)  # the pending request is long gone; the account remembers the app
    api.client.delete_cookie("__Host-ent-session", domain="localhost")
    answer = api.post("/api/activation", {"token": activation_token(outbox)})
    assert answer.json["continue"]["app_name"] == "Vie scolaire"


def test_the_offer_is_made_once(api, accounts, service, outbox, store, clock):
    from functions.core import sso

    account, initial_password = accounts.make()
    first_connection_from_the_app(api, account, initial_password)
    api.post("/api/activation", {"token": activation_token(outbox)})
    assert sso.continuation_for(store, account.identifier, clock()) is None


def test_a_first_connection_without_an_app_offers_nothing(api, accounts, outbox):
    account, initial_password = accounts.make()
    api.post("/api/login", {"identifier": account.identifier, "password": initial_password, "profile": "parent"})
    api.post("/api/first-connection", {**FORM, "demande": "not-a-reference-at-all"})
    assert api.post("/api/activation", {"token": activation_token(outbox)}).json == {"status": "active"}


def test_an_app_removed_before_activation_is_not_offered(api, accounts, service, outbox, store):
    account, initial_password = accounts.make()
    first_connection_from_the_app(api, account, initial_password)
    store.remove_client(service.client_id)
    assert "continue" not in api.post("/api/activation", {"token": activation_token(outbox)}).json
