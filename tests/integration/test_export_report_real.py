"""The S1 export report on the real shared files, checked against published figures.

INEGI figures: shared/data/PROVENANCE.md (inegi_state_exports) — Guanajuato 2018 total
24,913,687 k USD, transport equipment (336) 19,895,014; Jalisco 2018 20,405,738, beverages (312)
1,504,118, plastics (326) 2,013,386; 32 states 2018: 387,442,789. The prior-year figures and the
DataWeb window sums are recomputed here with pandas straight from the files, independently of
the loaders.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from comexlab.cli import app
from comexlab.nomenclature.hs import section_of
from comexlab.reports.reporters import resolve_reporter
from comexlab.reports.windows import Window
from comexlab.services.reports import ReportRequest, export_report

INEGI_LONG = "inegi_state_exports/eaef_state_subsector_exports_2007_2018_long.csv"
DATAWEB = "usitc_dataweb_us_imports_mx_ca"


@pytest.fixture()
def con(flows_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The shared flows warehouse (tests/integration/conftest.py), read-only."""
    return flows_con


def _inegi(shared_file: Callable[[str], Path]) -> pd.DataFrame:
    return pd.read_csv(shared_file(INEGI_LONG), dtype={"Código": str}, keep_default_na=False)


def _inegi_value(df: pd.DataFrame, state: str, year: int, label: str) -> float:
    rows = df[(df["state"] == state) & (df["year"] == year) & (df["Descripción"] == label)]
    return float(rows["USD"].astype(float).sum()) * 1000


def _report(con: duckdb.DuckDBPyConnection, reporter: str, start: str, end: str, **kw: object):
    req = ReportRequest(reporter=resolve_reporter(reporter), window=Window.parse(start, end),
                        **kw)  # type: ignore[arg-type]
    return export_report(con, req)


@pytest.mark.parametrize(("state", "name", "total_k", "subsectors_k"), [
    ("GTO", "Guanajuato", 24_913_687, {"336": 19_895_014}),
    ("JAL", "Jalisco", 20_405_738, {"312": 1_504_118, "326": 2_013_386}),
])
def test_state_2018_report_matches_inegi(con: duckdb.DuckDBPyConnection,
                                         shared_file: Callable[[str], Path], state: str,
                                         name: str, total_k: int,
                                         subsectors_k: dict[str, int]) -> None:
    report = _report(con, state, "2018", "2018")
    assert report.source.source == "inegi_eaef"
    assert report.total.value_usd == total_k * 1000
    raw = _inegi(shared_file)
    prior = _inegi_value(raw, name, 2017, "Exportaciones totales")
    assert report.total.prior_value_usd == prior
    assert report.total.change_pct == pytest.approx(total_k * 1000 / prior - 1)
    assert report.total.national_value_usd == 387_442_789_000
    assert report.total.national_share == pytest.approx(total_k / 387_442_789)
    sub = report.cut("subsector").set_index("code")
    for code, value_k in subsectors_k.items():
        assert sub.loc[code, "value_usd"] == value_k * 1000
    assert sub["value_usd"].sum() == pytest.approx(report.total.value_usd)
    assert {m.cut for m in report.missing} == {"product", "partner"}


def test_gto_transport_equipment_leads_and_change_on_2017(
        con: duckdb.DuckDBPyConnection, shared_file: Callable[[str], Path]) -> None:
    sub = _report(con, "MX-GTO", "2018", "2018").cut("subsector")
    top = sub.iloc[0]
    assert top["code"] == "336"
    raw = _inegi(shared_file)
    prior_336 = float(raw[(raw["state"] == "Guanajuato") & (raw["year"] == 2017)
                          & (raw["Código"] == "336")]["USD"].astype(float).iloc[0]) * 1000
    assert top["prior_value_usd"] == prior_336
    assert top["change_pct"] == pytest.approx(19_895_014_000 / prior_336 - 1)
    assert top["share"] == pytest.approx(19_895_014 / 24_913_687)


def _dataweb_mex(shared_file: Callable[[str], Path], months: list[str]) -> pd.DataFrame:
    folder = shared_file(DATAWEB)
    frames = [pd.read_csv(folder / f"usmca_product_shares_{m.replace('-', '_')}.csv.gz",
                          dtype={"hts10": str, "cty_code": str}) for m in months]
    raw = pd.concat(frames)
    return raw[raw["cty_code"] == "2010"]


