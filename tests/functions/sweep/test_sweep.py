"""The daily sweep, with the clock moved: the FAQ's 3-month and 1-year promises."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, time

import pytest

from functions.core.clock import PARIS
from functions.core.lifecycle import AccountState
from functions.core.mail import Mailer
from functions.login.app import create_app as create_login_app
from functions.sweep.flow import run_sweep

PASSWORD = "Tournesol42"


def at(day: date) -> datetime:
    """03:00 in Paris on `day`: when the scheduler runs the sweep."""
    return datetime.combine(day, time(3, 0), tzinfo=PARIS).astimezone(UTC)


@pytest.fixture
def sweep(store, settings):
    def run(day: date, mailer: Mailer | None = None, **options):
        return run_sweep(
            store,
            mailer or Mailer(settings.mail_from),
            today=day,
            now=at(day),
            public_url=settings.public_url,
            **options,
        )

    return run


@pytest.fixture
def api_calls(store):
    """Record the DynamoDB operations the code makes."""
    calls: list[str] = []
    store.dynamodb.meta.events.register("before-call.dynamodb", lambda model, **_: calls.append(model.name))
    return calls


def pending(accounts, store, email="famille@example.fr", **kwargs):
    account, _ = accounts.make(password=PASSWORD, **kwargs)
    return store.save_account(replace(account, state=AccountState.PENDING_CONFIRMATION, pending_email=email))


def test_an_account_not_activated_is_deactivated_the_day_after_its_deadline(accounts, store, sweep):
    account, _ = accounts.make()
    assert account.activation_deadline == date(2027, 2, 28)
    sweep(date(2027, 2, 28))
    assert store.get_account(account.identifier).state == AccountState.ISSUED
    report = sweep(date(2027, 3, 1))
    assert report.deactivated == [account.identifier]
    assert store.get_account(account.identifier).state == AccountState.DEACTIVATED


def test_deactivated_account_sees_contact_school_message_after_the_sweep(accounts, sweep, make_client, clock):
    account, password = accounts.make()
    sweep(date(2027, 3, 1))
    clock.now = at(date(2027, 3, 1))
    response = make_client(create_login_app).post(
        "/api/login", {"identifier": account.identifier, "password": password, "profile": "parent"}
    )
    assert (response.status_code, response.json["error"]) == (403, "account_deactivated")


def test_deactivation_revokes_sessions_and_links(accounts, store, sweep):
    account = pending(accounts, store)
    account = store.save_account(replace(account, live_tokens={"activation": "f" * 64}))
    sweep(date(2027, 3, 1))
    after = store.get_account(account.identifier)
    assert after.session_version == account.session_version + 1
    assert after.live_tokens == {}


def test_after_one_year_the_account_is_deleted_and_the_identifier_is_unknown(
    accounts, store, sweep, make_client, clock
):
    account, password = accounts.make()
    sweep(date(2027, 3, 1))
    sweep(date(2027, 11, 30))
    assert store.get_account(account.identifier) is not None
    report = sweep(date(2027, 12, 1))
    assert report.deleted == [account.identifier]
    assert store.get_account(account.identifier) is None
    assert store.events(account.identifier) == []
    assert store.school_counts("0751234J") == {"deactivated_unactivated": 1, "deleted_unactivated": 1}
    clock.now = at(date(2027, 12, 1))
    response = make_client(create_login_app).post(
        "/api/login", {"identifier": account.identifier, "password": password, "profile": "parent"}
    )
    assert response.json["error"] == "invalid_credentials"


def test_active_accounts_are_never_touched(accounts, store, sweep):
    account, _ = accounts.make(state=AccountState.ACTIVE, password=PASSWORD, email="a@example.fr")
    for day in (date(2027, 3, 1), date(2027, 12, 1), date(2029, 1, 1)):
        sweep(day)
    assert store.get_account(account.identifier) == account


def test_pending_account_gets_a_reminder_14_and_2_days_before_with_a_fresh_link(accounts, store, sweep, outbox):
    account = pending(accounts, store)
    sweep(date(2027, 2, 13))
    assert outbox() == []
    report = sweep(date(2027, 2, 14))
    assert report.reminded == [account.identifier]
    assert sweep(date(2027, 2, 14)).reminded == []  # never twice the same reminder
    sweep(date(2027, 2, 25))
    assert len(outbox()) == 1
    sweep(date(2027, 2, 26))
    first, second = outbox()
    assert "15 jours" in first["text"] and "3 jours" in second["text"]
    links = [re.findall(r"#t=([\w-]+)", mail["text"])[0] for mail in (first, second)]
    assert links[0] != links[1]
    stored = store.get_account(account.identifier)
    assert stored.reminders_sent == ("reminder_14_days", "reminder_2_days")
    assert stored.state == AccountState.PENDING_CONFIRMATION


def test_a_missed_run_sends_only_the_latest_reminder(accounts, store, sweep, outbox):
    account = pending(accounts, store)
    sweep(date(2027, 2, 10))
    sweep(date(2027, 2, 27))  # the scheduler was down from 11 to 26 February
    (mail,) = outbox()
    assert "2 jours" in mail["text"]
    assert store.get_account(account.identifier).reminders_sent == ("reminder_14_days", "reminder_2_days")


def test_a_second_run_the_same_day_does_nothing_more(accounts, store, sweep, api_calls):
    for number in range(3):
        accounts.make(first_name=f"Enfant{number}")
    assert len(sweep(date(2027, 3, 1)).deactivated) == 3
    api_calls.clear()
    again = sweep(date(2027, 3, 1))
    assert (again.deactivated, again.days_read) == ([], 0)
    assert "Scan" not in api_calls


def test_the_sweep_never_scans_the_table(accounts, store, sweep, api_calls):
    accounts.make()
    sweep(date(2027, 3, 1))
    sweep(date(2027, 12, 1))
    assert "Scan" not in api_calls and "Query" in api_calls


def test_a_run_stopped_midway_is_finished_by_the_next(accounts, store, sweep):
    made = [accounts.make(first_name=f"Enfant{number}")[0] for number in range(3)]
    clock_ticks = iter([100, 0])  # Lambda's remaining time runs out during the run
    first = sweep(date(2027, 3, 1), time_left=lambda: next(clock_ticks, 0))
    assert first.finished is False
    second = sweep(date(2027, 3, 1))
    assert second.finished is True
    assert {store.get_account(a.identifier).state for a in made} == {AccountState.DEACTIVATED}


class FailingFor:
    """SES that refuses mail to one address."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.sent: list[str] = []

    def send_email(self, Destination, **_):
        from botocore.exceptions import ClientError

        if Destination["ToAddresses"] == [self.address]:
            raise ClientError({"Error": {"Code": "MessageRejected", "Message": "no"}}, "SendEmail")
        self.sent.extend(Destination["ToAddresses"])


