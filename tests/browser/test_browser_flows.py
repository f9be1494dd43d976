"""The flows an agency analyst, admin and firm user go through, in a real browser."""

from __future__ import annotations

import io
import re

import pytest
from browser_support import XLSX_BAD_ROWS, login, serve, settle, shot
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_login_page_and_bad_password(page: Page) -> None:
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/login\?next=/dashboard"))
    expect(page.locator("h1")).to_have_text("Iniciar sesión")
    shot(page, "login")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    expect(page.locator("p.error")).to_contain_text("incorrectos")


def test_login_and_dashboard_with_charts(page: Page) -> None:
    page.goto("/login?next=/dashboard")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", "browser-pass-1")
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/dashboard"))
    expect(page.locator("#kpi-total")).to_have_text("US$37.99 mil M")  # GTO 2025 (EEF, latest)
    for chart in ("sectors", "series"):  # INEGI has no product cut: that card says so
        expect(page.locator(f'div[data-chart="chart-{chart}"]')).to_have_attribute(
            "data-drawn", "1")
    expect(page.locator("#table-sectors tbody tr").first).to_contain_text("Equipo de transporte")
    shot(page, "dashboard")
    # change the state: htmx swaps the body and pushes the URL
    page.select_option("#reporter", "MX-JAL")
    expect(page.locator("#kpi-total")).to_have_text("US$52.58 mil M")  # JAL 2025 (EEF)
    expect(page).to_have_url(re.compile(r"reporter=MX-JAL"))
    expect(page.locator('div[data-chart="chart-sectors"]')).to_have_attribute("data-drawn", "1")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_run_usmca_ends_sort_filter_page_and_download_xlsx(page: Page) -> None:
    login(page, "analyst")
    page.goto("/scenarios")
    page.select_option("#scenario", "usmca-ends")
    page.click("#run-button")
    expect(page).to_have_url(re.compile(r"/scenarios/runs/[0-9a-f]+"))
    expect(page.locator("#headline")).to_be_visible(timeout=60_000)
    expect(page.locator("#headline")).to_contain_text("35.84%")  # exposed share, big
    expect(page.locator("#headline .kpi-key")).to_have_count(4)
    # the other figures (total value among them) and the audit notes are folded
    expect(page.locator("#more-figures")).not_to_have_attribute("open", "")
    expect(page.locator("#more-figures")).to_contain_text("US$911.04 mil M")
    expect(page.locator("#run-notes")).to_contain_text("sin fracción arancelaria")
    expect(page.locator('div[data-chart="chart-section"]')).to_have_attribute("data-drawn", "1")
    shot(page, "scenario")
    # the line table opens on added duty, descending, with the description path
    expect(page.locator("#line-table thead")).to_contain_text("Arancel adicional USD ▼")
    page.locator("#lines").scroll_into_view_if_needed()
    shot(page, "scenario-lines")
    # sort by value (descending): the first row is 8471500150, Mexico's largest 2025 line
    page.click("#line-table th a:has-text('Valor USD')")
    expect(page.locator("#line-table tbody tr").first).to_contain_text("8471500150")
    # filter (wait until htmx has processed the swapped-in form, then type and submit)
    settle(page)
    page.fill("#line-q", "8703230140")
    page.press("#line-q", "Enter")
    expect(page.locator("#line-table tbody tr").first).to_contain_text("8703230140")
    expect(page.locator("#line-count")).not_to_have_text(re.compile(r"^22"))
    settle(page)
    page.fill("#line-q", "")
    page.press("#line-q", "Enter")
    expect(page.locator("#page-no")).to_contain_text("1 /")
    settle(page)
    page.click("#next-page")
    expect(page.locator("#page-no")).to_contain_text("2 /")
    with page.expect_download() as info:
        page.click("#dl-xlsx")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    wb = load_workbook(io.BytesIO(open(download.path(), "rb").read()), read_only=True)  # noqa: SIM115
    ws = wb[wb.sheetnames[0]]
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert "product_code" in header and "neutralising_cut" in header
    assert ws.max_row > 20_000  # one row per MX/CA tariff line with 2025 trade
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_import_file_with_errors_shows_rows(page: Page, tmp_path) -> None:
    login(page, "admin")
    page.goto("/registry/import")
    path = tmp_path / "firmas.xlsx"
    path.write_bytes(XLSX_BAD_ROWS())
    page.set_input_files("input[name=upload]", str(path))
    page.click("#import-form button[type=submit]")
    expect(page.locator("#import-errors")).to_be_visible()
    rows = page.locator("#import-errors tbody tr")
    expect(rows).to_have_count(3)
    for i, row_no in enumerate(("3", "4", "5")):
        expect(rows.nth(i).locator("td").first).to_have_text(row_no)
    expect(page.locator("#import-errors-summary")).to_contain_text("no se escribió nada")
    expect(page.locator("#import-confirm")).to_have_count(0)
    shot(page, "import-errors")


