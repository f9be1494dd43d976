"""Estimated state × HTS10 lines on the real DataWeb, INEGI and Budget Lab files.

Checks the exact-sum property on real data (32 states + unallocated = national line value),
that unallocated value is reported, and that a DataMéxico-format load for a state and month
replaces the estimate automatically (synthetic file in DataMéxico's column layout).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from comexlab.cli import app
from comexlab.errors import InputError
from comexlab.reports.reporters import resolve_reporter
from comexlab.reports.windows import Window
from comexlab.services.reports import (
    ReportRequest,
    TopLinesRequest,
    allocate_window,
    export_report,
    state_lines,
    top_state_lines,
)
from comexlab.services.scenarios import ScenarioRequest, load_scenario, run_scenario
from comexlab.warehouse import flows, hts
from comexlab.warehouse.db import connect


@pytest.fixture()
def con(flows_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The shared flows warehouse (tests/integration/conftest.py), read-only."""
    return flows_con


def test_all_states_plus_unallocated_equal_the_national_lines(
        con: duckdb.DuckDBPyConnection) -> None:
    result = allocate_window(con, ["2026-01"])
    national = con.execute(
        "SELECT sum(value_usd) FROM flow WHERE source = 'usitc_dataweb' AND reporter = 'MEX' "
        "AND period = '2026-01'").fetchone()[0]
    allocated = result.allocated["value_usd"].sum()
    unallocated = result.unallocated["value_usd"].sum()
    assert allocated + unallocated == pytest.approx(national, abs=1.0)
    assert result.allocated["state"].nunique() == 32
    assert result.base_year == 2018
    reasons = result.unallocated_by_reason()
    assert reasons["no_scian_mapping"] > 0  # chapter 98/99 and lines new since the concordance
    assert reasons["subsector_not_in_inegi"] > 0  # agriculture (111-115) is not in EAEF
    per_line = (result.allocated.groupby("hts10")["value_usd"].sum()
                .add(result.unallocated.groupby("hts10")["value_usd"].sum(), fill_value=0))
    lines = con.execute("SELECT product_code, value_usd FROM flow WHERE source = 'usitc_dataweb' "
                        "AND reporter = 'MEX' AND period = '2026-01'").df()
    lines = lines.set_index("product_code")["value_usd"]
    pd.testing.assert_series_equal(per_line.sort_index(), lines.sort_index(),
                                   check_names=False, check_index_type=False, atol=1e-3)


def test_gto_top_estimated_lines_are_vehicles(con: duckdb.DuckDBPyConnection) -> None:
    found = top_state_lines(con, TopLinesRequest("MX-GTO", Window.parse("2026-01", "2026-02"),
                                                  top=10))
    table, lines = found.table, found.lines
    assert table["estimated"].all()
    assert table.iloc[0]["product_code"].startswith("870")
    # every line of subsector 336 gets GTO's 2018 share of Mexico's 336 exports
    gto_336 = 19_895_014
    national_336 = con.execute(
        "SELECT sum(value_usd) / 1000 FROM flow WHERE source = 'inegi_eaef' AND year = 2018 "
        "AND product_code = '336'").fetchone()[0]
    assert table.iloc[0]["state_share"] == pytest.approx(gto_336 / national_336)
    assert lines.notes[0].key == "report.note.estimated_lines"
    assert {n.key for n in lines.notes} >= {"report.note.unallocated.no_scian_mapping",
                                            "report.note.unallocated.subsector_not_in_inegi"}


def test_top_cli_requires_estimated_and_says_so(flows_wh: Path) -> None:
    args = ["report", "top", "--reporter", "GTO", "--partner", "USA", "--level", "hts10",
            "--from", "2026-01", "--to", "2026-02", "--warehouse", str(flows_wh), "--lang", "en"]
    refused = CliRunner().invoke(app, args)
    assert isinstance(refused.exception, InputError)
    assert "--estimated" in str(refused.exception)
    ok = CliRunner().invoke(app, [*args, "--estimated", "--format", "csv"])
    assert ok.exit_code == 0, ok.output
    header, *body = ok.output.strip().splitlines()
    assert header.startswith("Code,Description,Estimated value (USD)")
    assert all(line.endswith(",yes") for line in body)  # column "Estimated"
    assert "8703230140" in ok.output or "8704310140" in ok.output


