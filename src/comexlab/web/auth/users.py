"""User management: create, authenticate, list. Called by the CLI, the demo and the admin API."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from comexlab.errors import InputError, NotFoundError
from comexlab.i18n import Msg
from comexlab.registry.models import Firm
from comexlab.web.auth.models import Role, User
from comexlab.web.auth.passwords import dummy_hash, hash_password, verify_password


def create_user(
    session: Session,
    username: str,
    password: str,
    *,
    role: Role | str,
    firm_id: int | None = None,
) -> User:
    """Add a user; a firm user must name a firm and agency users must not."""
    role = _role(role)
    username = username.strip()
    if not username:
        raise InputError(Msg("web.user.empty_name"), field="username")
    if role is Role.FIRM and firm_id is None:
        raise InputError(Msg("web.user.needs_firm"), field="firm_id")
    if role is not Role.FIRM and firm_id is not None:
        raise InputError(Msg("web.user.no_firm"), field="firm_id")
    if firm_id is not None and (not 0 < firm_id < 2**31 or session.get(Firm, firm_id) is None):
        raise InputError(Msg("web.user.unknown_firm", firm_id=firm_id), field="firm_id",
                         value=firm_id)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise InputError(Msg("web.user.exists", username=repr(username)), field="username",
                         value=username)
    user = User(
        username=username, password_hash=hash_password(password), role=role.value, firm_id=firm_id
    )
    session.add(user)
    session.flush()
    return user


def upsert_user(
    session: Session, username: str, password: str, *, role: Role | str, firm_id: int | None = None
) -> User:
    """Create the user, or reset its password/role/firm (used by the demo, which reruns)."""
    existing = session.scalar(select(User).where(User.username == username))
    if existing is None:
        return create_user(session, username, password, role=role, firm_id=firm_id)
    existing.password_hash = hash_password(password)
    existing.role = _role(role).value
    existing.firm_id = firm_id
    existing.active = True
    session.flush()
    return existing


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost whether or not it exists)."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        verify_password(dummy_hash(), password)
        return None
    return user if verify_password(user.password_hash, password) else None


def get_user(session: Session, user_id: int) -> User:
    """The user with this id."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(Msg("web.user.not_found", user_id=user_id))
    return user


def list_users(session: Session) -> list[User]:
    """Every user, by username."""
    return list(session.scalars(select(User).order_by(User.username)))


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise InputError(Msg("web.user.role", allowed=allowed), field="role",
                         value=role) from None


def update_user(
    session: Session, user_id: int, *, active: bool | None = None, password: str | None = None
) -> User:
    """Deactivate/reactivate a user or reset their password.

    An inactive user's sessions end at their next request, since every request re-reads the user.
    """
    user = get_user(session, user_id)
    if active is not None:
        user.active = active
    if password is not None:
        user.password_hash = hash_password(password)
    session.flush()
    return user
