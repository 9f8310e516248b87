"""A roster imported from the console: a preview kept server-side, then confirmed a batch at a time.

The roster's rules are ent-admin's (core/roster.py: columns, encodings, every faulty line with its
number and reason; core/letters.py: a name the letter cannot print is refused by line). The
preview tells who would be created and who already has an account (they keep it); confirming
issues the next batch and gives its letters, until none remain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from functions.admin.schools.letters import store_letters
from functions.core.accounts import PersonAlreadyIssued, issue_account, person_fingerprint
from functions.core.clock import paris_day
from functions.core.errors import ImportDone, ImportEmpty, ImportNotFound, InvalidInput
from functions.core.follow_up import Recorder
from functions.core.letter_bucket import Download, LetterBucket
from functions.core.letters import refuse_undrawable
from functions.core.roster import Person, Refusal, Roster, read_roster
from functions.core.roster_imports import BATCH_SIZE, IMPORT_LIFETIME, RosterImport, new_import_id
from functions.core.staff import StaffMember
from functions.core.store import Store


def _person_view(person: Person) -> dict[str, object]:
    return {
        "line": person.line,
        "last_name": person.last_name,
        "first_name": person.first_name,
        "profile": person.profile.value,
        "birth_date": person.birth_date.isoformat(),
        "classe": person.classe,
    }


def _refusal_view(refusal: Refusal) -> dict[str, object]:
    return {"line": refusal.line, "reason": refusal.reason}


def _checked_roster(data: bytes, created_at: datetime) -> Roster:
    roster = read_roster(data, paris_day(created_at))
    refuse_undrawable(roster)
    return roster


def preview(
    store: Store, bucket: LetterBucket, staff: StaffMember, school: str, data: bytes, now: datetime
) -> dict[str, object]:
    """Check every line, keep the file for the confirmation, and say what confirming would do."""
    roster = _checked_roster(data, now)
    issued = store.person_identifiers(
        school,
        [
            (person.profile, person_fingerprint(person.first_name, person.last_name, person.birth_date))
            for person in roster.people
        ],
    )
    to_create, already = [], []
    for person in roster.people:
        identifier = issued.get(
            (person.profile, person_fingerprint(person.first_name, person.last_name, person.birth_date))
        )
        if identifier:
            already.append({**_person_view(person), "identifier": identifier})
        else:
            to_create.append(_person_view(person))
    roster_import = RosterImport(
        import_id=new_import_id(),
        school=school,
        staff_email=staff.email,
        created_at=now,
        expires_at=now + IMPORT_LIFETIME,
        people=len(roster.people),
    )
    if roster.people:  # nothing to confirm otherwise: nothing kept
        bucket.put_roster(roster_import.import_id, data)
        store.put_import(roster_import)
    return {
        "id": roster_import.import_id if roster.people else None,
        "school": school,
        "encoding": roster.encoding,
        "expires_at": roster_import.expires_at.isoformat(),
        "to_create": to_create,
        "already_issued": already,
        "refused": [_refusal_view(refusal) for refusal in roster.refusals],
    }


@dataclass
class Batch:
    roster_import: RosterImport
    created: list[dict[str, object]] = field(default_factory=list)
    existing: list[dict[str, object]] = field(default_factory=list)
    refused: list[dict[str, object]] = field(default_factory=list)
    letters: Download | None = None

    def as_dict(self) -> dict[str, object]:
        done = self.roster_import
        return {
            "id": done.import_id,
            "school": done.school,
            "created": self.created,
            "existing": self.existing,
            "refused": self.refused,
            "remaining": done.remaining,
            "totals": {"people": done.people, "created": done.created, "existing": done.existing},
            "letters": self.letters.as_dict() if self.letters else None,
        }


def confirm(
    store: Store,
    bucket: LetterBucket,
    roster_import: RosterImport,
    *,
    now: datetime,
    help_url: str,
    recorder: Recorder,
) -> Batch:
    """Issue the import's next batch (claimed first: two confirmations never issue the same one)."""
    if roster_import.people == 0:
        raise ImportEmpty()
    if roster_import.remaining <= 0:
        raise ImportDone()
    data = bucket.get_roster(roster_import.import_id)
    if data is None:  # the bucket's lifecycle took it
        raise ImportNotFound()
    people = _checked_roster(data, roster_import.created_at).people
    batch_people = people[roster_import.issued : roster_import.issued + BATCH_SIZE]
    claimed = store.advance_import(roster_import, handled=len(batch_people))
    batch = Batch(roster_import=claimed)
    issued_accounts = []
    for person in batch_people:
        try:
            issued = issue_account(
                store,
                profile=person.profile,
                first_name=person.first_name,
                last_name=person.last_name,
                birth_date=person.birth_date,
                school=roster_import.school,
                now=now,
                once_per_person=True,
                classe=person.classe,
            )
        except PersonAlreadyIssued as known:
            batch.existing.append({**_person_view(person), "identifier": known.identifier})
            continue
        except InvalidInput as error:
            batch.refused.append({"line": person.line, "reason": error.message})
            continue
        issued_accounts.append(issued)
        batch.created.append({**_person_view(person), "identifier": issued.account.identifier})
        recorder(issued.account.identifier, "issued", f"roster line {person.line}; import {roster_import.import_id}")
    # The letters first: the accounts exist now, and their initial passwords are nowhere else.
    batch.letters = store_letters(
        store, bucket, issued_accounts, school=roster_import.school, now=now, help_url=help_url
    )
    batch.roster_import = store.count_import(
        claimed.import_id, created=len(batch.created), existing=len(batch.existing)
    )
    return batch
