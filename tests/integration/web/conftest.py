"""Fixtures of the web tests: an app on a temp warehouse loaded with the official files (HTS
editions, flows) and a temp registry with the demo registry seeded and four users (admin,
analyst, two firm users of different firms)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_helpers import PASSWORD, login

from comexlab.registry.db import make_engine, transaction
from comexlab.registry.demo import seed_demo
from comexlab.registry.models import Firm
from comexlab.registry.schema import ensure_registry_schema
from comexlab.registry.users import create_user
from comexlab.services import demo
from comexlab.settings import Settings
from comexlab.web.app import create_app

AS_OF = date(2026, 11, 25)


@dataclass(frozen=True)
class WebEnv:
    settings: Settings
    firm_a: int
    firm_b: int


@pytest.fixture(scope="session")
def web_env(tmp_path_factory: pytest.TempPathFactory) -> WebEnv:
    """Warehouse + registry files shared by the web tests (seeded once per session)."""
    root = tmp_path_factory.mktemp("web")
    settings = Settings(
        warehouse=root / "wh.duckdb",
        registry_url=f"sqlite:///{root / 'registry.sqlite'}",
        secret_key="test-secret-key-" + "x" * 32,
        data=Settings().data,
    )
    demo.load_hts(settings, lambda _m: None)
    demo.load_flows(settings, lambda _m: None)
    demo.load_baci(settings, lambda _m: None)
    engine = make_engine(settings.registry_url)
    ensure_registry_schema(engine)
    seed_demo(engine, as_of=AS_OF)
    with transaction(engine) as s:
        ids = list(s.scalars(select(Firm.id).order_by(Firm.id).limit(2)))
        create_user(s, "admin", PASSWORD, role="admin")
        create_user(s, "analyst", PASSWORD, role="analyst")
        create_user(s, "analyst2", PASSWORD, role="analyst")
        create_user(s, "firm_a", PASSWORD, role="firm", firm_id=ids[0])
        create_user(s, "firm_b", PASSWORD, role="firm", firm_id=ids[1])
    engine.dispose()
    return WebEnv(settings, ids[0], ids[1])


@pytest.fixture()
def app(web_env: WebEnv):
    application = create_app(web_env.settings)
    yield application
    application.state.ctx.warehouse.close()


@pytest.fixture()
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture()
def as_user(app) -> Iterator[Callable[[str], TestClient]]:
    """A logged-in client for a given username (one client per call)."""
    clients: list[TestClient] = []

    def make(username: str) -> TestClient:
        c = TestClient(app, raise_server_exceptions=False)
        c.__enter__()
        clients.append(c)
        return login(c, username)

    yield make
    for c in clients:
        c.__exit__(None, None, None)


@pytest.fixture()
def tmp_file(tmp_path: Path) -> Callable[[str, bytes], Path]:
    def make(name: str, content: bytes) -> Path:
        p = tmp_path / name
        p.write_bytes(content)
        return p

    return make
