"""The "Arancel vigente" page and /api/regime on the real files (same figures as the CLI)."""

from __future__ import annotations

import asyncio

import pytest
from web_helpers import assert_error


def test_api_regime_gives_the_etr_as_a_fraction_with_its_parts(as_user) -> None:
    c = as_user("firm_a")  # public policy on public statistics: every role may read it
    d = c.get("/api/regime", params={"on": "2026-01-01"}).json()
    assert 0 < d["etr"] < 1
    assert sum(p["rate"] for p in d["parts"]) == pytest.approx(d["etr"])
    assert {p["authority"] for p in d["parts"]} >= {"mfn", "ieepa_fentanyl", "s232"}
    assert (d["window_first"], d["window_last"]) == ("2025-09", "2026-02")
    assert d["edition"] == "2025" and d["estimated"] is False
    # the series since 2025-01-01 is piecewise constant, one computation per regime
    assert d["segments"][0]["start"] == "2025-01-01"
    assert d["computations"] <= len(d["segments"])
    cars = [ln for ln in d["lines"] if ln["product_code"] == "8703230140"]
    assert cars and "s232-autos" in cars[0]["measures"]
    assert any(m["id"] == "s232-semiconductors" for m in d["not_modelled"])


def test_api_regime_matches_the_cli_service(app, as_user) -> None:
    import datetime as dt

    from comexlab.services import regime as service

    c = as_user("analyst")
    d = c.get("/api/regime", params={"on": "2026-02-24"}).json()
    res = _run_in_own_loop(app.state.ctx.warehouse.read(
        lambda con: service.show(con, service.ShowRequest(dt.date(2026, 2, 24)))))
    assert d["etr"] == pytest.approx(res.etr, rel=1e-12)


def test_regime_page_for_a_state_is_labelled_estimated(as_user) -> None:
    c = as_user("analyst")
    html = c.get("/regime", params={"on": "2026-07-24", "reporter": "GTO"}).text
    assert 'id="kpi-etr"' in html and 'id="estimated-flag"' in html
    assert 'data-chart="chart-regime"' in html and 'id="table-lines"' in html
    assert 'id="not-modelled"' in html


def test_bad_input_is_refused_with_the_field(as_user) -> None:
    c = as_user("analyst")
    body = assert_error(c.get("/api/regime", params={"on": "2026-02-30"}), 422,
                        "invalid_input")
    assert body["details"][0]["field"] == "on"
    body = assert_error(c.get("/api/regime", params={"reporter": "<script>"}), 422,
                        "invalid_input")
    assert body["details"][0]["field"] == "reporter"
    early = c.get("/api/regime", params={"on": "2024-01-01"})
    assert early.status_code in (400, 422) and "2024-01-01" in early.text
    page = c.get("/regime", params={"on": "2024-01-01"})
    assert page.status_code == 200 and 'id="regime-error"' in page.text


def test_regime_needs_a_login(client) -> None:
    r = client.get("/api/regime", follow_redirects=False)
    assert r.status_code in (401, 303)


def _run_in_own_loop(coro):  # type: ignore[no-untyped-def]
    """``asyncio.run`` in a thread of its own: in a whole-suite run the browser tests' Playwright
    loop is still running in the main thread, where ``asyncio.run`` refuses to start."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_regime_page_says_what_changed_in_words(as_user) -> None:
    """The changes table lists what came into force and what ended, by title, not 30 ids.

    Dates from measures.yaml: the IEEPA duty before the USMCA exemption ran 2025-03-04 to
    2025-03-06; on 2025-03-07 it gave way to the exempting version and the potash rate.
    """
    import re

    c = as_user("analyst")
    html = c.get("/regime", params={"on": "2026-01-01"}).text
    table = re.search(r'id="table-segments".*?</table>', html, re.S).group(0)
    row = re.search(r"<tr><td[^>]*>2025-03-07</td>.*?</tr>", table, re.S).group(0)
    assert "+ IEEPA (frontera/fentanilo) sobre bienes de México (bienes T-MEC exentos)" in row
    assert "+ IEEPA sobre potasa de México (tasa reducida)" in row
    assert ("− IEEPA (frontera/fentanilo) sobre bienes de México, antes de la exención T-MEC"
            in row)
    assert "s232-" not in table and "ieepa-" not in table  # no ids on the page's tables
    lines = re.search(r'id="table-lines".*?</table>', html, re.S).group(0)
    assert "Sección 232: automóviles y camiones ligeros" in lines and "s232-autos" not in lines
    # the reporter is chosen by name
    assert '<option value="GTO"' in html and ">Guanajuato</option>" in html
    assert ">México (todo el país)</option>" in html
    english = as_user("analyst")
    english.get("/lang/en")
    assert "Section 232 passenger vehicles and light trucks" in english.get(
        "/regime", params={"on": "2026-01-01"}).text


def test_every_measure_has_a_title_in_both_languages() -> None:
    from comexlab.i18n import catalog
    from comexlab.tariffs.regime.timeline import shipped_timeline

    ids = {m.id for m in shipped_timeline().measures}
    assert len(ids) == 34
    missing = sorted(i for i in ids if f"regime.measure.{i}" not in catalog())
    assert missing == []
