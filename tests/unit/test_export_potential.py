"""Export potential on a hand-made world, every figure computed by hand below.

World of product k (USD): A→B 10, D→B 30, D→C 60 (W = 100). Everyone sits on the equator, A at
0°, B at 10°, C at 20°, D at 30° of longitude, so distances are proportional to degrees and
only their ratios matter. With δ = 1 and κ = 1, bilateral = the same matrix:

* supply share of A: 10 / 100 = 0.1
* B: suppliers' mean distance (10·10 + 30·20) / 40 = 17.5° → distance factor 17.5 / 10 = 1.75;
  expected A→B = 10·40/100 = 4 → ease (10 + 4) / (2·4) = 1.75; raw = 0.1·40·1.75·1.75 = 12.25
* C: mean distance 10°, A at 20° → factor 0.5; expected 10·60/100 = 6, actual 0 → ease
  6 / 12 = 0.5; raw = 0.1·60·0.5·0.5 = 1.5
* scale = 10 / 13.75; potential B = 8.9090…, C = 1.0909…; unrealised B = 0, C = 1.0909…
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from comexlab.markets.geo import great_circle_km
from comexlab.markets.potential import Assumptions, export_potential

PLACES = {"A": (0.0, 0.0), "B": (0.0, 10.0), "C": (0.0, 20.0), "D": (0.0, 30.0)}
WORLD = pd.DataFrame({"exporter": ["A", "D", "D"], "importer": ["B", "B", "C"],
                      "value_usd": [10.0, 30.0, 60.0]})
HAND = Assumptions(distance_elasticity=1.0, ease_prior=1.0)


def _rows(p: object) -> dict[str, dict[str, float]]:
    return p.markets.set_index("market").to_dict("index")  # type: ignore[attr-defined]


def test_hand_computed_components() -> None:
    p = export_potential("A", "k", WORLD, WORLD, PLACES, HAND)
    rows = _rows(p)
    assert list(p.markets["market"]) == ["B", "C"]
    assert p.supply_share == pytest.approx(0.1)
    assert rows["B"]["suppliers_distance_km"] / rows["B"]["distance_km"] == pytest.approx(1.75)
    assert rows["B"]["distance_factor"] == pytest.approx(1.75)
    assert rows["C"]["distance_factor"] == pytest.approx(0.5)
    assert rows["B"]["ease"] == pytest.approx(1.75)
    assert rows["C"]["ease"] == pytest.approx(0.5)
    assert p.scale == pytest.approx(10 / 13.75)
    assert rows["B"]["potential_usd"] == pytest.approx(12.25 * 10 / 13.75)
    assert rows["C"]["potential_usd"] == pytest.approx(1.5 * 10 / 13.75)
    assert rows["B"]["unrealised_usd"] == 0.0
    assert rows["C"]["unrealised_usd"] == pytest.approx(1.5 * 10 / 13.75)
    assert p.markets["potential_usd"].sum() == pytest.approx(10.0)  # = the exporter's supply


def test_tariff_disadvantage_and_advantage() -> None:
    """C lets A in duty-free while its suppliers pay 10 % on average: factor 1.1^4 = 1.4641."""
    a = Assumptions(distance_elasticity=1.0, tariffs={"C": (0.0, 0.10)}, tariff_elasticity=4.0)
    rows = _rows(export_potential("A", "k", WORLD, WORLD, PLACES, a))
    assert rows["C"]["tariff_factor"] == pytest.approx(1.4641)
    assert rows["B"]["tariff_factor"] == 1.0
    total = 12.25 + 1.5 * 1.4641
    assert rows["C"]["potential_usd"] == pytest.approx(1.5 * 1.4641 * 10 / total)


def test_demand_and_supply_growth() -> None:
    """B's imports projected ×2 doubles its raw potential; supply ×1.5 scales the total."""
    a = Assumptions(distance_elasticity=1.0, demand_growth={"B": 2.0}, supply_growth=1.5)
    p = export_potential("A", "k", WORLD, WORLD, PLACES, a)
    rows = _rows(p)
    assert rows["B"]["demand_usd"] == 80.0
    assert p.markets["potential_usd"].sum() == pytest.approx(15.0)
    assert rows["B"]["potential_usd"] == pytest.approx(15.0 * 24.5 / 26.0)
    texts = " ".join(m.text("en") for m in p.assumptions)
    assert "NEUTRAL DEFAULT" in texts and "demand growth: projections given for 1" in texts


def test_default_distance_elasticity_is_disdier_head() -> None:
    rows = _rows(export_potential("A", "k", WORLD, WORLD, PLACES))
    assert rows["B"]["distance_factor"] == pytest.approx(1.75 ** 0.9)


def test_neutral_defaults_are_reported() -> None:
    p = export_potential("A", "k", WORLD, WORLD, PLACES)
    texts = [m.text("en") for m in p.assumptions]
    assert any("tariffs: NEUTRAL DEFAULT" in t for t in texts)
    assert any("demand growth: NEUTRAL DEFAULT" in t for t in texts)
    assert any("supply growth: NEUTRAL DEFAULT" in t for t in texts)


def test_own_market_and_reimports_left_out() -> None:
    world = pd.concat([WORLD, pd.DataFrame({"exporter": ["A", "B"], "importer": ["A", "A"],
                                            "value_usd": [5.0, 7.0]})])
    p = export_potential("A", "k", world, WORLD, PLACES, HAND)
    assert "A" not in set(p.markets["market"])
    assert p.supply_usd == 10.0  # A→A re-imports are not supply to markets
    assert _rows(p)["B"]["potential_usd"] == pytest.approx(12.25 * 10 / 13.75)


def test_exporter_without_supply_gets_zero_and_a_note() -> None:
    p = export_potential("C", "k", WORLD, WORLD, PLACES, HAND)
    assert p.markets["potential_usd"].sum() == 0.0
    assert any(n.key == "markets.note.no_supply" for n in p.notes)


def test_market_without_coordinates_is_neutral_and_named() -> None:
    places = {k: v for k, v in PLACES.items() if k != "C"}
    p = export_potential("A", "k", WORLD, WORLD, places, HAND)
    assert _rows(p)["C"]["distance_factor"] == 1.0
    assert any(n.key == "markets.note.no_distance" and "C" in n.text("en") for n in p.notes)


def test_great_circle() -> None:
    """1° of the equator = 6371.0088·π/180 = 111.195 km; pole to pole = π·R."""
    assert great_circle_km((0, 0), (0, 1)) == pytest.approx(111.19508, rel=1e-6)
    assert great_circle_km((90, 0), (-90, 0)) == pytest.approx(math.pi * 6371.0088)
    # Mexico City – New York: about 3,360 km (published great-circle figures 3,355–3,365)
    assert great_circle_km((19.4285, -99.1277), (40.7143, -74.006)) == pytest.approx(3360,
                                                                                      rel=0.005)
