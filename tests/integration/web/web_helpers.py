"""Helpers shared by the web tests (imported by name: this folder is on sys.path)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from comexlab.web.context import context_of

PASSWORD = "correct horse battery"
NEW_PASSWORD = "lunar orchard velvet 42"  # passes the password policy (12+ chars, zxcvbn >= 3)
ERROR_KEYS = {"status", "code", "message", "details"}


def csrf(client: TestClient) -> str:
    return client.get("/api/auth/csrf").json()["csrf_token"]


def login(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    token = csrf(client)
    r = client.post("/api/auth/login", json={"username": username, "password": password},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = csrf(client)
    return client


def assert_error(r, status: int, code: str) -> dict:
    """``r`` is an error response of the one shape, with this status and code."""
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == ERROR_KEYS
    assert body["status"] == status
    assert body["code"] == code
    return body


def use_services(app: FastAPI, **doubles: Any) -> None:
    """Swap service calls of a built app for test doubles (fields of ``web.context.Services``)."""
    ctx = context_of(app)
    app.state.ctx = replace(ctx, services=replace(ctx.services, **doubles))
