"""AVE dispatch: each rate kind, unit-value conversion and the flagged fallback."""

from __future__ import annotations

import math

import pytest

from comexlab.tariffs.ave import FORMULAS, AveMethod, ave_of, normalise_unit
from comexlab.tariffs.rates import Rate, RateKind, SpecificDuty

COMPOUND = Rate("0.9¢/kg + 12.8%", RateKind.compound, 0.128, (SpecificDuty(0.009, "kg"),))
SPECIFIC = Rate("4.4¢/kg", RateKind.specific, None, (SpecificDuty(0.044, "kg"),))


def test_every_rate_kind_has_a_formula() -> None:
    assert set(FORMULAS) == set(RateKind)


@pytest.mark.parametrize(("rate", "expected"), [
    (Rate("Free", RateKind.free), 0.0),
    (Rate("2.5%", RateKind.ad_valorem, 0.025), 0.025),
])
def test_exact_kinds(rate: Rate, expected: float) -> None:
    assert ave_of(rate) == (expected, AveMethod.exact)


def test_specific_with_unit_value() -> None:
    # 4.4¢/kg on 1,000 kg worth $200: $44 / $200 = 22 %
    ave, method = ave_of(SPECIFIC, value=200.0, quantity=1000.0, quantity_unit="KG")
    assert math.isclose(ave, 0.22) and method is AveMethod.unit_value


def test_compound_adds_parts() -> None:
    ave, method = ave_of(COMPOUND, value=100.0, quantity=1000.0, quantity_unit="kg")
    assert math.isclose(ave, 0.128 + 0.09) and method is AveMethod.unit_value


def test_fallback_keeps_only_ad_valorem_part_and_flags_it() -> None:
    assert ave_of(COMPOUND, value=100.0) == (0.128, AveMethod.fallback_adval_only)
    assert ave_of(SPECIFIC, value=100.0, quantity=5.0, quantity_unit="liter") == (
        0.0, AveMethod.fallback_adval_only)


def test_mixed_rules() -> None:
    greater = Rate("25% or 5¢/kg, whichever is greater", RateKind.mixed, 0.25,
                   (SpecificDuty(0.05, "kg"),), rule="greater")
    ave, _ = ave_of(greater, value=100.0, quantity=1000.0, quantity_unit="kg")
    assert math.isclose(ave, 0.5)
    capped = Rate("x", RateKind.mixed, 0.25, (SpecificDuty(0.05, "kg"),), rule="maximum")
    ave, _ = ave_of(capped, value=100.0, quantity=100.0, quantity_unit="kg")
    assert math.isclose(ave, 0.05)


def test_unparsed_is_unknown_not_zero() -> None:
    ave, method = ave_of(Rate("see note 3", RateKind.unparsed))
    assert math.isnan(ave) and method is AveMethod.no_rate


def test_unit_normalisation() -> None:
    assert normalise_unit("No.") == normalise_unit("number") == "no"
    assert normalise_unit("  ") is None
