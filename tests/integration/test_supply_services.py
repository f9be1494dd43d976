"""Supply services on the real files: RETC plants into the registry, complexity, opportunities.

Warehouse: INEGI EAEF (state × subsector exports, 2007–2018), Comtrade HS4 (2015–2021),
the HTS10 → NAICS concordance and RETC 2022. Registry: the seeded DEMO firms plus RETC plants.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from sqlalchemy import Engine

from comexlab.errors import InputError
from comexlab.registry.db import make_engine, upgrade
from comexlab.registry.demo import seed_demo
from comexlab.services import supply as svc
from comexlab.supply.opportunities import Weights
from comexlab.warehouse import flows
from comexlab.warehouse import supply as wq
from comexlab.warehouse.db import connect, replace_rows
from comexlab.warehouse.establishments import load_retc

TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory, data_dir: Path
       ) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(tmp_path_factory.mktemp("supply") / "wh.duckdb")
    for source in ("inegi_eaef", "comtrade"):
        flows.load_source(con, source, data_dir=data_dir)
    flows.load_hts_naics(con, data_dir=data_dir)
    load_retc(con, data_dir / "semarnat_retc_establishments" / "es_2022.csv.gz")
    yield con
    con.close()


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('reg') / 'reg.db'}")
    upgrade(engine)
    seed_demo(engine, as_of=TODAY)
    return engine


@pytest.fixture(scope="module")
def imported(wh: duckdb.DuckDBPyConnection, registry: Engine) -> svc.ImportPlantsResult:
    return svc.import_retc_plants(wh, registry, svc.ImportPlantsRequest())


def test_retc_plants_imported_per_state_with_reasons(imported: svc.ImportPlantsResult,
                                                     wh: duckdb.DuckDBPyConnection,
                                                     registry: Engine) -> None:
    counts = {c.state_code: c for c in imported.counts}
    assert imported.year == 2022
    # 2022: Guanajuato 178 establishments = 162 manufacturing + 16 other; Jalisco 180 = 152 + 28
    assert (counts["11"].imported, counts["11"].refused_total) == (162, 16)
    assert (counts["14"].imported, counts["14"].refused_total) == (152, 28)
    assert set(counts["14"].refused) == {"not_manufacturing"}
    # re-running updates, never duplicates
    again = svc.import_retc_plants(wh, registry, svc.ImportPlantsRequest(states=("GTO",)))
    assert [(c.state_code, c.imported, c.updated) for c in again.counts] == [("11", 0, 162)]


def test_import_refuses_unknown_state_and_year(wh: duckdb.DuckDBPyConnection,
                                               registry: Engine) -> None:
    with pytest.raises(InputError) as info:
        svc.import_retc_plants(wh, registry, svc.ImportPlantsRequest(states=("Atlantis",)))
    assert info.value.problems[0].field == "state"
    with pytest.raises(InputError, match="2019"):
        svc.import_retc_plants(wh, registry, svc.ImportPlantsRequest(year=2019))


def test_state_complexity_latest_year(wh: duckdb.DuckDBPyConnection) -> None:
    result = svc.state_complexity(wh, svc.ComplexityRequest(state="GTO"))
    assert (result.source, result.year, len(result.states)) == ("inegi_eaef", 2018, 32)
    eci = [s.eci for s in result.states]
    assert eci == sorted(eci, reverse=True)
    by_abbr = {s.abbr: s for s in result.states}
    # the oil states are the least complex (one or two subsectors with RCA: 211 extraction)
    assert [s.abbr for s in result.states[-3:]] == ["CHIS", "CAMP", "TAB"]
    assert by_abbr["CAMP"].diversity == 1
    assert result.state == "11" and len(result.subsectors) == 23
    assert all(0 <= s.density <= 1 for s in result.subsectors if s.density is not None)


def test_complexity_prefers_eef_and_leaves_code_000_out(wh: duckdb.DuckDBPyConnection,
                                                        tmp_path: Path) -> None:
    # EEF rows as the EEF loader writes them (flow, source 'inegi_eef', 'UNSPECIFIED' for 000)
    con = connect(tmp_path / "eef.duckdb")
    rows = [("MX-GTO", "336", 9.0), ("MX-GTO", "311", 1.0), ("MX-JAL", "334", 8.0),
            ("MX-JAL", "311", 2.0), ("MX-NL", "331", 5.0), ("MX-NL", "336", 5.0),
            ("MX-NL", "UNSPECIFIED", 1e9)]
    table = pa.table({
        "source": ["inegi_eef"] * len(rows), "reporter": [r[0] for r in rows],
        "reporter_level": ["state"] * len(rows), "reported_by": ["MEX"] * len(rows),
        "partner": ["WLD"] * len(rows), "flow": ["export"] * len(rows),
        "period": ["2025"] * len(rows), "year": pa.array([2025] * len(rows), pa.int16()),
        "product_code": [r[1] for r in rows], "classification": ["SCIAN"] * len(rows),
        "product_level": ["scian3"] * len(rows), "value_usd": [r[2] for r in rows]})
    replace_rows(con, "flow", table, where={"source": "inegi_eef"})
    assert wq.complexity_years(con, svc.COMPLEXITY_SOURCES) == {2025: "inegi_eef"}
    result = svc.state_complexity(con, svc.ComplexityRequest(year=2025))
    assert {s.scian3 for s in result.subsectors} == {"311", "331", "334", "336"}
    with pytest.raises(InputError, match="2018"):
        svc.state_complexity(con, svc.ComplexityRequest(year=2018))
    con.close()


def test_opportunities_jalisco_from_asia(wh: duckdb.DuckDBPyConnection, registry: Engine,
                                         imported: svc.ImportPlantsResult) -> None:
    result = svc.opportunities(wh, registry, svc.OpportunitiesRequest(
        state="JAL", origin="asia", top=30, today=TODAY))
    assert (result.basis.source, result.basis.level, result.basis.year) == (
        "comtrade", "national", 2021)
    assert result.basis.base_year == 2018
    assert {"CHN", "JPN", "KOR", "TWN"} <= set(result.basis.partners)
    assert (result.complexity_source, result.complexity_year) == ("inegi_eaef", 2018)
    assert len(result.opportunities) == 30
    scores = [o.scored.score for o in result.opportunities]
    assert scores == sorted(scores, reverse=True)
    first = result.opportunities[0]
    assert first.suppliers and all(o.suppliers for o in result.opportunities[:5])
    assert not any(o.suppliers for o in result.opportunities[5:])
    # RETC plants carry their register's NRA, no certificates on record: every requirement
    # of the automotive sector is missing
    retc = [s for o in result.opportunities[:5] for s in o.suppliers if s.kind == "semarnat_retc"]
    assert retc and all(not s.on_record and "IATF16949" in s.missing for s in retc)
    # Jalisco has no OEM plant (SCIAN 3361xx) in RETC 2022: said, not hidden
    assert result.buyers == ()
    assert any(n.key == "supply.note.no_buyers" for n in result.notes)


def test_opportunities_guanajuato_distances_to_oems(wh: duckdb.DuckDBPyConnection,
                                                    registry: Engine,
                                                    imported: svc.ImportPlantsResult) -> None:
    result = svc.opportunities(wh, registry, svc.OpportunitiesRequest(
        state="GTO", origin="china", today=TODAY))
    assert {b.name for b in result.buyers} >= {"GENERAL MOTORS DE MEXICO - COMPLEJO SILAO"}
    retc = [s for o in result.opportunities[:5] for s in o.suppliers if s.kind == "semarnat_retc"]
    assert retc and all(s.distance_km is not None and s.nearest_buyer for s in retc)
    assert result.basis.partners == ("CHN",)


def test_weights_change_the_ranking(wh: duckdb.DuckDBPyConnection, registry: Engine,
                                    imported: svc.ImportPlantsResult) -> None:
    only_market = svc.opportunities(wh, registry, svc.OpportunitiesRequest(
        state="JAL", weights=Weights(growth=0, feasibility=0, coverage=0), today=TODAY))
    values = [o.scored.candidate.import_usd for o in only_market.opportunities]
    assert values == sorted(values, reverse=True)


@pytest.mark.parametrize("request_", [
    svc.OpportunitiesRequest(state="XX"), svc.OpportunitiesRequest(state="JAL", origin="mars"),
    svc.OpportunitiesRequest(state="JAL", buyer_sector="toys"),
    svc.OpportunitiesRequest(state="JAL", top=0),
    svc.OpportunitiesRequest(state="JAL", year=2030)])
def test_bad_requests_are_plain_input_errors(wh: duckdb.DuckDBPyConnection, registry: Engine,
                                             request_: svc.OpportunitiesRequest) -> None:
    with pytest.raises(InputError) as info:
        svc.opportunities(wh, registry, request_)
    assert info.value.problems and info.value.problems[0].field


def _flow_rows(source: str, reporter: str, rows: list[tuple[str, str, int, float]]
               ) -> pa.Table:
    """flow rows (partner, product_code, year, value) of imports for ``reporter``."""
    n = len(rows)
    return pa.table({
        "source": [source] * n, "reporter": [reporter] * n,
        "reporter_level": ["state" if reporter.startswith("MX-") else "country"] * n,
        "reported_by": ["MEX"] * n, "partner": [r[0] for r in rows], "flow": ["import"] * n,
        "period": [str(r[2]) for r in rows], "year": pa.array([r[2] for r in rows], pa.int16()),
        "product_code": [r[1] for r in rows], "classification": ["HS"] * n,
        "product_level": ["hs6"] * n, "value_usd": [r[3] for r in rows]})


def test_state_imports_take_precedence_over_national(tmp_path: Path, registry: Engine,
                                                     imported: svc.ImportPlantsResult) -> None:
    con = connect(tmp_path / "dm.duckdb")
    replace_rows(con, "flow", _flow_rows("comtrade", "MEX", [("CHN", "8708", 2021, 5e9),
                                                             ("CHN", "8708", 2019, 4e9)]),
                 where={"source": "comtrade"})
    # DataMéxico: Jalisco's own imports, HS6 summed to HS4 (870899 + 870829 → 8708)
    replace_rows(con, "flow", _flow_rows("datamexico", "MX-JAL", [
        ("CHN", "870899", 2024, 3e6), ("CHN", "870829", 2024, 1e6),
        ("CHN", "870899", 2021, 2e6), ("KOR", "732690", 2024, 5e5)]),
        where={"source": "datamexico"})
    result = svc.opportunities(con, registry, svc.OpportunitiesRequest(
        state="JAL", origin="china", today=TODAY))
    assert (result.basis.source, result.basis.level, result.basis.year) == (
        "datamexico", "state", 2024)
    assert [(o.scored.candidate.hs4, o.scored.candidate.import_usd)
            for o in result.opportunities] == [("8708", 4e6)]  # KOR is not an origin here
    assert result.opportunities[0].scored.growth_rate == pytest.approx((4 / 2) ** (1 / 3) - 1)
    # a year DataMéxico lacks (2019: neither 2024 nor 2021) falls to the next source, with a note
    older = svc.opportunities(con, registry, svc.OpportunitiesRequest(
        state="JAL", origin="china", year=2019, today=TODAY))
    assert (older.basis.source, older.basis.year) == ("comtrade", 2019)
    assert any(n.key == "supply.error.import_year" for n in older.notes)
    with pytest.raises(InputError) as info:
        svc.opportunities(con, registry, svc.OpportunitiesRequest(state="JAL", origin="china",
                                                                  year=2005))
    assert len(info.value.problems) == 2  # DataMéxico and Comtrade each say which years
    # Guanajuato has no DataMéxico rows: national Comtrade, said so
    gto = svc.opportunities(con, registry, svc.OpportunitiesRequest(state="GTO",
                                                                    origin="china"))
    assert (gto.basis.source, gto.basis.level) == ("comtrade", "national")
    con.close()


def test_siavi_top_lines_as_the_source(tmp_path: Path, registry: Engine,
                                       imported: svc.ImportPlantsResult) -> None:
    con = connect(tmp_path / "siavi.duckdb")
    rows = [("import", "Z3", "CHINA", "CHN", "87089999", "870899", "8708", "x", 2020, 7e8),
            ("import", "Z3", "CHINA", "CHN", "87082999", "870829", "8708", "x", 2020, 3e8),
            ("import", "Z3", "CHINA", "CHN", "TOTAL", None, None, "Total", 2020, 7e10),
            ("import", "K9", "JAPON", "JPN", "84803001", "848030", "8480", "x", 2020, 2e8)]
    names = ["flow", "country_se", "country_name_se", "iso3", "fraccion", "hs6", "hs4",
             "description", "year", "value_usd"]
    table = pa.table({k: [r[i] for r in rows] for i, k in enumerate(names)})
    replace_rows(con, "siavi_top_line", table, where={"flow": "import"})
    result = svc.opportunities(con, registry, svc.OpportunitiesRequest(
        state="GTO", origin="china", source="siavi", today=TODAY))
    assert (result.basis.source, result.basis.level, result.basis.year) == (
        "se_siavi", "national", 2020)
    assert [(o.scored.candidate.hs4, o.scored.candidate.import_usd)
            for o in result.opportunities] == [("8708", 1e9)]  # the Total row is not a line
    assert any(n.key == "supply.caveat.siavi" for n in result.notes)
    con.close()
