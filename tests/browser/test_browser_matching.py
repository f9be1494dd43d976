"""Matching in a real browser: the buyer-need form and the B2B fair page, Spanish and English."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from browser_support import login, shot
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PEOPLE = b"id,name,available\nA,Acme Buyer,\nB,Bolt SA,1-2\nC,Cobre SA,1;2\nD,Delta,1\n"
WANTS = b"from,to,priority\nA,B,5\nB,A,3\nC,D,4\nA,C,2\n"


def test_buyer_need_form_ranks_suppliers_with_gaps(page: Page) -> None:
    login(page, "analyst")
    page.hover("text=Cadena de suministro")  # the menu group opens on hover (and focus)
    page.click("text=Buscar proveedores")
    expect(page.locator("h1")).to_have_text("Proveedores para una necesidad de compra")
    page.select_option("#need-processes", ["stamping", "welding"])
    page.select_option("#need-sector", "automotive")
    page.select_option("#need-from-state", "11")
    page.fill("#need-max-km", "300")
    page.check("input[name=hard][value=location]")
    page.click("#need-submit")
    expect(page.locator("#need-qualified h2")).to_contain_text("empresas cumplen")
    expect(page.locator("#need-qualified .match-row").first).to_be_visible()
    expect(page.locator("#need-near")).to_contain_text("no realiza")  # gaps in Spanish
    shot(page, "match-need")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_fair_page_schedules_and_downloads(page: Page, tmp_path: Path) -> None:
    (tmp_path / "participants.csv").write_bytes(PEOPLE)
    (tmp_path / "requests.csv").write_bytes(WANTS)
    login(page, "analyst")
    page.goto("/lang/en?next=/matching/fair")
    expect(page.locator("h1")).to_have_text("B2B fair: optimal meeting schedule")
    page.set_input_files("#fair-participants", str(tmp_path / "participants.csv"))
    page.set_input_files("#fair-requests", str(tmp_path / "requests.csv"))
    page.fill("input[name=slots]", "2")
    page.fill("input[name=tables]", "1")
    page.click("#fair-submit")
    expect(page.locator("#fair-total")).to_have_text("12")  # optimum, hand-checked
    expect(page.locator("#fair-greedy")).to_have_text("10")
    expect(page.locator("#fair-grid tbody tr")).to_have_count(2)
    shot(page, "match-fair")
    with page.expect_download() as info:
        page.click("#fair-downloads >> text=calendars.zip")
    target = tmp_path / "calendars.zip"
    info.value.save_as(target)
    assert len(zipfile.ZipFile(target).namelist()) == 4
    assert re.search(r"/matching/fair/[\w-]+/calendars.zip", info.value.url)
    assert page.console_errors == []  # type: ignore[attr-defined]
