"""An app signs a family in with OpenID Connect: Authlib's client, PyJWT checking the ID token."""

from __future__ import annotations

import jwt

from functions.oidc.claims import pairwise_subject
from tests.functions.oidc.conftest import CALLBACK, ISSUER, browse, callback_params, log_in, sign_in


def test_discovery_names_our_endpoints_and_what_we_require(app):
    configuration = app.session.get(f"{ISSUER}/.well-known/openid-configuration", withhold_token=True).json()
    assert configuration["issuer"] == ISSUER
    assert configuration["authorization_endpoint"] == f"{ISSUER}/api/oidc/authorize"
    assert configuration["code_challenge_methods_supported"] == ["S256"]
    assert configuration["response_types_supported"] == ["code"]
    assert configuration["id_token_signing_alg_values_supported"] == ["ES256"]
    assert configuration["subject_types_supported"] == ["pairwise"]
    assert configuration["authorization_response_iss_parameter_supported"] is True


def test_jwks_publishes_the_kms_key_as_a_p256_key_with_its_kid(jwks):
    (key,) = jwks["keys"]
    assert {key["kty"], key["crv"], key["alg"], key["use"]} == {"EC", "P-256", "ES256", "sig"}
    assert "d" not in key  # the private half never leaves KMS
    assert jwt.PyJWK(key).key_id == key["kid"]


def test_a_signed_in_family_gets_a_code_then_tokens_and_the_claims_of_its_scopes(
    api, app, family, jwks, settings, store
):
    callback = sign_in(api, app)
    params = callback_params(callback)
    assert params["state"] == app.state and params["iss"] == ISSUER and params["code"]
    token = app.fetch_token(callback)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 300 and "refresh_token" not in token
    claims = app.verify(token["id_token"], jwks)
    assert claims["sub"] == pairwise_subject(settings.pairwise_secret, app.client_id, family.identifier)
    assert claims["sub"] != family.identifier
    assert claims["exp"] - claims["iat"] == 300 and claims["auth_time"] <= claims["iat"]
    assert claims["given_name"] == family.first_name and claims["family_name"] == family.last_name
    assert claims["ent"] == {"profile": "parent", "school": "0751234J", "school_name": "0751234J"}
    assert claims["email"] == "famille@exemple.fr" and claims["email_verified"] is True
    userinfo = app.session.get(f"{ISSUER}/api/oidc/userinfo").json()
    assert userinfo["sub"] == claims["sub"] and userinfo["ent"]["profile"] == "parent"
    assert [entry.client_id for entry in store.app_sign_ins(family.identifier)] == [app.client_id]


def test_a_public_app_signs_in_with_pkce_alone(api, register, family, jwks):
    public = register(public=True)
    token = public.fetch_token(sign_in(api, public))
    assert public.verify(token["id_token"], jwks)["aud"] == public.client_id


def test_two_apps_get_two_subjects_for_one_family(api, register, family, jwks):
    first, second = register(), register()
    subjects = {app.verify(app.fetch_token(sign_in(api, app))["id_token"], jwks)["sub"] for app in (first, second)}
    assert len(subjects) == 2  # pairwise: the apps cannot link the family across them


def test_the_scopes_asked_are_the_claims_given(api, app, family, jwks):
    app.session.scope = "openid"
    token = app.fetch_token(sign_in(api, app))
    claims = app.verify(token["id_token"], jwks)
    assert not {"given_name", "family_name", "ent", "email"} & set(claims)
    assert token["scope"] == "openid"


def test_the_school_name_is_the_directory_s(api, app, family, jwks, store):
    store.set_school_name("0751234J", "Collège Victor-Hugo")
    claims = app.verify(app.fetch_token(sign_in(api, app))["id_token"], jwks)
    assert claims["ent"]["school_name"] == "Collège Victor-Hugo"


def test_a_family_not_signed_in_is_sent_to_the_login_page_with_a_pending_request(api, app, accounts):
    answer = browse(api, app.authorization_url())
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith("/connexion/?demande=")
    pending = api.get("/api/sso/pending", query_string={"demande": location.split("=", 1)[1]})
    assert pending.status_code == 200 and pending.get_json()["app_name"] == "Vie scolaire"


def test_prompt_none_without_a_session_answers_login_required_to_the_app(api, app):
    answer = browse(api, app.authorization_url(prompt="none"))
    params = callback_params(answer.headers["Location"])
    assert answer.headers["Location"].startswith(CALLBACK)
    assert params["error"] == "login_required" and params["state"] == app.state and params["iss"] == ISSUER


def test_prompt_none_with_a_session_gives_a_code_without_a_page(api, app, family):
    assert "code" in callback_params(sign_in(api, app, prompt="none"))


def test_prompt_login_asks_the_family_to_log_in_again_then_resumes(api, app, family, clock):
    clock.advance(seconds=30)
    answer = browse(api, app.authorization_url(prompt="login"))
    assert answer.headers["Location"].startswith("/connexion/?demande=")
    reference = answer.headers["Location"].split("=", 1)[1]
    pending = api.get("/api/sso/pending", query_string={"demande": reference}).get_json()
    assert pending["force_login"] is True  # the login page asks the password though a session exists
    resume = pending["continue_url"]
    assert browse(api, resume).headers["Location"].startswith("/connexion/")  # not logged in since
    log_in(api, family.identifier)
    back = browse(api, resume)
    assert "code" in callback_params(back.headers["Location"])


def test_max_age_older_than_the_login_asks_for_a_new_login(api, app, family, clock):
    clock.advance(minutes=10)
    location = browse(api, app.authorization_url(max_age="300")).headers["Location"]
    assert location.startswith("/connexion/?demande=")
    pending = api.get("/api/sso/pending", query_string={"demande": location.split("=", 1)[1]}).get_json()
    assert pending["force_login"] is True
    assert "code" in callback_params(sign_in(api, app, max_age="3600"))


def test_prompt_none_with_a_session_older_than_max_age_answers_login_required(api, app, family, clock):
    clock.advance(minutes=10)
    params = callback_params(browse(api, app.authorization_url(prompt="none", max_age="60")).headers["Location"])
    assert params["error"] == "login_required"
