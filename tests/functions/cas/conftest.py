"""A family with an active account, signed in or not, and the CAS server in the whole in-process API."""

from __future__ import annotations

import pytest
from cas import CASClientV3

from functions.core.lifecycle import AccountState
from tests.sso_support import SERVER, SERVICE, register_service, session_for

PASSWORD = "Soleil2024x"


@pytest.fixture
def service(store):
    return register_service(store)


@pytest.fixture
def family(accounts):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email="famille@example.fr")
    return account


@pytest.fixture
def signed_in(api, family):
    response = api.post("/api/login", {"identifier": family.identifier, "password": PASSWORD, "profile": "parent"})
    assert response.status_code == 200
    return api


@pytest.fixture
def cas_client(api):
    """python-cas, the service's side: it validates tickets against our /cas/p3/serviceValidate."""
    return CASClientV3(service_url=SERVICE, server_url=SERVER, session=session_for(api.client.application))
