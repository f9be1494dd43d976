"""Closed-form figures of issue 4, worked by hand (see docs/methods/smart.md and scenarios.md)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from comexlab.tariffs.formulas import linear_cut, neutralising_cut, swiss
from comexlab.tariffs.smart import (
    ElasticityLevel,
    ElasticityTables,
    SmartParams,
    lookup_elasticity,
    relative_price_change,
    smart_effects,
    trade_creation,
    trade_diversion,
    welfare,
)

rates = st.floats(min_value=0.0, max_value=5.0, allow_nan=False, allow_subnormal=False)


def test_neutralising_cut_worked_examples() -> None:
    # 0 → 25 %: (0.25 − 0)/(1.25) = 0.2 exactly; 0 → 2.5 %: 0.025/1.025 = 0.024390…
    assert neutralising_cut(0.0, 0.25) == 0.2
    assert round(neutralising_cut(0.0, 0.025), 5) == 0.02439


def test_neutralising_cut_keeps_landed_price() -> None:
    t0, t1 = 0.04, 0.275
    cut = neutralising_cut(t0, t1)
    assert math.isclose(1.0 * (1 + t0), (1 - cut) * (1 + t1))


def test_swiss_formula_a16() -> None:
    # 16 × 25 / (16 + 25) = 9.7561 %
    assert round(swiss(0.25, 16) * 100, 3) == 9.756
    assert swiss(0.0, 16) == 0.0


def test_linear_cut_halves() -> None:
    assert linear_cut(0.1, 0.5) == 0.05


def test_smart_creation_infinite_supply() -> None:
    # M = 100, ε = 1.47, Δt = 0.025, t0 = 0: TC = −100·1.47·0.025 = −3.675
    assert math.isclose(trade_creation(100.0, 0.0, 0.025, 1.47, 99.0), -3.675)
    assert math.isclose(trade_creation(100.0, 0.0, 0.025, 1.47, float("inf")), -3.675)


def test_smart_creation_finite_supply_is_damped() -> None:
    tc = trade_creation(100.0, 0.0, 0.025, 1.47, 5.0)
    assert math.isclose(tc, -3.675 / (1 + 1.47 / 5))


def test_smart_diversion_capped_worked_example() -> None:
    # 100·300·1.5·(−0.025) / (300 + 100 + 100·1.5·(−0.025)) = −1125/396.25 = −2.8391
    x = relative_price_change(0.0, 0.025)
    assert round(trade_diversion(100.0, 300.0, x, 1.5), 3) == -2.839
    assert round(trade_diversion(100.0, 300.0, x, 1.5, capped=False), 4) == -2.8125


# --- SMART with a tariff already in place (t0 > 0): the (1 + t0) and ½(t0 + t1) terms -------
# Hand-worked: M = 100, t 10 % → 20 %, ε = 2, M_rest = 300, σ = 1.5.
#   TC = −M·ε·Δt/(1 + t0) = −100·2·0.1/1.1 = −200/11 = −18.1818   (without 1 + t0: −20)
#   W  = ½(t0 + t1)·TC = ½·0.3·(−200/11) = −30/11 = −2.7273          (with t1 − t0: −0.9091)
#   x  = −Δt/(1 + t0) = −1/11
#   TD = M·M_rest·σ·x/(M_rest + M + M·σ·x) = (−45000/11)/(4250/11) = −45000/4250 = −10.5882
TC_T0 = -200 / 11
TD_T0 = -45000 / 4250


def test_smart_creation_with_tariff_in_place() -> None:
    assert math.isclose(trade_creation(100.0, 0.1, 0.2, 2.0), TC_T0)
    # finite supply β = 4: damped by 1 + ε/β = 1.5 → −200/16.5 = −12.1212
    assert math.isclose(trade_creation(100.0, 0.1, 0.2, 2.0, 4.0), -200 / 16.5)


def test_smart_welfare_is_the_trapezoid_over_both_rates() -> None:
    assert math.isclose(welfare(0.1, 0.2, TC_T0), -30 / 11)


def test_smart_diversion_with_tariff_in_place() -> None:
    x = relative_price_change(0.1, 0.2)
    assert math.isclose(x, -1 / 11)
    assert math.isclose(trade_diversion(100.0, 300.0, x, 1.5), TD_T0)
    # the rest's tariff moves too (5 % → 15 %): x = 0.1/1.05 − 0.1/1.1 = 0.0043290
    assert math.isclose(relative_price_change(0.1, 0.2, 0.05, 0.15), 0.1 / 1.05 - 0.1 / 1.1)


def test_smart_frame_with_tariff_in_place() -> None:
    eff = smart_effects(np.array([100.0]), np.array([0.1]), np.array([0.2]), np.array([2.0]),
                        np.array([300.0]), SmartParams())
    row = eff.iloc[0]
    assert math.isclose(row.trade_creation, TC_T0)
    assert math.isclose(row.trade_diversion, TD_T0)
    assert math.isclose(row.revenue_before, 10.0)  # 0.1 × 100
    # 0.2 × (100 − 18.1818 − 10.5882) = 14.2460
    assert math.isclose(row.revenue_after, 0.2 * (100 + TC_T0 + TD_T0))
    assert math.isclose(row.welfare, -30 / 11)


def test_smart_frame_uses_the_given_parameters() -> None:
    # σ = 3, β = 4, uncapped: TC = −100·2·0.1/(1.1·1.5) = −12.1212; TD = 100·300·3·(−1/11)/400
    # = −20.4545; no rest-of-world imports → diversion unknown (NaN), not zero.
    params = SmartParams(sigma=3.0, supply_elasticity=4.0, capped=False)
    m, t0, t1, eps = (np.array([v]) for v in (100.0, 0.1, 0.2, 2.0))
    row = smart_effects(m, t0, t1, eps, np.array([300.0]), params).iloc[0]
    assert math.isclose(row.trade_creation, -200 / 16.5)
    assert math.isclose(row.trade_diversion, 100 * 300 * 3 * (-1 / 11) / 400)
    alone = smart_effects(m, t0, t1, eps, None, params).iloc[0]
    assert math.isnan(alone.trade_diversion)
    assert math.isclose(alone.revenue_after, 0.2 * (100 - 200 / 16.5))  # NaN diversion as 0


@given(m=st.floats(1, 1e6), rest=st.floats(0, 1e6, allow_subnormal=False),
       x=st.floats(-50, 50, allow_subnormal=False), sigma=st.floats(0.1, 20))
def test_diversion_never_exceeds_either_side(m: float, rest: float, x: float,
                                             sigma: float) -> None:
    td = trade_diversion(m, rest, x, sigma)
    assert -m - 1e-6 <= td <= rest + 1e-6


def test_smart_frame_revenue_and_welfare() -> None:
    eff = smart_effects(np.array([100.0]), np.array([0.0]), np.array([0.025]),
                        np.array([1.47]), np.array([300.0]), SmartParams())
    row = eff.iloc[0]
    assert math.isclose(row.trade_creation, -3.675)
    assert round(row.trade_diversion, 3) == -2.839
    assert row.revenue_before == 0.0
    assert math.isclose(row.revenue_after, 0.025 * (100 - 3.675 + row.trade_diversion))
    assert math.isclose(row.welfare, welfare(0.0, 0.025, -3.675))
    assert row.welfare < 0


def test_elasticity_fallback_chain() -> None:
    import pandas as pd

    tables = ElasticityTables(hts10={"8703230140": 2.0}, hs6={"870324": 3.0},
                              naics6={"336111": 4.0}, default=1.5)
    codes = pd.Series(["8703230140", "8703240000", "8708000000", "0101000000"])
    naics = pd.Series(["336111", "336111", "336111", "999999"])
    eps, level = lookup_elasticity(codes, naics, tables)
    assert eps.tolist() == [2.0, 3.0, 4.0, 1.5]
    assert level.tolist() == [ElasticityLevel.hts10, ElasticityLevel.hs6,
                              ElasticityLevel.naics6, ElasticityLevel.default]


@given(t0=rates, dt=rates)
def test_cut_in_unit_interval_when_rates_rise(t0: float, dt: float) -> None:
    cut = neutralising_cut(t0, t0 + dt)
    assert 0.0 <= cut < 1.0


@given(t0=rates, t1=rates, t2=rates)
def test_cut_monotonic_in_new_rate(t0: float, t1: float, t2: float) -> None:
    lo, hi = sorted((t1, t2))
    assert neutralising_cut(t0, lo) <= neutralising_cut(t0, hi) + 1e-15


@given(t=rates, u=rates, a=st.floats(1, 50))
def test_swiss_monotonic_and_bounded(t: float, u: float, a: float) -> None:
    lo, hi = sorted((t, u))
    assert swiss(lo, a) <= swiss(hi, a) + 1e-15
    assert swiss(hi, a) <= min(hi, a / 100) + 1e-15