def test_one_account_failing_does_not_stop_the_others_and_is_reported(accounts, store, sweep, settings):
    broken = pending(accounts, store, email="cassee@example.fr", first_name="Un")
    fine = pending(accounts, store, email="ok@example.fr", first_name="Deux")
    ses = FailingFor("cassee@example.fr")
    report = sweep(date(2027, 2, 14), mailer=Mailer(settings.mail_from, ses=ses))
    assert report.failed == {broken.identifier: "MailUnavailable"}
    assert report.reminded == [fine.identifier] and ses.sent == ["ok@example.fr"]
    retry = sweep(date(2027, 2, 15), mailer=Mailer(settings.mail_from, ses=FailingFor("nobody@example.fr")))
    assert retry.reminded == [broken.identifier]
    assert store.get_account(fine.identifier).reminders_sent == ("reminder_14_days",)


def test_dry_run_says_what_it_would_do_and_changes_nothing(accounts, store, sweep):
    account, _ = accounts.make()
    report = sweep(date(2027, 3, 1), dry_run=True)
    assert report.deactivated == [account.identifier]
    assert store.get_account(account.identifier).state == AccountState.ISSUED
    assert store.sweep_cursor() is None


def test_first_connection_late_in_the_period_skips_reminders_already_past(accounts, store, sweep, outbox, clock):
    from functions.core.lifecycle import reminders_not_needed

    assert reminders_not_needed(date(2027, 2, 28), date(2027, 2, 20)) == ("reminder_14_days",)
    assert reminders_not_needed(date(2027, 2, 28), date(2027, 2, 1)) == ()


