"""Schemathesis fuzzing of the OpenAPI document: no request makes the API answer 5xx, every
answer matches the documented schema (status code's body schema, content type), and every error
has the one shape. Logged in as admin (widest access), with the CSRF token sent,
so generated requests reach the handlers instead of stopping at auth."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)
from web_helpers import ERROR_KEYS, login

from comexlab.settings import Settings
from comexlab.web.app import create_app

EXAMPLES = 25  # per operation; bounded so the suite stays in CI budget
# What every answer must satisfy. Undocumented status codes (401, 403, 404 …) are not flagged
# (FastAPI documents 200 and 422 only); their bodies are checked against ERROR_KEYS below.
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture()
def admin_auth(fuzz_app) -> dict[str, dict[str, str]]:
    c = TestClient(fuzz_app)  # no context manager: no lifespan, the app stays open
    login(c, "admin")
    return {"cookies": {"comexlab_session": c.cookies["comexlab_session"]},
            "headers": {"X-CSRF-Token": c.headers["X-CSRF-Token"]}}


class _LateApp:
    """ASGI proxy to the test's app, set by a fixture.

    The schema must exist at import time (for ``parametrize``) but the app needs the
    session's temp warehouse and registry; lifespan events are answered here so per-call
    clients never shut the real app down.
    """

    target = None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        await self.target(scope, receive, send)


def _document() -> dict:
    """The OpenAPI document of an app on throw-away files (the routes do not depend on data)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        app = create_app(Settings(warehouse=root / "w.duckdb",
                                  registry_url=f"sqlite:///{root / 'r.sqlite'}"))
        try:
            return app.openapi()
        finally:
            app.state.ctx.warehouse.close()
            app.state.ctx.engine.dispose()


LATE = _LateApp()
schema = schemathesis.openapi.from_dict(_document())
schema.app = LATE


@pytest.fixture()
def fuzz_app(web_env, tmp_path):
    """An app on a private copy of the registry: fuzzing PATCHes users and firms at random,
    which must not change what the other tests log in with."""
    source = web_env.settings.registry_url.removeprefix("sqlite:///")
    copy = tmp_path / "registry.sqlite"
    shutil.copyfile(source, copy)
    settings = web_env.settings.model_copy(update={"registry_url": f"sqlite:///{copy}"})
    application = create_app(settings)
    yield application
    application.state.ctx.jobs.shutdown()
    application.state.ctx.engine.dispose()


@pytest.fixture()
def late_app(fuzz_app):
    LATE.target = fuzz_app
    yield fuzz_app
    LATE.target = None


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_api_answers_match_the_schema(case, late_app, admin_auth) -> None:
    response = case.call(headers=admin_auth["headers"], cookies=admin_auth["cookies"])
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
    case.validate_response(response, checks=CHECKS, headers=admin_auth["headers"])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == ERROR_KEYS, body
        assert body["status"] == response.status_code


def test_openapi_document_lists_every_api_route(client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for expected in ("/api/dashboard", "/api/scenarios/runs", "/api/scenarios/runs/{run_id}/lines",
                     "/api/firms/{firm_id}", "/api/registry/import", "/api/clusters/graph",
                     "/api/users", "/api/auth/login"):
        assert expected in paths
    assert all(p.startswith("/api/") for p in paths)  # pages stay out of the API document
