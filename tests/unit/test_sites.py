"""The pure site-profile package on hand-worked cases (no files, no database)."""

from __future__ import annotations

import pytest

from comexlab.sites import brands, economy, parks
from comexlab.sites.profile import (
    DETOUR_FACTOR,
    Firm,
    Plant,
    Site,
    bands,
    by_brand,
    by_state,
    depth,
    near,
    role,
)

SITE = Site("test", "14", 21.0, -101.0, "coordinates")
# 1° of latitude = 111.195 km (R = 6371.0088 km): points due north are easy to check by hand
KM_PER_DEG = 111.19508


def plant(ref: str, scian: str, dlat: float, name: str = "ACME SA DE CV", state: str = "11",
          processes: tuple[str, ...] = ()) -> Plant:
    return Plant(ref, name, name, scian, state, "X", 21.0 + dlat, -101.0, processes)


def test_roles_follow_scian() -> None:
    assert [role(c) for c in ("336110", "336120", "336390", "336310", "336211", "326192")] \
        == ["oem", "oem", "tier1", "tier1", None, None]


def test_bands_are_cumulative_and_use_great_circle_km() -> None:
    ps = [plant("a", "336110", 40 / KM_PER_DEG), plant("b", "336110", 140 / KM_PER_DEG),
          plant("c", "336390", 149.9 / KM_PER_DEG), plant("d", "336390", 151 / KM_PER_DEG)]
    found = near(SITE, ps, 250)
    assert [round(n.km, 1) for n in found] == [40.0, 140.0, 149.9, 151.0]
    assert found[0].road_km == pytest.approx(40.0 * DETOUR_FACTOR, abs=1e-6)
    assert [(b.km, b.oem, b.tier1) for b in bands(found, (50, 150, 250))] == [
        (50, 1, 0), (150, 2, 1), (250, 2, 2)]
    assert by_state(found, "tier1", 150) == (("11", 1),)


def test_brands_from_legal_names() -> None:
    assert brands.brand("GENERAL MOTORS DE MÉXICO, S. DE R.L. DE C.V.") == ("GM", True)
    assert brands.brand("COOPERATION MANUFACTURING PLANT AGUASCALIENTES, S.A.P.I.")[0] \
        .startswith("COMPAS")
    assert brands.brand("VOLKSWAGEN TRUCK & BUS MÉXICO")[0] == "Volkswagen Truck & Bus"
    assert brands.brand("Kia Motors México") == ("KIA", True)
    assert brands.brand("SONORA FORMING SA DE CV") == ("SONORA FORMING SA DE CV", False)
    ps = [plant("a", "336110", 0.5, "NISSAN MEXICANA SA"), plant("b", "336110", 0.2,
                                                                "NISSAN MEXICANA SA"),
          plant("c", "336110", 0.1, "MAZDA MOTOR")]
    got = by_brand(near(SITE, ps, 500))
    assert [(b.brand, b.plants) for b in got] == [("Mazda", 1), ("Nissan", 2)]


def test_depth_counts_plants_firms_and_valid_certificates() -> None:
    ps = [plant("a", "332110", 0.1, processes=("stamping",)),
          plant("b", "326192", 2.0, processes=("plastic_injection",))]
    firms = [Firm("AAA010101AAA", "A", "14", ("stamping",), ("IATF16949",), 21.1, -101.0),
             Firm("BBB010101BBB", "B", "14", ("stamping",), (), 21.2, -101.0),
             Firm("CCC010101CCC", "C", "14", ("stamping",), ("ISO9001",), None, None),
             Firm("DDD010101DDD", "D", "14", ("stamping",), ("ISO9001",), 25.0, -101.0)]
    got = {d.process: d for d in depth(SITE, ps, firms, ("stamping", "plastic_injection"),
                                       100)}
    s = got["stamping"]
    assert (s.plants, s.firms, s.certified_firms, s.unplaced_firms) == (1, 2, 1, 1)
    assert s.certifications == (("IATF16949", 1),)
    assert got["plastic_injection"].plants == 0  # 222 km away


def test_park_names_are_normalised_and_grouped() -> None:
    rows = [parks.ParkPlant("1", "22", "Querétaro", "PARQUE INDUSTRIAL QUERÉTARO", 20.0, -100.0),
            parks.ParkPlant("2", "22", "Querétaro", "Parque Industrial Queretaro", 20.2, -100.2),
            parks.ParkPlant("3", "22", "Querétaro", "P.I. Querétaro", None, None),
            parks.ParkPlant("4", "11", "León", "ZONA INDUSTRIAL", 21.0, -101.6),
            parks.ParkPlant("5", "11", "León", "  ", 21.0, -101.6),
            parks.ParkPlant("6", "11", "León", "123", 21.0, -101.6)]
    grouped, ungrouped = parks.group(rows)
    assert len(grouped) == 1 and grouped[0].refs == ("1", "2", "3")
    assert grouped[0].latitude == pytest.approx(20.1)  # mean of the placed plants only
    assert [p.ref for p in ungrouped] == ["4", "6"]  # blank (5) is neither
    assert [g.key for g in parks.find(grouped, "Querétaro")] == ["QUERETARO"]


def test_fdi_trend_leaves_out_partial_years_and_ranks() -> None:
    years = {y: (100.0 * (y - 2015), 4, 0) for y in range(2016, 2024)}
    data = {"14": {**years, 2024: (999.0, 2, 0)},
            "11": {2023: (900.0, 4, 1)}, "09": {2023: (50.0, 4, 0)}}
    trend = economy.fdi_trend(data, "14")
    assert trend is not None
    assert (trend.latest_year, trend.rank, trend.states_ranked) == (2023, 2, 3)  # 900 > 800
    # 2021–2023: 600 + 700 + 800 = 2100; 2018–2020: 300 + 400 + 500 = 1200
    assert (trend.recent_usd, trend.earlier_usd) == (2100.0, 1200.0)
    assert trend.growth == pytest.approx(0.75)
    assert trend.partial_years == (2024,)
    assert economy.fdi_trend(data, "11").rank == 1  # type: ignore[union-attr]
    assert economy.fdi_trend(data, "32") is None


def test_export_profile_shares_and_growth() -> None:
    prof = economy.export_profile({2020: {"336": 50.0, "334": 50.0},
                                   2025: {"336": 150.0, "334": 40.0, "326": 10.0}}, top=2)
    assert prof is not None and (prof.year, prof.base_year, prof.total_usd) == (2025, 2020, 200)
    assert [(x.scian3, x.share, x.growth) for x in prof.top] == [
        ("336", 0.75, 2.0), ("334", 0.2, pytest.approx(-0.2))]
    assert prof.total_growth == pytest.approx(1.0)
