"""Products an analyst recognises, in a real browser (Spanish): the product search box and the
dashboard's top products with code and description path (screenshots for docs/web.md)."""

from __future__ import annotations

import pytest
from browser_support import SCREENSHOTS, login, shot
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_search_box_finds_by_word_then_by_dotted_code(page: Page) -> None:
    login(page, "analyst")
    page.goto("/products")
    page.fill("#q", "vehiculos")  # no accent: finds 'Vehículo › Coches'
    page.click("#products-form button[type=submit]")
    expect(page.locator("#p-8703")).to_contain_text("8703")
    expect(page.locator("#p-8703")).to_contain_text("Vehículo › Coches")
    page.fill("#q", "8703.23")
    page.click("#products-form button[type=submit]")
    first = page.locator("#table-products tbody tr").first
    expect(first).to_contain_text("8703.23")
    expect(first).to_contain_text("Vehículo › Coches ›")
    expect(page.locator("#p-8703230140")).to_contain_text(
        "Of a cylinder capacity exceeding 1,500 cc but not exceeding 3,000 cc › Other")
    expect(page.locator("#products-english")).to_be_visible()
    shot(page, "products-search")
    page.fill("#q", "")
    page.click("#products-form button[type=submit]")
    expect(page.locator("#products-hint")).to_be_visible()
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_dashboard_top_products_read_code_and_path(page: Page) -> None:
    login(page, "analyst")
    page.goto("/dashboard?reporter=MEX&start=2025&end=2025")
    table = page.locator("#table-products")
    expect(table).to_contain_text("8471.50.01.50 — Ordenadores › Processing units")
    expect(table).to_contain_text("8703.23.01.40 — Coches › … › Having engines with not more "
                                  "than 4 cylinders › Other")
    expect(page.locator('div[data-chart="chart-products"]')).to_have_attribute("data-drawn", "1")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    card = table.locator("xpath=ancestor::section[1]")
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(SCREENSHOTS / "dashboard-products.png"))
    assert page.console_errors == []  # type: ignore[attr-defined]
