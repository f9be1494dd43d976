"""COMEXLAB_DUCKDB_MEMORY_LIMIT / COMEXLAB_DUCKDB_TEMP_DIR reach DuckDB and make it spill.

The query groups 6 M distinct keys (a hash table of a few hundred MB) under a 64 MB limit: with
no temp directory DuckDB refuses it (Out of Memory), with the settings' folder it completes and
leaves its spill files there while it runs. Issue 18: the 100 M-row scenario relies on this.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from comexlab.settings import get_settings
from comexlab.warehouse.db import connect

BIG_GROUP_BY = ("SELECT count(*), sum(n) FROM (SELECT range % 6000000 AS k, count(*) AS n "
                "FROM range(12000000) GROUP BY k)")


@pytest.fixture()
def spill_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "spill"
    monkeypatch.setenv("COMEXLAB_DUCKDB_MEMORY_LIMIT", "64MB")
    monkeypatch.setenv("COMEXLAB_DUCKDB_TEMP_DIR", str(folder))
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


def test_settings_reach_the_connection(spill_settings: Path, tmp_path: Path) -> None:
    con = connect(tmp_path / "wh.duckdb")
    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()
    temp = con.execute("SELECT current_setting('temp_directory')").fetchone()
    number, unit = str(limit[0]).split() if limit else ("", "")
    assert unit == "MiB" and 60 <= float(number) <= 64  # 64 MB = 61.0 MiB
    assert temp == (str(spill_settings),)
    assert spill_settings.is_dir()
    con.close()


def test_over_the_limit_it_spills_instead_of_failing(spill_settings: Path,
                                                     tmp_path: Path) -> None:
    bare = duckdb.connect(str(tmp_path / "bare.duckdb"),
                          config={"memory_limit": "64MB", "temp_directory": ""})
    bare.execute("SET threads = 2")
    with pytest.raises(duckdb.OutOfMemoryException):
        bare.execute(BIG_GROUP_BY).fetchall()
    bare.close()
    con = connect(tmp_path / "wh.duckdb")
    con.execute("SET threads = 2")
    assert con.execute(BIG_GROUP_BY).fetchall() == [(6_000_000, 12_000_000)]
    con.close()
