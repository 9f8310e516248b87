"""`ent-admin client …`: how the people running an app register it, list the apps, remove one."""

from __future__ import annotations

import json

import pytest

from functions.core.clients import Protocol, secret_hash


def _add(admin, *arguments: str):
    run = admin("client", "add", *arguments, "--json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def test_a_confidential_oidc_client_gets_a_secret_shown_once_and_kept_hashed(admin, store):
    printed = _add(admin, "--name", "Vie scolaire", "--protocol", "oidc", "--redirect-uri", "https://vs.example.fr/cb")
    client = store.get_client(printed["client_id"])
    assert client.protocol == Protocol.OIDC and not client.public
    assert client.redirect_uris == ("https://vs.example.fr/cb",)
    assert client.secret_hash == secret_hash(printed["client_secret"])
    assert printed["client_secret"] not in json.dumps(admin("client", "list", "--json").out)
    assert client.accepts_secret(printed["client_secret"]) and not client.accepts_secret("guess")


def test_a_public_client_has_no_secret_and_accepts_none(admin, store):
    printed = _add(
        admin,
        "--name",
        "Appli mobile",
        "--protocol",
        "oidc",
        "--public",
        "--redirect-uri",
        "https://m.example.fr/a",
        "--redirect-uri",
        "https://m.example.fr/b",
        "--post-logout-redirect-uri",
        "https://m.example.fr/bye",
    )
    assert printed["client_secret"] is None
    client = store.get_client(printed["client_id"])
    assert client.public and client.secret_hash is None and not client.accepts_secret("")
    assert client.redirect_uris == ("https://m.example.fr/a", "https://m.example.fr/b")
    assert client.post_logout_redirect_uris == ("https://m.example.fr/bye",)


def test_a_cas_service_is_found_by_scheme_host_port_and_path_whatever_its_query(admin, store):
    printed = _add(admin, "--name", "Pronote", "--protocol", "cas", "--service-url", "https://pronote.example.fr/eleve")
    found = store.find_cas_service("https://pronote.example.fr/eleve?fd=1&login=true")
    assert found is not None and found.client_id == printed["client_id"]
    for other in (
        "http://pronote.example.fr/eleve",
        "https://pronote.example.fr:8443/eleve",
        "https://pronote.example.fr/eleve/../admin",
        "https://pronote.example.fr/parent",
        "https://evil.example/eleve",
        "https://pronote.example.fr@evil.example/eleve",
        "https://pronote.example.fr/eleve#x",
        "not a url",
    ):
        assert store.find_cas_service(other) is None, other


@pytest.mark.parametrize(
    "arguments",
    [
        ["--protocol", "oidc"],  # no redirect URI
        ["--protocol", "oidc", "--redirect-uri", "http://vs.example.fr/cb"],  # http off loopback
        ["--protocol", "oidc", "--redirect-uri", "https://vs.example.fr/cb#frag"],
        ["--protocol", "oidc", "--redirect-uri", "/relative"],
        ["--protocol", "oidc", "--redirect-uri", "https://u@vs.example.fr/cb"],
        ["--protocol", "cas"],  # no service URL
        ["--protocol", "cas", "--service-url", "https://a.example.fr", "--public"],
        ["--protocol", "oidc", "--redirect-uri", "https://a.example.fr/cb", "--service-url", "https://a.example.fr"],
    ],
)
def test_a_registration_that_could_leak_codes_is_refused_in_french(admin, store, arguments):
    run = admin("client", "add", "--name", "App", *arguments, "--json")
    assert run.code == 2 and "erreur" in run.err
    assert store.list_clients() == []


def test_clients_are_listed_and_removed(admin, store):
    first = _add(admin, "--name", "B app", "--protocol", "cas", "--service-url", "https://b.example.fr/")
    second = _add(admin, "--name", "A app", "--protocol", "oidc", "--redirect-uri", "http://127.0.0.1:9/cb")
    listed = json.loads(admin("client", "list", "--json").out)
    assert [entry["client_id"] for entry in listed] == [second["client_id"], first["client_id"]]
    assert "A app" in admin("client", "list").out
    assert admin("client", "remove", first["client_id"]).code == 0
    assert store.get_client(first["client_id"]) is None
    assert admin("client", "remove", first["client_id"]).code == 2
