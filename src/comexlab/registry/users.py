"""The web app's users (the registry's ``web_user`` table): create, authenticate, list.

Called by the CLI (``comexlab web create-user``), the demo and the admin API. It lives with the
registry, whose migrations own the tables, so the CLI creates a user without importing the web
app.

The users live in the registry database (``registry/auth_models.py``), so this module lives in
``registry/`` too: the CLI (``comexlab web create-user``) and the demo set-up
(``services/demo.py``) create users without importing the web app.

Every password set here passes the password policy (``passwords.check_password_policy``), and
every change that should lock a person out of what they had — a new password, another role or
firm, deactivation — ends all their sessions (:func:`end_sessions`).
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from comexlab.errors import InputError, NotFoundError
from comexlab.i18n import Msg
from comexlab.registry.auth_models import Role, User, UserChange, WebSession
from comexlab.registry.models import Firm
from comexlab.registry.passwords import (
    check_password_policy,
    dummy_hash,
    hash_password,
    verify_password,
)


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
    _check_role_firm(session, role, firm_id)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise InputError(Msg("web.user.exists", username=repr(username)), field="username",
                         value=username)
    check_password_policy(password, username)
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
    role = _role(role)
    _check_role_firm(session, role, firm_id)
    check_password_policy(password, username)
    existing.password_hash = hash_password(password)
    existing.role = role.value
    existing.firm_id = firm_id
    existing.active = True
    end_sessions(session, existing.id)
    session.flush()
    return existing


def _check_role_firm(session: Session, role: Role, firm_id: int | None) -> None:
    """A firm user names an existing firm; agency users name none."""
    if role is Role.FIRM and firm_id is None:
        raise InputError(Msg("web.user.needs_firm"), field="firm_id")
    if role is not Role.FIRM and firm_id is not None:
        raise InputError(Msg("web.user.no_firm"), field="firm_id")
    if firm_id is not None and (not 0 < firm_id < 2**31 or session.get(Firm, firm_id) is None):
        raise InputError(Msg("web.user.unknown_firm", firm_id=firm_id), field="firm_id",
                         value=firm_id)


def end_sessions(session: Session, user_id: int) -> None:
    """End every server-side session of a user: their cookies stop working at once."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


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


_KEEP = object()  # "firm_id not given" (None means "no firm")


def update_user(
    session: Session,
    user_id: int,
    *,
    active: bool | None = None,
    password: str | None = None,
    role: Role | str | None = None,
    firm_id: int | object | None = _KEEP,
) -> User:
    """Deactivate/reactivate a user, reset their password, or change their role or firm.

    Deactivation, a new password and a new role or firm end every session of the user (a
    stolen or shared cookie must not outlive the change); reactivating alone does not.
    """
    user = get_user(session, user_id)
    new_role = user.role_enum if role is None else _role(role)
    new_firm = user.firm_id if firm_id is _KEEP else cast("int | None", firm_id)
    if role is not None and new_role is not Role.FIRM and firm_id is _KEEP:
        new_firm = None  # promoting a firm user to the agency unties them from the firm
    revoke = False
    if (new_role, new_firm) != (user.role_enum, user.firm_id):
        _check_role_firm(session, new_role, new_firm)
        user.role, user.firm_id, revoke = new_role.value, new_firm, True
    if password is not None:
        check_password_policy(password, user.username)
        user.password_hash, revoke = hash_password(password), True
    if active is not None:
        revoke = revoke or (user.active and not active)
        user.active = active
    if revoke:
        end_sessions(session, user.id)
    session.flush()
    return user


def record_change(session: Session, actor: str, username: str, kind: str,
                  detail: str | None = None) -> None:
    """Note that ``actor`` changed ``username`` (same transaction as the change itself)."""
    session.add(UserChange(actor=actor, username=username, kind=kind, detail=detail))
    session.flush()


def list_changes(session: Session, limit: int = 200) -> list[UserChange]:
    """The latest changes to users, newest first."""
    return list(session.scalars(
        select(UserChange).order_by(UserChange.at.desc(), UserChange.id.desc()).limit(limit)))


def firm_choices(session: Session) -> list[tuple[int, str]]:
    """Firms by name (id, legal name) for the admin's firm picker."""
    return list(session.execute(select(Firm.id, Firm.legal_name).order_by(Firm.legal_name)))
