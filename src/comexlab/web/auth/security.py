"""Request-level security: who is asking (signed session), CSRF tokens, login rate limit.

The session is Starlette's signed cookie (itsdangerous, keyed by ``Settings.secret_key``); it
holds only the user id and the CSRF token. The user row is re-read on every request so that a
deactivated user or a changed role takes effect at once.

CSRF uses the synchronizer-token pattern: a random token kept in the session must come back
with every state-changing request, as the ``csrf_token`` form field (HTML forms) or the
``X-CSRF-Token`` header (htmx and API clients, which get it from ``GET /api/auth/csrf``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from comexlab.i18n import Msg
from comexlab.web.auth.models import Role, User
from comexlab.web.errors import WebError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SESSION_USER = "uid"
SESSION_CSRF = "csrf"


@dataclass(frozen=True, slots=True)
class Principal:
    """The logged-in user as the request handlers see it."""

    id: int
    username: str
    role: Role
    firm_id: int | None

    @classmethod
    def of(cls, user: User) -> Principal:
        """Snapshot of a user row (safe to use after the DB session closes)."""
        return cls(user.id, user.username, Role(user.role), user.firm_id)

    @property
    def is_agency(self) -> bool:
        """Admins and analysts work for the agency and may read every firm."""
        return self.role in (Role.ADMIN, Role.ANALYST)

    def can_read_firm(self, firm_id: int) -> bool:
        """Agency staff read every firm; a firm user only their own."""
        return self.is_agency or self.firm_id == firm_id

    def can_edit_firm(self, firm_id: int) -> bool:
        """Admins edit every firm; a firm user their own; analysts only read."""
        return self.role is Role.ADMIN or (self.role is Role.FIRM and self.firm_id == firm_id)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return str(token)


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing request whose CSRF token is missing or wrong."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(SESSION_CSRF)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and _is_form(request):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not secrets.compare_digest(str(expected), sent):
        raise WebError(403, Msg("web.error.csrf"), code="csrf_failed")


def _is_form(request: Request) -> bool:
    ctype = request.headers.get("content-type", "")
    return ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


def current_user_or_none(request: Request) -> Principal | None:
    """The logged-in user, or None; a session naming a deleted/inactive user counts as none."""
    uid = request.session.get(SESSION_USER)
    if uid is None:
        return None
    factory = request.app.state.sessions
    with factory() as db:
        user = db.get(User, int(uid))
        if user is None or not user.active:
            request.session.pop(SESSION_USER, None)
            return None
        return Principal.of(user)


def current_user(user: Annotated[Principal | None, Depends(current_user_or_none)]) -> Principal:
    """The logged-in user; 401 otherwise (pages redirect to the login form)."""
    if user is None:
        raise WebError(401, Msg("web.error.login_required"))
    return user


def require_roles(*roles: Role):
    """Dependency allowing only the given roles (403 for the others)."""

    def dependency(user: Annotated[Principal, Depends(current_user)]) -> Principal:
        if user.role not in roles:
            raise WebError(403, Msg("web.error.role"))
        return user

    return dependency


require_agency = require_roles(Role.ADMIN, Role.ANALYST)
require_admin = require_roles(Role.ADMIN)


def log_in(request: Request, user: User) -> None:
    """Start a fresh session (new CSRF token: no session fixation)."""
    request.session.clear()
    request.session[SESSION_USER] = user.id
    csrf_token(request)


def log_out(request: Request) -> None:
    """Forget the user (keeps nothing but a new CSRF token)."""
    request.session.clear()
    csrf_token(request)


class LoginRateLimiter:
    """At most ``rate`` login attempts per client IP and username (moving window).

    Keyed on IP *and* username so that one attacker cannot lock every user out, and one
    user behind a shared agency NAT does not lock out their colleagues.
    """

    def __init__(self, rate: str = "5/minute") -> None:
        self._item = parse(rate)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def check(self, ip: str, username: str) -> None:
        """Count an attempt; raise 429 when over the limit."""
        key = (ip or "?", username.strip().lower())
        if not self._limiter.hit(self._item, *key):
            stats = self._limiter.get_window_stats(self._item, *key)
            import time

            retry = max(1, int(stats.reset_time - time.time()))
            raise WebError(
                429,
                Msg("web.login.rate_limited"),
                headers={"Retry-After": str(retry)},
            )
