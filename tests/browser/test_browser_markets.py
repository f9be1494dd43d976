"""Market finder, marketplace program and KPIs in a real browser (Spanish, then English)."""

from __future__ import annotations

import re

import pytest
from browser_support import login, shot
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_market_ranking_mexico_shrimp(page: Page) -> None:
    login(page, "analyst")
    page.goto("/markets?product=030617&exporter=MEX&year=2018")
    expect(page.locator("h1")).to_contain_text("Mercados de exportación")
    first = page.locator("#table-markets tbody tr").first
    expect(first).to_contain_text("USA")
    expect(first).to_contain_text("US$280.9 M")  # actual 2018, raw BACI: 280,881.973 k
    expect(page.locator('div[data-chart="chart-markets"]')).to_have_attribute("data-drawn", "1")
    expect(page.locator("#assumptions")).to_contain_text("VALOR NEUTRO")
    shot(page, "markets")
    # a typo in the form: the page says what is wrong, it does not break
    page.fill("#product", "99")
    page.click("#markets-form button[type=submit]")
    expect(page.locator("#markets-error")).to_be_visible()
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_program_view_and_kpis_in_english(page: Page) -> None:
    login(page, "analyst")
    page.goto("/lang/en?next=/programs/GTO-SUPPLY")
    expect(page).to_have_url(re.compile(r"/programs/GTO-SUPPLY"))
    expect(page.locator("#kpi-firms_onboarded")).to_contain_text("of 500")
    expect(page.locator("#kpi-countries_reached")).to_contain_text("of 120")
    expect(page.locator('div[data-chart="chart-program"]')).to_have_attribute("data-drawn", "1")
    expect(page.locator("#table-firms tbody tr")).to_have_count(30)
    shot(page, "program")
    page.goto("/kpi?year=2025")
    expect(page.locator("#table-kpi")).to_contain_text("State exports")
    expect(page.locator("#table-kpi")).to_contain_text("US$37.99 bn")  # GTO 2025 (INEGI EEF)
    expect(page.locator("#no-events")).to_contain_text("no events recorded")
    shot(page, "kpi")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_firm_user_sees_markets_not_the_program(page: Page) -> None:
    login(page, "empresa")
    page.goto("/markets?product=030617&exporter=MEX")
    expect(page.locator("#table-markets")).to_be_visible()
    response = page.goto("/programs/GTO-SUPPLY")
    assert response is not None and response.status == 403
