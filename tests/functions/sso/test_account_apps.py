"""Mon compte lists the apps the account signed in to, the most recent first; gone with the account."""

from __future__ import annotations

from urllib.parse import urlencode

from functions.core.lifecycle import AccountState
from tests.sso_support import SERVICE, register_service

PASSWORD = "Soleil2024x"


def test_mon_compte_lists_each_app_once_with_its_last_sign_in(api, accounts, service, store, clock):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    api.post("/api/login", {"identifier": account.identifier, "password": PASSWORD, "profile": "parent"})
    assert api.get("/api/session").json["apps"] == []
    api.get("/cas/login?" + urlencode({"service": SERVICE}))
    clock.advance(minutes=3)
    register_service(store, name="Cahier de textes", url="https://cahier.example.fr/cas")
    api.get("/cas/login?" + urlencode({"service": "https://cahier.example.fr/cas"}))
    clock.advance(minutes=3)
    api.get("/cas/login?" + urlencode({"service": SERVICE}))
    apps = api.get("/api/session").json["apps"]
    assert [app["name"] for app in apps] == ["Vie scolaire", "Cahier de textes"]
    assert apps[0]["last_sign_in"] == clock().isoformat() and apps[0]["protocol"] == "cas"


def test_deleting_the_account_deletes_its_apps(api, accounts, service, store, table):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD)
    api.post("/api/login", {"identifier": account.identifier, "password": PASSWORD, "profile": "parent"})
    api.get("/cas/login?" + urlencode({"service": SERVICE}))
    store.delete_account(account.identifier)
    assert store.app_sign_ins(account.identifier) == []
