"""Password hashing with Argon2id (argon2-cffi's defaults follow RFC 9106 recommendations)."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 8


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    """Argon2id hash (salted, self-describing) of ``password``."""
    if len(password) < MIN_PASSWORD_LENGTH:
        from comexlab.errors import InputError
        from comexlab.i18n import Msg

        raise InputError(Msg("web.user.password", n=MIN_PASSWORD_LENGTH), field="password")
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; a malformed stored hash counts as a mismatch."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A hash verified against when the username does not exist, so that a login attempt for an
# unknown user costs as much time as one for a known user (no user enumeration by timing).
@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A throw-away hash of a random password."""
    import secrets

    return _hasher().hash(secrets.token_urlsafe(16))
