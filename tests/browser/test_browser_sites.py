"""The site-profile page in a real browser: pick a site, see the profile and the map,
download the PDF; Spanish and English; bad input is a message; firm users are kept out.

Own server: RETC 2022 + SE FDI + INEGI EEF in the warehouse; an empty registry.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from browser_support import PASSWORD, Server, _free_port, login, shot
from playwright.sync_api import Page, expect

from comexlab.registry.db import ensure_registry_schema, make_engine, transaction
from comexlab.registry.users import create_user
from comexlab.settings import Settings
from comexlab.warehouse import flows
from comexlab.warehouse.db import connect
from comexlab.warehouse.establishments import load_retc
from comexlab.warehouse.sites import load_fdi
from comexlab.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("sitesweb")
    settings = Settings(warehouse=root / "wh.duckdb",
                        registry_url=f"sqlite:///{root / 'registry.sqlite'}",
                        secret_key="browser-test-secret-" + "x" * 32, data=Settings().data)
    data = Path(settings.data)
    con = connect(settings.warehouse)
    load_retc(con, data / "semarnat_retc_establishments" / "es_2022.csv.gz")
    load_fdi(con, data / "se_fdi_by_state" / "ied_entidad_tipo.csv.gz")
    flows.load_source(con, "inegi_eef", data_dir=data)
    con.close()
    engine = make_engine(settings.registry_url)
    ensure_registry_schema(engine)
    with transaction(engine) as s:
        create_user(s, "analyst", PASSWORD, role="analyst")
    engine.dispose()
    port = _free_port()
    app = create_app(settings, login_rate="100/minute")
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
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


def test_profile_of_lagos_in_spanish_with_map_and_pdf(page: Page, tmp_path: Path) -> None:
    login(page, "analyst")
    page.goto("/sites?municipality=14053")
    expect(page.locator("h1")).to_have_text("Perfil de sitio: Lagos de Moreno (14053)")
    indicators = page.locator("#site-indicators")
    expect(indicators).to_contain_text("Plantas armadoras a ≤ 150 km")
    expect(indicators.locator("tr", has_text="Plantas armadoras a ≤ 150 km por entidad")
           ).to_contain_text("AGS 3, GTO 3, SLP 2")
    expect(page.locator("#site-map svg rect[fill='#c0392b']")).to_have_count(12)  # ≤ 250 km
    expect(page.locator("#site-plants tbody tr").first).to_contain_text("DRAXLMAIER")
    shot(page, "site-profile")
    with page.expect_download() as dl:
        page.click("#site-pdf")
    path = tmp_path / "p.pdf"
    dl.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_pick_another_site_in_english(page: Page) -> None:
    login(page, "analyst")
    page.goto("/lang/en?next=/sites")
    page.select_option("#municipality", "11037")
    page.click("#site-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"municipality=11037"))
    expect(page.locator("h1")).to_have_text("Site profile: Silao de la Victoria (11037)")
    expect(page.locator("#site-indicators")).to_contain_text("OEM plants within 150 km")
    page.fill("#lat", "21.0")
    page.fill("#lon", "-100.39")
    page.click("#site-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Site profile: 21.0000, -100.3900")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_bad_input_is_a_message_not_a_500(page: Page) -> None:
    login(page, "analyst")
    for url, words in (("/sites?lat=norte&lon=-100", "LAT,LON"),
                       ("/sites?lat=40.7&lon=-74", "México"),
                       ("/sites?park=%3Cscript%3Ealert(1)%3C/script%3E", "ningún parque")):
        response = page.goto(url)
        assert response is not None and response.status == 200
        expect(page.locator("#site-error")).to_contain_text(words)
    assert "<script>alert" not in page.content()
    response = page.goto("/sites?municipality=abc")
    assert response is not None and response.status == 422
    response = page.goto("/sites?municipality=14053&radius=0")
    assert response is not None and response.status == 422


def test_api_lists_plants_within_radius(page: Page) -> None:
    login(page, "analyst")
    r = page.request.get("/api/sites/profile?municipality=14053&radius=250")
    assert r.status == 200
    body = r.json()
    assert sum(1 for p in body["plants"] if p["role"] == "oem") == 12
    assert all(p["km"] <= 250 for p in body["plants"])
