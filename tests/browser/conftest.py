"""Browser tests: the real app served by uvicorn on 127.0.0.1 (temp warehouse and registry),
driven by Playwright's sync API through Debian's Chromium.

Chromium comes from the system (``apt-get install chromium``, scripts/system-deps.sh), at
``COMEXLAB_CHROMIUM`` (default /usr/bin/chromium). If it is missing the tests FAIL: a browser
test that silently skips is a test that does not exist.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from browser_support import PASSWORD, Server, serve
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import select

from comexlab.registry.db import ensure_registry_schema, make_engine, transaction
from comexlab.registry.demo import seed_demo
from comexlab.registry.models import Firm
from comexlab.registry.users import create_user
from comexlab.settings import Settings
from comexlab.web import demo

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app with loaded official data, the demo registry and three users, on loopback."""
    root = tmp_path_factory.mktemp("browser")
    settings = Settings(warehouse=root / "wh.duckdb",
                        registry_url=f"sqlite:///{root / 'registry.sqlite'}",
                        secret_key="browser-test-secret-" + "x" * 32, data=Settings().data)
    demo.load_hts(settings, lambda _m: None)
    demo.load_flows(settings, lambda _m: None)
    demo.load_baci(settings, lambda _m: None)
    engine = make_engine(settings.registry_url)
    ensure_registry_schema(engine)
    seed_demo(engine, as_of=date.today())
    with transaction(engine) as s:
        firm_id = s.scalar(select(Firm.id).order_by(Firm.id).limit(1))
        create_user(s, "admin", PASSWORD, role="admin")
        create_user(s, "analyst", PASSWORD, role="analyst")
        create_user(s, "empresa", PASSWORD, role="firm", firm_id=firm_id)
    engine.dispose()
    with serve(settings) as url:
        yield Server(url, firm_id, settings)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium under Playwright; fails (never skips) when it is not installed."""
    path = os.environ.get("COMEXLAB_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        pytest.fail(f"Chromium not found at {path}: run scripts/system-deps.sh "
                    "(apt-get install chromium) or set COMEXLAB_CHROMIUM", pytrace=False)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh browser context (no cookies) that records console errors."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 860},
                                  accept_downloads=True, locale="es-MX")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.console_errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()

