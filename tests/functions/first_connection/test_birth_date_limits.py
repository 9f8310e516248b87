"""The birth date is a real second factor: whoever holds the letter gets ten tries, not 121."""

from __future__ import annotations

from typing import Any

import pytest

from functions.core.follow_up import renew_credentials
from functions.first_connection.app import create_app
from functions.login.app import create_app as create_login_app
from tests.conftest import failed_guesses

FORM = {
    "birth_date": "01/03/2015",
    "email": "famille.martin@example.fr",
    "new_password": "Tournesol42",
    "new_password_confirmation": "Tournesol42",
}


@pytest.fixture
def holder(make_client: Any) -> Any:
    """Someone holding the letter, on one browser: logs in with its password, then types dates."""

    class Holder:
        def __init__(self) -> None:
            self.login = make_client(create_login_app)
            self.form = make_client(create_app)

        def start(self, identifier: str, password: str) -> Any:
            answer = self.login.post(
                "/api/login", {"identifier": identifier, "password": password, "profile": "parent"}
            )
            if answer.status_code == 200:
                self.form.client.set_cookie("__Host-ent-session", self.login.cookie(), domain="localhost", secure=True)
            return answer

        def submit(self, birth_date: str) -> Any:
            return self.form.post("/api/first-connection", {**FORM, "birth_date": birth_date})

    return Holder()


def wrong_date(day: int) -> str:
    return f"{day:02d}/04/2015"


def test_a_right_password_never_clears_the_wrong_dates(holder, accounts, store, clock):
    account, letter_password = accounts.make()
    for day in range(1, 5):
        holder.start(account.identifier, letter_password)
        assert holder.submit(wrong_date(day)).json["error"] == "birth_date_mismatch"
    assert holder.start(account.identifier, letter_password).status_code == 200
    assert failed_guesses(store, account.identifier, "birth_date") == 4


def test_after_five_wrong_dates_the_first_connection_waits_even_for_the_right_one(holder, accounts, clock):
    account, letter_password = accounts.make()
    holder.start(account.identifier, letter_password)
    for day in range(1, 6):
        holder.submit(wrong_date(day))
    waiting = holder.submit("01/03/2015")
    assert (waiting.status_code, waiting.json["error"]) == (429, "account_locked")
    clock.advance(seconds=int(waiting.headers["Retry-After"]))
    assert holder.submit("01/03/2015").status_code == 202


def test_ten_wrong_dates_spend_the_letter_until_the_school_issues_a_new_one(holder, accounts, store, clock, settings):
    account, letter_password = accounts.make()
    answers = []
    for day in range(1, 11):
        clock.advance(hours=2)  # past every wait
        holder.start(account.identifier, letter_password)
        answers.append(holder.submit(wrong_date(day)).json["error"])
    assert answers == ["birth_date_mismatch"] * 10
    # Even the right date, and the letter's password itself, now say to contact the school.
    assert holder.submit("01/03/2015").json["error"] == "letter_spent"
    clock.advance(hours=2)
    spent = holder.start(account.identifier, letter_password)
    assert (spent.status_code, spent.json["error"]) == (403, "letter_spent")
    assert "établissement" in spent.json["message"]
    issued, _ = renew_credentials(store, account.identifier, clock(), "secretariat", public_url=settings.public_url)
    assert holder.start(account.identifier, issued.initial_password).json == {"next": "first-connection"}
    assert holder.submit("01/03/2015").status_code == 202


def test_wrong_dates_count_toward_the_address_limit(holder, accounts, monkeypatch):
    from functions.core import guessing

    monkeypatch.setattr(guessing, "IP_FAILURES_PER_WINDOW", 3)
    account, letter_password = accounts.make()
    holder.start(account.identifier, letter_password)
    for day in range(1, 4):
        holder.submit(wrong_date(day))
    refused = holder.submit(wrong_date(4))
    assert (refused.status_code, refused.json["error"]) == (429, "too_many_attempts")
