"""BACI loader on the real files in shared/data, checked against independent pandas sums.

Figures cross-checked with shared/data/PROVENANCE.md: the shrimp file totals $25.94 bn and
Mexico exports $388.4 m (USA $289.0 m); South Africa's extract totals about $68.7 bn; the
sample has 2,306 rows with q = NA and Italy as 380 (dictionary V202201 says 381).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from comexlab.sources import baci
from comexlab.warehouse import baci as wb

NATIVE = "baci_hs92_2021_exporters_zaf_afg/BACI_HS92_Y2021_V202301_exporters_ZAF_AFG.csv.gz"
SAMPLE = ("baci_native_format_sample/"
          "ExampleTradeData_BACI_HS92_Y2021_V202301_SAMPLE.csv.gz")
SHRIMP = ("baci_shrimp_hs12_2018/"
          "standardized_baci_seafood_hs12_y2018_including_value.csv.gz")


@pytest.mark.parametrize("relative", [NATIVE, SAMPLE])
def test_native_file_against_raw_sum(shared_file: Callable[[str], Path],
                                     warehouse: duckdb.DuckDBPyConnection,
                                     relative: str) -> None:
    path = shared_file(relative)
    raw = pd.read_csv(path)
    load = baci.read(path)
    assert load.table.num_rows == len(raw) == 71192
    assert load.total_usd == pytest.approx(raw["v"].sum() * 1000, rel=1e-12)
    wb.ingest(warehouse, load)
    by_exporter = dict(warehouse.execute(
        "SELECT exporter, sum(value_usd) FROM baci_flow GROUP BY 1").fetchall())
    assert by_exporter["ZAF"] == pytest.approx(raw.loc[raw.i == 710, "v"].sum() * 1000)
    assert by_exporter["ZAF"] == pytest.approx(68.70e9, rel=1e-3)  # PROVENANCE: $68.7 bn
    assert by_exporter["AFG"] == pytest.approx(raw.loc[raw.i == 4, "v"].sum() * 1000)
    # k without its leading zero comes back padded; q = NA stays missing, not 0
    first = warehouse.execute("SELECT hs6 FROM baci_flow WHERE hs6 LIKE '0%' LIMIT 1").fetchone()
    assert first is not None and len(first[0]) == 6
    missing = warehouse.execute(
        "SELECT count(*) FROM baci_flow WHERE quantity_t IS NULL").fetchone()
    assert missing == (2306,)


def test_italy_380_mapped_through_a_recoding(shared_file: Callable[[str], Path]) -> None:
    """V202301 data codes Italy 380; the V202201 dictionary has only 381 → ITA, recorded."""
    load = baci.read(shared_file(NATIVE))
    italy = load.table.to_pandas().query("importer == 'ITA'")
    raw = pd.read_csv(shared_file(NATIVE))
    assert italy["value_usd"].sum() == pytest.approx(raw.loc[raw.j == 380, "v"].sum() * 1000)
    kinds = {n.kind: n for n in load.notes}
    assert kinds["country_recoded"].examples == ("380→ITA",)
    assert "dictionary_release" in kinds
    assert "dictionary_encoding" in kinds  # this copy of the dictionary is latin-1


def test_other_asia_keeps_its_own_code(shared_file: Callable[[str], Path]) -> None:
    load = baci.read(shared_file(SAMPLE))
    countries = load.countries.to_pandas().set_index("code")
    assert countries.loc[490, "iso3"] == "X490"
    assert countries.loc[490, "name"] == "Other Asia, nes"
    assert countries.loc[842, "iso3"] == "USA"


def test_shrimp_file_against_raw_sum(shared_file: Callable[[str], Path],
                                     warehouse: duckdb.DuckDBPyConnection) -> None:
    path = shared_file(SHRIMP)
    raw = pd.read_csv(path, dtype={"hs6": str})
    load = baci.read(path)
    wb.ingest(warehouse, load)
    total = warehouse.execute("SELECT sum(value_usd) FROM baci_flow").fetchone()
    assert total is not None
    assert total[0] == pytest.approx(raw["total_v"].sum() * 1000)
    assert total[0] == pytest.approx(25.94e9, rel=1e-3)  # PROVENANCE: $25.94 bn
    mex = dict(warehouse.execute("SELECT importer, sum(value_usd) FROM baci_flow "
                                 "WHERE exporter = 'MEX' GROUP BY 1").fetchall())
    assert sum(mex.values()) == pytest.approx(388.39e6, rel=1e-4)
    assert mex["USA"] == pytest.approx(289.01e6, rel=1e-4)
    assert len(mex) == 29


def test_reingest_replaces_only_its_dataset(shared_file: Callable[[str], Path],
                                            warehouse: duckdb.DuckDBPyConnection) -> None:
    shrimp, native = baci.read(shared_file(SHRIMP)), baci.read(shared_file(NATIVE))
    wb.ingest(warehouse, shrimp)
    wb.ingest(warehouse, native)
    wb.ingest(warehouse, shrimp)
    counts = dict(warehouse.execute(
        "SELECT dataset, count(*) FROM baci_flow GROUP BY 1").fetchall())
    assert counts == {shrimp.dataset: 8245, native.dataset: 71192}
