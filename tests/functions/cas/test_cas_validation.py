"""Ticket validation: single use, 10 seconds, one exact service, the protocol's codes, escaped XML."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode
from xml.etree import ElementTree

from cas import CASClientV3

from functions.core.lifecycle import AccountState
from tests.sso_support import SERVER, SERVICE, query_of, register_service, session_for

NS = {"cas": "http://www.yale.edu/tp/cas"}


def ticket_for(api, service: str = SERVICE) -> str:
    return query_of(api.get("/cas/login?" + urlencode({"service": service})).headers["Location"])["ticket"]


def validate(api, **params: str) -> ElementTree.Element:
    answer = api.get("/cas/p3/serviceValidate?" + urlencode(params))
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(answer.data)


def failure_code(tree: ElementTree.Element) -> str | None:
    failure = tree.find("cas:authenticationFailure", NS)
    return failure.get("code") if failure is not None else None


def test_a_ticket_works_once(signed_in, service, cas_client):
    ticket = ticket_for(signed_in)
    assert cas_client.verify_ticket(ticket)[0]
    assert cas_client.verify_ticket(ticket)[0] is None
    assert failure_code(validate(signed_in, service=SERVICE, ticket=ticket)) == "INVALID_TICKET"


def test_two_validations_at_once_only_one_succeeds(signed_in, service, api):
    ticket = ticket_for(signed_in)
    clients = [CASClientV3(service_url=SERVICE, server_url=SERVER, session=session_for(api.client.application))]
    clients.append(CASClientV3(service_url=SERVICE, server_url=SERVER, session=session_for(api.client.application)))
    with ThreadPoolExecutor(2) as pool:
        users = list(pool.map(lambda client: client.verify_ticket(ticket)[0], clients))
    assert sum(user is not None for user in users) == 1


def test_a_ticket_expires_after_ten_seconds(signed_in, service, cas_client, clock):
    ticket = ticket_for(signed_in)
    clock.advance(seconds=10)
    assert cas_client.verify_ticket(ticket)[0] is None


def test_a_ticket_is_bound_to_its_exact_service_and_spent_by_a_wrong_one(signed_in, service, cas_client):
    ticket = ticket_for(signed_in)
    other = SERVICE + "?page=notes"  # a registered URL (the query is free), but not this ticket's
    assert failure_code(validate(signed_in, service=other, ticket=ticket)) == "INVALID_SERVICE"
    assert cas_client.verify_ticket(ticket)[0] is None  # the failed attempt spent it


def test_a_ticket_of_another_app_is_refused(signed_in, service, store):
    other = "https://cahier.example.fr/cas"
    register_service(store, name="Cahier", url=other)
    ticket = ticket_for(signed_in, other)
    assert failure_code(validate(signed_in, service=SERVICE, ticket=ticket)) == "INVALID_SERVICE"


def test_missing_or_malformed_parameters_get_the_protocols_codes(api):
    assert failure_code(validate(api, service=SERVICE)) == "INVALID_REQUEST"
    assert failure_code(validate(api, ticket="ST-abc")) == "INVALID_REQUEST"
    assert failure_code(validate(api, service=SERVICE, ticket="PT-<script>")) == "INVALID_TICKET"
    assert failure_code(validate(api, service=SERVICE, ticket="ST-" + "a" * 43)) == "INVALID_TICKET"


def test_the_cas_2_path_answers_alike(signed_in, service):
    ticket = ticket_for(signed_in)
    answer = signed_in.get("/cas/serviceValidate?" + urlencode({"service": SERVICE, "ticket": ticket}))
    assert ElementTree.fromstring(answer.data).find("cas:authenticationSuccess/cas:user", NS) is not None


def test_odd_names_come_out_as_escaped_xml(api, accounts, service, cas_client):
    account, _ = accounts.make(
        state=AccountState.ACTIVE, password="Soleil2024x", first_name="Zoé <b>&", last_name='O\'Brien "Ça" </cas:user>'
    )
    api.post("/api/login", {"identifier": account.identifier, "password": "Soleil2024x", "profile": "parent"})
    _, attributes, _ = cas_client.verify_ticket(ticket_for(api))
    assert attributes["prenom"] == "Zoé <b>&"
    assert attributes["nom"] == 'O\'Brien "Ça" </cas:user>'


def test_an_account_deactivated_since_the_ticket_gets_nothing(signed_in, service, cas_client, store, family):
    from dataclasses import replace

    ticket = ticket_for(signed_in)
    store.save_account(replace(store.get_account(family.identifier), state=AccountState.DEACTIVATED))
    assert cas_client.verify_ticket(ticket)[0] is None


def test_an_app_removed_since_the_ticket_gets_nothing(signed_in, service, cas_client, store):
    ticket = ticket_for(signed_in)
    store.remove_client(service.client_id)
    assert cas_client.verify_ticket(ticket)[0] is None


def test_only_the_tickets_hash_is_stored(signed_in, service, store, table):
    ticket = ticket_for(signed_in)
    items = store.dynamodb.scan(TableName=table)["Items"]
    assert ticket not in str(items)
    assert any(item["pk"]["S"].startswith("CAS_TICKET#") for item in items)
