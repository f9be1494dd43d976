"""User management (admins only): list users, create one (form and API)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.registry.auth_models import Role, User
from comexlab.web.auth.passwords import MIN_PASSWORD_LENGTH
from comexlab.web.auth.security import Principal, require_admin, verify_csrf
from comexlab.web.auth.users import create_user, list_users, update_user
from comexlab.web.db import Db
from comexlab.web.render import render, request_lang

pages = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
api = APIRouter(tags=["users"], dependencies=[Depends(verify_csrf)])

Admin = Annotated[Principal, Depends(require_admin)]


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


@pages.get("/admin/users")
def users_page(request: Request, _admin: Admin, db: Db) -> Response:
    """Users and the form to add one."""
    return render(request, "users.html", users=[_out(u) for u in list_users(db)], error=None,
                  min_password=MIN_PASSWORD_LENGTH)


@pages.post("/admin/users")
def users_form(
    request: Request,
    _admin: Admin,
    db: Db,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()],
    firm_id: Annotated[str, Form()] = "",
) -> Response:
    """Create a user from the form; problems re-render the page with the message."""
    try:
        fid = int(firm_id) if firm_id.strip() else None
        create_user(db, username, password, role=role, firm_id=fid)
    except (InputError, ValueError) as exc:
        db.rollback()
        users = [_out(u) for u in list_users(db)]
        shown = exc.text(request_lang(request)) if isinstance(exc, InputError) else str(exc)
        return render(request, "users.html", status_code=422, users=users, error=shown,
                      min_password=MIN_PASSWORD_LENGTH)
    return RedirectResponse("/admin/users", status_code=303)


@api.get("/users", response_model=list[UserOut])
def api_users(_admin: Admin, db: Db) -> list[UserOut]:
    """Every user (admins only)."""
    return [_out(u) for u in list_users(db)]


@api.post("/users", response_model=UserOut, status_code=201)
def api_create_user(body: UserIn, _admin: Admin, db: Db) -> UserOut:
    """Create a user (admins only)."""
    return _out(create_user(db, body.username, body.password, role=body.role, firm_id=body.firm_id))


UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]


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
    return _out(update_user(db, user_id, active=body.active, password=body.password,
                            role=body.role, **firm))


@pages.post("/admin/users/{user_id}/active")
def toggle_form(
    user_id: UserId, admin: Admin, db: Db, active: Annotated[str, Form()]
) -> Response:
    """The users page's activate/deactivate button."""
    api_update_user(user_id, UserPatch(active=active == "true"), admin, db)
    return RedirectResponse("/admin/users", status_code=303)
