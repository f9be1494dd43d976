"""Password hashing with Argon2id and the password policy.

Hashing: argon2-cffi's defaults follow RFC 9106 recommendations.

Policy (NIST SP 800-63B §5.1.1.2: length, and a check against passwords known to be common,
no composition rules): at least :data:`MIN_PASSWORD_LENGTH` characters, and zxcvbn's guess
estimate at least :data:`MIN_ZXCVBN_SCORE` (of 0–4). zxcvbn ships ranked lists of the most
common passwords, English words, names and keyboard patterns, and counts the username and a few
words of this app's context as guessable too ("Guanajuato2024!" is not a good password here).
"""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

from comexlab.errors import InputError
from comexlab.i18n import Msg

MIN_PASSWORD_LENGTH = 12
MIN_ZXCVBN_SCORE = 3  # "safely unguessable: moderate protection from offline slow-hash attack"
_ZXCVBN_MAX = 72  # zxcvbn refuses longer input; a longer password is judged by its start
# Words an attacker would try first against this app (besides the user's own name).
CONTEXT_WORDS = (
    "comexlab", "comex", "contraseña", "contrasena", "password", "mexico", "méxico", "admin",
    "administrador", "usuario", "empresa", "agencia", "exportar", "guanajuato", "jalisco",
    "nuevoleon", "coahuila", "chihuahua", "sonora", "queretaro", "aguascalientes",
)


def check_password_policy(password: str, username: str = "") -> None:
    """Refuse a short or common password (InputError on the ``password`` field)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(Msg("web.user.password", n=MIN_PASSWORD_LENGTH), field="password")
    context = [w for w in (username.strip(), *CONTEXT_WORDS) if w]
    if zxcvbn(password[:_ZXCVBN_MAX], user_inputs=context)["score"] < MIN_ZXCVBN_SCORE:
        raise InputError(Msg("web.user.password_common"), field="password")


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    """Argon2id hash (salted, self-describing); the policy is checked by ``users``."""
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
