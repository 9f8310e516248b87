"""Input limits, in one place: what the apps read, what the rules accept, what the contract says.

`functions/openapi.yaml` gives each field the same `maxLength` (`tests/core/test_limits.py` reads
it and compares). A field read beyond its limit is refused with `invalid_input` (« Ce champ ne doit
pas dépasser N caractères. »), never cut.
"""

from __future__ import annotations

BODY_MAX_BYTES = 16 * 1024  # a larger request body is refused with 413 before any route runs

IDENTIFIER_MAX_LENGTH = 64  # `prenom.nom` (functions/core/identifiers.py: at most 64 characters)
PASSWORD_MAX_LENGTH = 128  # the rule stops at 14: up to here the refusal says why (password_policy)
BIRTH_DATE_MAX_LENGTH = 10  # JJ/MM/AAAA or AAAA-MM-JJ

# An address is at most 254 characters (RFC 5321's path limit, what email-validator enforces):
# `functions/core/emails.normalize_email` refuses a longer one with `invalid_email`. The apps read
# an email field up to EMAIL_INPUT_MAX_LENGTH so that a too-long address gets that answer (and the
# flow's help link) rather than `invalid_input`; beyond it, `invalid_input`.
EMAIL_MAX_LENGTH = 254
EMAIL_INPUT_MAX_LENGTH = 320

# A link's token (`#t=`): 256 bits in URL-safe base64 are 43 characters; any other shape is
# `token_invalid`. The reset form reads its token field up to TOKEN_INPUT_MAX_LENGTH.
TOKEN_MIN_LENGTH = 20
TOKEN_MAX_LENGTH = 128
TOKEN_INPUT_MAX_LENGTH = 256

# A console code: 6 digits (TOTP) or a recovery code « ABCD-EFGH-JKMN »; spaces and dashes are ignored.
STAFF_CODE_MAX_LENGTH = 32

# The help pages' feedback widget (checked by functions/feedback/flow.py).
FEEDBACK_PAGE_MAX_LENGTH = 200
FEEDBACK_COMMENT_MAX_LENGTH = 1000

USER_AGENT_MAX_LENGTH = 256  # kept in audit events, cut beyond

# A school's roster posted to the console (`text/csv`): a few thousand lines are ~200 KB.
ROSTER_MAX_BYTES = 1024 * 1024
