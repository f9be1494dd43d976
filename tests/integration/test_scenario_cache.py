"""The scenario input caches: one Arrow table from DuckDB, reused per connection, rebuilt on reload.

A hand-built warehouse (two HTS lines, three flows) so every figure is checkable by hand:
8703230140 has its own rates (MFN 2.5 %, S free); 8708991000 is not in the schedule at
10 digits and takes its 8-digit parent 87089910 (MFN 2.5 %, no S rate).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from comexlab.tariffs.engine import apply, as_frame
from comexlab.tariffs.scenario import parse_scenario
from comexlab.warehouse import scenario_cache
from comexlab.warehouse.scenario_lines import hts10_lines_sql, scenario_lines

SCENARIO = parse_scenario("""
name: t
title: test
base: {edition: "2026r10", programs: [S], source: usitc_dataweb, years: [2025],
       reporters: [MEX]}
overlays:
  - {type: withdraw_program, programs: [S], partners: [MEX]}
""")


def _fill(con: duckdb.DuckDBPyConnection, *, logged: bool) -> None:
    con.execute("""
        INSERT INTO hts_line (edition, row_no, hts, digits, indent, description,
                              description_path, rate_hts) VALUES
          ('2026r10', 1, '8703230140', 10, 2, 'Cars', 'Cars', '87032301'),
          ('2026r10', 2, '87032301', 8, 1, 'Cars 1500-3000 cc', 'Cars', NULL),
          ('2026r10', 3, '87089910', 8, 1, 'Parts', 'Parts', NULL)""")
    con.execute("""
        INSERT INTO hts_rate (edition, hts, rate_column, program, rate_text, kind, parsed,
                              ad_valorem) VALUES
          ('2026r10', '87032301', 'general', NULL, '2.5%', 'ad_valorem', true, 0.025),
          ('2026r10', '87032301', 'special', 'S', 'Free', 'free', true, 0.0),
          ('2026r10', '87089910', 'general', NULL, '2.5%', 'ad_valorem', true, 0.025)""")
    _flows(con, cars=1000.0)
    if logged:
        _log(con)


def _flows(con: duckdb.DuckDBPyConnection, *, cars: float) -> None:
    con.execute("DELETE FROM flow")
    con.execute(f"""
        INSERT INTO flow (source, reporter, reporter_level, reported_by, partner, flow, period,
                          year, month, product_code, classification, product_level, value_usd,
                          preference_value_usd) VALUES
          ('usitc_dataweb', 'MEX', 'country', 'USA', 'USA', 'export', '2025-01', 2025, 1,
           '8703230140', 'HTS', 'hts10', {cars}, 800),
          ('usitc_dataweb', 'MEX', 'country', 'USA', 'USA', 'export', '2025-02', 2025, 2,
           '8703230140', 'HTS', 'hts10', 500, 500),
          ('usitc_dataweb', 'MEX', 'country', 'USA', 'USA', 'export', '2025-01', 2025, 1,
           '8708991000', 'HTS', 'hts10', 200, 0)""")


def _log(con: duckdb.DuckDBPyConnection) -> None:
    for dataset in ("hts:2026r10", "flow:usitc_dataweb"):
        con.execute("INSERT INTO load_log (dataset, file, sha256, rows, loaded_at) VALUES "
                    "(?, 'f', 'x', 1, now() + to_microseconds(CAST((SELECT count(*) FROM "
                    "load_log) AS BIGINT)))", [dataset])


def _cached_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary "
                                      "AND starts_with(table_name, 'cx_scenario_')").fetchall()}


def test_one_arrow_table_with_dictionary_text(warehouse: duckdb.DuckDBPyConnection) -> None:
    _fill(warehouse, logged=True)
    table, notes = scenario_lines(warehouse, SCENARIO, monthly=True)
    assert isinstance(table, pa.Table) and notes == []
    assert pa.types.is_dictionary(table.schema.field("product_code").type)
    assert pa.types.is_dictionary(table.schema.field("mfn_kind").type)
    rows = {(r["period"], r["product_code"]): r for r in table.to_pylist()}
    cars = rows[("2025-01", "8703230140")]
    assert (cars["mfn_ad_valorem"], cars["pref_kind"], cars["description"]) == (0.025, "free",
                                                                                 "Cars")
    parts = rows[("2025-01", "8708991000")]  # no 10-digit line: the 8-digit parent's rate
    assert parts["mfn_rate_text"] == "2.5%" and parts["pref_kind"] is None


def test_same_rows_as_the_uncached_sql(warehouse: duckdb.DuckDBPyConnection) -> None:
    _fill(warehouse, logged=True)
    cached = as_frame(scenario_lines(warehouse, SCENARIO, monthly=False)[0])
    sql, params = hts10_lines_sql(SCENARIO, monthly=False)
    plain = warehouse.execute(sql, params).df()
    key = ["reporter", "period", "product_code"]
    a = cached.astype({c: str for c in key}).sort_values(key).reset_index(drop=True)
    b = plain.sort_values(key).reset_index(drop=True)
    for col in ("value_usd", "preference_value_usd", "mfn_ad_valorem", "pref_ad_valorem"):
        assert a[col].tolist() == pytest.approx(b[col].tolist(), nan_ok=True)
    assert a["value_usd"].tolist() == [1500.0, 200.0]  # annual totals (2025-01 + 2025-02)


def test_cache_reused_then_rebuilt_on_reload(warehouse: duckdb.DuckDBPyConnection) -> None:
    _fill(warehouse, logged=True)
    first = scenario_cache.scenario_tables(warehouse, SCENARIO.base)
    assert scenario_cache.scenario_tables(warehouse, SCENARIO.base) == first
    before = apply(SCENARIO, scenario_lines(warehouse, SCENARIO)[0]).aggregate()
    assert before.value_usd[0] == 1700.0
    _flows(warehouse, cars=2000.0)  # a reload: new rows and a new load_log entry
    _log(warehouse)
    second = scenario_cache.scenario_tables(warehouse, SCENARIO.base)
    assert second.flows != first.flows and second.rates != first.rates
    assert first.flows not in _cached_tables(warehouse)  # the stale copy is dropped
    after = apply(SCENARIO, scenario_lines(warehouse, SCENARIO)[0]).aggregate()
    assert after.value_usd[0] == 2700.0


def test_unlogged_warehouse_is_never_reused(warehouse: duckdb.DuckDBPyConnection) -> None:
    _fill(warehouse, logged=False)
    assert apply(SCENARIO, scenario_lines(warehouse, SCENARIO)[0]).aggregate().value_usd[0] \
        == 1700.0
    _flows(warehouse, cars=10.0)  # no load_log row: nothing tells a cache it is stale
    assert apply(SCENARIO, scenario_lines(warehouse, SCENARIO)[0]).aggregate().value_usd[0] \
        == 710.0


def test_sorted_lines_in_reading_order(warehouse: duckdb.DuckDBPyConnection) -> None:
    _fill(warehouse, logged=True)
    res = apply(SCENARIO, scenario_lines(warehouse, SCENARIO, monthly=True)[0])
    order = res.sorted_lines()[["period", "product_code"]].astype(str).values.tolist()
    assert order == [["2025-01", "8703230140"], ["2025-01", "8708991000"],
                     ["2025-02", "8703230140"]]
