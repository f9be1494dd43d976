"""Logging in and out (form and API), the CSRF token endpoint and the language switch."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from comexlab.errors import InputError
from comexlab.i18n import LANGS, Msg, text_of
from comexlab.registry.users import authenticate, update_user
from comexlab.web.auth.security import (
    Principal,
    csrf_token,
    current_user,
    log_in,
    log_out,
    verify_csrf,
)
from comexlab.web.context import app_context
from comexlab.web.db import Db
from comexlab.web.errors import WebError
from comexlab.web.render import LANG_COOKIE, render, request_lang

pages = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
api = APIRouter(tags=["auth"], dependencies=[Depends(verify_csrf)])


class Credentials(BaseModel):
    """Login request body."""

    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)


class Me(BaseModel):
    """The logged-in user."""

    id: int
    username: str
    role: str
    firm_id: int | None


class CsrfToken(BaseModel):
    """The token to send back as ``X-CSRF-Token`` on POST/PATCH/DELETE."""

    csrf_token: str


def _me(user: Principal) -> Me:
    return Me(id=user.id, username=user.username, role=user.role.value, firm_id=user.firm_id)


def _attempt(request: Request, db: Session, username: str, password: str) -> Principal:
    """Rate-limit, check credentials, start the session; 401 on failure."""
    ip = request.client.host if request.client else "?"
    limiter = app_context(request).login_limiter
    limiter.check(ip, username)
    user = authenticate(db, username, password)
    limiter.record(ip, username, ok=user is not None)
    if user is None:
        raise WebError(401, Msg("web.login.failed"), code="bad_credentials")
    log_in(request, db, user)
    return Principal.of(user)


def _safe_next(target: str | None) -> str:
    """Only same-site relative redirects after login (no open redirect)."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@pages.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    """The login form."""
    return render(request, "login.html", next=_safe_next(next), error=None)


@pages.post("/login")
def login_form(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    db: Db,
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Log in from the form; errors re-render the form with the message."""
    try:
        _attempt(request, db, username, password)
    except WebError as exc:
        return render(
            request, "login.html", status_code=exc.status, next=_safe_next(next),
            error=text_of(exc.message, request_lang(request)),
        )
    return RedirectResponse(_safe_next(next), status_code=303)


@pages.post("/logout")
def logout_form(request: Request, db: Db) -> Response:
    """Log out (the session ends on the server too) and go back to the login form."""
    log_out(request, db)
    return RedirectResponse("/login", status_code=303)


@pages.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    """Remember the reader's language in a cookie (a preference, not account state)."""
    response = RedirectResponse(_safe_next(next), status_code=303)
    if code in LANGS:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax",
                            secure=app_context(request).settings.https)
    return response


@pages.get("/")
def home(user: Annotated[Principal, Depends(current_user)]) -> Response:
    """Agency staff land on the dashboard, firm users on their firm."""
    if user.firm_id is not None and not user.is_agency:
        return RedirectResponse(f"/registry/firms/{user.firm_id}", status_code=303)
    return RedirectResponse("/dashboard", status_code=303)


@api.get("/auth/csrf", response_model=CsrfToken)
def api_csrf(request: Request) -> CsrfToken:
    """The session's CSRF token (starts an anonymous session if there is none)."""
    return CsrfToken(csrf_token=csrf_token(request))


@api.post("/auth/login", response_model=Me)
def api_login(
    request: Request, body: Credentials, db: Db
) -> Me:
    """Log in; the session cookie comes back set. Limited to 5 attempts/minute per IP+user."""
    return _me(_attempt(request, db, body.username, body.password))


@api.post("/auth/logout", status_code=204)
def api_logout(request: Request, db: Db) -> Response:
    """Log out: this session ends on the server, so a saved copy of the cookie stops working."""
    log_out(request, db)
    return Response(status_code=204)


class PasswordChange(BaseModel):
    """The user's current password and the new one (checked against the password policy)."""

    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


@api.post("/auth/password", status_code=204)
def api_change_password(
    request: Request,
    body: PasswordChange,
    user: Annotated[Principal, Depends(current_user)],
    db: Db,
) -> Response:
    """Change one's own password; every session of the user ends, this one starts afresh.

    Rate-limited like a login, since it checks a password.
    """
    ip = request.client.host if request.client else "?"
    limiter = app_context(request).login_limiter
    limiter.check(ip, user.username)
    row = authenticate(db, user.username, body.current_password)
    limiter.record(ip, user.username, ok=row is not None and row.id == user.id)
    if row is None or row.id != user.id:
        raise InputError(Msg("web.user.wrong_password"), field="current_password")
    update_user(db, user.id, password=body.new_password)
    log_in(request, db, row)
    return Response(status_code=204)


@api.get("/auth/me", response_model=Me)
def api_me(user: Annotated[Principal, Depends(current_user)]) -> Me:
    """Who is logged in."""
    return _me(user)
