"""A roster import in the console: previewed first, then confirmed batch by batch.

The file itself waits in the private letters bucket (`LetterBucket.put_roster`); the table keeps
who may confirm it (its school and member), until when, and how far its confirmation went.
Confirming issues accounts a batch at a time, each with its letters PDF: issuing hashes each
initial password (argon2id), so a whole school in one request would outlast the API's 30 seconds.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

# A preview is confirmed within the hour or dropped (TTL; the file expires with the bucket's lifecycle).
IMPORT_LIFETIME = timedelta(hours=1)
# People issued per confirmation request: ~60 ms of argon2id and a few writes each, letters included.
BATCH_SIZE = 100
IMPORT_ID_LENGTH = 22  # secrets.token_urlsafe(16)


def new_import_id() -> str:
    return secrets.token_urlsafe(16)


def looks_like_import_id(text: str) -> bool:
    return len(text) == IMPORT_ID_LENGTH and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in text)


@dataclass(frozen=True)
class RosterImport:
    import_id: str
    school: str
    staff_email: str  # the member who previewed it: only they confirm it
    created_at: datetime
    expires_at: datetime
    people: int  # valid lines in the file, the ones a confirmation issues
    issued: int = 0  # how many of them the confirmations so far have handled (the next batch's start)
    created: int = 0
    existing: int = 0
    version: int = 0

    @property
    def remaining(self) -> int:
        return self.people - self.issued

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at
