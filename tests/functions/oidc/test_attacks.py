"""The attacks of RFC 9700 (OAuth 2.0 Security BCP), each refused: what a thief of a code or a token gets."""

from __future__ import annotations

import base64
import hashlib
import threading
from urllib.parse import urlencode

import pytest
from authlib.integrations.base_client.errors import OAuthError

from functions.core.tokens import token_hash
from tests.functions.oidc.conftest import CALLBACK, ISSUER, browse, callback_params, sign_in


def _token_error(app, form: dict[str, str], *, auth: tuple[str, str] | None = None):
    answer = app.session.post(f"{ISSUER}/api/oidc/token", data=form, auth=auth, withhold_token=True)
    return answer.status_code, answer.json()


def _code_form(app, callback: str, **changes: str | None) -> dict[str, str]:
    form = {
        "grant_type": "authorization_code",
        "code": callback_params(callback)["code"],
        "redirect_uri": CALLBACK,
        "code_verifier": app.verifier,
    }
    merged: dict[str, str | None] = {**form, **changes}
    return {name: value for name, value in merged.items() if value is not None}


def _userinfo(app, access_token: str) -> int:
    return int(
        app.session.get(
            f"{ISSUER}/api/oidc/userinfo", headers={"Authorization": f"Bearer {access_token}"}, withhold_token=True
        ).status_code
    )


def test_a_code_used_twice_is_refused_and_revokes_the_token_its_first_use_gave(api, app, family, store):
    callback = sign_in(api, app)
    first = app.fetch_token(callback)
    assert _userinfo(app, first["access_token"]) == 200
    with pytest.raises(OAuthError, match="invalid_grant"):
        app.fetch_token(callback)
    assert _userinfo(app, first["access_token"]) == 401
    assert "oidc_code_replayed" in [event.action for event in store.events(family.identifier)]


def test_parallel_redemptions_of_one_code_give_one_token_at_most(api, app, family):
    form = _code_form(app, sign_in(api, app))
    answers: list[int] = []

    def redeem() -> None:
        answers.append(_token_error(app, form, auth=(app.client_id, app.client_secret))[0])

    threads = [threading.Thread(target=redeem) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 400, 400, 400]


def test_a_wrong_pkce_verifier_is_refused(api, app, family):
    status, body = _token_error(
        app, _code_form(app, sign_in(api, app), code_verifier="x" * 43), auth=(app.client_id, app.client_secret)
    )
    assert (status, body["error"]) == (400, "invalid_grant")
    assert body["error_description"] and body["message"] == body["error_description"]  # French, for people


def test_a_token_request_without_the_verifier_is_refused(api, app, family):
    status, body = _token_error(
        app, _code_form(app, sign_in(api, app), code_verifier=None), auth=(app.client_id, app.client_secret)
    )
    assert (status, body["error"]) == (400, "invalid_request")


def _authorize_without_authlib(api, app, **params: str):
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": CALLBACK,
        "scope": "openid",
        "state": "s1",
        **params,
    }
    return browse(api, f"{ISSUER}/api/oidc/authorize?{urlencode(query)}")


def test_an_authorization_request_without_pkce_is_refused_to_the_app(api, app, family):
    answer = _authorize_without_authlib(api, app)
    params = callback_params(answer.headers["Location"])
    assert (params["error"], params["state"], params["iss"]) == ("invalid_request", "s1", ISSUER)
    assert "code" not in params


def test_plain_pkce_is_refused(api, app, family):
    answer = _authorize_without_authlib(api, app, code_challenge="a" * 43, code_challenge_method="plain")
    assert callback_params(answer.headers["Location"])["error"] == "invalid_request"


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example/callback",
        f"{CALLBACK}/../evil",
        f"{CALLBACK}?next=https://evil.example",
        CALLBACK.upper(),
        f"{CALLBACK}/",
        "",
    ],
)
def test_a_redirect_uri_not_registered_exactly_gets_a_page_never_a_redirect(api, app, family, redirect_uri):
    answer = _authorize_without_authlib(
        api, app, redirect_uri=redirect_uri, code_challenge="a" * 43, code_challenge_method="S256"
    )
    assert answer.status_code == 400 and "Location" not in answer.headers
    page = answer.get_data(as_text=True)
    assert 'lang="fr"' in page and 'data-error="invalid_redirect_uri"' in page


