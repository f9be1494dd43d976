"""Issue 13 in a real browser: the dashboard's map of exports by state, clicked to a state."""

from __future__ import annotations

import re

import pytest
from browser_support import login, shot
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_click_a_state_on_the_map_opens_its_dashboard(page: Page) -> None:
    login(page, "analyst")
    page.goto("/dashboard?reporter=MX-GTO&start=2025&end=2025")
    state_map = page.locator("#state-map")
    expect(state_map.locator("a.smap-state")).to_have_count(32)
    state_map.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")  # the outlines file the <use> elements draw from
    shot(page, "dashboard-map")  # Spanish (the page fixture's locale and the default language)
    # the tooltip a pointer shows over Jalisco: name and value in the reader's language
    # (INEGI EEF 2025: Jalisco US$52,576,519 thousand)
    tip = "Jalisco: US$52.58\u00a0mil\u00a0M en 2025 — abrir su tablero"
    expect(page.locator("#smap-14 title")).to_have_text(tip, use_inner_text=False)
    # the <title> is also the link's accessible name (screen readers, keyboard users)
    expect(page.get_by_role("link", name=tip, exact=True)).to_have_count(1)

    page.locator("#smap-14 use").click()
    page.wait_for_url(re.compile(r"/dashboard\?reporter=MX-JAL&start=2025&end=2025$"))
    expect(page.locator("#reporter option:checked")).to_have_text("Jalisco")
    expect(page.locator("#kpi-total")).to_have_text("US$52.58 mil M")
    expect(page.locator("#smap-14")).to_have_class(re.compile(r"\bsmap-current\b"))

    # keyboard readers reach the same links: Sonora by focus + Enter
    page.locator("#smap-26").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"reporter=MX-SON"))
    expect(page.locator("#reporter option:checked")).to_have_text("Sonora")
    assert page.console_errors == []  # type: ignore[attr-defined]
