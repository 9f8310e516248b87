"""Routes of the console's staff: enrolment, sign-in, step-up, the member's view, staff management.

Staff management is the académie's: a `secretariat` member gets 403 `academie_only` (the routes
are no secret, the page hides them; only the data is), never the list.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from functions.admin.auth import (
    clear_staff_cookie,
    current_staff,
    current_staff_session,
    require_academie,
    set_staff_cookie,
    staff_client,
    staff_cookie,
)
from functions.admin.staff import enrolment, management, signin
from functions.admin.staff.views import member_view, staff_line
from functions.core.limits import (
    EMAIL_INPUT_MAX_LENGTH,
    PASSWORD_MAX_LENGTH,
    STAFF_CODE_MAX_LENGTH,
    TOKEN_INPUT_MAX_LENGTH,
)
from functions.web import json_body, services, text_field

blueprint = Blueprint("admin_staff", __name__)


@blueprint.post("/api/admin/invitation")
def choose_password() -> Response:
    body = json_body()
    svc = services()
    chosen = enrolment.choose_password(
        svc.store,
        token=text_field(body, "token", max_length=TOKEN_INPUT_MAX_LENGTH),
        password=text_field(body, "password", max_length=PASSWORD_MAX_LENGTH),
        confirmation=text_field(body, "password_confirmation", max_length=PASSWORD_MAX_LENGTH, required=False),
        now=svc.now(),
    )
    return jsonify({"otp_secret": chosen.otp_secret, "otpauth_uri": chosen.otpauth_uri, "qr_svg": chosen.qr_svg})


@blueprint.post("/api/admin/invitation/confirm")
def confirm_enrolment() -> Response:
    body = json_body()
    svc = services()
    codes = enrolment.confirm(
        svc.store,
        token=text_field(body, "token", max_length=TOKEN_INPUT_MAX_LENGTH),
        code=text_field(body, "code", max_length=STAFF_CODE_MAX_LENGTH),
        now=svc.now(),
        client=staff_client(),
    )
    return jsonify({"recovery_codes": codes})


@blueprint.post("/api/admin/login")
def login() -> Response:
    body = json_body()
    svc = services()
    session_id, _ = signin.sign_in(
        svc.store,
        email=text_field(body, "email", max_length=EMAIL_INPUT_MAX_LENGTH),
        password=text_field(body, "password", max_length=PASSWORD_MAX_LENGTH),
        code=text_field(body, "code", max_length=STAFF_CODE_MAX_LENGTH),
        now=svc.now(),
        client=staff_client(),
    )
    session, member = signin.signed_in(svc.store, session_id, svc.now())
    response = jsonify(member_view(svc.store, member, session))
    set_staff_cookie(response, session_id)
    return response


@blueprint.post("/api/admin/step-up")
def step_up() -> Response:
    body = json_body()
    svc = services()
    member = current_staff()
    session = signin.step_up(
        svc.store,
        current_staff_session(),
        member,
        code=text_field(body, "code", max_length=STAFF_CODE_MAX_LENGTH),
        now=svc.now(),
        client=staff_client(),
    )
    return jsonify(member_view(svc.store, member, session))


@blueprint.post("/api/admin/logout")
def logout() -> Response:
    signin.sign_out(services().store, staff_cookie())
    response = Response(status=204)
    clear_staff_cookie(response)
    return response


@blueprint.get("/api/admin/me")
def me() -> Response:
    member = current_staff()
    return jsonify(member_view(services().store, member, current_staff_session()))


@blueprint.get("/api/admin/staff")
def staff_list() -> Response:
    require_academie(current_staff())
    return jsonify({"staff": management.staff_list(services().store)})


@blueprint.post("/api/admin/staff/invitations")
def invite() -> Response:
    member = current_staff()
    require_academie(member)
    body = json_body()
    svc = services()
    role = management.parse_role(body.get("role"))
    schools = body.get("schools")
    invited = management.invite(
        svc.store,
        svc.mailer,
        email=text_field(body, "email", max_length=EMAIL_INPUT_MAX_LENGTH),
        role=role,
        schools=management.parse_schools(
            schools if isinstance(schools, list) else [] if schools is None else [schools], role
        ),
        by=member.email,
        now=svc.now(),
        public_url=svc.settings.public_url,
        client=staff_client(),
    )
    response = jsonify(staff_line(invited.member, invited.expires_at))
    response.status_code = 201
    return response


@blueprint.post("/api/admin/staff/<email>/disable")
def disable(email: str) -> Response:
    member = current_staff()
    require_academie(member)
    json_body()  # nothing to read, but a write is JSON like every other (CSRF rule)
    svc = services()
    disabled = management.disable(
        svc.store, email=email, by=member.email, now=svc.now(), client=staff_client(), acting=member
    )
    return jsonify(staff_line(disabled))
