"""Shared fixtures: the official data directory and throw-away warehouses.

Tests that need a shared file call ``shared_file("usitc_hts/…")``: a missing file **fails**
the test with the file's name (it never skips), because a silently skipped data test is a test
that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from comexlab.settings import Settings
from comexlab.warehouse.db import connect


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The data directory the product would use (COMEXLAB_DATA or ../shared/data)."""
    return Settings().data


@pytest.fixture(scope="session")
def shared_file(data_dir: Path) -> Callable[[str], Path]:
    """Resolve a shared data file or fail the test naming it."""

    def resolve(relative: str) -> Path:
        path = data_dir / relative
        if not path.exists():
            pytest.fail(
                f"shared data file missing: {relative} (looked in {data_dir}; "
                "set COMEXLAB_DATA to the folder of official files)",
                pytrace=False,
            )
        return path

    return resolve


@pytest.fixture()
def warehouse(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty warehouse with the schema, in a temp file (so read-only reopen works)."""
    con = connect(tmp_path / "test.duckdb")
    yield con
    con.close()
