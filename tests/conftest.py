"""Shared fixtures: the official data directory and throw-away warehouses.

Tests that need a shared file call ``shared_file("usitc_hts/…")``: a missing file **fails**
the test with the file's name (it never skips), because a silently skipped data test is a test
that does not exist.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from hypothesis import settings

from comexlab.settings import Settings
from comexlab.warehouse.db import connect

# No per-example deadline: on a loaded 2-core machine one example of a pandas-backed property can
# take more than hypothesis' default 200 ms, which failed tests at random without any bug.
# `make mutate` runs every covering test once per mutant: a fixed, smaller sample keeps that
# affordable and makes the score reproducible (COMEXLAB_HYPOTHESIS=mutate).
settings.register_profile("comexlab", deadline=None)
settings.register_profile("mutate", deadline=None, derandomize=True, max_examples=25,
                          database=None)
settings.load_profile(os.environ.get("COMEXLAB_HYPOTHESIS", "comexlab"))


@pytest.fixture(autouse=True, scope="session")
def _empty_pure_caches() -> None:
    """Start every test session with the pure packages' memo caches empty.

    Mutation testing (``make mutate``) forks each mutant's run from a process that has already
    run the tests: a cached ``parse_rate`` would hand back what the unmutated parser computed,
    and mutants behind the cache would survive for no fault of the tests.
    """
    for name, module in list(sys.modules.items()):
        if name.startswith(("comexlab.tariffs", "comexlab.reports", "comexlab.nomenclature")):
            for obj in list(vars(module).values()):
                if callable(getattr(obj, "cache_clear", None)):
                    obj.cache_clear()
    # the engine's Arrow dictionary → categories memo (a dict, not an lru_cache)
    categories = getattr(sys.modules.get("comexlab.tariffs.engine"), "_CATEGORIES", None)
    if categories is not None:
        categories.clear()


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
