"""Warehouses shared by several integration test modules (built once per session).

Tests only read them (``connect(path, read_only=True)``); a test that needs to write copies
the file first (``flows_wh_copy``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from comexlab.warehouse import flows
from comexlab.warehouse.db import connect

FLOW_SOURCES = ("usitc_dataweb", "inegi_eaef", "comtrade")


@pytest.fixture(scope="session")
def flows_wh(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """DataWeb, INEGI and Comtrade flows plus the HTS10 → NAICS concordance, from the real files."""
    path = tmp_path_factory.mktemp("flows") / "wh.duckdb"
    con = connect(path)
    for source in FLOW_SOURCES:
        flows.load_source(con, source, data_dir=data_dir)
    flows.load_hts_naics(con, data_dir=data_dir)
    con.close()
    return path


@pytest.fixture()
def flows_con(flows_wh: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to :func:`flows_wh`."""
    c = connect(flows_wh, read_only=True)
    yield c
    c.close()


@pytest.fixture()
def flows_wh_copy(flows_wh: Path, tmp_path: Path) -> Path:
    """A writable copy of :func:`flows_wh` for tests that load more into it."""
    path = tmp_path / "wh_copy.duckdb"
    shutil.copyfile(flows_wh, path)
    return path


@pytest.fixture(scope="session")
def eef_wh(flows_wh: Path, tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """:func:`flows_wh` plus the INEGI EEF package (2007–2025): what the demo loads.

    A copy, so the EAEF-only warehouse stays as the tests of the 2018-share path expect it.
    """
    path = tmp_path_factory.mktemp("eef") / "wh.duckdb"
    shutil.copyfile(flows_wh, path)
    con = connect(path)
    flows.load_source(con, "inegi_eef", data_dir=data_dir)
    con.close()
    return path


@pytest.fixture()
def eef_con(eef_wh: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to :func:`eef_wh`."""
    c = connect(eef_wh, read_only=True)
    yield c
    c.close()
