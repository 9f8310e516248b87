"""The staff's second factor: TOTP codes (RFC 6238, pyotp) used once, and single-use recovery codes.

A TOTP code is accepted in its 30-second step and the steps either side (a phone's clock drifts),
and only for a step later than the last one used: the same code, replayed within its minute and a
half, is refused. Recovery codes are random (60 bits each), shown once, and stored as SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

ISSUER = "ENT Parents - console"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed
_RECOVERY_GROUP = 4
_RECOVERY_GROUPS = 3
_TOTP_SHAPE = re.compile(r"[0-9]{6}")


def new_otp_secret() -> str:
    """Return a fresh base32 shared secret (160 bits, RFC 4226's recommendation)."""
    import pyotp

    return pyotp.random_base32(32)


def otpauth_uri(secret: str, email: str) -> str:
    """Return the `otpauth://` URI the TOTP application reads (as a QR code or typed)."""
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """Return the URI as an inline SVG QR code (segno), for a page that runs no QR library."""
    import segno

    return str(segno.make(uri, error="m").svg_inline(scale=5, title="Code QR de l'application d'authentification"))


def time_step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def clean_code(code: str) -> str:
    """Return the code as typed without spaces and dashes, upper case (recovery codes are)."""
    return re.sub(r"[\s-]+", "", code).upper()


def matching_step(secret: str, code: str, now: datetime, last_used_step: int) -> int | None:
    """Return the time step whose TOTP code is `code`, if it is near now and after `last_used_step`."""
    import pyotp

    code = clean_code(code)
    if not _TOTP_SHAPE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    current = time_step(now)
    found = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        # Every candidate compared, in constant time: the answer's time tells nothing.
        if hmac.compare_digest(totp.generate_otp(step), code) and step > last_used_step:
            found = step
    return found


def new_recovery_codes() -> list[str]:
    """Return fresh recovery codes, written « ABCD-EFGH-JKMN »."""
    return [
        "-".join(
            "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_GROUP)) for _ in range(_RECOVERY_GROUPS)
        )
        for _ in range(RECOVERY_CODE_COUNT)
    ]


def recovery_code_hash(code: str) -> str:
    """Return the stored form of a recovery code (typed with or without dashes, any case)."""
    return hashlib.sha256(clean_code(code).encode("ascii", "replace")).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    cleaned = clean_code(code)
    return len(cleaned) == _RECOVERY_GROUP * _RECOVERY_GROUPS and all(ch in _RECOVERY_ALPHABET for ch in cleaned)
