"""Routes of a roster import in the console: the preview (a CSV body), then its confirmation, batch by batch."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from functions.admin.auth import current_staff, require_step_up
from functions.admin.schools import imports
from functions.admin.schools.account_routes import letter_bucket, recorder_for
from functions.admin.schools.scope import reachable_import, reachable_school
from functions.core.limits import ROSTER_MAX_BYTES
from functions.web import accepts_upload, services

blueprint = Blueprint("admin_imports", __name__)


@blueprint.post("/api/admin/schools/<uai>/imports")
@accepts_upload("text/csv", ROSTER_MAX_BYTES)
def preview(uai: str) -> Response:
    staff = current_staff()
    school = reachable_school(staff, uai)
    svc = services()
    shown = imports.preview(svc.store, letter_bucket(), staff, school, request.get_data(), svc.now())
    response = jsonify(shown)
    response.status_code = 201 if shown["id"] else 200  # 200: nothing kept, no line to import
    return response


@blueprint.post("/api/admin/imports/<import_id>/confirm")
def confirm(import_id: str) -> Response:
    staff = current_staff()
    svc = services()
    found = reachable_import(svc.store, staff, import_id, svc.now())
    require_step_up(staff)  # a bulk import: a code entered in the last 5 minutes
    batch = imports.confirm(
        svc.store, letter_bucket(), found, now=svc.now(), help_url=svc.settings.public_url, recorder=recorder_for(staff)
    )
    return jsonify(batch.as_dict())
