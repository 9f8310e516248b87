"""The console's API: one Flask app for every `/api/admin/…` route, a blueprint per part.

Each part's routes check the member on the server (`functions.admin.auth`): signed in, reaching
the school, stepped up where the issue asks. A part adds its blueprint to BLUEPRINTS, one line.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from functions.admin.schools import account_routes, import_routes
from functions.admin.schools import routes as school_routes
from functions.admin.staff import routes as staff_routes
from functions.core.clock import Clock
from functions.core.mail import Mailer
from functions.core.settings import Settings
from functions.core.store import Store
from functions.web import create_flow_app

BLUEPRINTS: tuple[Blueprint, ...] = (
    staff_routes.blueprint,  # sign-in, enrolment, the member's own view, staff management
    school_routes.blueprint,  # a school: dashboard, accounts, spreadsheet, directory
    account_routes.blueprint,  # a family account: its page, new letter, reactivation, unlock
    import_routes.blueprint,  # a roster: preview, then confirmation batch by batch
)


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    mailer: Mailer | None = None,
    clock: Clock | None = None,
) -> Flask:
    """Build the console's app."""
    return create_flow_app(__name__, BLUEPRINTS, settings, store=store, mailer=mailer, clock=clock)
