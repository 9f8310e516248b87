"""The signing keys: KMS holds them, the JWKS publishes them, a rotation publishes two for a while."""

from __future__ import annotations

from dataclasses import replace

import jwt
import pytest

from functions.core.aws import client
from functions.core.settings import Settings, SettingsError
from functions.oidc.app import create_app
from functions.oidc.signing import KeyRing


def _new_key() -> str:
    return str(client("kms").create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"])


def test_settings_list_the_keys_first_the_one_that_signs():
    settings = Settings.from_env(
        {"ENT_TABLE": "t", "ENT_OIDC_KEYS": "alias/new, alias/old", "ENT_PAIRWISE_SECRET": "s"}
    )
    assert settings.oidc_signing_keys == ("alias/new", "alias/old")
    assert Settings.from_env({"ENT_TABLE": "t"}).oidc_signing_keys == ()


def test_the_provider_does_not_start_without_its_key_or_its_pairwise_secret(settings, store):
    for missing in ({"oidc_signing_keys": ()}, {"pairwise_secret": None}):
        with pytest.raises(SettingsError):
            create_app(replace(settings, **missing), store=store)


def test_during_a_rotation_both_keys_are_published_and_the_new_one_signs(aws):
    old, new = _new_key(), _new_key()
    before = KeyRing((old,))
    issued_before = before.sign({"sub": "x", "aud": "app"})
    during = KeyRing((new, old))
    jwks = during.jwks()
    assert len({key["kid"] for key in jwks["keys"]}) == 2
    issued_during = during.sign({"sub": "x", "aud": "app"})
    keys = jwt.PyJWKSet.from_dict(jwks)
    assert jwt.get_unverified_header(issued_during)["kid"] == during.public_key(new).kid
    for token in (issued_before, issued_during):  # an app caching the JWKS verifies both
        key = keys[jwt.get_unverified_header(token)["kid"]]
        assert jwt.decode(token, key.key, algorithms=["ES256"], audience="app")["sub"] == "x"
    after = KeyRing((new,))
    assert after.verify(issued_before) is None and after.verify(issued_during) is not None


def test_a_key_that_is_not_p256_is_refused(aws):
    rsa = str(client("kms").create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"])
    with pytest.raises(ValueError, match="ECC_NIST_P256"):
        KeyRing((rsa,)).jwks()


def test_a_token_signed_with_another_algorithm_or_tampered_is_not_ours(aws):
    ring = KeyRing((_new_key(),))
    token = ring.sign({"sub": "x"})
    header, claims, signature = token.split(".")
    assert ring.verify(jwt.encode({"sub": "x"}, "s" * 32, algorithm="HS256")) is None
    assert ring.verify(f"{header}.{claims[:-2]}AA.{signature}") is None
    assert ring.verify("not a token") is None
