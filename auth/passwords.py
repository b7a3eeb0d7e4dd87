"""Password hashing with argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile) and random passwords.

Only the hash is stored; it carries its own salt and parameters, so raising the parameters later rehashes each
password at its owner's next login (`needs_rehash`).
"""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"  # no 0/O, 1/l/I to misread
_hasher = PasswordHasher()
# Verified when the name is unknown, so a wrong name costs as long as a wrong password (no user enumeration).
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))


class PasswordError(ValueError):
    """A password that may not be set; the message is Chinese, for the person choosing it."""


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordError(f"密码至少 {MIN_LENGTH} 位")
    if password.isdigit() or password.isalpha():
        raise PasswordError("密码须同时包含字母和数字（或符号）")


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def random_password(length: int = 14) -> str:
    """A password to hand over once (demo users, resets): letters and digits, at least one of each."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password
