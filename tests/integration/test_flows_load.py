"""Flow sources loaded from the real shared files: totals reconcile to the dollar.

Published figures are from shared/data/PROVENANCE.md (sums over the files, computed by the
data curator independently of comexlab).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from comexlab.sources import flow_sources
from comexlab.warehouse import flows


def _value(con: duckdb.DuckDBPyConnection, where: str, params: list[object]) -> float:
    rows = con.execute(f"SELECT sum(value_usd) FROM flow WHERE {where}", params).fetchall()
    return float(rows[0][0])


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, data_dir: Path,
           ) -> duckdb.DuckDBPyConnection:
    from comexlab.warehouse.db import connect

    con = connect(tmp_path_factory.mktemp("wh") / "flows.duckdb")
    for source in flow_sources.SHIPPED:
        flows.load_source(con, source, data_dir=data_dir)
    return con


@pytest.mark.parametrize("source", flow_sources.SHIPPED)
def test_every_check_reconciles_to_the_dollar(loaded: duckdb.DuckDBPyConnection,
                                              source: str) -> None:
    results = flows.reconcile(loaded, source)
    assert results, f"{source} has no reconciliation checks"
    for r in results:
        assert r.ok, f"{source} {r.check}: file {r.file_total:,.0f} vs wh {r.warehouse_total:,.0f}"


def test_mexico_and_canada_to_us_2025(loaded: duckdb.DuckDBPyConnection,
                                      shared_file: Callable[[str], Path]) -> None:
    # PROVENANCE: US imports from Mexico in 2025 = $530.7 bn, Canada $380.3 bn
    mex = _value(loaded, "source = 'usitc_dataweb' AND reporter = 'MEX' AND year = 2025", [])
    can = _value(loaded, "source = 'usitc_dataweb' AND reporter = 'CAN' AND year = 2025", [])
    assert round(mex / 1e9, 1) == 530.7
    assert round(can / 1e9, 1) == 380.3
    # to the dollar against the file's own sum (computed with pandas, not the loader)
    import pandas as pd

    folder = shared_file("usitc_dataweb_us_imports_mx_ca")
    raw = sum(
        pd.read_csv(f, dtype={"hts10": str, "cty_code": str})
        .query("cty_code == '2010'")["total_value"].sum()
        for f in sorted(folder.glob("usmca_product_shares_2025_??.csv.gz")))
    assert mex == raw == 530_724_611_270
    # PROVENANCE: USMCA-claimed share for Mexico, whole 2025 = 67.9%
    row = loaded.execute(
        "SELECT sum(preference_value_usd) / sum(value_usd) FROM flow WHERE source = "
        "'usitc_dataweb' AND reporter = 'MEX' AND year = 2025").fetchone()
    assert row is not None and round(row[0], 3) == 0.679


def test_largest_mexican_line_2025(loaded: duckdb.DuckDBPyConnection) -> None:
    # PROVENANCE: 8471500150 (computers) $80.6 bn
    row = loaded.execute(
        "SELECT product_code, sum(value_usd) FROM flow WHERE source = 'usitc_dataweb' AND "
        "reporter = 'MEX' AND year = 2025 GROUP BY 1 ORDER BY 2 DESC LIMIT 1").fetchone()
    assert row is not None and row[0] == "8471500150" and round(row[1] / 1e9, 1) == 80.6


def test_zero_rows_skipped_are_counted(data_dir: Path) -> None:
    src = flow_sources.get_source("usitc_dataweb")
    parsed = src.loader(src.default_files(data_dir))
    skipped = {n.kind: n.count for n in parsed.notes}["zero_value_rows_skipped"]
    # 12 files × 40,260 + 2 × 16,569 listed rows = kept + skipped
    assert parsed.table.num_rows + skipped == 12 * 40_260 + 2 * 16_569


@pytest.mark.parametrize(
    ("state", "product", "thousands"),
    [("MX-GTO", "TOTAL", 24_913_687), ("MX-GTO", "336", 19_895_014),
     ("MX-JAL", "TOTAL", 20_405_738), ("MX-JAL", "312", 1_504_118),
     ("MX-JAL", "326", 2_013_386)],
)
def test_inegi_2018_published_figures(loaded: duckdb.DuckDBPyConnection, state: str,
                                      product: str, thousands: int) -> None:
    value = _value(loaded, "source = 'inegi_eaef' AND reporter = ? AND product_code = ? "
                           "AND year = 2018", [state, product])
    assert value == thousands * 1000


def test_inegi_32_states_2018_and_unspecified_kept_apart(
        loaded: duckdb.DuckDBPyConnection) -> None:
    total = _value(loaded, "source = 'inegi_eaef' AND product_level = 'total' AND year = 2018",
                   [])
    assert total == 387_442_789 * 1000
    n = loaded.execute("SELECT count(DISTINCT reporter) FROM flow WHERE source = 'inegi_eaef'"
                       ).fetchone()
    assert n == (32,)
    unspec = loaded.execute(
        "SELECT count(*) FROM flow WHERE source = 'inegi_eaef' AND product_code = "
        "'UNSPECIFIED'").fetchone()
    assert unspec == (383,)


def test_comtrade_mexico_to_us(loaded: duckdb.DuckDBPyConnection) -> None:
    # PROVENANCE: sum over partners, MX exports to US (842) $319.7 bn 2017, $351.5 bn 2019
    for year, bn in ((2017, 319.7), (2019, 351.5)):
        v = _value(loaded, "source = 'comtrade' AND flow = 'export' AND partner = 'USA' "
                           "AND year = ?", [year])
        assert round(v / 1e9, 1) == bn
    # imports from China $70.2 bn 2017, $95.8 bn 2021
    v = _value(loaded, "source = 'comtrade' AND flow = 'import' AND partner = 'CHN' "
                       "AND year = 2021", [])
    assert round(v / 1e9, 1) == 95.8


def test_datamexico_sample_strips_section_prefix(loaded: duckdb.DuckDBPyConnection) -> None:
    rows = loaded.execute(
        "SELECT DISTINCT product_code FROM flow WHERE source = 'datamexico' ORDER BY 1"
    ).fetchall()
    codes = [r[0] for r in rows]
    assert "020713" in codes and "320120" in codes
    assert all(len(c) == 6 for c in codes)
    row = loaded.execute(
        "SELECT reporter, partner, flow, period, value_usd FROM flow WHERE source = "
        "'datamexico' AND product_code = '020713'").fetchone()
    assert row == ("MX-GTO", "USA", "import", "2017-01", 1_250_692.0)


def test_rollup_to_sections(loaded: duckdb.DuckDBPyConnection) -> None:
    df = flows.rolled_up(loaded, "section",
                         where="source = 'usitc_dataweb' AND reporter = 'MEX' AND year = 2025")
    by_section = df.groupby("product_code")["value_usd"].sum().to_dict()
    total = _value(loaded, "source = 'usitc_dataweb' AND reporter = 'MEX' AND year = 2025", [])
    assert sum(by_section.values()) == pytest.approx(total, abs=0.5)  # nothing lost in the rollup
    assert max(by_section, key=by_section.__getitem__) == "16"  # machinery & electrical
    hs4 = flows.rolled_up(loaded, "hs4", where="source = 'usitc_dataweb' AND year = 2026")
    assert set(hs4["product_code"].str.len()) == {4}
    assert hs4["value_usd"].sum() == _value(
        loaded, "source = 'usitc_dataweb' AND year = 2026", [])


def test_hts_naics_concordance(warehouse: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    n = flows.load_hts_naics(warehouse, data_dir=data_dir)
    assert n == 20_780  # PROVENANCE row count
    row = warehouse.execute("SELECT naics6, scian3 FROM hts_naics WHERE hts10 = '0101210010'"
                            ).fetchone()
    assert row == ("112920", "112")
    row = warehouse.execute("SELECT scian3 FROM hts_naics WHERE hts10 = '8703230140'"
                            ).fetchone()
    assert row == ("336",)
