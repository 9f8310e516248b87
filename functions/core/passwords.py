"""Password hashing (argon2id) and initial password generation."""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from functions.core.text import canonical

# OWASP's argon2id floor (m=19 MiB, t=2, p=1). Raising these rehashes on the next login.
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1

# Letters and digits a parent can copy from paper without doubt: no 0 O o 1 l I.
INITIAL_PASSWORD_ALPHABET_LETTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
INITIAL_PASSWORD_ALPHABET_DIGITS = "23456789"
INITIAL_PASSWORD_LENGTH = 10


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    """Return the one argon2id hasher of the service."""
    return PasswordHasher(
        time_cost=ARGON2_TIME_COST,
        memory_cost=ARGON2_MEMORY_KIB,
        parallelism=ARGON2_PARALLELISM,
        type=Type.ID,
    )


def _canonical(password: str) -> str:
    return canonical(password)  # hash one form only


def hash_password(password: str) -> str:
    """Return the argon2id hash of `password` (PHC string, salt included)."""
    return hasher().hash(_canonical(password))


def verify_password(password_hash: str, password: str) -> bool:
    """Tell whether `password` matches `password_hash`; a malformed hash never matches."""
    try:
        return hasher().verify(password_hash, _canonical(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether the hash was made with weaker parameters than today's."""
    try:
        return hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def burn_verify_time(password: str) -> None:
    """Spend the time of a real verify, so an unknown identifier answers as fast as a known one."""
    verify_password(_dummy_hash(), password)


def generate_initial_password() -> str:
    """Return a 10-character password of unambiguous letters and digits, with both kinds."""
    alphabet = INITIAL_PASSWORD_ALPHABET_LETTERS + INITIAL_PASSWORD_ALPHABET_DIGITS
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(INITIAL_PASSWORD_LENGTH))
        has_letter = any(ch in INITIAL_PASSWORD_ALPHABET_LETTERS for ch in candidate)
        has_digit = any(ch in INITIAL_PASSWORD_ALPHABET_DIGITS for ch in candidate)
        if has_letter and has_digit:
            return candidate
