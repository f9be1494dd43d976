"""INEGI EEF (2007–2025) on the real shared files: loader, flags, report, allocation (issue 12).

Expected figures come from two places, both independent of the loader:

* pandas straight over the raw CSV (``_raw``: every column as text, only ``Disponible`` rows
  summed) — the loaded totals must equal it to the dollar;
* published numbers: the package's metadata ("En el 2025 las exportaciones por entidad
  federativa ascendieron a 602,421 millones de dólares"), and EAEF's Guanajuato 2018 total of
  24,913,687 thousand USD (shared/data/PROVENANCE.md, inegi_state_exports), which the EEF
  release of 2026-03-31 revised.

Hand-checked from the raw file (thousands of USD): Guanajuato 2024 40,406,238 and 2025
37,988,315 (336: 29,925,349 → 27,840,980); Jalisco 2024 31,630,634 and 2025 52,576,519 (334:
16,892,867 → 37,864,161); Mexico 2024 559,922,280 and 2025 602,421,110.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from comexlab.cli import app
from comexlab.nomenclature.states import states
from comexlab.reports.reporters import resolve_reporter
from comexlab.reports.windows import Window
from comexlab.services.reports import (
    ReportRequest,
    allocate_window,
    export_report,
    inegi_shares,
    state_lines,
)
from comexlab.warehouse import flows
from comexlab.warehouse.db import connect

FOLDER = "inegi_eef_state_exports_2007_2025"
EEF_FILE = f"{FOLDER}/eef_estatal_anual_tr_cifra_2007_2025.csv.gz"
EAEF_GTO_2018_K = 24_913_687  # PROVENANCE.md, EAEF (2007–2018 file)
AGRICULTURE = ("111", "112", "114")
STATE_CODE = {"GTO": "11", "JAL": "14"}


@pytest.fixture(scope="module")
def raw(shared_file: Callable[[str], Path]) -> pd.DataFrame:
    """The raw EEF rows as text, plus ``k`` = VAL_USD as an integer where a figure exists."""
    df = pd.read_csv(shared_file(EEF_FILE), dtype=str, keep_default_na=False)
    shown = df["ESTATUS_CIFRA"] == "Disponible"
    return df.assign(k=pd.to_numeric(df["VAL_USD"].where(shown)), shown=shown)


def _raw_k(raw: pd.DataFrame, *, year: str, state: str | None = None,
           scian: str | None = None, without: tuple[str, ...] = ()) -> int:
    rows = raw[(raw["ANIO"] == year) & raw["shown"] & ~raw["CODIGO_SCIAN"].isin(without)]
    if state is not None:
        rows = rows[rows["CVE_ENT"] == state]
    if scian is not None:
        rows = rows[rows["CODIGO_SCIAN"] == scian]
    return int(rows["k"].sum())


def _wh_usd(con: duckdb.DuckDBPyConnection, where: str, params: list[object]) -> float:
    found = con.execute(f"SELECT coalesce(sum(value_usd), 0) FROM flow WHERE {where}",
                        params).fetchone()
    return float(found[0])  # type: ignore[index]


# --------------------------------------------------------------------------- loader


def test_totals_per_state_and_year_equal_the_raw_file(eef_con: duckdb.DuckDBPyConnection,
                                                      raw: pd.DataFrame) -> None:
    expected = (raw[raw["shown"]].groupby(["ANIO", "CVE_ENT"])["k"].sum() * 1000)
    got = eef_con.execute(
        "SELECT period, reporter, sum(value_usd) FROM flow WHERE source = 'inegi_eef' "
        "GROUP BY ALL").df()
    code = {s.reporter: s.inegi for s in states()}
    got = got.assign(CVE_ENT=got["reporter"].map(code)).set_index(["period", "CVE_ENT"])
    assert len(got) == len(expected) == 19 * 32
    pd.testing.assert_series_equal(got.iloc[:, -1].sort_index().astype(float),
                                   expected.sort_index().astype(float), check_names=False)
    rows = eef_con.execute("SELECT count(*) FROM flow WHERE source = 'inegi_eef'").fetchone()
    assert rows[0] == int(raw["shown"].sum()) == 8_482  # type: ignore[index]


def test_2025_total_is_the_published_602421_million(eef_con: duckdb.DuckDBPyConnection) -> None:
    total = _wh_usd(eef_con, "source = 'inegi_eef' AND year = 2025", [])
    assert round(total / 1e6) == 602_421  # metadata: "602,421 millones de dólares"
    assert total == 602_421_110_000  # thousands × 1000, exactly


def test_every_reconciliation_check_passes(eef_wh: Path) -> None:
    con = connect(eef_wh, read_only=True)
    results = flows.reconcile(con, "inegi_eef")
    con.close()
    assert {r.check for r in results} == {
        "published figures (all rows)", "code 000 (confidential sum)", "preliminary figures",
        "cells without a figure (a count, not USD)"}
    assert all(r.ok for r in results), results
    counted = {r.check: r.file_total for r in results}
    assert counted["cells without a figure (a count, not USD)"] == 2602 + 5328 + 4
    assert counted["preliminary figures"] == 602_421_110_000


def test_gto_2018_revised_against_eaef_published_figure(eef_con: duckdb.DuckDBPyConnection,
                                                        raw: pd.DataFrame) -> None:
    """EEF restates 2018: Guanajuato's EAEF 24,913,687 k is 24,359,660 k on the same scope.

    EAEF has no agriculture; EEF adds 111 (352,626 k for GTO in 2018). On EAEF's scope the
    revision is −554,027 k (−2.2 %), mostly transport equipment (19,895,014 → 18,583,236).
    """
    eef_all = _wh_usd(eef_con, "source = 'inegi_eef' AND reporter = 'MX-GTO' AND year = 2018",
                      [])
    eef_scope = _wh_usd(eef_con, "source = 'inegi_eef' AND reporter = 'MX-GTO' AND year = 2018 "
                        "AND product_code NOT IN ('111', '112', '114')", [])
    eaef = _wh_usd(eef_con, "source = 'inegi_eaef' AND reporter = 'MX-GTO' AND year = 2018 "
                   "AND product_level = 'total'", [])
    assert eaef == EAEF_GTO_2018_K * 1000
    assert eef_all == _raw_k(raw, year="2018", state="11") * 1000 == 24_712_286_000
    assert eef_scope == _raw_k(raw, year="2018", state="11", without=AGRICULTURE) * 1000
    assert eef_scope - eaef == -554_027_000
    assert eef_scope / eaef - 1 == pytest.approx(-0.02224, abs=1e-5)


def test_eef_equals_eaef_to_2012_and_revises_2013_to_2018(
        eef_con: duckdb.DuckDBPyConnection) -> None:
    """Per state and year, EEF (EAEF's scope) vs EAEF's total row: the revisions by year.

    2007–2012: equal within INEGI's rounding (≤ 3 thousand USD per state). 2013–2018: every
    state revised; national sums rise 0.27 %–2.77 % (2013 +2.765 %, 2018 +1.549 %).
    """
    df = eef_con.execute("""
        WITH eaef AS (SELECT reporter, year, sum(value_usd) AS v FROM flow
                      WHERE source = 'inegi_eaef' AND product_level = 'total' GROUP BY ALL),
             eef AS (SELECT reporter, year, sum(value_usd) AS v FROM flow
                     WHERE source = 'inegi_eef' AND year <= 2018
                       AND product_code NOT IN ('111', '112', '114') GROUP BY ALL)
        SELECT year, reporter, eef.v - eaef.v AS diff, eaef.v AS eaef, eef.v AS eef
        FROM eaef JOIN eef USING (reporter, year)""").df()
    assert len(df) == 12 * 32
    early = df[df["year"] <= 2012]
    assert early["diff"].abs().max() == 3_000  # rounding of the subsectors that sum to it
    late = df[df["year"] >= 2013]
    assert (late["diff"] != 0).all()
    national = late.groupby("year")[["eaef", "eef"]].sum()
    revision = (national["eef"] / national["eaef"] - 1).round(5).to_dict()
    assert revision == {2013: 0.02765, 2014: 0.02355, 2015: 0.00328, 2016: 0.0027,
                        2017: 0.01866, 2018: 0.01549}


def test_withheld_cells_are_listed_not_summed(eef_con: duckdb.DuckDBPyConnection,
                                              raw: pd.DataFrame) -> None:
    counts = dict(eef_con.execute("SELECT cell_status, count(*) FROM flow_withheld "
                                  "WHERE source = 'inegi_eef' GROUP BY ALL").fetchall())
    assert counts == {"confidential": 2602, "not_available": 5328, "not_significant": 4}
    # no withheld cell has a flow row (a 0 would be summed as if known)
    overlap = eef_con.execute("""
        SELECT count(*) FROM flow_withheld w JOIN flow f
          ON f.source = w.source AND f.reporter = w.reporter AND f.period = w.period
         AND f.product_code = w.product_code""").fetchone()
    assert overlap[0] == 0  # type: ignore[index]
    # Guanajuato 2018: mining (212) and petroleum products (324) confidential, their value
    # inside code 000 = UNSPECIFIED (475,190 k); no row of their own in flow
    gto = dict(eef_con.execute(
        "SELECT product_code, cell_status FROM flow_withheld WHERE reporter = 'MX-GTO' "
        "AND year = 2018").fetchall())
    assert gto == {"212": "confidential", "324": "confidential", "211": "not_available",
                   "321": "not_available"}
    unspecified = _wh_usd(eef_con, "source = 'inegi_eef' AND reporter = 'MX-GTO' AND "
                          "year = 2018 AND product_code = 'UNSPECIFIED'", [])
    assert unspecified == _raw_k(raw, year="2018", state="11", scian="000") * 1000 == 475_190_000


def test_revision_status_by_year(eef_con: duckdb.DuckDBPyConnection) -> None:
    found = eef_con.execute(
        "SELECT revision_status, min(year), max(year) FROM flow WHERE source = 'inegi_eef' "
        "GROUP BY ALL ORDER BY 2").fetchall()
    assert found == [("definitive", 2007, 2017), ("revised", 2018, 2024),
                     ("preliminary", 2025, 2025)]
    older = eef_con.execute("SELECT count(*) FROM flow WHERE source <> 'inegi_eef' "
                            "AND revision_status IS NOT NULL").fetchone()
    assert older[0] == 0  # type: ignore[index]  # other sources do not say: NULL, not a guess


def test_confidential_sum_takes_no_allocation_share(eef_con: duckdb.DuckDBPyConnection) -> None:
    source, shares = inegi_shares(eef_con)
    assert source == "inegi_eef" and sorted(shares) == list(range(2007, 2026))
    s2025 = shares[2025]
    assert not s2025["scian3"].isin(["UNSPECIFIED", "000"]).any()
    sums = s2025.groupby("scian3")["state_share"].sum()
    assert sums.to_numpy() == pytest.approx(1.0)
    assert {"111", "112", "114"} <= set(s2025["scian3"])  # agriculture from 2018
    assert not {"111", "112", "114"} & set(shares[2017]["scian3"])


def test_a_warehouse_from_before_the_status_column_gains_it(tmp_path: Path) -> None:
    """Backward compatible: an older ``flow`` table gets ``revision_status`` empty, rows kept."""
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute("""CREATE TABLE flow (source VARCHAR NOT NULL, reporter VARCHAR NOT NULL,
        reporter_level VARCHAR NOT NULL, reported_by VARCHAR NOT NULL, partner VARCHAR NOT NULL,
        flow VARCHAR NOT NULL, period VARCHAR NOT NULL, year SMALLINT NOT NULL, month TINYINT,
        product_code VARCHAR NOT NULL, classification VARCHAR NOT NULL,
        product_level VARCHAR NOT NULL, value_usd DOUBLE NOT NULL, quantity DOUBLE,
        quantity_unit VARCHAR, preference_value_usd DOUBLE, preference_program VARCHAR,
        firms INTEGER)""")
    old.execute("INSERT INTO flow VALUES ('inegi_eaef', 'MX-GTO', 'state', 'MEX', 'WLD', "
                "'export', '2018', 2018, NULL, '336', 'SCIAN', 'scian3', 5.0, NULL, NULL, "
                "NULL, NULL, NULL)")
    old.close()
    con = connect(path)
    assert con.execute("SELECT value_usd, revision_status FROM flow").fetchall() == [(5.0, None)]
    con.close()


# --------------------------------------------------------------------------- report


@pytest.mark.parametrize(("state", "current_k", "prior_k", "lead", "lead_k"), [
    ("GTO", 37_988_315, 40_406_238, "336", (27_840_980, 29_925_349)),
    ("JAL", 52_576_519, 31_630_634, "334", (37_864_161, 16_892_867)),
])
def test_2025_vs_2024_report_from_eef(eef_con: duckdb.DuckDBPyConnection, raw: pd.DataFrame,
                                      state: str, current_k: int, prior_k: int, lead: str,
                                      lead_k: tuple[int, int]) -> None:
    report = export_report(eef_con, ReportRequest(reporter=resolve_reporter(state),
                                                  window=Window.parse("2025")))
    code = STATE_CODE[state]
    assert report.source.source == "inegi_eef"  # chosen by itself: EAEF ends in 2018
    assert current_k == _raw_k(raw, year="2025", state=code)
    assert prior_k == _raw_k(raw, year="2024", state=code)
    assert report.total.value_usd == current_k * 1000
    assert report.total.prior_value_usd == prior_k * 1000
    assert report.total.change_pct == pytest.approx(current_k / prior_k - 1)
    national = _raw_k(raw, year="2025")
    assert national == 602_421_110
    assert report.total.national_share == pytest.approx(current_k / national)
    sub = report.cut("subsector").set_index("code")
    assert sub.index[0] == lead
    assert (sub.at[lead, "value_usd"], sub.at[lead, "prior_value_usd"]) == (
        lead_k[0] * 1000, lead_k[1] * 1000)
    assert sub["value_usd"].sum() == pytest.approx(report.total.value_usd)
    notes = {n.key: {k: str(v) for k, v in n.params.items()} for n in report.notes}
    assert notes["report.note.status.preliminary"]["years"] == "2025"
    assert notes["report.note.status.revised"]["years"] == "2024"


def test_newer_package_wins_for_2018_and_eaef_stays_reachable(
        eef_con: duckdb.DuckDBPyConnection) -> None:
    gto = resolve_reporter("GTO")
    auto = export_report(eef_con, ReportRequest(reporter=gto, window=Window.parse("2018")))
    assert auto.source.source == "inegi_eef"
    assert auto.total.value_usd == 24_712_286_000
    old = export_report(eef_con, ReportRequest(reporter=gto, window=Window.parse("2018"),
                                               source="inegi_eaef"))
    assert old.total.value_usd == EAEF_GTO_2018_K * 1000


def test_cli_report_2025_names_eef_and_says_preliminary(eef_wh: Path) -> None:
    result = CliRunner().invoke(app, ["report", "exports", "--reporter", "GTO", "--from", "2025",
                                      "--to", "2025", "--warehouse", str(eef_wh), "--lang",
                                      "en"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Exports of Guanajuato, 2025 vs 2024" in text
    assert "US$37.99 bn; -6.0% vs. 2024" in text
    assert "(EEF)" in text
    assert "INEGI EEF figures for 2025 are PRELIMINARY" in text
    es = CliRunner().invoke(app, ["report", "exports", "--reporter", "GTO", "--from", "2025",
                                  "--warehouse", str(eef_wh)])
    assert "son PRELIMINARES" in " ".join(es.output.split())


# --------------------------------------------------------------------------- allocation


def test_2025_flows_take_2025_shares_and_2026_flows_the_latest(
        eef_con: duckdb.DuckDBPyConnection, raw: pd.DataFrame) -> None:
    result = allocate_window(eef_con, ["2025-12", "2026-01"], states_wanted=["MX-GTO"])
    assert dict(result.share_years) == {2025: 2025, 2026: 2025}
    assert result.fallbacks() == {2026: 2025}
    assert result.share_source == "inegi_eef"
    share_336 = (_raw_k(raw, year="2025", state="11", scian="336")
                 / _raw_k(raw, year="2025", scian="336"))
    cars = result.allocated[result.allocated["hts10"] == "8703230140"]
    assert cars["state_share"].to_numpy() == pytest.approx([share_336, share_336])
    assert share_336 == pytest.approx(0.1310, abs=1e-4)  # EAEF 2018: 0.1230


def test_state_lines_notes_name_eef_the_stand_in_year_and_preliminary(
        eef_con: duckdb.DuckDBPyConnection) -> None:
    lines = state_lines(eef_con, "MX-JAL", Window.parse("2025-11", "2026-02"))
    notes = {n.key: {k: str(v) for k, v in n.params.items()} for n in lines.notes}
    assert notes["report.note.estimated_lines"] == {"inegi": "EEF", "base_year": "2025"}
    assert notes["report.note.share_year_fallback"] == {"inegi": "EEF", "flow_year": "2026",
                                                        "share_year": "2025"}
    assert notes["report.note.status.preliminary"]["years"] == "2025"


def test_exact_sum_with_eef_shares_and_agriculture_now_allocated(
        eef_con: duckdb.DuckDBPyConnection, flows_con: duckdb.DuckDBPyConnection) -> None:
    result = allocate_window(eef_con, ["2025-06"])
    national = _wh_usd(eef_con, "source = 'usitc_dataweb' AND reporter = 'MEX' AND "
                       "period = '2025-06'", [])
    total = result.allocated["value_usd"].sum() + result.unallocated["value_usd"].sum()
    assert total == pytest.approx(national, abs=1.0)
    with_eef = result.unallocated_by_reason()["subsector_not_in_inegi"]
    with_eaef = allocate_window(flows_con, ["2025-06"]).unallocated_by_reason()[
        "subsector_not_in_inegi"]
    assert with_eef < 0.05 * with_eaef  # agriculture 111/112/114 has EEF shares since 2018


def test_report_labels_are_the_catalogs_words(shared_file: Callable[[str], Path]) -> None:
    """INEGI's tc_scian.csv names = the Spanish names the reports print (nomenclature/scian),
    and tc_entidad.csv names = the project's official state names, code by code."""
    from comexlab.nomenclature.scian import subsectors

    scian = pd.read_csv(shared_file(f"{FOLDER}/tc_scian.csv"), dtype=str)
    named = dict(zip(scian["CODIGO_SCIAN"], scian["DESCRIPCION"], strict=True))
    assert named.pop("000") == "Subsectores no especificados"
    assert named == {code: subsectors()[code].name_es for code in named}
    entidad = pd.read_csv(shared_file(f"{FOLDER}/tc_entidad.csv"), dtype=str)
    official = {s.inegi: s.name for s in states()}
    assert dict(zip(entidad["CVE_ENT"], entidad["NOM_ENTIDAD"], strict=True)) == {
        **official, "33": "Otras entidades"}
