"""The table's key shapes: the only place that spells `ACCOUNT#`, `TOKEN#`, … and the index keys."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from functions.core.lifecycle import Profile

Key = dict[str, str]

EMAIL_INDEX = "by-email"
SCHOOL_INDEX = "by-school"
DUE_INDEX = "by-due-day"
# A back-to-school day can put tens of thousands of accounts on one due day: spread them.
DUE_SHARDS = 4

ACCOUNT_PREFIX = "ACCOUNT#"
EVENT_PREFIX = "EVENT#"
FEEDBACK_PARTITION = "FEEDBACK"
FEEDBACK_RATE_PREFIX = "FEEDBACK_RATE#"


def account_key(identifier: str) -> Key:
    return {"pk": f"{ACCOUNT_PREFIX}{identifier}", "sk": "ACCOUNT"}


def identifier_of(pk: str) -> str:
    """Return the identifier of an account's partition key."""
    return pk.removeprefix(ACCOUNT_PREFIX)


def event_key(identifier: str, at: datetime, suffix: str) -> Key:
    """An audit event sorts by time under its account; `suffix` tells apart events of one instant."""
    return {"pk": account_key(identifier)["pk"], "sk": f"{EVENT_PREFIX}{at.isoformat()}#{suffix}"}


def token_key(token_hash: str) -> Key:
    return {"pk": f"TOKEN#{token_hash}", "sk": "TOKEN"}


def session_key(session_hash: str) -> Key:
    return {"pk": f"SESSION#{session_hash}", "sk": "SESSION"}


def person_key(school: str, profile: Profile, fingerprint: str) -> Key:
    return {"pk": f"PERSON#{school}#{profile.value}#{fingerprint}", "sk": "PERSON"}


def ip_failures_key(address_key: str, window: str) -> Key:
    """Attempts of one client address (IPv6: its /64) in a counting window."""
    return {"pk": f"IP#{address_key}", "sk": f"FAILURES#{window}"}


GUESSES_PREFIX = "GUESSES#"


def guesses_partition(identifier: str) -> str:
    """Every guess count of an identifier, known or not (so both answer alike), is under it."""
    return f"{GUESSES_PREFIX}{identifier}"


def guess_key(identifier: str, secret: str, budget: str) -> Key:
    """The count of one secret (password, birth date) for one budget (a device, an address)."""
    return {"pk": guesses_partition(identifier), "sk": f"{secret}#{budget}"}


def untrusted_key(identifier: str, window: str) -> Key:
    """Failures of the untrusted budgets of an account, all addresses together, in a window."""
    return {"pk": guesses_partition(identifier), "sk": f"UNTRUSTED#{window}"}


def guess_event_key(identifier: str, at: datetime, suffix: str) -> Key:
    """A failed guess at an identifier that has no account: audited like one that has."""
    return {"pk": guesses_partition(identifier), "sk": f"{EVENT_PREFIX}{at.isoformat()}#{suffix}"}


def device_key(device_hash: str, identifier: str) -> Key:
    """A browser that logged in to this account (the hash of its device cookie)."""
    return {"pk": f"DEVICE#{device_hash}", "sk": f"{ACCOUNT_PREFIX}{identifier}"}


def mail_to_key(address: str, day: date) -> Key:
    """The count of one day's mails to an address typed by someone: by its hash, never the address."""
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()
    return {"pk": f"MAILTO#{digest}", "sk": f"DAY#{day.isoformat()}"}


def feedback_key(page: str, at: datetime, suffix: str) -> Key:
    # One partition for every page, each page's answers in time order: the report reads one page's
    # recent answers with one bounded query (`feedback_page_range`), never a Scan.
    return {"pk": FEEDBACK_PARTITION, "sk": f"{page}#{at.astimezone(UTC).isoformat()}#{suffix}"}


def feedback_page_range(page: str, since: datetime) -> tuple[str, str]:
    """The sk bounds of `page`'s answers from `since` on (times in UTC sort as text)."""
    return f"{page}#{since.astimezone(UTC).isoformat()}", f"{page}#~"  # pages hold no '#'; '~' sorts after any time


def feedback_rate_key(address_key: str, window_start: datetime) -> Key:
    """One client's feedback counter for one time window (`address_key`: addresses.counting_key)."""
    return {"pk": f"{FEEDBACK_RATE_PREFIX}{address_key}", "sk": f"WINDOW#{window_start.isoformat()}"}


LINK_STATUS_RATE_PREFIX = "LINK_STATUS_RATE#"


def link_status_rate_key(address_key: str, window_start: datetime) -> Key:
    """One client's link status lookups in one time window (`address_key`: addresses.counting_key)."""
    return {"pk": f"{LINK_STATUS_RATE_PREFIX}{address_key}", "sk": f"WINDOW#{window_start.isoformat()}"}


def sweep_cursor_key() -> Key:
    return {"pk": "SWEEP", "sk": "CURSOR"}


def school_key(school: str) -> Key:
    """The school directory's entry of a UAI: its name, as the secretariat wrote it."""
    return {"pk": f"SCHOOL#{school}", "sk": "SCHOOL"}


STAFF_PREFIX = "STAFF#"
STAFF_ROSTER_PARTITION = "STAFF_ROSTER"


def staff_key(email: str) -> Key:
    """A staff member of the console, by their address in lower case: never an ACCOUNT# item."""
    return {"pk": f"{STAFF_PREFIX}{email}", "sk": "STAFF"}


def staff_roster_key(email: str) -> Key:
    """The staff list's line of a member (role, schools, state): one partition, read in one query."""
    return {"pk": STAFF_ROSTER_PARTITION, "sk": email}


def staff_event_key(email: str, at: datetime, suffix: str) -> Key:
    """What a staff member did to their own access (sign-in, enrolment, disabling), in time order."""
    return {"pk": f"{STAFF_PREFIX}{email}", "sk": f"{EVENT_PREFIX}{at.isoformat()}#{suffix}"}


def staff_session_key(session_hash: str) -> Key:
    return {"pk": f"STAFF_SESSION#{session_hash}", "sk": "SESSION"}


def staff_invitation_key(token_hash: str) -> Key:
    return {"pk": f"STAFF_INVITATION#{token_hash}", "sk": "INVITATION"}


IMPORT_PREFIX = "IMPORT#"


def import_key(import_id: str) -> Key:
    """A roster import previewed in the console (random id), until it is confirmed or expires."""
    return {"pk": f"{IMPORT_PREFIX}{import_id}", "sk": "IMPORT"}


def school_counts_key(school: str) -> Key:
    return {"pk": f"STATS#{school}", "sk": "COUNTS"}


def due_shard(identifier: str) -> int:
    return hashlib.sha256(identifier.encode()).digest()[0] % DUE_SHARDS


def due_key(day: date, shard: int) -> str:
    """The by-due-day partition of a month's shard."""
    return f"{day:%Y-%m}#{shard}"


def due_sort_key(day: date, identifier: str) -> str:
    return f"{day.isoformat()}#{identifier}"


def due_sort_range(first_day: date, last_day: date) -> tuple[str, str]:
    """The due_sk bounds of the accounts due from `first_day` to `last_day`, both included."""
    return first_day.isoformat(), f"{last_day.isoformat()}#~"  # '~' sorts after any identifier


def due_months(first_day: date, last_day: date) -> Iterator[date]:
    """Yield the first day of each month from `first_day`'s to `last_day`'s."""
    month = first_day.replace(day=1)
    while month <= last_day:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)
