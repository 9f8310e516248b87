"""The DynamoDB store: the only package that knows the table's key shapes.

| access pattern                         | key                                         | method                  |
| -------------------------------------- | ------------------------------------------- | ----------------------- |
| account by identifier                  | pk=ACCOUNT#<identifier>, sk=ACCOUNT         | get_account             |
| create an account (identifier unique)  | same, put if pk absent                      | create_account          |
| change an account (no lost update)     | same, put if version unchanged              | save_account, update_account |
| delete an account (as read)            | same, delete if version and state unchanged | delete_account          |
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
| page feedback (TTL: 13 months)         | pk=FEEDBACK, sk=<page>#<time>#<random>      | add_feedback            |
| a page's recent feedback, bounded      | same, sk between <page>#<since> and <page>#~ | feedback               |
| feedback answers of a client per hour  | pk=FEEDBACK_RATE#<address key>, sk=WINDOW#<start> | reserve_feedback_slot |
| link status lookups of a client        | pk=LINK_STATUS_RATE#<address key>,          | reserve                 |
|   (per window; TTL after it)           |   sk=WINDOW#<start>                         |                         |
| attempts of a client address (v6: /64) | pk=IP#<address>, sk=FAILURES#<window start> | reserve, give_back      |
| guesses of one secret and budget       | pk=GUESSES#<identifier>, sk=<secret>#<budget> | guess_state, save_guess_state |
| untrusted failures of an account       | pk=GUESSES#<identifier>, sk=UNTRUSTED#<window> | reserve, give_back   |
| every count of an identifier           | pk=GUESSES#<identifier>                     | guess_states, forget_guesses |
| failed guess at an unknown identifier  | pk=GUESSES#<identifier>, sk=EVENT#<time>#.. | add_guess_event         |
| a browser trusted by an account        | pk=DEVICE#<sha256>, sk=ACCOUNT#<identifier> | trusts_device, trust_device |
| the sweep's last finished day          | pk=SWEEP, sk=CURSOR                         | sweep_cursor, set_sweep_cursor |
| non-personal counts per school         | pk=STATS#<UAI>, sk=COUNTS                   | count_for_school, school_counts |
| a school's directory entry            | pk=SCHOOL#<UAI>, sk=SCHOOL                  | school_entry, put_school_entry, school_name |
| a roster import previewed (console)    | pk=IMPORT#<random id>, sk=IMPORT (TTL)      | put_import, get_import, advance_import |
| the people of a roster, 100 a request  | pk=PERSON#<UAI>#<profile>#<sha256> (batch)  | person_identifiers      |
| a staff member of the console          | pk=STAFF#<email, lower case>, sk=STAFF      | get_staff, save_staff   |
| the staff list (role, schools, state)  | pk=STAFF_ROSTER, sk=<email>, with the member | staff_list, save_staff(listed=True) |
| a staff member's own events            | pk=STAFF#<email>, sk=EVENT#<time>#..        | add_staff_event, staff_events |
| a staff invitation by its hash         | pk=STAFF_INVITATION#<sha256>, sk=INVITATION | put/get_staff_invitation |
| enrol: use the invitation, save member | both above, in one transaction              | save_staff_using_invitation |
| a staff session by its hash            | pk=STAFF_SESSION#<sha256>, sk=SESSION       | put/get/delete_staff_session |
| a staff member's guess counts          | pk=GUESSES#STAFF#<email>, sk=<secret>#<budget> | guess_state, save_guess_state |
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
from functions.core.store.guesses import GuessOperations
from functions.core.store.imports import ImportOperations
from functions.core.store.links import LinkOperations
from functions.core.store.mailing import MailingOperations
from functions.core.store.schools import SchoolOperations
from functions.core.store.staff import StaffOperations


class Store(
    AccountOperations,
    LinkOperations,
    EventOperations,
    GuessOperations,
    FeedbackOperations,
    MailingOperations,
    CounterOperations,
    SchoolOperations,
    StaffOperations,
    ImportOperations,
):
    """Typed access to the accounts table."""


__all__ = ["Store"]
