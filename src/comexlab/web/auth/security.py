"""Request-level security: who is asking (signed session) and CSRF tokens.

The session is Starlette's signed cookie (itsdangerous, keyed by the session key of
:mod:`comexlab.web.secret`); it holds the user id, a random session token and the CSRF token.
A cookie is honoured only while the ``web_session`` row of its token exists, is unexpired and
names the same active user: logout deletes the row, and a password change, a role change or a
deactivation deletes all the user's rows (``users.end_sessions``), so a copied cookie stops
working at once, also after a restart. The user row is re-read on every request.

CSRF uses the synchronizer-token pattern: a random token kept in the session must come back
with every state-changing request, as the ``csrf_token`` form field (HTML forms) or the
``X-CSRF-Token`` header (htmx and API clients, which get it from ``GET /api/auth/csrf``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from comexlab.i18n import Msg
from comexlab.registry.auth_models import Role, User, WebSession
from comexlab.web.context import app_context
from comexlab.web.problems import WebError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SESSION_USER = "uid"
SESSION_CSRF = "csrf"
SESSION_TOKEN = "sid"
SESSION_LIFETIME = timedelta(hours=8)  # one working day; also the cookie's max_age


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


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _token_id(token: str) -> str:
    """What the database keeps of a session token (its SHA-256, never the token)."""
    return hashlib.sha256(token.encode()).hexdigest()


def current_user_or_none(request: Request) -> Principal | None:
    """The logged-in user, or None.

    None also when the session was ended on the server (no live ``web_session`` row for the
    cookie's token) or names a deleted/inactive user; such a cookie is emptied.
    """
    uid = request.session.get(SESSION_USER)
    token = request.session.get(SESSION_TOKEN)
    if uid is None:
        return None
    user = _live_session_user(request, uid, token)
    if user is None:
        request.session.pop(SESSION_USER, None)
        request.session.pop(SESSION_TOKEN, None)
    # the page renderer reads it from here: one session lookup per request, not two
    request.state.user = user
    return user


_LIVE_SESSION_USER = select(User.id, User.username, User.role, User.firm_id).join(
    WebSession, WebSession.user_id == User.id)


def _live_session_user(request: Request, uid: object, token: object) -> Principal | None:
    if not isinstance(token, str) or not isinstance(uid, int):
        return None
    # four columns on a plain connection, not an ORM session loading the User entity: this
    # runs on every request (0.38 → 0.25 ms of CPU; see bench/README-web.md)
    with app_context(request).engine.connect() as con:
        row = con.execute(_LIVE_SESSION_USER.where(
            WebSession.id == _token_id(token), WebSession.expires_at > _now(),
            User.id == uid, User.active.is_(True),
        )).first()
    return None if row is None else Principal(row.id, row.username, Role(row.role), row.firm_id)


async def current_user(
    user: Annotated[Principal | None, Depends(current_user_or_none)],
) -> Principal:
    """The logged-in user; 401 otherwise (pages redirect to the login form).

    ``async`` although it awaits nothing: a plain ``def`` dependency is run on the thread pool,
    a thread hop per request for an ``if``.
    """
    if user is None:
        raise WebError(401, Msg("web.error.login_required"))
    return user


def require_roles(*roles: Role):
    """Dependency allowing only the given roles (403 for the others)."""

    async def dependency(user: Annotated[Principal, Depends(current_user)]) -> Principal:
        if user.role not in roles:
            raise WebError(403, Msg("web.error.role"))
        return user

    return dependency


require_agency = require_roles(Role.ADMIN, Role.ANALYST)
require_admin = require_roles(Role.ADMIN)


def log_in(request: Request, db: Session, user: User) -> None:
    """Start a fresh server-side session (new token and CSRF token: no session fixation)."""
    request.session.clear()
    now = _now()
    db.execute(delete(WebSession).where(WebSession.expires_at <= now))  # housekeeping
    token = secrets.token_urlsafe(32)
    db.add(WebSession(id=_token_id(token), user_id=user.id, created_at=now,
                      expires_at=now + SESSION_LIFETIME))
    db.flush()
    request.session[SESSION_USER] = user.id
    request.session[SESSION_TOKEN] = token
    csrf_token(request)


def log_out(request: Request, db: Session) -> None:
    """End this session on the server and forget it (keeps nothing but a new CSRF token)."""
    token = request.session.get(SESSION_TOKEN)
    if isinstance(token, str):
        db.execute(delete(WebSession).where(WebSession.id == _token_id(token)))
    request.session.clear()
    csrf_token(request)
