"""User management (admins only): list users, create one (form and API)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.orm import Session

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.registry.auth_models import Role, User
from comexlab.registry.passwords import MIN_PASSWORD_LENGTH
from comexlab.registry.users import (
    create_user,
    firm_choices,
    get_user,
    list_changes,
    list_users,
    record_change,
    update_user,
)
from comexlab.web.auth.security import Principal, require_admin, verify_csrf
from comexlab.web.db import Db
from comexlab.web.render import render, request_lang

pages = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
api = APIRouter(tags=["users"], dependencies=[Depends(verify_csrf)])

Admin = Annotated[Principal, Depends(require_admin)]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class UserOut(BaseModel):
    """A user as admins see it (never the hash)."""

    id: int
    username: str
    role: Role
    firm_id: int | None
    active: bool


class UserPatch(BaseModel):
    """Changes an admin may make to a user (each ends the user's sessions, but reactivating)."""

    active: bool | None = None
    password: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    firm_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class UserIn(BaseModel):
    """A new user."""

    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)  # the policy explains what is too weak
    role: Role
    firm_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


def _out(user: User) -> UserOut:
    return UserOut(
        id=user.id, username=user.username, role=Role(user.role), firm_id=user.firm_id,
        active=user.active,
    )


def _page(request: Request, db: Session, *, error: str | None = None,
          status_code: int = 200) -> Response:
    return render(request, "users.html", status_code=status_code,
                  users=[_out(u) for u in list_users(db)], error=error,
                  firms=firm_choices(db), changes=list_changes(db),
                  min_password=MIN_PASSWORD_LENGTH)


@pages.get("/admin/users")
def users_page(request: Request, _admin: Admin, db: Db) -> Response:
    """Users, the form to add one, a form per user to change them, and every change made."""
    return _page(request, db)


def _firm_id(text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit() or not 1 <= int(text) <= 2**31 - 1:
        raise InputError(Msg("web.users.bad_firm"), field="firm_id", value=text)
    return int(text)


@pages.post("/admin/users")
def users_form(
    request: Request,
    admin: Admin,
    db: Db,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    role: Annotated[str, Form(max_length=16)],
    firm_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """Create a user from the form; problems re-render the page with the message."""
    try:
        user = create_user(db, username, password, role=role, firm_id=_firm_id(firm_id))
        record_change(db, admin.username, user.username, "created", _describe(user))
    except InputError as exc:
        db.rollback()
        return _page(request, db, error=exc.text(request_lang(request)), status_code=422)
    return RedirectResponse("/admin/users", status_code=303)


@pages.post("/admin/users/{user_id}")
def user_edit_form(
    request: Request,
    user_id: UserId,
    admin: Admin,
    db: Db,
    role: Annotated[str, Form(max_length=16)] = "",
    firm_id: Annotated[str, Form(max_length=12)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Change a user's role/firm or reset their password from the users page."""
    try:
        given = {"role": role or None, "firm_id": _firm_id(firm_id), "password": password or None}
        patch = UserPatch.model_validate({k: v for k, v in given.items() if v is not None})
        api_update_user(user_id, patch, admin, db)
    except InputError as exc:
        db.rollback()
        return _page(request, db, error=exc.text(request_lang(request)), status_code=422)
    except ValidationError:
        db.rollback()
        return _page(request, db, error=Msg("web.users.bad_role").text(request_lang(request)),
                     status_code=422)
    return RedirectResponse("/admin/users", status_code=303)


def _describe(user: User) -> str:
    return f"{user.role}" + (f" · firm {user.firm_id}" if user.firm_id else "")


@api.get("/users", response_model=list[UserOut])
def api_users(_admin: Admin, db: Db) -> list[UserOut]:
    """Every user (admins only)."""
    return [_out(u) for u in list_users(db)]


@api.post("/users", response_model=UserOut, status_code=201)
def api_create_user(body: UserIn, admin: Admin, db: Db) -> UserOut:
    """Create a user (admins only; recorded)."""
    user = create_user(db, body.username, body.password, role=body.role, firm_id=body.firm_id)
    record_change(db, admin.username, user.username, "created", _describe(user))
    return _out(user)


@api.patch("/users/{user_id}", response_model=UserOut)
def api_update_user(user_id: UserId, body: UserPatch, admin: Admin, db: Db) -> UserOut:
    """Deactivate/reactivate a user, reset their password or change their role/firm.

    Admins only; an admin may not deactivate or demote themselves, so one admin remains.
    """
    if user_id == admin.id and body.active is False:
        raise InputError(Msg("web.user.self_deactivate"), field="active")
    if user_id == admin.id and body.role not in (None, Role.ADMIN):
        raise InputError(Msg("web.user.self_demote"), field="role")
    changes = body.model_dump(exclude_unset=True)
    firm = {"firm_id": changes["firm_id"]} if "firm_id" in changes else {}
    before = get_user(db, user_id)
    was = (before.role, before.firm_id, before.active)
    user = update_user(db, user_id, active=body.active, password=body.password,
                       role=body.role, **firm)
    if (user.role, user.firm_id) != was[:2]:
        record_change(db, admin.username, user.username, "role", _describe(user))
    if body.password is not None:
        record_change(db, admin.username, user.username, "password")
    if user.active != was[2]:
        record_change(db, admin.username, user.username,
                      "reactivated" if user.active else "deactivated")
    return _out(user)


@pages.post("/admin/users/{user_id}/active")
def toggle_form(
    user_id: UserId, admin: Admin, db: Db, active: Annotated[str, Form()]
) -> Response:
    """The users page's activate/deactivate button."""
    api_update_user(user_id, UserPatch(active=active == "true"), admin, db)
    return RedirectResponse("/admin/users", status_code=303)
