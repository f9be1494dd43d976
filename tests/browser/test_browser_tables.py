"""Sortable, paged tables in a real browser (static/app.js), in Spanish.

Two pages: the dashboard's sectors (24 SCIAN rows for Guanajuato 2018, INEGI EEF, paged by 10)
and the market ranking for Mexican shrimp (BACI 2018, 60 markets asked, paged by 25). On each,
a numeric column is sorted descending by clicking its header, the order of the raw values is
checked on page 1 and, after paging, on page 2. Screenshots: docs/screenshots/tables-*.png.
"""

from __future__ import annotations

import pytest
from browser_support import SCREENSHOTS, login, settle
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser


def visible_values(table: Locator, column: int) -> list[float]:
    """The data-value of column ``column`` (1-based) in the rows shown now."""
    return table.evaluate(
        """(t, col) => Array.from(t.tBodies[0].rows).filter(r => !r.hidden)
             .map(r => r.cells[col - 1].dataset.value)
             .filter(v => v !== '').map(Number)""", column)


def sort_descending(table: Locator, column: int) -> None:
    header = table.locator(f"thead th:nth-child({column})")
    header.locator("button.sort").click()
    if header.get_attribute("aria-sort") != "descending":  # numeric columns open descending
        header.locator("button.sort").click()
    expect(header).to_have_attribute("aria-sort", "descending")


def shot_of(table: Locator, name: str) -> None:
    """Screenshot of the card holding ``table`` (heading, chart, table and pager)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    table.locator("xpath=ancestor::section[1]").screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def check_two_pages(page: Page, table_id: str, column: int, size: int, total: int) -> None:
    table = page.locator(f"#{table_id}")
    pager = page.locator(f"#{table_id} + .table-pager")
    pages = -(-total // size)
    expect(pager.locator(".page-no")).to_have_text(f"Página 1 de {pages}")
    sort_descending(table, column)
    first = visible_values(table, column)
    assert len(first) == size and first == sorted(first, reverse=True), first
    expect(pager.locator(".page-prev")).to_be_disabled()
    pager.locator(".page-next").click()
    expect(pager.locator(".page-no")).to_have_text(f"Página 2 de {pages}")
    expect(pager.locator(".page-rows")).to_contain_text(f"filas {size + 1}–")
    second = visible_values(table, column)
    assert second and second == sorted(second, reverse=True), second
    assert max(second) <= min(first)  # page 2 continues the order of page 1
    # the other header is not marked sorted; the page count did not change
    assert table.locator("th[aria-sort]").count() == 1


def test_dashboard_sectors_sorted_by_value_and_paged(page: Page) -> None:
    login(page, "analyst")
    page.goto("/dashboard?reporter=MX-GTO&start=2018&end=2018")
    table = page.locator("#table-sectors")
    expect(table.locator("tbody tr")).to_have_count(24)  # every SCIAN sector, 10 shown
    expect(table.locator("tbody tr:not([hidden])")).to_have_count(10)
    check_two_pages(page, "table-sectors", column=2, size=10, total=24)
    # change column: the share (fractions) sorts as numbers too, then ascending on 2nd click
    share = table.locator("thead th:nth-child(4)")
    share.locator("button.sort").click()
    expect(share).to_have_attribute("aria-sort", "descending")
    share.locator("button.sort").click()
    expect(share).to_have_attribute("aria-sort", "ascending")
    values = visible_values(table, 4)
    assert values == sorted(values)
    sort_descending(table, 2)
    page.locator("#table-sectors + .table-pager .page-next").click()
    shot_of(table, "tables-sorted")
    # a new report swapped in by htmx is enhanced too
    page.select_option("#reporter", "MX-JAL")
    settle(page)
    expect(page.locator("#table-sectors thead button.sort").first).to_be_visible()
    expect(page.locator("#table-sectors + .table-pager .page-no")).to_have_text("Página 1 de 3")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_market_ranking_sorted_by_potential_and_paged(page: Page) -> None:
    login(page, "analyst")
    page.goto("/markets?product=030617&exporter=MEX&year=2018&top=60")
    table = page.locator("#table-markets")
    total = table.locator("tbody tr").count()
    assert total > 25, total
    check_two_pages(page, "table-markets", column=9, size=25, total=total)  # actual exports
    # a text column sorts in Spanish order, ascending first
    market = table.locator("thead th:nth-child(2)")
    market.locator("button.sort").click()
    expect(market).to_have_attribute("aria-sort", "ascending")
    sort_descending(table, 8)  # potential
    page.locator("#table-markets + .table-pager .page-next").click()
    expect(page.locator("#table-markets + .table-pager .page-no")).to_contain_text("Página 2")
    shot_of(table, "tables-paged")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_chart_legends_name_the_periods_and_link_labels_stay_off_names(page: Page) -> None:
    login(page, "analyst")
    page.goto("/dashboard?reporter=MX-GTO&start=2018&end=2018")
    chart = page.locator('div[data-chart="chart-sectors"]')
    expect(chart).to_have_attribute("data-drawn", "1")
    legend = page.evaluate("""() => echarts.getInstanceByDom(
        document.querySelector('div[data-chart="chart-sectors"]')).getOption().legend[0].data""")
    assert legend == ["Periodo anterior 2017", "2018"]
    shot_of(chart, "charts-legend")
    page.goto("/registry/clusters")
    graph = page.locator("#cluster-graph")
    expect(graph).to_have_attribute("data-drawn", "1")
    shown = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById(
        'cluster-graph')).getOption().series[0].links.map(l => l.label.show)""")
    assert shown and not any(shown)  # kinds on hover only (and in the table below)
    shot_of(graph, "charts-clusters")
    assert page.console_errors == []  # type: ignore[attr-defined]
