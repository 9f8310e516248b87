"""An account's follow-up from the console: new letter, reactivation, unlock; the same rules as ent-admin's.

Reissuing an active account takes it from the family: it needs `confirm` and a step-up (the route
checks it), and the family is told at its verified address. Each action is audited by the route's
`recorder`, with the member's email as its actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from functions.admin.schools.letters import store_letters
from functions.core.errors import LetterImpossible
from functions.core.follow_up import Recorder, renew_credentials, unlock
from functions.core.letter_bucket import Download, LetterBucket
from functions.core.letters import undrawable_reason
from functions.core.mail import Mailer
from functions.core.model import Account
from functions.core.store import Store


@dataclass(frozen=True)
class Renewed:
    account: Account
    notice: str | None  # notice_sent, notice_not_sent, or None (no verified address, or a reactivation)
    letters: Download

    def as_dict(self) -> dict[str, object]:
        return {
            "identifier": self.account.identifier,
            "state": self.account.state.value,
            "activation_deadline": self.account.activation_deadline.isoformat(),
            "deletion_date": self.account.deletion_date.isoformat(),
            "notice": self.notice,
            "letters": self.letters.as_dict(),
        }


def renew(
    store: Store,
    mailer: Mailer,
    bucket: LetterBucket,
    account: Account,
    *,
    now: datetime,
    help_url: str,
    reactivate: bool,
    confirm: bool,
    recorder: Recorder,
) -> Renewed:
    """Give the account a new letter (back to `issued`, new deadlines) and return its PDF's link."""
    reason = undrawable_reason(account.first_name, account.last_name, account.classe)
    if reason:  # refused before anything changes: the family would get a letter with the wrong name
        raise LetterImpossible(f"{LetterImpossible.message} {reason}.")
    issued, notice = renew_credentials(
        store,
        account.identifier,
        now,
        "",
        reactivate=reactivate,
        confirm=confirm,
        mailer=None if reactivate else mailer,
        public_url=help_url,
        recorder=recorder,
    )
    letters = store_letters(store, bucket, [issued], school=issued.account.school, now=now, help_url=help_url)
    assert letters is not None  # one account: one letter
    return Renewed(account=issued.account, notice=notice, letters=letters)


def clear_lock(store: Store, account: Account, *, now: datetime, recorder: Recorder) -> dict[str, object]:
    """Clear the account's failed guesses and lock; say which lock it had."""
    unlocked, was_locked_until = unlock(store, account.identifier, now, "", recorder=recorder)
    return {
        "identifier": unlocked.identifier,
        "was_locked_until": was_locked_until.isoformat() if was_locked_until else None,
    }
