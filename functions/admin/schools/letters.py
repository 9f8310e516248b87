"""The console's letters: laid out as ent-admin's (core/letters.py), stored in the private bucket, fetched by URL."""

from __future__ import annotations

from datetime import datetime

from functions.core.accounts import IssuedAccount
from functions.core.clock import paris_day
from functions.core.letter_bucket import Download, LetterBucket
from functions.core.letters import letter_for, letters_pdf
from functions.core.store import Store


def store_letters(
    store: Store, bucket: LetterBucket, issued: list[IssuedAccount], *, school: str, now: datetime, help_url: str
) -> Download | None:
    """Lay out one letter per account (the school's directory name on each); None when there are none."""
    if not issued:
        return None
    school_name = store.school_name(school)
    letters = [letter_for(one, paris_day(now), school_name) for one in issued]
    pdf = letters_pdf(letters, help_url)
    return bucket.put_letters(pdf, school=school, pages=len(letters), now=now)
