"""`ent-admin status` tells what the sweep did to the school: counters that outlive deleted accounts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from functions.core.clock import PARIS
from functions.core.follow_up import renew_credentials
from functions.core.mail import Mailer
from functions.sweep.flow import run_sweep
from secretariat.reports import describe_school_counts

SCHOOL = "0751234J"


def sweep(store, settings, day: date) -> None:
    now = datetime.combine(day, time(3), tzinfo=PARIS).astimezone(UTC)
    run_sweep(store, Mailer(settings.mail_from), today=day, now=now, public_url=settings.public_url)


def test_status_says_how_many_accounts_the_sweep_deactivated_and_deleted(admin, accounts, store, settings, clock):
    zoe, _ = accounts.make()
    tom, _ = accounts.make(first_name="Tom")
    sweep(store, settings, date(2027, 3, 1))  # both past their activation deadline
    renew_credentials(store, tom.identifier, clock(), "m.dupont", reactivate=True)
    sweep(store, settings, date(2027, 12, 1))  # zoe a year on: deleted
    assert store.get_account(zoe.identifier) is None
    lines = admin("status", "--school", SCHOOL).out.splitlines()
    assert lines[0] == f"Comptes de l'établissement {SCHOOL} (1) :"
    assert lines[-1] == "Depuis l'ouverture : 2 comptes désactivés faute d'activation, 1 supprimé."


def test_status_of_a_school_whose_accounts_were_all_deleted_still_gives_the_counts(admin, accounts, store, settings):
    accounts.make()
    sweep(store, settings, date(2027, 3, 1))
    sweep(store, settings, date(2027, 12, 1))
    assert admin("status", "--school", SCHOOL).out.splitlines() == [
        f"Aucun compte pour l'établissement {SCHOOL}.",
        "Depuis l'ouverture : 1 compte désactivé faute d'activation, 1 supprimé.",
    ]


def test_status_before_any_sweep_has_no_counts_line(admin, accounts):
    accounts.make()
    assert "Depuis l'ouverture" not in admin("status", "--school", SCHOOL).out


def test_counts_line_agrees_in_number():
    assert describe_school_counts({}) is None
    assert describe_school_counts({"deactivated_unactivated": 3}) == (
        "Depuis l'ouverture : 3 comptes désactivés faute d'activation, 0 supprimé."
    )
    assert describe_school_counts({"deactivated_unactivated": 1, "deleted_unactivated": 2}) == (
        "Depuis l'ouverture : 1 compte désactivé faute d'activation, 2 supprimés."
    )