def test_switch_language(page: Page) -> None:
    login(page, "analyst")
    page.goto("/dashboard")
    expect(page.locator("h1")).to_have_text("Exportaciones del estado")
    page.click("#lang-en")
    expect(page.locator("h1")).to_have_text("State exports")
    expect(page.locator("#kpi-total")).to_have_text("US$37.99 bn")
    expect(page.locator("header nav")).to_contain_text("Tariff scenarios")
    page.goto("/registry/firms")
    expect(page.locator("h1")).to_have_text("Firms")
    page.click("#lang-es")
    expect(page.locator("h1")).to_have_text("Empresas")


def test_firm_pages_and_clusters_graph(page: Page, server) -> None:
    login(page, "analyst")
    page.goto("/registry/firms?process=stamping")
    expect(page.locator("#firm-table tbody tr").first).to_be_visible()
    shot(page, "firms")
    page.locator("#firm-table tbody tr a").first.click()
    expect(page.locator("#certs")).to_be_visible()
    page.select_option("#gap-sector", "automotive")
    expect(page.locator("#gap-result")).to_be_visible()
    shot(page, "firm")
    page.goto("/registry/clusters")
    expect(page.locator("#cluster-graph")).to_have_attribute("data-drawn", "1")
    expect(page.locator("#cluster-graph canvas")).to_have_count(1)
    shot(page, "clusters")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_firm_user_sees_only_own_firm(page: Page, server) -> None:
    login(page, "empresa")
    expect(page).to_have_url(re.compile(rf"/registry/firms/{server.firm_id}$"))
    page.goto("/registry/firms")
    expect(page.locator("#firm-table tbody tr")).to_have_count(1)
    response = page.goto(f"/registry/firms/{server.firm_id + 1}")
    assert response is not None and response.status == 403
    page.goto(f"/registry/firms/{server.firm_id}")
    page.fill("input[name=website]", "https://mi-empresa.example")
    page.click("#firm-edit button[type=submit]")
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator("input[name=website]")).to_have_value("https://mi-empresa.example")


def test_tariff_in_force_page_draws_the_series(page: Page) -> None:
    login(page, "analyst")
    page.goto("/regime?on=2026-01-01")
    expect(page.locator("#kpi-etr")).to_have_text("6.16%")  # same as `comexlab regime show`
    expect(page.locator('div[data-chart="chart-regime"]')).to_have_attribute("data-drawn", "1")
    expect(page.locator("#table-lines tbody tr").first).to_contain_text("8471500150")
    shot(page, "regime")
    page.fill("#on", "2026-07-24")
    page.click("#regime-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"on=2026-07-24"))
    expect(page.locator("#table-parts")).not_to_contain_text("ieepa")  # ended by the Court
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_api_docs_render_under_the_csp(page: Page) -> None:
    """Issue 9: /api/docs was blank (the CSP blocked Swagger UI from a CDN)."""
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("comexlab")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 20
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_cookie_saved_before_logout_is_dead_in_a_browser(page: Page, browser, server) -> None:
    """Issue 9: a cookie copied before logout still opened the app for 8 h."""
    login(page, "analyst")
    expect(page).to_have_url(re.compile(r"/dashboard"))
    saved = page.context.cookies()
    page.click("form[action='/logout'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/login$"))
    thief = browser.new_context(base_url=server.url)
    thief.add_cookies(saved)
    other = thief.new_page()
    other.goto("/dashboard")
    expect(other).to_have_url(re.compile(r"/login\?next=/dashboard"))
    thief.close()


def test_saved_run_reloads_after_a_server_restart(page: Page, browser, server) -> None:
    """Issue 13: a run's URL works on a restarted server (same files, no jobs in memory)."""
    login(page, "analyst")
    page.goto("/scenarios")
    page.select_option("#scenario", "s232-autos")
    page.click("#run-button")
    expect(page.locator("#headline")).to_be_visible(timeout=60_000)
    path = page.url.removeprefix(server.url)
    exposed = page.locator("#headline .kpi-key .v").first.inner_text()
    with serve(server.settings) as url:
        context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 860},
                                      locale="es-MX")
        again = context.new_page()
        login(again, "analyst")
        again.goto(path)
        expect(again.locator("#headline .kpi-key .v").first).to_have_text(exposed)
        expect(again.locator("#line-table tbody tr")).not_to_have_count(0)
        again.goto("/scenarios/runs")
        expect(again.locator(f'#runs-table a[href="{path}"]')).to_be_visible()
        shot(again, "scenario-runs")
        again.click("#compare-button")
        expect(again.locator("#compare-table")).to_contain_text("Sección 232 autos")
        shot(again, "scenario-compare")
        context.close()