def test_deletion_by_the_sweep_lets_the_school_issue_a_new_identifier(store, sweep, clock):
    from functions.core.accounts import issue_account
    from functions.core.lifecycle import Profile

    def issue():
        return issue_account(
            store,
            profile=Profile.PARENT,
            first_name="Zoé",
            last_name="Martin",
            birth_date=date(2015, 3, 1),
            school="0751234J",
            now=clock(),
            once_per_person=True,
        )

    account = issue().account
    assert account.person_fingerprint
    sweep(date(2027, 3, 1))
    sweep(date(2027, 12, 1))
    assert store.person_identifier("0751234J", Profile.PARENT, account.person_fingerprint) is None
    clock.now = at(date(2027, 12, 2))
    assert issue().account.state == AccountState.ISSUED  # a new account, as the FAQ says


# A change that lands between the sweep's read and its write --------------------------------------


def landing_before(monkeypatch, store, method: str, change) -> None:
    """Run `change` (through the real store) just before the sweep's first call of store.`method`.

    The sweep has read the account by then (from the due index): what it holds is a stale copy.
    """
    original = getattr(store, method)
    changes = [change]

    def patched(*args, **kwargs):
        while changes:
            changes.pop()()  # popped first: the change may itself call `method`
        return original(*args, **kwargs)

    monkeypatch.setattr(store, method, patched)


def reactivate(store, account, day: date):
    from functions.core.follow_up import renew_credentials

    return lambda: renew_credentials(store, account.identifier, at(day), "m.dupont", reactivate=True)


def reissue(store, account, day: date):
    from functions.core.follow_up import renew_credentials

    return lambda: renew_credentials(store, account.identifier, at(day), "m.dupont")


def activate(store, account, day: date):
    def activated(fresh):
        return replace(
            fresh, state=AccountState.ACTIVE, email=fresh.pending_email, pending_email=None, activated_at=at(day)
        )

    return lambda: store.update_account(store.get_account(account.identifier), activated)


@pytest.mark.parametrize("change", [reactivate, reissue])
def test_an_account_given_a_new_letter_while_the_sweep_deletes_it_is_left_alone(
    accounts, store, sweep, monkeypatch, change
):
    account, _ = accounts.make()
    sweep(date(2027, 3, 1))
    events_before = store.events(account.identifier)
    landing_before(monkeypatch, store, "delete_account", change(store, account, date(2027, 12, 1)))
    report = sweep(date(2027, 12, 1))
    assert (report.deleted, report.failed) == ([], {})
    after = store.get_account(account.identifier)
    assert after is not None and after.state == AccountState.ISSUED
    assert after.deletion_date > date(2028, 11, 1)  # new deadlines from the new letter
    events = store.events(account.identifier)
    assert "deactivated_by_sweep" in {event.action for event in events}
    assert events[1:] == events_before  # its history is kept, under the new letter
    assert "deleted_unactivated" not in store.school_counts("0751234J")


def test_an_account_deleted_by_an_overlapping_run_is_neither_reported_nor_counted_twice(
    accounts, store, sweep, monkeypatch
):
    account, _ = accounts.make()
    sweep(date(2027, 3, 1))
    landing_before(monkeypatch, store, "delete_account", lambda: store.delete_account(account.identifier))
    report = sweep(date(2027, 12, 1))
    assert (report.deleted, report.failed) == ([], {})
    assert store.get_account(account.identifier) is None
    assert "deleted_unactivated" not in store.school_counts("0751234J")


