"""The DynamoDB store: the only package that knows the table's key shapes.

| access pattern                         | key                                         | method                  |
| -------------------------------------- | ------------------------------------------- | ----------------------- |
| account by identifier                  | pk=ACCOUNT#<identifier>, sk=ACCOUNT         | get_account             |
| create an account (identifier unique)  | same, put if pk absent                      | create_account          |
| change an account (no lost update)     | same, put if version unchanged              | save_account, update_account |
| delete an account                      | same                                        | delete_account          |
| identifiers of a verified email        | GSI by-email: email_key=<email>             | identifiers_for_email   |
| non-active accounts due in a period    | GSI by-due-day: due_key=<YYYY-MM>#<shard>,  | accounts_due            |
|                                        |   due_sk between <first day> and <last day> |                         |
| token by its hash                      | pk=TOKEN#<sha256>, sk=TOKEN                 | put_token, get_token    |
| use a token and change its account     | both above, in one transaction              | save_account_using_token|
| a reset link's password comparisons    | same token item, conditional ADD            | reserve_previous_guess  |
| session by its hash                    | pk=SESSION#<sha256>, sk=SESSION             | put/get/touch/delete_session |
| audit events of an account             | pk=ACCOUNT#<identifier>, sk=EVENT#<time>#.. | add_event, events       |
| every item of an account               | pk=ACCOUNT#<identifier>                     | delete_account          |
|   and its person item                  |   pk=PERSON#… named by person_fingerprint   |                         |
| one person once per school and profile | pk=PERSON#<UAI>#<profile>#<sha256>, sk=PERSON | person_identifier     |
|   (roster re-import finds them again)  |   written with the account, in one transaction | create_account_for_person |
| accounts of a school (secretariat)     | GSI by-school: school=<UAI>, pk             | accounts_of_school      |
| page feedback, every page in one query | pk=FEEDBACK, sk=<page>#<time>#<random>      | add_feedback, feedback  |
| failed guesses of a source IP          | pk=IP#<ip>, sk=FAILURES#<window start>      | ip_failures, count_ip_failure |
| the sweep's last finished day          | pk=SWEEP, sk=CURSOR                         | sweep_cursor, set_sweep_cursor |
| non-personal counts per school         | pk=STATS#<UAI>, sk=COUNTS                   | count_for_school, school_counts |
| mails to a typed address, per day      | pk=MAILTO#<sha256 of the address>,          | reserve_mail_to, mails_to |
|   (across accounts; TTL after the day) |   sk=DAY#<YYYY-MM-DD, Paris>                |                         |

`keys` spells every key; `items` turns the domain model (`functions.core.model`) into items and
back; `dynamodb` is the wire format and the client; the other modules are the operations, one
family each, gathered here in `Store`.
"""

from __future__ import annotations

from functions.core.store.accounts import AccountOperations
from functions.core.store.counters import CounterOperations
from functions.core.store.events import EventOperations
from functions.core.store.feedback import FeedbackOperations
from functions.core.store.links import LinkOperations
from functions.core.store.mailing import MailingOperations


class Store(
    AccountOperations, LinkOperations, EventOperations, CounterOperations, FeedbackOperations, MailingOperations
):
    """Typed access to the accounts table."""


__all__ = ["Store"]
