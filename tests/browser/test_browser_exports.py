"""Issue 13 in a real browser: downloads from three pages, and a firm reached from a sector."""

from __future__ import annotations

import io
import re

import pytest
from browser_support import login, shot
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _download(page: Page, selector: str):
    with page.expect_download() as info:
        page.click(selector)
    download = info.value
    with open(download.path(), "rb") as fh:
        return download.suggested_filename, fh.read()


def test_export_from_dashboard_firms_and_gap(page: Page) -> None:
    login(page, "analyst")
    page.goto("/dashboard?reporter=MX-GTO&start=2018")
    expect(page.locator("#dash-download")).to_be_visible()
    shot(page, "dashboard")
    name, body = _download(page, "#dash-download a")
    assert name.endswith(".xlsx")
    sectors = list(load_workbook(io.BytesIO(body))["Principales sectores"]
                   .iter_rows(values_only=True))
    assert sectors[0][:3] == ("Código", "Descripción", "Valor (USD)")
    # INEGI EEF, Guanajuato 2018: SCIAN 336 leads; the sectors add up to US$24,712,286 thousand.
    assert sectors[1][0] == "336"
    assert sum(r[2] for r in sectors[1:]) == pytest.approx(24_712_286_000)

    page.goto("/registry/firms?process=stamping")
    expect(page.locator("#firms-download")).to_be_visible()
    shot(page, "firms")
    shown = page.locator("#firm-table tbody tr td:nth-child(2)").all_inner_texts()
    name, body = _download(page, "#firms-download a:has-text('xlsx')")
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("Empresa", "RFC")
    assert set(shown) <= {r[1] for r in rows[1:]}  # the filtered list, every page of it

    page.locator("#firm-table tbody tr a").first.click()
    page.select_option("#gap-sector", "automotive")
    expect(page.locator("#gap-download")).to_be_visible()
    shot(page, "firm")
    name, body = _download(page, "#gap-download a:has-text('xlsx')")
    assert "automotive" in name
    gap = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert gap[0] == ("Empresa", "Sector", "Norma", "Requeridas", "Tiene", "Situación")
    assert len(gap) > 1 and {r[1] for r in gap[1:]} == {"automotive"}
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_firm_page_reached_from_a_sector(page: Page) -> None:
    login(page, "analyst")
    page.goto("/dashboard?reporter=MX-GTO&start=2018")
    page.click("#table-sectors a.firms-link >> nth=0")
    expect(page).to_have_url(re.compile(r"/registry/firms\?sector=automotive"))
    expect(page.locator("#firm-table tbody tr").first).to_be_visible()
    first = page.locator("#firm-table tbody tr a").first
    legal_name = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_contain_text(legal_name)
    page.goto("/registry/clusters")
    expect(page.locator("#clusters-download")).to_be_visible()
    shot(page, "clusters")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_import_page_lists_allowed_values(page: Page) -> None:
    login(page, "admin")
    page.goto("/registry/import")
    page.click("#import-columns summary")
    expect(page.locator("#import-columns")).to_contain_text("oem (OEM (armadora))")
    shot(page, "import")
    name, body = _download(page, "#import-template")
    assert name.endswith(".xlsx") and "help" in load_workbook(io.BytesIO(body)).sheetnames


def test_users_page_firm_by_name_and_changes(page: Page, server) -> None:
    login(page, "admin")
    page.goto("/admin/users")
    page.fill("form.filters input[name=username]", "navegador_firma")
    page.fill("form.filters input[name=password]", "Clave-de-prueba-2026!")
    page.select_option("form.filters select[name=role]", "firm")
    page.select_option("#new-firm", str(server.firm_id))
    page.click("form.filters button[type=submit]")
    expect(page.locator("#user-changes")).to_contain_text("navegador_firma")
    expect(page.locator("#user-changes")).to_contain_text("alta")
    shot(page, "users")
    assert page.console_errors == []  # type: ignore[attr-defined]