@pytest.mark.parametrize("change", [reissue, activate])
def test_an_account_reissued_or_activated_while_the_sweep_deactivates_it_is_left_alone(
    accounts, store, sweep, monkeypatch, change
):
    account = pending(accounts, store)
    landing_before(monkeypatch, store, "save_account", change(store, account, date(2027, 3, 1)))
    report = sweep(date(2027, 3, 1))
    assert (report.deactivated, report.failed) == ([], {})
    after = store.get_account(account.identifier)
    assert after.state in (AccountState.ISSUED, AccountState.ACTIVE)
    assert after.session_version == account.session_version + (1 if after.state == AccountState.ISSUED else 0)
    assert "deactivated_by_sweep" not in {event.action for event in store.events(account.identifier)}
    assert "deactivated_unactivated" not in store.school_counts("0751234J")


def test_an_account_activated_while_the_sweep_reminds_it_gets_no_mail(accounts, store, sweep, monkeypatch, outbox):
    account = pending(accounts, store)
    landing_before(monkeypatch, store, "save_account", activate(store, account, date(2027, 2, 14)))
    report = sweep(date(2027, 2, 14))
    assert (report.reminded, report.failed) == ([], {})
    assert outbox() == []
    after = store.get_account(account.identifier)
    assert (after.state, after.reminders_sent) == (AccountState.ACTIVE, ())


# The reminder is saved, then mailed -------------------------------------------------------------


class Spying(Mailer):
    """A mailer that notes, when it sends, what the store holds of the account at that moment."""

    def __init__(self, sender: str, store, ses=None) -> None:
        super().__init__(sender, ses=ses)
        self.store = store
        self.seen: list[tuple[tuple[str, ...], str | None, str]] = []

    def send(self, message: str, *, to: str, **context) -> None:
        stored = self.store.get_account(context["identifier"])
        self.seen.append((stored.reminders_sent, stored.live_tokens.get("activation"), context["link"]))
        super().send(message, to=to, **context)


def test_the_reminder_is_saved_as_sent_with_its_link_before_it_is_mailed(accounts, store, sweep, settings, outbox):
    from functions.core.tokens import token_hash

    account = pending(accounts, store)
    mailer = Spying(settings.mail_from, store)
    assert sweep(date(2027, 2, 14), mailer=mailer).reminded == [account.identifier]
    [(marked, live, link)] = mailer.seen
    assert marked == ("reminder_14_days",)
    assert live == token_hash(link.split("#t=")[1])
    assert len(outbox()) == 1


def test_a_reminder_ses_refuses_is_given_back_audited_and_sent_by_the_next_run(accounts, store, sweep, settings):
    account = pending(accounts, store, email="cassee@example.fr")
    account = store.save_account(replace(account, live_tokens={"activation": "e" * 64}))  # an older link
    report = sweep(date(2027, 2, 14), mailer=Mailer(settings.mail_from, ses=FailingFor("cassee@example.fr")))
    assert report.failed == {account.identifier: "MailUnavailable"} and report.reminded == []
    after = store.get_account(account.identifier)
    assert (after.reminders_sent, after.live_tokens) == ((), {"activation": "e" * 64})
    assert after.due_day == account.due_day
    [event] = [event for event in store.events(account.identifier) if event.action == "reminder_14_days"]
    assert event.detail == "mail_failed"
    ses = FailingFor("nobody@example.fr")
    assert sweep(date(2027, 2, 15), mailer=Mailer(settings.mail_from, ses=ses)).reminded == [account.identifier]
    assert ses.sent == ["cassee@example.fr"]


def test_a_reminder_whose_give_back_fails_stays_marked_rather_than_sent_twice(
    accounts, store, sweep, settings, monkeypatch
):
    account = pending(accounts, store, email="cassee@example.fr")

    def broken(*_, **__):
        raise RuntimeError("DynamoDB is down")

    monkeypatch.setattr(store, "update_account", broken)
    report = sweep(date(2027, 2, 14), mailer=Mailer(settings.mail_from, ses=FailingFor("cassee@example.fr")))
    assert report.failed == {account.identifier: "MailUnavailable"}
    assert store.get_account(account.identifier).reminders_sent == ("reminder_14_days",)
    ses = FailingFor("nobody@example.fr")
    assert sweep(date(2027, 2, 15), mailer=Mailer(settings.mail_from, ses=ses)).reminded == []
    assert ses.sent == []