def test_an_unknown_client_gets_a_page_never_a_redirect(api, app, family):
    answer = _authorize_without_authlib(
        api, app, client_id="inconnu", code_challenge="a" * 43, code_challenge_method="S256"
    )
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert 'data-error="unknown_client"' in answer.get_data(as_text=True)


def test_a_code_stolen_by_another_app_is_refused(api, register, family):
    victim, thief = register(), register()
    callback = sign_in(api, victim)
    thief.verifier = victim.verifier  # even with the victim's verifier (a mix-up leaks both)
    status, body = _token_error(thief, _code_form(thief, callback), auth=(thief.client_id, thief.client_secret))
    assert (status, body["error"]) == (400, "invalid_grant")


def test_mix_up_an_app_can_tell_which_provider_answered_by_iss(api, app, family):
    params = callback_params(sign_in(api, app))
    configuration = app.session.get(f"{ISSUER}/.well-known/openid-configuration", withhold_token=True).json()
    assert params["iss"] == configuration["issuer"]  # RFC 9207: an app talking to two providers compares it
    assert callback_params(browse(api, app.authorization_url(prompt="bogus")).headers["Location"])["iss"] == ISSUER


def test_a_replayed_id_token_fails_the_nonce_of_the_new_request(api, app, family, jwks):
    old = app.fetch_token(sign_in(api, app))["id_token"]
    sign_in(api, app)  # a new request: a new nonce
    with pytest.raises(AssertionError, match="another request"):
        app.verify(old, jwks)


def test_an_expired_code_is_refused(api, app, family, clock):
    callback = sign_in(api, app)
    clock.advance(seconds=61)
    with pytest.raises(OAuthError, match="invalid_grant"):
        app.fetch_token(callback)


def test_a_confidential_app_must_prove_its_secret(api, app, family):
    form = _code_form(app, sign_in(api, app))
    for auth in ((app.client_id, "wrong"), None):
        status, body = _token_error(app, {**form, "client_id": app.client_id}, auth=auth)
        assert (status, body["error"]) == (401, "invalid_client")
    secret_in_body = {**form, "client_id": app.client_id, "client_secret": app.client_secret}
    assert _token_error(app, secret_in_body)[0] == 401  # client_secret_basic only


def test_tokens_stop_working_when_the_family_logs_out_of_the_ent(api, register, family):
    first, second = register(), register()
    tokens = [app.fetch_token(sign_in(api, app))["access_token"] for app in (first, second)]
    assert api.post("/api/logout").status_code == 204
    assert [_userinfo(first, token) for token in tokens] == [401, 401]


def test_a_code_cannot_be_redeemed_after_logout(api, app, family):
    callback = sign_in(api, app)
    api.post("/api/logout")
    with pytest.raises(OAuthError, match="invalid_grant"):
        app.fetch_token(callback)


def test_an_access_token_expires_after_five_minutes(api, app, family, clock):
    token = app.fetch_token(sign_in(api, app))["access_token"]
    clock.advance(minutes=5)
    assert _userinfo(app, token) == 401


def test_codes_and_tokens_are_stored_only_as_hashes(api, app, family, store):
    callback = sign_in(api, app)
    code = callback_params(callback)["code"]
    assert store.get_authorization_code(token_hash(code)) is not None
    token = app.fetch_token(callback)["access_token"]
    assert store.get_access_token(token_hash(token)) is not None
    assert store.get_authorization_code(code) is None and store.get_access_token(token) is None


def test_an_account_not_yet_active_never_signs_in_to_an_app(api, app, accounts):
    account, initial = accounts.make()
    api.post("/api/login", {"identifier": account.identifier, "password": initial, "profile": "parent"})
    assert browse(api, app.authorization_url()).headers["Location"].startswith("/connexion/")


def test_a_verifier_matching_the_challenge_is_what_pkce_checks(api, app, family):
    """The challenge Authlib sent is S256 of the verifier, as the provider recomputes it."""
    url = app.authorization_url()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(app.verifier.encode()).digest()).rstrip(b"=").decode()
    assert f"code_challenge={challenge}" in url and "code_challenge_method=S256" in url
