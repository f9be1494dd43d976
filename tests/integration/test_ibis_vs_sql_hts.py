"""`hts coverage` and `hts diff` from Ibis equal the SQL they replaced, on the 2013/2026 files.

The previous SQL is kept verbatim as the independent reference. 2013 exercises the orphan
rate texts (continuation rows) and unknown program codes; 2026r10 the clean case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from comexlab.sources.usitc_hts import EDITIONS, edition
from comexlab.warehouse import hts
from comexlab.warehouse.db import connect

ORPHANS = """
    SELECT {cols} FROM (
        SELECT hts, hts_formatted, row_no, unnest(['general', 'special', 'other']) AS col,
               unnest([general_text, special_text, other_text]) AS text
        FROM hts_line WHERE edition = ? AND (hts IS NULL OR digits < 8)
    ) WHERE text IS NOT NULL"""
ORDER = "CASE rate_column WHEN 'general' THEN 0 WHEN 'special' THEN 1 ELSE 2 END"
OLD_SUMMARY = f"""
    WITH texts AS (
        SELECT rate_column, kind, parsed FROM hts_rate
        WHERE edition = ? AND kind <> 'blank'
        UNION ALL {ORPHANS.format(cols="col AS rate_column, 'unparsed' AS kind, false")}
    )
    SELECT rate_column, count(*) AS texts, count(*) FILTER (WHERE parsed) AS parsed,
           count(*) FILTER (WHERE NOT parsed) AS unparsed,
           count(*) FILTER (WHERE parsed) / count(*) AS share_parsed,
           count(*) FILTER (WHERE kind = 'reference') AS references
    FROM texts GROUP BY rate_column ORDER BY {ORDER}"""
OLD_UNPARSED = f"""
    SELECT * FROM (
        SELECT r.hts, l.hts_formatted, r.rate_column, r.program, r.rate_text
        FROM hts_rate r
        LEFT JOIN (SELECT DISTINCT ON (hts) hts, hts_formatted FROM hts_line
                   WHERE edition = ?) l USING (hts)
        WHERE r.edition = ? AND NOT r.parsed
        UNION ALL {ORPHANS.format(
            cols="hts, coalesce(hts_formatted, 'row ' || row_no), col, NULL, text")}
    ) ORDER BY {ORDER}, hts_formatted"""
OLD_UNKNOWN = """
    SELECT program, count(*) AS lines, string_agg(DISTINCT hts, ', ' ORDER BY hts) AS hts
    FROM hts_rate WHERE edition = ? AND program IS NOT NULL
      AND program NOT IN (SELECT program FROM hts_program)
    GROUP BY program ORDER BY program"""

SIGNATURE = """concat_ws('|', kind, round(ad_valorem, 6), round(specific_amount, 6),
                         specific_unit, round(specific2_amount, 6), specific2_unit, base)"""


def _old_rates8(key: str, program: str) -> str:
    return f"""
        SELECT l.hts, any_value(l.description) AS description,
               any_value(g.rate_text) AS mfn, any_value(g.sig) AS mfn_sig,
               any_value(p.rate_text) AS pref, any_value(p.sig) AS pref_sig
        FROM hts_line l
        LEFT JOIN (SELECT hts, rate_text, {SIGNATURE} AS sig FROM hts_rate
                   WHERE edition = '{key}' AND rate_column = 'general') g USING (hts)
        LEFT JOIN (SELECT hts, rate_text, {SIGNATURE} AS sig FROM hts_rate
                   WHERE edition = '{key}' AND rate_column = 'special'
                     AND program = '{program}') p USING (hts)
        WHERE l.edition = '{key}' AND l.digits = 8 AND l.hts NOT LIKE '99%'
        GROUP BY l.hts"""


def _old_diff(a: str, b: str) -> str:
    ea, eb = edition(a), edition(b)
    return f"""
        WITH a AS ({_old_rates8(a, ea.mx_program)}), b AS ({_old_rates8(b, eb.mx_program)})
        SELECT CASE WHEN a.hts IS NULL THEN 'added' WHEN b.hts IS NULL THEN 'removed'
                    WHEN a.mfn_sig IS DISTINCT FROM b.mfn_sig
                         AND a.pref_sig IS DISTINCT FROM b.pref_sig THEN 'mfn+mx changed'
                    WHEN a.mfn_sig IS DISTINCT FROM b.mfn_sig THEN 'mfn changed'
                    ELSE 'mx changed' END AS change,
               coalesce(b.hts, a.hts) AS hts8,
               coalesce(b.description, a.description) AS description,
               a.mfn AS mfn_{a}, b.mfn AS mfn_{b},
               a.pref AS {ea.mx_program.lower()}_{a}, b.pref AS {eb.mx_program.lower()}_{b}
        FROM a FULL OUTER JOIN b USING (hts)
        WHERE a.hts IS NULL OR b.hts IS NULL
           OR a.mfn_sig IS DISTINCT FROM b.mfn_sig OR a.pref_sig IS DISTINCT FROM b.pref_sig
        ORDER BY hts8"""


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory: pytest.TempPathFactory,
                 shared_file: Callable[[str], Path]) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(tmp_path_factory.mktemp("wh") / "hts_ibis.duckdb")
    for key in ("2013", "2026r10"):
        hts.load_edition(con, key, shared_file(EDITIONS[key].file))
    yield con
    con.close()


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns), ignore_index=True, na_position="first")


@pytest.mark.parametrize("key", ["2013", "2026r10"])
def test_coverage_equals_previous_sql(two_editions: duckdb.DuckDBPyConnection,
                                      key: str) -> None:
    cov = hts.coverage(two_editions, key)
    old_summary = two_editions.execute(OLD_SUMMARY, [key, key]).df()
    pd.testing.assert_frame_equal(cov.summary, old_summary, check_dtype=False)
    assert list(cov.summary["rate_column"]) == ["general", "special", "other"]
    old_unparsed = two_editions.execute(OLD_UNPARSED, [key, key, key]).df().drop(
        columns=["hts"])
    # ties within (rate_column, hts_formatted) come in any order in both: compare as sets
    pd.testing.assert_frame_equal(_sorted(cov.unparsed), _sorted(old_unparsed),
                                  check_dtype=False)
    old_unknown = two_editions.execute(OLD_UNKNOWN, [key]).df()
    pd.testing.assert_frame_equal(cov.unknown_programs, old_unknown, check_dtype=False)
    if key == "2013":
        assert not cov.unknown_programs.empty and len(cov.unparsed) > 0


def test_diff_equals_previous_sql(two_editions: duckdb.DuckDBPyConnection) -> None:
    new = hts.diff(two_editions, "2013", "2026r10")
    old = two_editions.execute(_old_diff("2013", "2026r10")).df()
    assert list(new.columns) == ["change", "hts8", "description", "mfn_2013", "mfn_2026r10",
                                 "mx_2013", "s_2026r10"]
    assert {"added", "removed", "mfn changed", "mx changed"} <= set(new["change"])
    pd.testing.assert_frame_equal(new, old, check_dtype=False)
