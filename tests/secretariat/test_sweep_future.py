"""`ent-admin sweep --now` a day to come: a rehearsal on the local stack, never on a real AWS account.

On AWS it would deactivate and delete every school's accounts not yet active, before their deadlines.
"""

from __future__ import annotations

import json

import pytest

from functions.core.aws import reset_clients
from functions.core.lifecycle import AccountState
from functions.core.store import Store
from secretariat.commands import _loopback, _on_local_stack

DAY_TO_COME = "2027-03-01"  # three months and a day after the letters: every issued account is due
REAL_AWS = "https://dynamodb.eu-west-3.amazonaws.com"  # moto answers there, as AWS would

# Every flag `sweep` has, the old escape hatch included, in the combinations a script could use.
EVERY_FLAG = [
    [],
    ["--allow-future"],
    ["--allow-future", "--json"],
    ["--allow-future", "--operator", "m.dupont", "--json"],
    ["--json", "--allow-future", "--allow-future"],
]


@pytest.fixture
def endpoints(monkeypatch):
    """Point the AWS clients somewhere: endpoints(AWS_ENDPOINT_URL=…, AWS_ENDPOINT_URL_DYNAMODB=…)."""

    def point(**variables: str) -> None:
        # ent-admin first asks STS who is calling (its audited actor): AWS's own STS answers that.
        variables = {"AWS_ENDPOINT_URL_STS": "https://sts.amazonaws.com", **variables}
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        reset_clients()  # the clients read their endpoint when made

    yield point
    reset_clients()


def assert_untouched(store, account) -> None:
    saved = store.get_account(account.identifier)
    assert saved.state == AccountState.ISSUED and saved.version == account.version
    assert store.sweep_cursor() is None
    assert [event.action for event in store.events(account.identifier)] == []


def assert_refused(result) -> None:
    assert result.code == 2, result
    assert result.out == ""
    assert "pas encore arrivé" in result.err and "vrai compte AWS" in result.err
    assert "pile locale" in result.err and "--dry-run" in result.err


@pytest.mark.parametrize("flags", EVERY_FLAG, ids=lambda flags: " ".join(flags) or "no flag")
def test_a_day_to_come_is_refused_on_aws_whatever_the_flags(admin, accounts, store, flags):
    # AWS_ENDPOINT_URL unset: the clients talk to AWS itself.
    account, _ = accounts.make()
    assert_refused(admin("sweep", "--now", DAY_TO_COME, *flags))
    assert_untouched(store, account)


@pytest.mark.parametrize("flags", EVERY_FLAG, ids=lambda flags: " ".join(flags) or "no flag")
def test_a_day_to_come_is_refused_with_an_endpoint_that_is_not_loopback(admin, accounts, store, endpoints, flags):
    account, _ = accounts.make()
    endpoints(AWS_ENDPOINT_URL=REAL_AWS)
    assert_refused(admin("sweep", "--now", DAY_TO_COME, *flags))
    assert_untouched(store, account)


def test_a_loopback_aws_endpoint_url_does_not_hide_a_real_table(admin, accounts, store, endpoints):
    # AWS_ENDPOINT_URL says local, the table's own variable says AWS: the table is what is swept.
    account, _ = accounts.make()
    endpoints(AWS_ENDPOINT_URL="http://127.0.0.1:8001", AWS_ENDPOINT_URL_DYNAMODB=REAL_AWS)
    assert_refused(admin("sweep", "--now", DAY_TO_COME, "--allow-future"))
    assert_untouched(store, account)


def test_a_day_of_the_past_or_today_is_still_swept_on_aws(admin, accounts, store):
    account, _ = accounts.make()
    result = admin("sweep", "--now", "2026-11-30", "--allow-future", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["deactivated"] == []
    assert store.get_account(account.identifier).state == AccountState.ISSUED


@pytest.mark.parametrize("endpoint", [None, REAL_AWS])
def test_dry_run_of_a_day_to_come_stays_allowed_everywhere(admin, accounts, store, endpoints, endpoint):
    account, _ = accounts.make()
    if endpoint:
        endpoints(AWS_ENDPOINT_URL=endpoint)
    result = admin("sweep", "--now", DAY_TO_COME, "--dry-run", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["deactivated"] == [account.identifier]
    assert store.get_account(account.identifier).state == AccountState.ISSUED and store.sweep_cursor() is None


@pytest.mark.parametrize(
    ("variables", "local"),
    [
        ({"AWS_ENDPOINT_URL": "http://127.0.0.1:8001"}, True),
        ({"AWS_ENDPOINT_URL": "http://localhost:8001"}, True),
        ({"AWS_ENDPOINT_URL": "http://[::1]:8001"}, True),
        ({"AWS_ENDPOINT_URL": REAL_AWS}, False),
        ({"AWS_ENDPOINT_URL": "http://10.0.0.8:8001"}, False),
        ({"AWS_ENDPOINT_URL": "http://127.0.0.1:8001", "AWS_ENDPOINT_URL_DYNAMODB": REAL_AWS}, False),
        (
            {
                "AWS_ENDPOINT_URL": "http://127.0.0.1:8001",
                "AWS_ENDPOINT_URL_SESV2": "https://email.eu-west-3.amazonaws.com",
            },
            False,
        ),
    ],
)
def test_the_local_stack_is_told_by_the_endpoints_the_clients_use(aws, endpoints, variables, local):
    endpoints(**variables)
    assert _on_local_stack(Store("ent-parents-local")) is local


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://127.0.0.1.nip.io:8001",
        "http://localhost.attacker.example:8001",
        "http://attacker.example/?h=127.0.0.1",
        "http://127.0.0.1@attacker.example:8001",
        "http://0.0.0.0:8001",
        "not a url",
        "",
        None,
    ],
)
def test_names_that_only_look_local_are_not_the_local_stack(endpoint):
    assert not _loopback(endpoint)


def test_on_the_local_stack_a_day_to_come_is_rehearsed_without_any_flag(admin, accounts, store, monkeypatch):
    account, _ = accounts.make()
    # moto answers in-process at AWS's own address: pretend its endpoints are the local stack's.
    monkeypatch.setattr("secretariat.commands._on_local_stack", lambda store: True)
    result = admin("sweep", "--now", DAY_TO_COME)
    assert result.code == 0, result.err
    assert store.get_account(account.identifier).state == AccountState.DEACTIVATED
    assert store.sweep_cursor() is None  # a rehearsed day never moves the daily runs' cursor
