"""The supply pages in a real browser: opportunities (scatter, ranking, firms with gaps) and
complexity (ECI ranking, product space), in Spanish and English.

Own server: EAEF + Comtrade + the HTS10→NAICS table + RETC 2022 in the warehouse; the DEMO
registry plus RETC plants imported (Guanajuato has OEM buyers in RETC 2022, Jalisco none).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from browser_support import PASSWORD, Server, _free_port, login, shot
from playwright.sync_api import Page, expect

from comexlab.registry.db import make_engine, transaction
from comexlab.registry.demo import seed_demo
from comexlab.registry.schema import ensure_registry_schema
from comexlab.registry.users import create_user
from comexlab.services import supply as svc
from comexlab.settings import Settings
from comexlab.warehouse import flows
from comexlab.warehouse.db import connect
from comexlab.warehouse.establishments import load_retc
from comexlab.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("supplyweb")
    settings = Settings(warehouse=root / "wh.duckdb",
                        registry_url=f"sqlite:///{root / 'registry.sqlite'}",
                        secret_key="browser-test-secret-" + "x" * 32, data=Settings().data)
    con = connect(settings.warehouse)
    for source in ("inegi_eaef", "comtrade"):
        flows.load_source(con, source, data_dir=settings.data)
    flows.load_hts_naics(con, data_dir=settings.data)
    load_retc(con, Path(settings.data) / "semarnat_retc_establishments" / "es_2022.csv.gz")
    engine = make_engine(settings.registry_url)
    ensure_registry_schema(engine)
    seed_demo(engine, as_of=date.today())
    svc.import_retc_plants(con, engine, svc.ImportPlantsRequest(states=("GTO", "JAL")))
    con.close()
    with transaction(engine) as s:
        create_user(s, "analyst", PASSWORD, role="analyst")
        create_user(s, "empresa", PASSWORD, role="firm", firm_id=1)
    engine.dispose()
    port = _free_port()
    # every test logs in: lift the 5/minute login limit for this test server only
    app = create_app(settings, login_rate="100/minute")
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline:
            pytest.fail("web server did not start", pytrace=False)
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{port}", 1, settings)
    srv.should_exit = True
    thread.join(10)


def test_opportunities_guanajuato_spanish(page: Page) -> None:
    login(page, "analyst")
    page.goto("/supply/opportunities?state=GTO&origin=asia&top=30")
    expect(page.locator("h1")).to_have_text(
        "Sustitución de importaciones: qué podrían surtir las empresas locales")
    expect(page.locator('div[data-chart="chart-opp"]')).to_have_attribute("data-drawn", "1")
    expect(page.locator("#opp-table tbody tr")).to_have_count(30)
    firms = page.locator("#opp-suppliers")
    # real RETC plants beside the DEMO firms, with their gap and distance to an OEM plant
    expect(firms).to_contain_text("SEMARNAT RETC")
    expect(firms).to_contain_text("DEMO")
    expect(firms).to_contain_text("IATF 16949")
    expect(firms).to_contain_text("GENERAL MOTORS DE MEXICO - COMPLEJO SILAO")
    expect(page.locator("#opp-notes")).to_contain_text("comtrade, nivel nacional, SA4, 2021")
    # headings by their Spanish name (comtrade_mexico_hs4/sa4_descriptions_es.csv), whole
    from comexlab.sources.hs_names import spanish_names

    spanish = spanish_names(4)
    rows = page.locator("#opp-table tbody tr").evaluate_all(
        "rows => rows.map(r => [r.cells[1].innerText, r.cells[2].innerText])")
    named = [(hs4, text) for hs4, text in rows if hs4 in spanish]
    assert len(named) >= 25
    assert all(text == " ".join(spanish[hs4].split()) for hs4, text in named), named[:3]
    shot(page, "supply-opportunities")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_opportunities_form_and_english(page: Page) -> None:
    login(page, "analyst")
    page.goto("/lang/en?next=/supply/opportunities")
    page.select_option("#state", "JAL")
    page.select_option("#origin", "china")
    page.click("#opp-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"state=JAL&origin=china"))
    expect(page.locator("h2").first).to_contain_text("Feasibility in Jalisco")
    # Jalisco has no 3361xx plant in RETC 2022: the page says so
    expect(page.locator("#opp-notes")).to_contain_text("No buyer plants")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_bad_input_is_a_message_not_a_500(page: Page) -> None:
    login(page, "analyst")
    response = page.goto("/supply/opportunities?state=XX")
    assert response is not None and response.status == 200
    expect(page.locator("#opp-error")).to_contain_text("no es una entidad federativa")
    response = page.goto("/supply/opportunities?state=JAL&origin=%3Cscript%3E")
    assert response is not None and response.status == 422


def test_complexity_page(page: Page) -> None:
    login(page, "analyst")
    page.goto("/supply/complexity?state=GTO")
    expect(page.locator("#cx-source")).to_contain_text("inegi_eaef, 2018")
    for chart in ("eci", "space"):
        expect(page.locator(f'div[data-chart="chart-{chart}"]')).to_have_attribute(
            "data-drawn", "1")
    expect(page.locator("#cx-states tbody tr")).to_have_count(32)
    expect(page.locator("#cx-states tr.hl")).to_contain_text("Guanajuato")
    shot(page, "supply-complexity")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_firm_user_may_not_see_supply_pages(page: Page) -> None:
    login(page, "empresa")
    response = page.goto("/supply/opportunities")
    assert response is not None and response.status == 403


def test_api_answers_json(page: Page) -> None:
    login(page, "analyst")
    cx = page.request.get("/api/supply/complexity?state=GTO")
    assert cx.status == 200
    body = cx.json()
    assert (body["source"], body["year"], len(body["states"])) == ("inegi_eaef", 2018, 32)
    opp = page.request.get("/api/supply/opportunities?state=GTO&origin=asia&top=5")
    assert opp.status == 200
    data = opp.json()
    assert data["basis"]["source"] == "comtrade" and len(data["opportunities"]) == 5
    first = data["opportunities"][0]
    assert first["suppliers"] and {"kind", "missing", "distance_km"} <= set(first["suppliers"][0])
    assert page.request.get("/api/supply/opportunities?state=XX").status == 422


def test_plants_page_lists_real_jalisco_plants(page: Page) -> None:
    login(page, "analyst")
    page.goto("/supply/opportunities?state=JAL")
    page.click("#plants-link")
    expect(page).to_have_url(re.compile(r"/supply/plants\?state=JAL"))
    expect(page.locator("#plants-table tbody tr")).to_have_count(152)  # RETC 2022 manufacturing
    expect(page.locator("#plants-table")).to_contain_text("JABIL CIRCUIT DE MEXICO")
    expect(page.locator("#plants-table")).to_contain_text("SEMARNAT RETC 2022")
