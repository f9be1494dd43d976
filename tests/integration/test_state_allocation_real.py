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
from comexlab.warehouse import flows
from comexlab.warehouse.db import connect
from comexlab.warehouse.reports import (
    ReportRequest,
    allocate_window,
    export_report,
    state_lines,
    top_state_lines,
)


@pytest.fixture(scope="module")
def wh_path(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("alloc") / "wh.duckdb"
    con = connect(path)
    for source in ("usitc_dataweb", "inegi_eaef"):
        flows.load_source(con, source, data_dir=data_dir)
    flows.load_hts_naics(con, data_dir=data_dir)
    con.close()
    return path


@pytest.fixture()
def con(wh_path: Path) -> duckdb.DuckDBPyConnection:
    c = connect(wh_path, read_only=True)
    yield c
    c.close()


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
    table, lines = top_state_lines(con, "MX-GTO", Window.parse("2026-01", "2026-02"), top=10)
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


def test_top_cli_requires_estimated_and_says_so(wh_path: Path) -> None:
    args = ["report", "top", "--reporter", "GTO", "--partner", "USA", "--level", "hts10",
            "--from", "2026-01", "--to", "2026-02", "--warehouse", str(wh_path), "--lang", "en"]
    refused = CliRunner().invoke(app, args)
    assert isinstance(refused.exception, InputError)
    assert "--estimated" in str(refused.exception)
    ok = CliRunner().invoke(app, [*args, "--estimated", "--format", "csv"])
    assert ok.exit_code == 0, ok.output
    header, *body = ok.output.strip().splitlines()
    assert header.startswith("Code,Description,Estimated value (USD)")
    assert all(line.endswith(",yes") for line in body)  # column "Estimated"
    assert "8703230140" in ok.output or "8704310140" in ok.output


def _datamexico_file(path: Path) -> Path:
    """Guanajuato (State ID 11) exports to the US, January 2026, DataMéxico column layout."""
    rows = [
        # HS6 ID = section number + HS6 (section 17 + 870323)
        ("202601", "2026-01", "11", "Guanajuato", "17870323", "Cars", "2", "Exports", "usa",
         "United States", "1500000000"),
        ("202601", "2026-01", "11", "Guanajuato", "17870431", "Trucks", "2", "Exports", "usa",
         "United States", "900000000"),
        ("202601", "2026-01", "11", "Guanajuato", "17870323", "Cars", "2", "Exports", "can",
         "Canada", "70000000"),
    ]
    cols = ["Month ID", "Month", "State ID", "State", "HS6 ID", "HS6", "Flow ID", "Flow",
            "Country ID", "Country", "Trade Value"]
    pd.DataFrame(rows, columns=cols).to_csv(path, index=False)
    return path


def test_real_datamexico_data_replaces_the_estimate(wh_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "wh_dm.duckdb"
    path.write_bytes(wh_path.read_bytes())
    con = connect(path)
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
