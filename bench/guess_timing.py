"""Known vs unknown identifiers: the time of a wrong-password login, side by side (issue 11, point 7).

Both paths must do the same argon2 work (production parameters) and the same DynamoDB writes, so
their answer times tell nothing apart. Each try comes from its own address and asks a fresh
identifier of its kind (a known account, or a well-formed name nobody has), so no lock or limit
changes the path; known and unknown tries alternate, so drift on this shared machine hits both.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, date, datetime

from bench.common import PUBLIC_URL, TABLE_NAME, in_process_aws, machine_line, quiet_service_logs

TRIES = 50
WRONG = "Mauvais12pass"
TARGET_MS = 10.0


def main() -> None:
    from functions.core.accounts import issue_account
    from functions.core.lifecycle import Profile
    from functions.core.settings import Settings
    from functions.core.store import Store
    from functions.login.app import create_app

    quiet_service_logs()
    with in_process_aws():
        store = Store(TABLE_NAME)
        now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
        settings = Settings(table_name=TABLE_NAME, public_url=PUBLIC_URL, mail_from="ne-pas-repondre@ent.example.fr")
        app = create_app(settings, store=store, clock=lambda: now)
        client = app.test_client()
        known = [
            issue_account(
                store,
                profile=Profile.PARENT,
                first_name="Zoé",
                last_name=f"Durand{index}",
                birth_date=date(2015, 3, 1),
                school="0751234J",
                now=now,
            ).account.identifier
            for index in range(TRIES)
        ]
        headers = {"Origin": PUBLIC_URL, "Sec-Fetch-Site": "same-origin"}
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        for index in range(TRIES):
            for kind, identifier in (("known", known[index]), ("unknown", f"personne.inconnue{index}")):
                body = {"identifier": identifier, "password": WRONG, "profile": "parent"}
                address = (
                    f"198.51.{index // 250}.{index % 250 + 1}"
                    if kind == "known"
                    else f"203.0.{index // 250}.{index % 250 + 1}"
                )
                started = time.perf_counter()
                answer = client.post("/api/login", json=body, headers=headers, environ_base={"REMOTE_ADDR": address})
                times[kind].append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 401, answer.get_json()
    print(machine_line())
    known_ms, unknown_ms = statistics.median(times["known"]), statistics.median(times["unknown"])
    print(f"wrong password, {TRIES} tries each, production argon2, in-process moto (medians):")
    print(f"  known identifier   {known_ms:7.1f} ms   (min {min(times['known']):.1f}, max {max(times['known']):.1f})")
    print(
        f"  unknown identifier {unknown_ms:7.1f} ms   (min {min(times['unknown']):.1f}, max {max(times['unknown']):.1f})"
    )
    difference = known_ms - unknown_ms
    verdict = "within" if abs(difference) < TARGET_MS else "OUTSIDE"
    print(f"  difference         {difference:+7.1f} ms   ({verdict} the ±{TARGET_MS:.0f} ms target)")
