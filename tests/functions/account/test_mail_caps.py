"""Mon compte's address change cannot be turned into a mail cannon (issue 11, point 5).

Attacks as a signed-in parent would make them: many requests, from many accounts, at once.
"""

from __future__ import annotations

import threading
from collections import Counter

from functions.account.app import create_app
from functions.core.clock import paris_day
from functions.core.lifecycle import AccountState
from functions.core.mail_caps import MAILS_PER_ADDRESS_PER_DAY

from .conftest import PASSWORD, carry_session

VICTIM = "victime@exemple.org"
FIRST_NAMES = ["Ana", "Bea", "Cleo", "Dina", "Eva", "Fanny", "Gina", "Hana", "Ines", "Jade"]


def request_change(client, new_email: str):
    return client.post("/api/account/email", {"current_password": PASSWORD, "new_email": new_email})


def in_parallel(calls) -> list:
    """Run the calls at once (a barrier releases them together) and return their answers in order."""
    start = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_forty_parallel_requests_from_ten_accounts_give_the_victim_five_mails(
    accounts, log_in, make_client, outbox, store, clock
):
    signed_in = []
    for first_name in FIRST_NAMES:
        account, _ = accounts.make(
            state=AccountState.ACTIVE,
            password=PASSWORD,
            email=f"{first_name.lower()}@exemple.fr",
            first_name=first_name,
        )
        first = log_in(account.identifier)
        for _ in range(4):
            browser = make_client(create_app)
            carry_session(first, browser)
            signed_in.append((account, browser))
    answers = in_parallel([lambda browser=browser: request_change(browser, VICTIM) for _, browser in signed_in])

    # Every request got the answer of a sent mail: nothing tells the attacker the cap was reached.
    assert {(answer.status_code, answer.json["status"]) for answer in answers} == {(202, "check-email")}
    received = Counter(mail["to"] for mail in outbox())
    assert received[VICTIM] == MAILS_PER_ADDRESS_PER_DAY == 5
    assert store.mails_to(VICTIM, paris_day(clock())) == 5
    for account, _ in signed_in[::4]:
        assert received[account.email] <= 3  # the notices to each account's own address
        details = [
            event.detail for event in store.events(account.identifier) if event.action == "email_change_requested"
        ]
        assert len(details) == 4 and details.count("capped") >= 1  # the 4th of the hour at least
    capped = sum(
        event.detail == "capped"
        for account, _ in signed_in[::4]
        for event in store.events(account.identifier)
        if event.action == "email_change_requested"
    )
    assert capped == 40 - 5


def test_one_account_sends_at_most_three_changes_an_hour_even_in_parallel(
    client, account, outbox, store, clock, log_in
):
    # Four at once: one more than the hour allows (more parallel proofs of the current password
    # would meet the guess limits, which count each proof in flight).
    answers = in_parallel(
        [lambda number=number: request_change(client, f"cible{number}@exemple.org") for number in range(4)]
    )
    assert {answer.status_code for answer in answers} == {202}
    confirmations = [mail for mail in outbox() if mail["to"].startswith("cible")]
    notices = [mail for mail in outbox() if mail["to"] == account.email]
    assert (len(confirmations), len(notices)) == (3, 3)
    events = [event for event in store.events(account.identifier) if event.action == "email_change_requested"]
    assert sorted(event.detail or "sent" for event in events) == ["capped"] + ["sent"] * 3
    # An hour later the account may change its address again (in a new session: the old one idled out).
    clock.advance(hours=1, seconds=1)
    assert request_change(log_in(account.identifier), "encore@exemple.org").status_code == 202
    assert [mail["to"] for mail in outbox()].count("encore@exemple.org") == 1


def test_a_capped_request_changes_nothing_and_looks_like_a_sent_one(client, account, store, outbox, clock):
    for number in range(3):
        assert request_change(client, f"cible{number}@exemple.org").status_code == 202
    pending = store.get_account(account.identifier).pending_email
    sent = len(outbox())
    capped = request_change(client, "autre@exemple.org")
    first = request_change(client, "cible0@exemple.org")
    assert (capped.status_code, capped.json) == (first.status_code, first.json) == (202, {"status": "check-email"})
    assert len(outbox()) == sent
    assert store.get_account(account.identifier).pending_email == pending  # the last sent one stays


def test_the_victims_own_recovery_is_not_blocked_by_the_cap(accounts, log_in, outbox, make_client):
    """Mails to a verified address (recovery) are not counted against the typed-address cap."""
    from functions.recovery.app import create_app as create_recovery_app

    victim, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email=VICTIM, first_name="Vic")
    for first_name in FIRST_NAMES[:6]:
        account, _ = accounts.make(
            state=AccountState.ACTIVE,
            password=PASSWORD,
            email=f"{first_name.lower()}@exemple.fr",
            first_name=first_name,
        )
        request_change(log_in(account.identifier), VICTIM)
    assert [mail["to"] for mail in outbox()].count(VICTIM) == 5
    recovery = make_client(create_recovery_app)
    assert recovery.post("/api/recovery/password", {"identifier": victim.identifier}).status_code == 202
    assert [mail["to"] for mail in outbox()].count(VICTIM) == 6
