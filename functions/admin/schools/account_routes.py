"""Routes of one family account in the console: its page, a new letter, reactivation, unlock."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from functions.admin.auth import audit_action, current_staff, require_step_up
from functions.admin.schools.follow_up import clear_lock, renew
from functions.admin.schools.scope import reachable_account
from functions.admin.schools.views import EVENTS_SHOWN, account_view
from functions.core.errors import InvalidInput
from functions.core.follow_up import Recorder
from functions.core.letter_bucket import LetterBucket
from functions.core.staff import StaffMember
from functions.web import json_body, services

blueprint = Blueprint("admin_accounts", __name__)


def letter_bucket() -> LetterBucket:
    name = services().settings.letters_bucket
    if not name:
        raise RuntimeError("ENT_LETTERS_BUCKET is not set: the console's letters have nowhere to go")
    return LetterBucket(name)


def recorder_for(staff: StaffMember) -> Recorder:
    """Audit an action on a family account with the member as its actor."""
    return lambda identifier, action, detail: audit_action(staff, identifier, action, detail)


@blueprint.get("/api/admin/accounts/<identifier>")
def account(identifier: str) -> Response:
    staff = current_staff()
    svc = services()
    found = reachable_account(svc.store, staff, identifier)
    events = svc.store.events(found.identifier, limit=EVENTS_SHOWN)
    audit_action(staff, found.identifier, "consulted")  # who read a family's data, in its own trail
    return jsonify(account_view(found, events, svc.store.guess_states(found.identifier), svc.now()))


def _renew(identifier: str, *, reactivate: bool) -> Response:
    staff = current_staff()
    svc = services()
    found = reachable_account(svc.store, staff, identifier)
    confirm = json_body().get("confirm", False)
    if not isinstance(confirm, bool):
        raise InvalidInput("« confirm » vaut true (confirmer) ou false.", field="confirm")
    if confirm:  # taking an active account from its family: a code entered in the last 5 minutes
        require_step_up(staff)
    renewed = renew(
        svc.store,
        svc.mailer,
        letter_bucket(),
        found,
        now=svc.now(),
        help_url=svc.settings.public_url,
        reactivate=reactivate,
        confirm=confirm,
        recorder=recorder_for(staff),
    )
    return jsonify(renewed.as_dict())


@blueprint.post("/api/admin/accounts/<identifier>/reissue")
def reissue(identifier: str) -> Response:
    return _renew(identifier, reactivate=False)


@blueprint.post("/api/admin/accounts/<identifier>/reactivate")
def reactivate(identifier: str) -> Response:
    return _renew(identifier, reactivate=True)


@blueprint.post("/api/admin/accounts/<identifier>/unlock")
def unlock(identifier: str) -> Response:
    staff = current_staff()
    svc = services()
    found = reachable_account(svc.store, staff, identifier)
    json_body()  # a JSON object, as every write of the API (its fields are ignored)
    return jsonify(clear_lock(svc.store, found, now=svc.now(), recorder=recorder_for(staff)))
