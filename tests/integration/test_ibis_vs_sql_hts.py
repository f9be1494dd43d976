"""`hts coverage` from Ibis equals the SQL it replaced, on the official 2013 and 2026 files.

The previous SQL is kept verbatim as the independent reference. 2013 exercises the orphan
rate texts (continuation rows) and unknown program codes; 2026r10 the clean case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from comexlab.sources.usitc_hts import EDITIONS
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
