"""Pure supply pieces: ranking components, origins, the process mapping, DMS and distances.

Expected figures are worked by hand in the comments.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from comexlab.supply import mapping
from comexlab.supply.complexity import complexity, value_matrix
from comexlab.supply.geo import distance_km, dms_to_degrees, retc_point
from comexlab.supply.opportunities import (
    Candidate,
    Weights,
    cagr,
    coverage,
    market_share,
    percentile_ranks,
    rank,
    score,
)
from comexlab.supply.origins import origin_codes
from comexlab.supply.processes import processes


def test_cagr_by_hand() -> None:
    assert cagr(121.0, 100.0, 2) == pytest.approx(0.10)  # 100 → 121 in 2 years = +10 %/yr
    assert cagr(50.0, 100.0, 1) == pytest.approx(-0.5)
    assert cagr(50.0, None, 3) is None and cagr(50.0, 0.0, 3) is None
    assert cagr(50.0, 10.0, 0) is None


def test_percentile_ranks_average_ties_and_skip_unknown() -> None:
    # sorted known: 1, 2, 2, 5 → ranks 1, 2.5, 2.5, 4 → /4
    assert percentile_ranks([2.0, None, 5.0, 1.0, 2.0]) == [0.625, None, 1.0, 0.25, 0.625]


def test_market_share_is_log_between_smallest_and_largest() -> None:
    # ln 100 is halfway between ln 10 and ln 1000
    assert market_share(100.0, 10.0, 1000.0) == pytest.approx(0.5)
    assert market_share(10.0, 10.0, 1000.0) == 0.0
    assert market_share(0.0, 10.0, 1000.0) == 0.0
    assert market_share(7.0, 7.0, 7.0) == 1.0


def test_coverage_saturates() -> None:
    assert coverage(0, 2.0) == 0.0
    assert coverage(2, 2.0) == 0.5
    assert coverage(6, 2.0) == 0.75


def test_score_is_weighted_geometric_mean_with_floor() -> None:
    # (0.8^1 · 0.5^1)^(1/2) = sqrt(0.4)
    assert score([(0.8, 1.0), (0.5, 1.0)], 0.05) == pytest.approx(math.sqrt(0.4))
    # a missing component counts as the floor: (0.8 · 0.05)^(1/2) = 0.2
    assert score([(0.8, 1.0), (None, 1.0)], 0.05) == pytest.approx(0.2)
    # weight 0 removes a component
    assert score([(0.8, 1.0), (0.0, 0.0)], 0.05) == pytest.approx(0.8)


def test_rank_orders_by_score_and_shows_components() -> None:
    big_unfeasible = Candidate("8473", 1e10, 8e9, 3, "334", 0.01, 0)
    mid_feasible = Candidate("7326", 1e9, 5e8, 3, "332", 0.6, 4)
    small = Candidate("4205", 1e7, 1e7, 3, "316", 0.3, 1)
    ranked = rank([big_unfeasible, mid_feasible, small])
    # by hand (weights 1, .5, 1, 1; Σ = 3.5; floor .05); growth ranks 8473 2/3, 7326 1, 4205 1/3
    # 8473: exp((ln 1 + .5 ln 2/3 + ln .05 [density .01 floored] + ln .05 [no supplier]) / 3.5)
    #       = exp(-6.1941 / 3.5) = 0.1704
    # 4205: exp((ln .05 [smallest → market 0] + .5 ln 1/3 + ln .3 + ln 1/3) / 3.5) = 0.1881
    assert [s.candidate.hs4 for s in ranked] == ["7326", "4205", "8473"]
    assert ranked[1].score == pytest.approx(0.1881, abs=1e-4)
    assert ranked[2].score == pytest.approx(0.1704, abs=1e-4)
    top = ranked[0]
    assert top.market == pytest.approx(2 / 3)  # ln: 1e7 … 1e9 … 1e10 → 2/3
    assert top.coverage == pytest.approx(4 / 6)
    assert top.growth_rate == pytest.approx(2 ** (1 / 3) - 1)
    assert top.growth == 1.0  # the fastest of the three


@pytest.mark.parametrize("bad", [dict(market=-1.0), dict(market=0.0, growth=0.0,
                                                          feasibility=0.0, coverage=0.0),
                                 dict(floor=0.0), dict(coverage_half=0.0),
                                 dict(growth=float("nan"))])
def test_weights_refuse_nonsense(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Weights(**bad)


def test_origins() -> None:
    assert origin_codes("china") == ("CHN",)
    assert origin_codes("japan, KOR") == ("JPN", "KOR")
    assert {"CHN", "JPN", "KOR", "TWN", "VNM"} <= set(origin_codes("asia"))
    assert origin_codes("usa,usa") == ("USA",)
    with pytest.raises(ValueError, match="atlantis"):
        origin_codes("asia,atlantis")
    with pytest.raises(ValueError):
        origin_codes(" , ")


def test_mapping_covers_every_process_with_sources() -> None:
    links = mapping.links()
    for code in processes():
        kinds = {link.kind for link in links if link.process == code}
        assert kinds == {"hs4", "scian6"}, f"{code} lacks a heading or a SCIAN class"
    assert all(link.source.strip() for link in links)
    # the examples
    assert "stamping" in mapping.processes_of_hs4("7326")
    assert "mold_fabrication" in mapping.processes_of_hs4("8480")
    assert "die_cutting" in mapping.processes_of_hs4("8484")
    assert mapping.processes_of_scian("332110") == ("stamping", "forging")


def test_mapping_check_catches_mistakes() -> None:
    bad = (mapping.Link("stampin", "hs4", "7326", "x"),
           mapping.Link("stamping", "hs4", "732", "x"),
           mapping.Link("stamping", "scian6", "332110", " "),
           mapping.Link("stamping", "naics", "332110", "x"),
           mapping.Link("forging", "hs4", "7326", "x"),
           mapping.Link("forging", "hs4", "7326", "x"))
    problems = mapping.check(bad)
    assert [p.split(":")[0] for p in problems] == ["line 2", "line 3", "line 4", "line 5",
                                                    "line 7"]


def test_dms_by_hand() -> None:
    # 20°41'27" = 20 + 41/60 + 27/3600 = 20.690833…
    assert dms_to_degrees("20°41'27\"")[0] == pytest.approx(20.690833, abs=1e-6)
    assert dms_to_degrees(" 103°20'57.5\" ")[0] == pytest.approx(103.349306, abs=1e-6)
    assert dms_to_degrees("20°41'")[1] == "not_dms"
    assert dms_to_degrees("")[1] == "blank"
    assert dms_to_degrees("20°61'00\"")[1] == "minutes_or_seconds_over_59"
    lat, lon, why = retc_point("20°38'33\"", "103°20'57\"")
    assert (round(lat or 0, 6), round(lon or 0, 6), why) == (20.6425, -103.349167, None)
    assert retc_point("20°38'33\"", "3°20'57\"")[2] == "longitude_outside_mexico"


def test_distance_guadalajara_mexico_city() -> None:
    # haversine, R = 6371.0088 km: GDL cathedral (20.6767, -103.3475) → CDMX Zócalo
    # (19.4326, -99.1332): ≈ 460 km (published great-circle distance 461 km)
    assert distance_km(20.6767, -103.3475, 19.4326, -99.1332) == pytest.approx(460.5, abs=1.5)
    assert distance_km(20.0, -100.0, 20.0, -100.0) == 0.0


def test_complexity_refuses_bad_input() -> None:
    with pytest.raises(ValueError):
        value_matrix({("A", "x"): -1.0})
    with pytest.raises(ValueError):
        complexity(("A", "B"), ("x", "y"), np.array([[1.0, 0.0], [0.0, 1.0]]))


def test_zero_rows_and_columns_are_dropped() -> None:
    places, products, mat = value_matrix({("A", "x"): 5, ("A", "y"): 1, ("B", "x"): 1,
                                          ("B", "y"): 5, ("C", "x"): 3, ("C", "y"): 3,
                                          ("C", "z"): 0, ("D", "x"): 0})
    c = complexity(places, products, mat)
    assert c.places == ("A", "B", "C") and c.products == ("x", "y")


# --- properties of the complexity measures (stable strategies: integers, no subnormals) ---
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_MATRIX = st.lists(st.lists(st.integers(min_value=0, max_value=1000), min_size=5, max_size=5),
                   min_size=5, max_size=7)


def _complexity_or_none(rows: list[list[int]]):  # type: ignore[no-untyped-def]
    mat = np.array(rows, dtype=float) + np.eye(len(rows), 5) * 500  # every place exports
    places = tuple(f"c{i}" for i in range(len(rows)))
    products = tuple(f"p{j}" for j in range(5))
    try:
        return complexity(places, products, mat), places, products, mat
    except ValueError:  # a product nobody exports with RCA >= 1: refused, not computed
        return None


@settings(deadline=None, max_examples=60)
@given(_MATRIX, st.integers(min_value=2, max_value=1000))
def test_measures_do_not_depend_on_units(rows: list[list[int]], k: int) -> None:
    found = _complexity_or_none(rows)
    if found is None:
        return
    c, places, products, mat = found
    scaled = complexity(places, products, mat * k)  # thousands of USD vs USD
    assert np.allclose(scaled.rca, c.rca) and np.array_equal(scaled.m, c.m)
    assert np.allclose(scaled.eci, c.eci, atol=1e-9)
    assert np.allclose(scaled.density, c.density)


@settings(deadline=None, max_examples=60)
@given(_MATRIX)
def test_density_is_a_share_and_present_products_gain_nothing(rows: list[list[int]]) -> None:
    found = _complexity_or_none(rows)
    if found is None:
        return
    c = found[0]
    assert ((c.density >= -1e-12) & (c.density <= 1 + 1e-12)).all()
    assert (c.cog[c.m == 1] == 0).all()
    assert abs(c.eci.mean()) < 1e-9  # standardised