def test_mexico_to_us_jan_feb_2026_by_section(con: duckdb.DuckDBPyConnection,
                                              shared_file: Callable[[str], Path]) -> None:
    report = _report(con, "Mexico", "2026-01", "2026-02", partner="USA", by="section")
    assert report.source.source == "usitc_dataweb"
    now = _dataweb_mex(shared_file, ["2026-01", "2026-02"])
    before = _dataweb_mex(shared_file, ["2025-01", "2025-02"])
    assert report.total.value_usd == now["total_value"].sum()
    assert report.total.prior_value_usd == before["total_value"].sum()
    sections = report.cut("section").set_index("code")
    assert sections["value_usd"].sum() == pytest.approx(report.total.value_usd)
    # Section XVI (chapters 84-85) from the raw file, independently of the cut code
    xvi_now = now[now["hts10"].map(lambda c: section_of(c).roman) == "XVI"]["total_value"].sum()
    assert sections.loc["XVI", "value_usd"] == xvi_now
    assert sections.index[0] == "XVI"
    assert [c.cut for c in report.cuts] == ["section", "product"]
    assert {m.cut: m.reason.key for m in report.missing} == {
        "partner": "report.why.partner_filtered"}
    assert "report.caveat.dataweb_mirror" in [n.key for n in report.notes]


def test_comtrade_report_carries_the_incomplete_caveat(con: duckdb.DuckDBPyConnection) -> None:
    report = _report(con, "MEX", "2019", "2019")
    assert report.source.source == "comtrade"
    assert "report.caveat.comtrade_incomplete" in [n.key for n in report.notes]
    partners = report.cut("partner")
    assert partners.iloc[0]["code"] == "USA"
    # PROVENANCE: sum over partners of Mexican exports to the US in 2019 = $351.5 bn
    assert round(partners.iloc[0]["value_usd"] / 1e9, 1) == 351.5


def test_monthly_state_report_without_state_data_refuses_unless_estimated(
        con: duckdb.DuckDBPyConnection) -> None:
    from comexlab.errors import NotFoundError

    with pytest.raises(NotFoundError, match="--estimated"):
        _report(con, "GTO", "2026-01", "2026-02")
    report = _report(con, "GTO", "2026-01", "2026-02", allow_estimated=True)
    assert report.source.estimated
    assert report.notes[0].key == "report.note.estimated"
    assert 0 < report.total.value_usd < report.total.national_value_usd


def test_cli_xlsx_is_a_forwardable_workbook(flows_wh: Path, tmp_path: Path) -> None:
    out = tmp_path / "gto.xlsx"
    result = CliRunner().invoke(app, ["report", "exports", "--reporter", "Guanajuato",
                                      "--from", "2018", "--to", "2018", "--format", "xlsx",
                                      "--output", str(out), "--warehouse", str(flows_wh)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Resumen", "Por sector", "Por subsector", "Cortes no disponibles",
                             "notes"]
    ws = wb["Por subsector"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["Clave", "Descripción", "Valor 2018 (USD)", "Valor 2017 (USD)"]
    assert ws["A2"].value == "336" and ws["C2"].value == 19_895_014_000
    assert ws["C2"].number_format == "#,##0"
    assert ws.cell(2, headers.index("Variación %") + 1).number_format == "0.0%"
    notes = [r[0].value for r in wb["notes"].iter_rows(min_row=2)]
    assert any("INEGI" in n for n in notes)
    assert any("sha256" in n for n in notes)


def test_cli_json_in_english(flows_wh: Path) -> None:
    result = CliRunner().invoke(app, ["report", "exports", "--reporter", "MEX", "--partner",
                                      "USA", "--from", "2026-01", "--to", "2026-02", "--by",
                                      "section", "--format", "json", "--lang", "en",
                                      "--warehouse", str(flows_wh)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["title"] == "Exports of Mexico to United States, Jan–Feb 2026 vs Jan–Feb 2025"
    assert doc["window"] == ["2026-01", "2026-02"] and doc["prior"] == ["2025-01", "2025-02"]
    assert doc["cuts"]["section"][0]["code"] == "XVI"
    assert doc["missing"][0]["cut"] == "partner"