def _datamexico_file(path: Path, month: str = "2026-01") -> Path:
    """Guanajuato (State ID 11) exports to the US in ``month``, DataMéxico column layout."""
    mid = month.replace("-", "")
    rows = [
        # HS6 ID = section number + HS6 (section 17 + 870323)
        (mid, month, "11", "Guanajuato", "17870323", "Cars", "2", "Exports", "usa",
         "United States", "1500000000"),
        (mid, month, "11", "Guanajuato", "17870431", "Trucks", "2", "Exports", "usa",
         "United States", "900000000"),
        (mid, month, "11", "Guanajuato", "17870323", "Cars", "2", "Exports", "can",
         "Canada", "70000000"),
    ]
    cols = ["Month ID", "Month", "State ID", "State", "HS6 ID", "HS6", "Flow ID", "Flow",
            "Country ID", "Country", "Trade Value"]
    pd.DataFrame(rows, columns=cols).to_csv(path, index=False)
    return path


def test_real_datamexico_data_replaces_the_estimate(flows_wh_copy: Path,
                                                    tmp_path: Path) -> None:
    con = connect(flows_wh_copy)
    flows.load_source(con, "datamexico", [_datamexico_file(tmp_path / "state11_202601.csv")])
    lines = state_lines(con, "MX-GTO", Window.parse("2026-01", "2026-02"))
    assert lines.real_periods == ("2026-01",)
    jan = lines.rows[lines.rows["period"] == "2026-01"]
    assert not jan["estimated"].any()
    assert jan["value_usd"].sum() == 2_400_000_000  # US only; Canada row excluded
    feb = lines.rows[lines.rows["period"] == "2026-02"]
    assert feb["estimated"].all() and set(feb["product_level"]) == {"hs6"}
    # the S1 report for January picks DataMéxico by itself, with destinations
    report = export_report(con, ReportRequest(reporter=resolve_reporter("GTO"),
                                              window=Window.parse("2026-01")))
    assert report.source.source == "datamexico" and not report.source.estimated
    assert report.total.value_usd == 2_470_000_000
    assert list(report.cut("partner")["code"]) == ["USA", "CAN"]
    con.close()


def test_scenario_for_a_state_uses_real_datamexico_months(flows_wh_copy: Path,
                                                          tmp_path: Path) -> None:
    """usmca-ends for GTO: January 2025 from a DataMéxico-format load, other months estimated.

    The real HS6 value (870323: US$1.5 bn) is spread over the HS6's HTS10 lines by their national
    January value, so the state's January lines of 870323 add up to it exactly.
    """
    con = connect(flows_wh_copy)
    hts.load_edition(con, "2026r10")
    flows.load_source(con, "datamexico",
                      [_datamexico_file(tmp_path / "state11_202501.csv", "2025-01")])
    scenario = load_scenario("usmca-ends", con)
    monthly = run_scenario(con, ScenarioRequest(scenario, reporter="GTO", smart=False,
                                               monthly=True)).lines
    jan = monthly[monthly["period"].astype(str) == "2025-01"]
    assert not jan["estimated"].any()
    cars = jan[jan["product_code"].astype(str).str.startswith("870323")]
    assert cars["value_usd"].sum() == pytest.approx(1_500_000_000)
    assert jan["value_usd"].sum() == pytest.approx(2_400_000_000)
    feb = monthly[monthly["period"].astype(str) == "2025-02"]
    assert feb["estimated"].all() and len(feb) > len(jan)
    # February is the estimate: national line × GTO's 2018 share of subsector 336
    national = con.execute(
        "SELECT value_usd FROM flow WHERE source = 'usitc_dataweb' AND reporter = 'MEX' "
        "AND period = '2025-02' AND product_code = '8703230140'").fetchone()[0]
    share = con.execute(
        "SELECT sum(value_usd) FILTER (WHERE reporter = 'MX-GTO') / sum(value_usd) FROM flow "
        "WHERE source = 'inegi_eaef' AND year = 2018 AND product_code = '336'").fetchone()[0]
    feb_car = feb[feb["product_code"].astype(str) == "8703230140"]["value_usd"].iloc[0]
    assert feb_car == pytest.approx(national * share, rel=1e-9)
    # annual run: the same months added up, and the audit trail names the real month
    annual = run_scenario(con, ScenarioRequest(scenario, reporter="GTO", smart=False))
    assert annual.aggregate().value_usd[0] == pytest.approx(monthly["value_usd"].sum(),
                                                            rel=1e-9)
    real = {n.kind: n for n in annual.audit}["state_real_data"]
    assert real.examples == ("2025-01",)
    con.close()
    result = CliRunner().invoke(app, ["scenario", "run", "usmca-ends", "--reporter", "GTO",
                                      "--no-smart", "--warehouse", str(flows_wh_copy),
                                      "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "real DataMéxico data for 2025-01" in " ".join(result.output.split())
