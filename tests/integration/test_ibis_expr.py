"""The Ibis expression builders of ``comexlab.warehouse.expr`` on small hand-made tables.

Each figure below is worked by hand from the rows inserted, so a builder that groups, filters
or shares wrongly fails here before it reaches a report.
"""

from __future__ import annotations

import duckdb
import pytest

from comexlab.errors import InputError
from comexlab.warehouse import expr, flows
from comexlab.warehouse.db import connect

# source, reporter, partner, flow, period, year, product_code, classification, level, value, pref
ROWS = [
    ("s", "MEX", "USA", "export", "2025", 2025, "8703230140", "HTS", "hts10", 100.0, 60.0),
    ("s", "MEX", "USA", "export", "2025", 2025, "8703230190", "HTS", "hts10", 50.0, None),
    ("s", "MEX", "USA", "export", "2025", 2025, "8708990000", "HTS", "hts10", 25.0, 5.0),
    ("s", "MEX", "USA", "export", "2025", 2025, "0101210010", "HTS", "hts10", 7.0, 0.0),
    ("s", "MEX", "USA", "export", "2025", 2025, "870323", "HS", "hs6", 3.0, None),
    ("s", "MEX", "USA", "export", "2025", 2025, "8703", "HS", "hs4", 1000.0, None),
    ("s", "MEX", "USA", "export", "2025", 2025, "TOTAL", "TOTAL", "total", 185.0, None),
    ("s", "MEX", "USA", "export", "2024", 2024, "8703230140", "HTS", "hts10", 80.0, 40.0),
    ("t", "MEX", "USA", "export", "2025", 2025, "8703230140", "HTS", "hts10", 1.0, None),
]


@pytest.fixture()
def small() -> duckdb.DuckDBPyConnection:
    con = connect(":memory:")
    con.executemany(
        "INSERT INTO flow (source, reporter, reporter_level, reported_by, partner, flow, period,"
        " year, product_code, classification, product_level, value_usd, preference_value_usd)"
        " VALUES (?, ?, 'country', 'USA', ?, ?, ?, ?, ?, ?, ?, ?, ?)", ROWS)
    return con


def _by_code(df: object) -> dict[tuple[str, str, str], float]:
    return {(r.source, r.period, r.product_code): r.value_usd
            for r in df.itertuples()}  # type: ignore[attr-defined]


def test_rollup_to_hs6_keeps_sources_and_periods_apart(small: duckdb.DuckDBPyConnection) -> None:
    got = expr.rollup(expr.table(small, "flow"), "hs6").to_pandas()
    assert _by_code(got) == {
        ("s", "2025", "870323"): 153.0,   # 100 + 50 (hts10) + 3 (hs6 row itself)
        ("s", "2025", "870899"): 25.0, ("s", "2025", "010121"): 7.0,
        ("s", "2024", "870323"): 80.0, ("t", "2025", "870323"): 1.0,
    }  # the hs4 row (1000) is coarser than hs6 and the TOTAL row is not HS: both left out
    assert set(got["product_level"]) == {"hs6"}
    pref = got.set_index(["source", "period", "product_code"])["preference_value_usd"]
    assert pref[("s", "2025", "870323")] == 60.0  # SUM skips NULLs, like SQL


def test_rollup_to_sections_uses_chapter_ranges(small: duckdb.DuckDBPyConnection) -> None:
    got = expr.rollup(expr.table(small, "flow"), "section").to_pandas()
    s2025 = got[(got["source"] == "s") & (got["period"] == "2025")]
    # chapters 87 (vehicles) -> section XVII = 17; chapter 01 (live animals) -> section I = 1
    assert dict(zip(s2025["product_code"], s2025["value_usd"], strict=True)) == {
        "17": 1178.0, "1": 7.0}


def test_rollup_sql_where_with_params(small: duckdb.DuckDBPyConnection) -> None:
    got = flows.rolled_up(small, "hs4", where="source = ? AND period = ? AND 'a?' = 'a?'",
                          params=["s", "2025"])
    assert dict(zip(got["product_code"], got["value_usd"], strict=True)) == {
        "8703": 1153.0, "8708": 25.0, "0101": 7.0}


def test_rollup_rejects_unknown_level(small: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(InputError, match="hs5"):
        flows.rolled_up(small, "hs5")


def test_compare_windows_and_top_n(small: duckdb.DuckDBPyConnection) -> None:
    rows = expr.table(small, "flow")
    hts = rows.filter(rows.source == "s", rows.product_level == "hts10")
    tagged = expr.tag_windows(hts, current=["2025"], prior=["2024"])
    compared = expr.compare_windows(tagged, "product_code").to_pandas().set_index(
        "product_code")
    assert compared.loc["8703230140"].tolist() == [100.0, 80.0]
    assert compared.loc["8708990000"].tolist() == [25.0, 0.0]  # absent in prior: 0, not NULL
    top = expr.top_n_with_share(expr.compare_windows(tagged, "product_code"),
                                "product_code", 2).to_pandas()
    assert list(top["product_code"]) == ["8703230140", "8703230190"]
    assert top["share"].tolist() == pytest.approx([100 / 182, 50 / 182])  # of all 4 lines


def test_wrapping_leaves_connection_settings_and_pending_results() -> None:
    con = connect(":memory:")
    con.execute("SET TimeZone = 'America/Mexico_City'")
    con.execute("SET python_enable_replacements = true")
    con.execute("SELECT 1 UNION ALL SELECT 2").fetchone()  # result left unfinished
    assert expr.table(con, "flow").count().to_pyarrow().as_py() == 0
    assert con.execute("SELECT current_setting('TimeZone'), "
                       "current_setting('python_enable_replacements')").fetchone() == (
        "America/Mexico_City", True)
    assert expr.backend(con) is expr.backend(con)  # one backend per connection
