"""Routes of a school in the console: its dashboard, accounts (page and spreadsheet), directory entry.

Each route: the signed-in member (`current_staff`), the school checked against their schools
(`reachable_school`: another school answers 404 as a missing one), then the plain functions.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from functions.admin.auth import current_staff, require_academie
from functions.admin.schools import listing
from functions.admin.schools.scope import reachable_school
from functions.admin.schools.views import directory_view, row_view, school_view
from functions.core.clock import paris_day
from functions.core.directory import FIELDS, entry_from_fields
from functions.web import json_body, services

blueprint = Blueprint("admin_schools", __name__)


@blueprint.get("/api/admin/schools/<uai>")
def school(uai: str) -> Response:
    school = reachable_school(current_staff(), uai)
    svc = services()
    rows = svc.store.accounts_of_school(school)
    entry = svc.store.school_entry(school)
    return jsonify(school_view(school, entry, rows, paris_day(svc.now()), svc.store.school_counts(school)))


@blueprint.get("/api/admin/schools/<uai>/accounts")
def accounts(uai: str) -> Response:
    school = reachable_school(current_staff(), uai)
    store = services().store
    page = listing.page_of_accounts(
        store,
        school,
        state=listing.parse_state(request.args.get("state")),
        query=request.args.get("q", ""),
        cursor=request.args.get("cursor") or None,
    )
    rows = [row_view(row, next(iter(store.events(row.identifier, limit=1)), None)) for row in page.rows]
    return jsonify({"accounts": rows, "total": page.total, "next_cursor": page.next_cursor})


@blueprint.get("/api/admin/schools/<uai>/accounts.csv")
def accounts_csv(uai: str) -> Response:
    school = reachable_school(current_staff(), uai)
    response = Response(listing.accounts_csv(services().store, school), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="comptes-{school}.csv"'
    return response


@blueprint.get("/api/admin/schools/<uai>/directory")
def directory(uai: str) -> Response:
    school = reachable_school(current_staff(), uai)
    return jsonify(directory_view(school, services().store.school_entry(school)))


@blueprint.put("/api/admin/schools/<uai>/directory")
def write_directory(uai: str) -> Response:
    staff = current_staff()
    school = reachable_school(staff, uai)
    require_academie(staff)
    body = json_body()
    svc = services()
    entry = entry_from_fields(school, {name: body.get(name) for name in FIELDS}, now=svc.now(), by=staff.email)
    svc.store.put_school_entry(entry)
    return jsonify(directory_view(school, entry))
