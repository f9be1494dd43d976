"""AVE dispatch: each rate kind, unit-value conversion and the flagged fallback."""

from __future__ import annotations

import math

import pytest

from comexlab.tariffs.ave import FORMULAS, AveMethod, ave_of, normalise_unit
from comexlab.tariffs.rate_parser import parse_rate
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


def test_not_less_than_floors_the_duty() -> None:
    # "25% but not less than 4¢/kg" on 1,000 kg worth $100: specific = $0.04 × 1000 / $100 =
    # 40 %, above the 25 % ad valorem, so the floor binds: AVE 0.40 (a cap would give 0.25).
    rate = parse_rate("25% but not less than 4¢/kg")
    ave, method = ave_of(rate, value=100.0, quantity=1000.0, quantity_unit="kg")
    assert math.isclose(ave, 0.40) and method is AveMethod.unit_value
    # 500 kg: specific 20 % < 25 %, the ad valorem part stands.
    assert math.isclose(ave_of(rate, value=100.0, quantity=500.0, quantity_unit="kg")[0], 0.25)


def test_not_more_than_caps_the_duty() -> None:
    # Same numbers with a cap: min(25 %, 40 %) = 0.25; at 500 kg min(25 %, 20 %) = 0.20.
    rate = parse_rate("25% but not more than 4¢/kg")
    assert math.isclose(ave_of(rate, value=100.0, quantity=1000.0, quantity_unit="kg")[0], 0.25)
    assert math.isclose(ave_of(rate, value=100.0, quantity=500.0, quantity_unit="kg")[0], 0.20)


def test_lesser_of_takes_the_smaller_alternative() -> None:
    # "the lesser of 10% or 3¢/kg", 1,000 kg worth $100: specific 30 %, so 0.10.
    rate = parse_rate("the lesser of 10% or 3¢/kg")
    assert rate.rule == "lesser"
    assert math.isclose(ave_of(rate, value=100.0, quantity=1000.0, quantity_unit="kg")[0], 0.10)


def test_both_specific_parts_count() -> None:
    # 2620.19.60 (HTS 2026r10): 0.7¢/kg on copper + 0.7¢/kg on lead. On 1,000 kg worth $100
    # each part is $0.007 × 1000 = $7, together $14 / $100 = 0.14 (one part alone: 0.07).
    rate = parse_rate("0.7¢/kg on copper content + 0.7¢/kg on lead content")
    ave, method = ave_of(rate, value=100.0, quantity=1000.0, quantity_unit="kg")
    assert math.isclose(ave, 0.14) and method is AveMethod.unit_value
    # the second part in another unit than the flow's quantity: not convertible, flagged
    other = Rate("x", RateKind.specific, None,
                 (SpecificDuty(0.007, "kg"), SpecificDuty(0.5, "liter")))
    assert ave_of(other, value=100.0, quantity=1000.0, quantity_unit="kg") == (
        0.0, AveMethod.fallback_adval_only)


def test_multi_part_compound_uses_the_first_ad_valorem_part() -> None:
    # 9105.11.80 (HTS 2026r10) "30¢ each + 6.9% on the case + 5.3% on the battery".
    rate = parse_rate("30¢ each + 6.9% on the case + 5.3% on the battery")
    # No quantity: only the ad valorem part counts, a flagged lower bound of 0.069.
    assert ave_of(rate, value=100.0) == (0.069, AveMethod.fallback_adval_only)
    # 10 clocks worth $100: $0.30 × 10 = $3 → 3 % + 6.9 % = 0.099.
    ave, method = ave_of(rate, value=100.0, quantity=10.0, quantity_unit="each")
    assert math.isclose(ave, 0.099) and method is AveMethod.unit_value


def test_range_uses_the_low_end_and_says_so() -> None:
    # "Free-6.5%": AVE 0 (low end), method range_low; the high end is kept on the Rate.
    assert ave_of(parse_rate("Free-6.5%")) == (0.0, AveMethod.range_low)
    assert ave_of(parse_rate("2%-6.5%")) == (0.02, AveMethod.range_low)


def test_small_quantities_and_values_still_convert() -> None:
    # 4.4¢/kg on 0.5 kg worth $0.50: $0.022 / $0.50 = 0.044 (thresholds are "> 0", not "> 1")
    ave, method = ave_of(SPECIFIC, value=0.5, quantity=0.5, quantity_unit="kg")
    assert math.isclose(ave, 0.044) and method is AveMethod.unit_value


def test_one_dollar_per_kg_is_a_specific_part() -> None:
    # "$1/kg" on 10 kg worth $100: $10 / $100 = 0.10 (an amount of exactly 1 is still present)
    ave, method = ave_of(parse_rate("$1/kg"), value=100.0, quantity=10.0, quantity_unit="kg")
    assert math.isclose(ave, 0.10) and method is AveMethod.unit_value


def test_zero_value_cannot_give_a_unit_value() -> None:
    # no value: the specific part cannot be a share of it; only the 12.8 % counts, flagged
    assert ave_of(COMPOUND, value=0.0, quantity=10.0, quantity_unit="kg") == (
        0.128, AveMethod.fallback_adval_only)
