"""What the console's browser tests share: the staff's phones (TOTP by pyotp), the admin API, members.

The local stack seeds one `secretariat` member (two schools) and one `academie` member and prints
their address, password and TOTP secret (`make run`); more members are invited by the académie and
enrolled through the API, as the invitation page does, keeping their recovery codes.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import ClassVar
from urllib.parse import quote, urlsplit

import pyotp
from playwright.sync_api import BrowserContext, Page

from tests.browser.harness import Stack
from tests.browser.helpers import link_in, mail_to

STAFF_COOKIE = "__Host-ent-staff"
STEP_SECONDS = 30
STAFF_PASSWORD = "Cartable-Tilleul-2027"


class Phone:
    """A TOTP application: a new time step for each code, since the server refuses a step used before.

    The server accepts the current step and the next (its clock and this one are the machine's); a
    third code within the same 30 seconds waits for the next step.
    """

    _last_step: ClassVar[dict[str, int]] = {}

    def __init__(self, secret: str) -> None:
        self.secret = secret.replace(" ", "")

    def code(self) -> str:
        while True:
            current = int(time.time() // STEP_SECONDS)
            step = max(self._last_step.get(self.secret, -1) + 1, current)
            if step <= current + 1:
                self._last_step[self.secret] = step
                return pyotp.TOTP(self.secret).generate_otp(step)
            time.sleep((step - 1) * STEP_SECONDS - time.time() + 0.2)


@dataclass
class Member:
    email: str
    password: str
    secret: str
    role: str = "secretariat"
    recovery_codes: list[str] = field(default_factory=list)
    schools: tuple[str, ...] = ()

    @property
    def phone(self) -> Phone:
        return Phone(self.secret)

    def recovery_code(self) -> str:
        """A recovery code not used yet (each works once)."""
        return self.recovery_codes.pop()


def demo_members(stack: Stack) -> dict[str, Member]:
    """The members `python -m devserver` seeded and printed, by role: address, schools, password, TOTP secret.

    Printed as:
      secretariat.demo@ac-exemple.fr  (secretariat : 0750654D, 0750655E)
        Mot de passe / password : …
        Secret TOTP / TOTP secret : …  (code de secours / recovery code : …)
    """
    printed = re.compile(
        r"^\s+(\S+@\S+)\s+\((secretariat|academie) : ([^)]*)\)\n"
        r"\s+Mot de passe / password : (\S+)\n"
        r"\s+Secret TOTP / TOTP secret : ([A-Z2-7]+)(?:.*recovery code : ([\w-]+))?",
        re.MULTILINE,
    )
    members = {}
    for email, role, schools, password, secret, recovery in printed.findall(stack.output):
        uais = tuple(re.findall(r"\b\d{7}[A-Z]\b", schools))
        members[role] = Member(email, password, secret, role, [recovery] if recovery else [], uais)
    assert set(members) == {"secretariat", "academie"}, f"no demo staff printed:\n{stack.output}"
    return members


class StaffApi:
    """The admin API as the console's pages call it (same Origin, JSON), with the staff cookie."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.cookies: dict[str, str] = {}

    def call(
        self, method: str, path: str, body: object = None, content_type: str = "application/json"
    ) -> tuple[int, object]:
        host, port = urlsplit(self.stack.base_url).netloc.split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        headers = {"Origin": self.stack.base_url, "Accept": "application/json"}
        raw: bytes | None = None
        if body is not None:
            headers["Content-Type"] = content_type
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection.request(method, path, body=raw, headers=headers)
            response = connection.getresponse()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            text = response.read()
            kind = response.getheader("Content-Type") or ""
            return response.status, json.loads(text) if text and "json" in kind else text
        finally:
            connection.close()

    def sign_in(self, member: Member, code: str | None = None) -> StaffApi:
        status, answer = self.call(
            "POST",
            "/api/admin/login",
            {"email": member.email, "password": member.password, "code": code or member.phone.code()},
        )
        assert status == 200, answer
        return self

    def step_up(self, member: Member) -> None:
        status, answer = self.call("POST", "/api/admin/step-up", {"code": member.phone.code()})
        assert status == 200, answer


def invitation_token(stack: Stack, email: str) -> str:
    """The token of the newest invitation mailed to `email` (its link: /secretariat/invitation/#t=…)."""
    return link_in(mail_to(stack, email, "console du secrétariat"), "/secretariat/invitation/").rsplit("#t=", 1)[1]


def invite(academie: StaffApi, email: str, role: str = "secretariat", schools: tuple[str, ...] = ()) -> None:
    body: dict[str, object] = {"email": email, "role": role}
    if schools:
        body["schools"] = list(schools)
    status, answer = academie.call("POST", "/api/admin/staff/invitations", body)
    assert status == 201, answer


def enrol(stack: Stack, academie: StaffApi, email: str, schools: tuple[str, ...]) -> Member:
    """A `secretariat` member invited, enrolled through the API, with their 10 recovery codes."""
    invite(academie, email, "secretariat", schools)
    token = invitation_token(stack, email)
    api = StaffApi(stack)
    status, answer = api.call(
        "POST",
        "/api/admin/invitation",
        {"token": token, "password": STAFF_PASSWORD, "password_confirmation": STAFF_PASSWORD},
    )
    assert status == 200, answer
    assert isinstance(answer, dict)
    member = Member(email, STAFF_PASSWORD, answer["otp_secret"])
    status, answer = api.call("POST", "/api/admin/invitation/confirm", {"token": token, "code": member.phone.code()})
    assert status == 200, answer
    assert isinstance(answer, dict)
    member.recovery_codes = list(answer["recovery_codes"])
    return member


def sign_in_page(page: Page, stack: Stack, member: Member, code: str | None = None) -> None:
    """Sign in through /secretariat/ with the mouse, and wait for the dashboard."""
    page.goto(stack.url("/secretariat/"))
    page.get_by_label("Adresse électronique professionnelle").fill(member.email)
    page.get_by_label("Mot de passe", exact=True).fill(member.password)
    page.get_by_label("Code de l'application d'authentification").fill(code or member.phone.code())
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/secretariat/tableau-de-bord/**")


def share_session(context: BrowserContext, stack: Stack, api: StaffApi) -> None:
    """Give a browser context the API client's signed-in staff session (one code for many pages)."""
    host = urlsplit(stack.base_url).hostname or "127.0.0.1"
    context.add_cookies(
        [
            {
                "name": STAFF_COOKIE,
                "value": api.cookies[STAFF_COOKIE],
                "domain": host,
                "path": "/",
                "secure": True,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


def age_step_up(stack: Stack, minutes: int = 6) -> None:
    """Make every staff session's last code `minutes` old, as after a while of work: the next import or
    reissue of an active account asks for a code again (step-up lasts 5 minutes)."""
    import boto3  # the dev dependency ent-admin uses; only the test touches the table directly

    env = stack.env
    table = boto3.resource(
        "dynamodb",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name=env["AWS_DEFAULT_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    ).Table(env["ENT_TABLE"])
    then = (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat()
    items = table.scan(FilterExpression="attribute_exists(stepped_up_at)")["Items"]
    assert items, "no staff session in the table"
    for item in items:
        table.update_item(
            Key={"pk": item["pk"], "sk": item["sk"]},
            UpdateExpression="SET stepped_up_at = :then",
            ExpressionAttributeValues={":then": then},
        )


def account_path(identifier: str) -> str:
    return "/secretariat/compte/#" + quote(identifier, safe="")
