"""Ibis rewrites of the flows analytics equal the SQL they replaced, on the real files.

The previous SQL is kept here verbatim as the independent reference (golden test against an
independent computation): the Ibis expressions must give the same rows and, to float rounding,
the same dollars.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from comexlab.nomenclature.hs import sections
from comexlab.warehouse import flows

OLD_LOADED_SOURCES = """
    SELECT f.source, count(*) AS rows, min(period) AS first_period,
           max(period) AS last_period, count(DISTINCT reporter) AS reporters,
           sum(value_usd) AS value_usd,
           (SELECT count(DISTINCT file) FROM load_log l
             WHERE l.dataset = 'flow:' || f.source) AS files,
           (SELECT max(loaded_at) FROM load_log l
             WHERE l.dataset = 'flow:' || f.source) AS loaded_at
    FROM flow f GROUP BY f.source ORDER BY f.source"""


def _old_rollup(level: str, where: str) -> str:
    digits = {"hs8": 8, "hs6": 6, "hs4": 4, "hs2": 2}
    finer = {"hts10": 10, **digits}
    if level == "section":
        whens = " ".join(
            f"WHEN CAST(substr(product_code, 1, 2) AS INTEGER) BETWEEN {s.first_chapter} "
            f"AND {s.last_chapter} THEN {s.number}" for s in sections())
        code = f"CAST(CASE {whens} END AS VARCHAR)"
        levels = list(finer)
    else:
        code = f"substr(product_code, 1, {digits[level]})"
        levels = [lvl for lvl, n in finer.items() if n >= digits[level]]
    listed = ", ".join(f"'{lvl}'" for lvl in levels)
    return (f"SELECT source, reporter, partner, flow, period, {code} AS product_code, "
            f"'{level}' AS product_level, sum(value_usd) AS value_usd, "
            f"sum(preference_value_usd) AS preference_value_usd FROM flow "
            f"WHERE classification IN ('HS', 'HTS') AND product_level IN ({listed}) "
            f"AND ({where}) GROUP BY ALL")


KEYS = ["source", "reporter", "partner", "flow", "period", "product_code"]


@pytest.mark.parametrize(("level", "where"), [
    ("section", "source = 'usitc_dataweb' AND reporter = 'MEX' AND year = 2025"),
    ("hs2", "TRUE"),
    ("hs4", "source = 'comtrade'"),
    ("hs6", "source = 'usitc_dataweb' AND year = 2026"),
    ("hs8", "reporter = 'CAN'"),
])
def test_rollup_equals_previous_sql(flows_con: duckdb.DuckDBPyConnection, level: str,
                                    where: str) -> None:
    new = flows.rolled_up(flows_con, level, where=where).sort_values(KEYS, ignore_index=True)
    old = flows_con.execute(_old_rollup(level, where)).df().sort_values(KEYS, ignore_index=True)
    assert len(new) > 0
    pd.testing.assert_frame_equal(new, old, check_dtype=False, rtol=1e-12)


def test_loaded_sources_equals_previous_sql(flows_con: duckdb.DuckDBPyConnection) -> None:
    new = flows.loaded_sources(flows_con)
    old = flows_con.execute(OLD_LOADED_SOURCES).df()
    assert list(new["source"]) == ["comtrade", "inegi_eaef", "usitc_dataweb"]
    pd.testing.assert_frame_equal(new, old, check_dtype=False, rtol=1e-12)


def test_reconcile_warehouse_side_equals_previous_sql(
        flows_con: duckdb.DuckDBPyConnection) -> None:
    from comexlab.sources import flow_sources

    for source in ("usitc_dataweb", "inegi_eaef", "comtrade"):
        for chk, got in zip(flow_sources.get_source(source).checks,
                            flows.reconcile(flows_con, source), strict=True):
            (old,) = flows_con.execute(
                f"SELECT coalesce(sum({chk.wh_column}), 0) FROM flow "
                f"WHERE source = ? AND {chk.wh_where}", [source]).fetchone()  # type: ignore[misc]
            assert got.warehouse_total == pytest.approx(float(old), rel=1e-12, abs=1e-6)
