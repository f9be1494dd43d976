"""Dashboard and scenario pages/API on the real report and scenario services and real files."""

from __future__ import annotations

import io
import time

import pytest
from openpyxl import load_workbook
from web_helpers import assert_error, login, use_services


def test_dashboard_gto_2018_matches_report_service(as_user) -> None:
    c = as_user("analyst")
    d = c.get("/api/dashboard", params={"reporter": "MX-GTO", "start": "2018"}).json()
    # INEGI EEF (the demo loads it; the newer package wins over EAEF for 2007-2018, issue 12):
    # Guanajuato 2018 exports US$24,712,286 thousand, 2017 US$24,410,633 thousand — sums of
    # the raw file's 'Disponible' rows (EAEF had 24,913,687 and 23,360,291 before the revision;
    # tests/integration/test_inegi_eef_real.py checks both). The same figures
    # `comexlab report exports --reporter GTO --from 2018` prints.
    assert d["total_usd"] == pytest.approx(24_712_286_000)
    assert d["prior_total_usd"] == pytest.approx(24_410_633_000)
    assert d["change"] == pytest.approx(24_712_286 / 24_410_633 - 1)
    assert d["sectors"][0]["code"] == "336"  # transport equipment leads Guanajuato
    assert sum(s["value_usd"] for s in d["sectors"]) == pytest.approx(d["total_usd"])
    assert d["destinations"] == []  # INEGI has no destinations: listed as missing, not invented
    assert d["missing"] and d["estimated"] is False
    assert [p["period"] for p in d["series"]][:2] == ["2007", "2008"]


def test_dashboard_mexico_monthly_by_section(as_user) -> None:
    c = as_user("analyst")
    d = c.get("/api/dashboard", params={"reporter": "MEX", "start": "2026-01",
                                        "end": "2026-02"}).json()
    assert (d["prior_start"], d["prior_end"]) == ("2025-01", "2025-02")
    assert d["sectors"][0]["code"] == "XVI"  # machinery & electrical equipment
    assert d["destinations"] == []  # DataWeb is US imports only: no destination cut
    assert len(d["products"]) >= 10


def test_dashboard_uncovered_window_is_404_in_api_and_message_in_page(as_user) -> None:
    c = as_user("analyst")
    params = {"reporter": "MX-GTO", "start": "2026-01", "end": "2026-02"}
    body = assert_error(c.get("/api/dashboard", params=params), 404, "not_found")
    assert "estimated" in body["message"]
    page = c.get("/dashboard", params=params)
    assert page.status_code == 200 and 'id="dash-error"' in page.text
    est = c.get("/api/dashboard", params={**params, "estimated": "true"}).json()
    assert est["estimated"] is True and est["total_usd"] > 0


def test_dashboard_bad_period_names_field(as_user) -> None:
    c = as_user("analyst")
    body = assert_error(c.get("/api/dashboard", params={"start": "20x8"}), 422, "invalid_input")
    assert body["details"][0]["field"] == "start"


def test_dashboard_page_has_offline_charts_and_spanish_numbers(as_user) -> None:
    c = as_user("analyst")
    html = c.get("/dashboard", params={"reporter": "MX-GTO", "start": "2018"}).text
    assert 'src="/static/vendor/echarts.min.js"' in html and "cdn" not in html.lower()
    assert 'data-chart="chart-sectors"' in html and 'data-chart="chart-series"' in html
    # es_MX (Mexico writes a decimal point): "mil M" = billions; no-break spaces: never wraps
    assert "US$24.71\u00a0mil\u00a0M" in html and "US$24.71 mil M" not in html
    c.cookies.set("lang", "en")
    html_en = c.get("/dashboard", params={"reporter": "MX-GTO", "start": "2018"}).text
    assert "US$24.71\u00a0bn" in html_en and "State exports" in html_en


def test_vendored_assets_served(client) -> None:
    for path in ("/static/vendor/htmx.min.js", "/static/vendor/echarts.min.js", "/static/app.js"):
        r = client.get(path)
        assert r.status_code == 200 and len(r.content) > 1000


