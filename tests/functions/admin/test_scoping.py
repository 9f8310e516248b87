"""A secretary of school A can do nothing for school B: every call answers as if B's things did not exist.

Each school-scoped call is tried with a member of school A on school B's school, accounts, import and
directory, and the answer must be byte for byte the one for a school, account or import that does
not exist. Unsigned and disabled members get 401 on every call.
"""

from __future__ import annotations

import pytest

from functions.core.lifecycle import AccountState
from tests.functions.admin.schools_helpers import SCHOOL_A, SCHOOL_B, family
from tests.functions.admin.test_imports import ROSTER, post_roster

MISSING_SCHOOL, MISSING_ACCOUNT, MISSING_IMPORT = "0750656F", "personne.inconnue", "A" * 22

# (method, path with {school} / {account} / {import_id}, JSON body or None for a CSV upload)
CALLS = [
    ("GET", "/api/admin/schools/{school}", None),
    ("GET", "/api/admin/schools/{school}/accounts", None),
    ("GET", "/api/admin/schools/{school}/accounts.csv", None),
    ("GET", "/api/admin/schools/{school}/directory", None),
    ("PUT", "/api/admin/schools/{school}/directory", {"name": "Collège pris"}),
    ("POST", "/api/admin/schools/{school}/imports", "csv"),
    ("GET", "/api/admin/accounts/{account}", None),
    ("POST", "/api/admin/accounts/{account}/reissue", {"confirm": True}),
    ("POST", "/api/admin/accounts/{account}/reactivate", {}),
    ("POST", "/api/admin/accounts/{account}/unlock", {}),
    ("POST", "/api/admin/imports/{import_id}/confirm", {}),
]


def call(client, method: str, path: str, body):
    headers = {"Origin": "https://aide.ent.example.fr", "Sec-Fetch-Site": "same-origin"}
    if body == "csv":
        return client.client.open(path, method=method, data=ROSTER, headers={**headers, "Content-Type": "text/csv"})
    if method == "GET":
        return client.client.get(path)
    return client.client.open(path, method=method, json=body, headers=headers)


@pytest.fixture
def school_b(staff_client, store, clock):
    """School B's account and an import previewed by B's own secretary."""
    account = family(store, clock(), SCHOOL_B, state=AccountState.DEACTIVATED, first_name="Basile")
    secretary_b = staff_client(schools=(SCHOOL_B,))
    import_id = post_roster(secretary_b, ROSTER, school=SCHOOL_B).get_json()["id"]
    return {"school": SCHOOL_B, "account": account.identifier, "import_id": import_id}


MISSING = {"school": MISSING_SCHOOL, "account": MISSING_ACCOUNT, "import_id": MISSING_IMPORT}


def test_school_b_answers_a_secretary_of_a_as_a_missing_one(staff_client, school_b, store, subtests):
    secretary_a = staff_client(schools=(SCHOOL_A,), stepped_up=True)
    before = store.get_account(school_b["account"])

    for method, path, body in CALLS:
        with subtests.test(f"{method} {path}"):
            across = call(secretary_a, method, path.format(**school_b), body)
            missing = call(secretary_a, method, path.format(**MISSING), body)

            assert across.status_code == missing.status_code == 404
            assert across.get_data() == missing.get_data()
    assert store.get_account(school_b["account"]) == before  # nothing changed in B
    assert all(event.actor != secretary_a.member.email for event in store.events(school_b["account"], limit=50))
    assert store.school_entry(SCHOOL_B) is None  # nor its directory


def test_every_call_needs_a_signed_in_member(staff_client, school_b, subtests):
    unsigned = staff_client(schools=(SCHOOL_B,), signed_in=False)

    for method, path, body in CALLS:
        with subtests.test(f"{method} {path}"):
            answer = call(unsigned, method, path.format(**school_b), body)

            assert answer.status_code == 401 and answer.get_json()["error"] == "staff_not_signed_in"


def test_a_disabled_member_can_do_nothing_more(staff_client, school_b, store, clock, subtests):
    from dataclasses import replace

    secretary_b = staff_client(schools=(SCHOOL_B,), stepped_up=True)
    member = store.get_staff(secretary_b.member.email)
    store.save_staff(replace(member, disabled_at=clock(), disabled_by="academie@ac-exemple.fr"))

    for method, path, body in CALLS:
        with subtests.test(f"{method} {path}"):
            answer = call(secretary_b, method, path.format(**school_b), body)

            assert answer.status_code == 401 and answer.get_json()["error"] == "staff_not_signed_in"


def test_an_import_is_its_members_even_within_the_school(staff_client, school_b):
    colleague = staff_client(schools=(SCHOOL_B,), stepped_up=True)

    answer = colleague.post(f"/api/admin/imports/{school_b['import_id']}/confirm")

    assert answer.status_code == 404 and answer.get_json()["error"] == "import_not_found"


def test_a_member_of_both_schools_reaches_both(staff_client, school_b):
    both = staff_client(schools=(SCHOOL_A, SCHOOL_B))

    assert both.get(f"/api/admin/schools/{SCHOOL_B}").status_code == 200
    assert both.get(f"/api/admin/accounts/{school_b['account']}").status_code == 200
