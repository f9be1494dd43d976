"""The kept scenario runs' table is part of the warehouse schema (issue 11: its DDL moved from
``web/warehouse.py`` to ``warehouse/schema.py``), so any read-write ``connect`` brings it, and a
warehouse from before issue 13 gains the columns that make a run reloadable, rows kept."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from comexlab.warehouse.db import connect

# web_scenario_run as the first release created it (verbatim, before issue 13's columns)
FIRST_RELEASE = """
CREATE TABLE web_scenario_run (
    run_id      VARCHAR PRIMARY KEY,
    scenario    VARCHAR NOT NULL,
    username    VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    headline    JSON
)"""
KEPT_RUN_COLUMNS = {"owner_id": "INTEGER", "reporter": "VARCHAR", "title": "VARCHAR",
                    "scenario_text": "VARCHAR", "result": "JSON", "lines": "BLOB",
                    "percent_columns": "VARCHAR[]"}


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = 'web_scenario_run' ORDER BY ordinal_position").fetchall())


def test_a_new_warehouse_has_the_runs_table_with_every_column(tmp_path: Path) -> None:
    con = connect(tmp_path / "new.duckdb")
    columns = _columns(con)
    con.close()
    assert list(columns)[:7] == ["run_id", "scenario", "username", "status", "started_at",
                                 "finished_at", "headline"]
    assert {k: columns.get(k) for k in KEPT_RUN_COLUMNS} == KEPT_RUN_COLUMNS


def test_an_older_warehouse_gains_the_kept_run_columns_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute(FIRST_RELEASE)
    at = datetime(2026, 5, 1, 9, 30)
    old.execute("INSERT INTO web_scenario_run VALUES ('ab12cd34', 'usmca-ends', 'analyst', "
                "'done', ?, ?, '[]')", [at, at])
    old.close()
    con = connect(path)
    columns = _columns(con)
    row = con.execute("SELECT run_id, scenario, owner_id, result, lines "
                      "FROM web_scenario_run").fetchall()
    con.close()
    assert {k: columns.get(k) for k in KEPT_RUN_COLUMNS} == KEPT_RUN_COLUMNS
    assert row == [("ab12cd34", "usmca-ends", None, None, None)]