def test_firm_user_may_read_dashboard_but_not_run_scenarios(as_user) -> None:
    c = as_user("firm_a")
    assert c.get("/api/dashboard").status_code == 200
    assert_error(c.get("/api/scenarios"), 403, "forbidden")
    assert_error(c.post("/api/scenarios/runs", json={"scenario": "usmca-ends"}), 403, "forbidden")


def _wait(c, run_id: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = c.get(f"/api/scenarios/runs/{run_id}").json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.1)
    raise AssertionError("scenario run did not finish")


def test_usmca_ends_run_headline_lines_and_downloads(as_user) -> None:
    c = as_user("analyst")
    names = [s["name"] for s in c.get("/api/scenarios").json()]
    assert {"usmca-ends", "nafta-ends", "s232-autos", "s232-metals"} <= set(names)
    r = c.post("/api/scenarios/runs", json={"scenario": "usmca-ends"})
    assert r.status_code == 202
    run_id = r.json()["run_id"]
    assert _wait(c, run_id)["status"] == "done"
    res = c.get(f"/api/scenarios/runs/{run_id}/result").json()
    fig = {f["key"]: f["value"] for f in res["headline"]}
    # PROVENANCE: US imports 2025 from Mexico $530.7 bn + Canada $380.3 bn = $911.0 bn
    assert fig["value_usd"] == pytest.approx(911.0e9, rel=1e-3)
    assert 0 < fig["share_exposed"] < 1 and fig["duty_after"] > fig["duty_before"]
    assert {"section", "chapter"} <= set(res["by_group"])
    # audit trail shown, its kinds by name in the reader's language (Spanish by default)
    assert any(n.startswith("sin fracción arancelaria: ") for n in res["notes"])
    # line table: sort, filter, page
    top = c.get(f"/api/scenarios/runs/{run_id}/lines",
                params={"sort": "value_usd", "desc": "true", "page_size": 5}).json()
    assert top["total"] == res["line_count"]
    values = [row["value_usd"] for row in top["rows"]]
    assert values == sorted(values, reverse=True)
    # PROVENANCE: the largest 2025 Mexican line is 8471500150 (computers, $80.6 bn)
    assert top["rows"][0]["product_code"] == "8471500150"
    assert top["rows"][0]["value_usd"] == pytest.approx(80.6e9, rel=2e-3)
    autos = c.get(f"/api/scenarios/runs/{run_id}/lines", params={"q": "8703230140"}).json()
    assert autos["total"] >= 1 and all("8703230140" in r["product_code"] for r in autos["rows"])
    page2 = c.get(f"/api/scenarios/runs/{run_id}/lines", params={"page": 2, "page_size": 5})
    assert page2.json()["page"] == 2
    assert_error(c.get(f"/api/scenarios/runs/{run_id}/lines", params={"sort": "nope"}),
                 422, "invalid_input")
    # downloads
    xlsx = c.get(f"/api/scenarios/runs/{run_id}/download", params={"format": "xlsx"})
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    sheet = wb[wb.sheetnames[0]]
    assert sheet.max_row == res["line_count"] + 1
    csv = c.get(f"/scenarios/runs/{run_id}/download.csv")
    assert csv.text.count("\n") == res["line_count"] + 1
    # the page shows headline, charts and the table
    page = c.get(f"/scenarios/runs/{run_id}").text
    assert 'id="headline"' in page and 'data-chart="chart-section"' in page
    assert 'id="line-table"' in page


def test_run_recorded_through_single_writer(as_user, app) -> None:
    c = as_user("analyst")
    run_id = c.post("/api/scenarios/runs", json={"scenario": "s232-autos"}).json()["run_id"]
    assert _wait(c, run_id)["status"] == "done"
    row = app.state.ctx.warehouse.read_sync(lambda con: con.execute(
        "SELECT scenario, username FROM web_scenario_run WHERE run_id = ?", [run_id]).fetchone())
    assert row == ("s232-autos", "analyst")


