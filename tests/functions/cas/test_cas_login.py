"""CAS 3.0 sign-in as a school-life app lives it, validated by python-cas (an independent client)."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.sso_support import SERVICE, query_of, register_service


def cas_login(api, **params: str):
    return api.get("/cas/login?" + urlencode(params))


def test_a_signed_in_family_goes_straight_back_to_the_app_with_a_ticket(signed_in, service, cas_client, family):
    response = cas_login(signed_in, service=SERVICE)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(SERVICE + "?ticket=ST-")
    user, attributes, _ = cas_client.verify_ticket(query_of(location)["ticket"])
    assert user and family.identifier not in user  # pairwise: the ENT identifier never leaves
    assert attributes["nom"] == family.last_name and attributes["prenom"] == family.first_name
    assert attributes["profil"] == "parent" and attributes["categories"] == "National_2"
    assert attributes["uai"] == attributes["ENTPersonStructRattachRNE"] == "0751234J"
    assert "dateNaissance" not in attributes  # a parent's account holds the child's birth date


def test_the_same_app_gets_the_same_user_each_time_another_app_another(signed_in, service, cas_client, store):
    first = cas_client.verify_ticket(query_of(cas_login(signed_in, service=SERVICE).headers["Location"])["ticket"])
    again = cas_client.verify_ticket(query_of(cas_login(signed_in, service=SERVICE).headers["Location"])["ticket"])
    assert first[0] == again[0]
    other_url = "https://cahier.example.fr/cas"
    register_service(store, name="Cahier de textes", url=other_url)
    other = query_of(cas_login(signed_in, service=other_url).headers["Location"])["ticket"]
    validation = signed_in.get("/cas/p3/serviceValidate?" + urlencode({"service": other_url, "ticket": other}))
    assert b"<cas:user>" in validation.data and first[0].encode() not in validation.data


def test_a_pupil_s_app_gets_the_pupil_s_birth_date(api, accounts, service, cas_client):
    from datetime import date

    from functions.core.lifecycle import AccountState, Profile

    pupil, _ = accounts.make(
        state=AccountState.ACTIVE, password="Soleil2024x", profile=Profile.ELEVE, birth_date=date(2012, 4, 9)
    )
    api.post("/api/login", {"identifier": pupil.identifier, "password": "Soleil2024x", "profile": "eleve"})
    _, attributes, _ = cas_client.verify_ticket(query_of(cas_login(api, service=SERVICE).headers["Location"])["ticket"])
    assert attributes["dateNaissance"] == "09/04/2012"
    assert attributes["categories"] == "National_1" and attributes["ENTPersonProfils"] == "National_ELV"


def test_an_unregistered_service_gets_an_error_page_never_a_redirect(signed_in, service):
    for url in ("https://pirate.example.com/cas", "https://vie-scolaire.example.fr/autre", "javascript:alert(1)"):
        response = cas_login(signed_in, service=url)
        assert response.status_code == 400
        assert "Location" not in response.headers
        assert "Application non reconnue" in response.get_data(as_text=True)
        assert response.headers["Content-Type"].startswith("text/html")


def test_a_family_not_signed_in_is_sent_to_the_login_page_with_a_pending_request(api, service):
    response = cas_login(api, service=SERVICE)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/connexion/?demande=")
    pending = api.get("/api/sso/pending?" + urlencode({"demande": query_of(location)["demande"]}))
    assert pending.json["app_name"] == "Vie scolaire"
    assert pending.json["continue_url"].startswith("/cas/login?service=")


def test_after_logging_in_the_continue_url_brings_the_ticket(api, service, family, cas_client):
    reference = query_of(cas_login(api, service=SERVICE).headers["Location"])["demande"]
    continue_url = api.get(f"/api/sso/pending?demande={reference}").json["continue_url"]
    api.post("/api/login", {"identifier": family.identifier, "password": "Soleil2024x", "profile": "parent"})
    location = api.get(continue_url).headers["Location"]
    _, attributes, _ = cas_client.verify_ticket(query_of(location)["ticket"])
    assert attributes["isFromNewLogin"] == "true"


def test_gateway_comes_back_without_a_ticket_when_not_signed_in(api, service):
    response = cas_login(api, service=SERVICE, gateway="true")
    assert response.status_code == 303 and response.headers["Location"] == SERVICE


def test_gateway_signed_in_gets_a_ticket(signed_in, service):
    location = cas_login(signed_in, service=SERVICE, gateway="true").headers["Location"]
    assert "ticket=ST-" in location


def test_renew_asks_for_the_password_again_even_when_signed_in(signed_in, service, family, cas_client, clock):
    location = cas_login(signed_in, service=SERVICE, renew="true").headers["Location"]
    assert location.startswith("/connexion/?demande=")
    pending = signed_in.get("/api/sso/pending?" + urlencode({"demande": query_of(location)["demande"]})).json
    assert pending["force_login"] is True
    # Coming back without a new login still asks for it.
    assert cas_login(signed_in, service=SERVICE, renew="true").headers["Location"].startswith("/connexion/")
    clock.advance(seconds=1)
    signed_in.post("/api/login", {"identifier": family.identifier, "password": "Soleil2024x", "profile": "parent"})
    ticket = query_of(signed_in.get(pending["continue_url"]).headers["Location"])["ticket"]
    cas_client.session.params = {"renew": "true"}
    user, attributes, _ = cas_client.verify_ticket(ticket)
    assert user and attributes["isFromNewLogin"] == "true"


def test_a_ticket_from_the_sso_session_fails_a_renew_validation(signed_in, service, cas_client):
    ticket = query_of(cas_login(signed_in, service=SERVICE).headers["Location"])["ticket"]
    answer = signed_in.get(
        "/cas/p3/serviceValidate?" + urlencode({"service": SERVICE, "ticket": ticket, "renew": "true"})
    )
    assert b'code="INVALID_TICKET_SPEC"' in answer.data


def test_a_first_connection_session_is_not_signed_in(api, accounts, service):
    account, initial = accounts.make()
    api.post("/api/login", {"identifier": account.identifier, "password": initial, "profile": "parent"})
    assert cas_login(api, service=SERVICE).headers["Location"].startswith("/connexion/?demande=")


def test_without_a_service_the_family_goes_to_its_account(signed_in, api):
    assert cas_login(signed_in).headers["Location"] == "/compte/"