def test_uploaded_bad_yaml_fails_with_line_and_key(as_user) -> None:
    c = as_user("analyst")
    bad = "name: x\ntitle: t\nbase:\n  edition: 2026r10\n  programs: [S]\n  surprise: 1\n"
    # refused before it is queued (issue 9): 422 with the problems, no run to poll
    body = assert_error(c.post("/api/scenarios/runs", json={"yaml": bad}), 422, "invalid_input")
    assert "no es válido" in body["message"]
    assert any(d["field"] and "surprise" in d["field"] and d["row"] == 6
               for d in body["details"])


def test_run_request_needs_exactly_one_source(as_user) -> None:
    c = as_user("analyst")
    assert_error(c.post("/api/scenarios/runs", json={}), 422, "invalid_input")
    assert_error(c.post("/api/scenarios/runs", json={"scenario": "usmca-ends", "yaml": "x"}),
                 422, "invalid_input")


def test_runs_visible_to_owner_and_admin_only(as_user) -> None:
    a = as_user("analyst")
    run_id = a.post("/api/scenarios/runs", json={"scenario": "s232-metals"}).json()["run_id"]
    _wait(a, run_id)
    assert as_user("admin").get(f"/api/scenarios/runs/{run_id}").status_code == 200
    with_other = as_user("analyst2")
    assert_error(with_other.get(f"/api/scenarios/runs/{run_id}"), 404, "not_found")
    assert_error(as_user("firm_a").get(f"/api/scenarios/runs/{run_id}"), 403, "forbidden")


def test_long_run_does_not_block_other_requests(as_user, app) -> None:
    import threading

    release = threading.Event()
    real = app.state.ctx.services.scenario_run

    def slow(**kwargs):
        kwargs["progress"](0.5, "waiting")
        release.wait(30)
        return real(**kwargs)

    use_services(app, scenario_run=slow)
    c = as_user("analyst")
    run_id = c.post("/api/scenarios/runs", json={"scenario": "usmca-ends"}).json()["run_id"]
    t0 = time.monotonic()
    assert c.get("/api/dashboard").status_code == 200
    assert c.get("/api/firms").status_code == 200
    assert time.monotonic() - t0 < 10
    status = c.get(f"/api/scenarios/runs/{run_id}").json()
    assert status["status"] == "running" and status["progress"] == 0.5
    assert "run-progress" in c.get(f"/scenarios/runs/{run_id}/progress").text
    release.set()
    assert _wait(c, run_id)["status"] == "done"


def test_run_page_leads_with_four_figures_and_sorts_lines_by_added_duty(as_user) -> None:
    """Issue 13: 4 key figures big, the rest and the audit folded, lines by added duty."""
    c = as_user("analyst")
    shipped = {s["name"]: s for s in c.get("/api/scenarios").json()}  # Spanish by default
    assert shipped["s232-autos"]["title"].startswith("Sección 232 autos")
    assert "Arancel adicional del 25 %" in shipped["s232-autos"]["description"]
    en = as_user("analyst")
    en.cookies.set("lang", "en")
    assert any(s["title"].startswith("Section 232 autos") for s in en.get("/api/scenarios").json())
    run_id = c.post("/api/scenarios/runs",
                    json={"scenario": "s232-autos", "reporter": "MEX"}).json()["run_id"]
    assert _wait(c, run_id)["status"] == "done"
    res = c.get(f"/api/scenarios/runs/{run_id}/result").json()
    # charts: chapter and SCIAN names beside the codes, never a bar labelled 'nan'
    labels = {g: [r["label"] for r in rows] for g, rows in res["by_group"].items()}
    assert "87 Vehículo" in labels["chapter"]  # sa2_descriptions_es.csv, chapter 87
    assert all(lab.split()[0].isdigit() and len(lab.split()) > 1 for lab in labels["subsector"]
               if "correspondencia" not in lab)
    assert not any("nan" in lab.split() for group in labels.values() for lab in group)
    primary = [f["key"] for f in res["headline"] if f["primary"]]
    assert primary == ["share_exposed", "duty_change", "neutralising_cut", "rate_after_tw"]
    page = c.get(f"/scenarios/runs/{run_id}").text
    assert res["title"].startswith("Sección 232 autos")
    key_block = page[page.index('id="headline"'):page.index('id="more-figures"')]
    assert key_block.count('class="kpi kpi-key"') == 4
    assert '<details id="run-notes">' in page and 'class="note"' not in page
    # the table opens on added duty, descending, with the description path beside the code
    first = c.get(f"/scenarios/runs/{run_id}/lines").text
    assert "▼" in first and "Arancel adicional USD" in first
    top = c.get(f"/api/scenarios/runs/{run_id}/lines",
                params={"sort": "duty_change", "desc": "true", "page_size": 50}).json()
    changes = [r["duty_change"] for r in top["rows"]]
    assert changes == sorted(changes, reverse=True) and changes[0] > 0
    assert {r["reporter"] for r in top["rows"]} == {"MEX"}
    cars = c.get(f"/api/scenarios/runs/{run_id}/lines", params={"q": "8703230140"}).json()
    # HTS 2026: 8703 Motor cars … › … › 8703.23.01.40 'New' (a line alone reads 'New')
    path = cars["rows"][0]["description_path"]
    assert path.count(" › ") >= 2 and path.startswith("Motor cars")
    first_row = first[first.index("<tbody>"):].split("</tr>")[0]
    assert f"{changes[0]:,.0f}".split(",")[0] in first_row


def test_saved_run_reloads_after_restart_lists_and_compares(as_user, app, web_env) -> None:
    """Issue 13: a run is kept in the warehouse; a new app on the same files shows it."""
    from fastapi.testclient import TestClient

    from comexlab.web.app import create_app

    c = as_user("analyst")
    ids = []
    for name in ("s232-autos", "s232-metals"):
        run_id = c.post("/api/scenarios/runs",
                        json={"scenario": name, "reporter": "MEX"}).json()["run_id"]
        assert _wait(c, run_id)["status"] == "done"
        ids.append(run_id)
    before = c.get(f"/api/scenarios/runs/{ids[0]}/result").json()
    app.state.ctx.warehouse.close()  # the server stops (its writer drained)
    fresh = create_app(web_env.settings)  # and restarts: empty job list, same files
    with TestClient(fresh, raise_server_exceptions=False) as other:
        other.cookies.update(c.cookies)
        page = other.get(f"/scenarios/runs/{ids[0]}")
        assert page.status_code == 200 and 'id="headline"' in page.text
        after = other.get(f"/api/scenarios/runs/{ids[0]}/result").json()
        assert after["headline"] == before["headline"] and after["title"] == before["title"]
        lines = other.get(f"/scenarios/runs/{ids[0]}/lines", params={"q": "8703"}).text
        assert "8703" in lines
        assert other.get(f"/scenarios/runs/{ids[0]}/download.csv").status_code == 200
        listing = other.get("/scenarios/runs").text
        assert all(f"/scenarios/runs/{i}" in listing for i in ids) and "analyst" in listing
        compare = other.get("/scenarios/compare", params={"a": ids[0], "b": ids[1]}).text
        assert "Sección 232 autos" in compare and "Sección 232 metales" in compare
        # someone else's run stays private; an unknown id is a 404, not a 500
        assert other.get("/scenarios/runs/ffffffffffffffff").status_code == 404
        assert other.get("/scenarios/runs/..%2Fetc").status_code == 404
        stranger = login(TestClient(fresh, raise_server_exceptions=False), "analyst2")
        assert stranger.get(f"/scenarios/runs/{ids[0]}").status_code == 404
        assert f"/scenarios/runs/{ids[0]}" not in stranger.get("/scenarios/runs").text
    fresh.state.ctx.warehouse.close()
