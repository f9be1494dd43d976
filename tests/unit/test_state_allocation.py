"""Estimated state × HTS10 allocation: exact sums, unallocated value, replacement by real data."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comexlab.nomenclature.states import states
from comexlab.reports.allocation import (
    allocate_lines,
    replace_with_real,
    subsector_shares,
    top_lines,
)

STATES = [s.reporter for s in states()]


def _inegi() -> pd.DataFrame:
    return pd.DataFrame({
        "state": ["MX-GTO", "MX-JAL", "MX-COAH", "MX-GTO", "MX-JAL"],
        "scian3": ["336", "336", "336", "311", "311"],
        "value_usd": [20.0, 10.0, 70.0, 1.0, 3.0],
    })


def _lines() -> pd.DataFrame:
    return pd.DataFrame({
        "period": ["2026-01"] * 4 + ["2026-02"],
        "hts10": ["8703230140", "0201300000", "0702000000", "9801001012", "8703230140"],
        "value_usd": [1000.0, 400.0, 300.0, 50.0, 500.0],
    })


def _concordance() -> pd.DataFrame:
    return pd.DataFrame({"hts10": ["8703230140", "0201300000", "0702000000"],
                         "scian3": ["336", "311", "111"]})


def test_shares_sum_to_one_per_subsector() -> None:
    shares = subsector_shares(_inegi())
    assert shares.groupby("scian3")["state_share"].sum().tolist() == pytest.approx([1.0, 1.0])
    gto = shares.set_index(["state", "scian3"])["state_share"]
    assert gto[("MX-GTO", "336")] == pytest.approx(0.2)
    assert gto[("MX-JAL", "311")] == pytest.approx(0.75)


def test_allocation_of_one_line_and_the_unallocated_rest() -> None:
    result = allocate_lines(_lines(), _concordance(), subsector_shares(_inegi()), base_year=2018)
    gto = result.allocated.query("state == 'MX-GTO' and period == '2026-01'")
    assert dict(zip(gto["hts10"], gto["value_usd"], strict=True)) == pytest.approx(
        {"8703230140": 200.0, "0201300000": 100.0})
    reasons = result.unallocated_by_reason()
    assert reasons == {"subsector_not_in_inegi": 300.0, "no_scian_mapping": 50.0}
    assert result.base_year == 2018


def test_restricting_to_one_state_keeps_the_unallocated_rows() -> None:
    result = allocate_lines(_lines(), _concordance(), subsector_shares(_inegi()),
                            states=["MX-GTO"])
    assert set(result.allocated["state"]) == {"MX-GTO"}
    assert result.unallocated["value_usd"].sum() == 350.0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(STATES), st.sampled_from(["311", "325", "336", "212"]),
                       st.floats(0, 1e7, allow_subnormal=False)), min_size=1, max_size=60),
    st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", "e"]),
                       st.floats(0, 1e9, allow_subnormal=False)), min_size=1, max_size=20),
)
def test_allocated_over_32_states_plus_unallocated_equals_national_line(
        inegi: list[tuple[str, str, float]], lines: list[tuple[str, float]]) -> None:
    state_exports = pd.DataFrame(inegi, columns=["state", "scian3", "value_usd"])
    concordance = pd.DataFrame({"hts10": ["a", "b", "c", "d"],
                                "scian3": ["311", "336", "111", "325"]})
    national = pd.DataFrame(lines, columns=["hts10", "value_usd"]).assign(period="2025-01")
    result = allocate_lines(national, concordance, subsector_shares(state_exports))
    per_line = national.groupby("hts10")["value_usd"].sum()
    got = (result.allocated.groupby("hts10")["value_usd"].sum()
           .add(result.unallocated.groupby("hts10")["value_usd"].sum(), fill_value=0.0))
    pd.testing.assert_series_equal(got.sort_index(), per_line.sort_index(),
                                   check_names=False, rtol=1e-9, atol=1e-3)
    assert set(result.allocated["state"]) <= set(STATES)
    # 'e' has no concordance entry: always unallocated for that reason
    e_rows = result.unallocated[result.unallocated["hts10"] == "e"]
    assert set(e_rows["reason"]) <= {"no_scian_mapping"}


def test_real_state_data_replaces_the_estimate_for_its_periods() -> None:
    est = allocate_lines(_lines(), _concordance(), subsector_shares(_inegi()),
                         states=["MX-GTO"]).allocated
    real = pd.DataFrame({"period": ["2026-02"], "state": ["MX-GTO"], "hs6": ["870323"],
                         "value_usd": [321.0]})
    combined = replace_with_real(est, real)
    feb = combined[combined["period"] == "2026-02"]
    assert feb["value_usd"].tolist() == [321.0] and not feb["estimated"].any()
    jan = combined[combined["period"] == "2026-01"]
    assert jan["estimated"].all() and set(jan["product_level"]) == {"hs6"}
    top = top_lines(combined, top=5)
    assert top.loc[0, "product_code"] == "870323"
    assert top.loc[0, "value_usd"] == pytest.approx(200.0 + 321.0)
    assert bool(top.loc[0, "estimated"])  # January is still estimated


def test_without_real_data_lines_stay_hts10_and_estimated() -> None:
    est = allocate_lines(_lines(), _concordance(), subsector_shares(_inegi()),
                         states=["MX-GTO"]).allocated
    combined = replace_with_real(est, pd.DataFrame(columns=["period", "state", "hs6",
                                                            "value_usd"]))
    assert set(combined["product_level"]) == {"hts10"} and combined["estimated"].all()
    top = top_lines(combined)
    assert top.loc[0, "product_code"] == "8703230140"
    assert top.loc[0, "value_usd"] == pytest.approx(300.0)
    assert top.loc[0, "state_share"] == pytest.approx(0.2)
    assert top["share"].sum() == pytest.approx(1.0)


def test_real_data_for_one_state_keeps_the_other_states_estimates() -> None:
    # Estimates (see test_allocation_of_one_line_and_the_unallocated_rest): GTO gets 20 % and
    # JAL 10 % of 8703230140 (336); in 2026-01 that is $200 and $100, in 2026-02 $100 and $50.
    est = allocate_lines(_lines(), _concordance(), subsector_shares(_inegi()),
                         states=["MX-GTO", "MX-JAL"]).allocated
    real = pd.DataFrame({"period": ["2026-01"], "state": ["MX-GTO"], "hs6": ["870323"],
                         "value_usd": [321.0]})
    combined = replace_with_real(est, real)
    cars = combined[combined["product_code"] == "870323"].set_index(["state", "period"])
    # GTO January: the real $321 replaces the estimate; GTO February stays estimated ($100)
    assert cars.loc[("MX-GTO", "2026-01"), "value_usd"] == 321.0
    assert not cars.loc[("MX-GTO", "2026-01"), "estimated"]
    assert cars.loc[("MX-GTO", "2026-02"), "value_usd"] == pytest.approx(100.0)
    # JAL has no real data: both its months keep their estimates
    assert cars.loc[("MX-JAL", "2026-01"), "value_usd"] == pytest.approx(100.0)
    assert cars.loc[("MX-JAL", "2026-02"), "value_usd"] == pytest.approx(50.0)
    assert cars.loc[("MX-JAL", "2026-01"), "estimated"]
    # JAL's beef (0201300000, 311: 75 % of $400 = $300) in January is kept too
    jal_jan = combined.query("state == 'MX-JAL' and period == '2026-01'")
    assert jal_jan["value_usd"].sum() == pytest.approx(100.0 + 300.0)


def test_replacement_output_columns_and_shares() -> None:
    # GTO, 2026-01, estimated 8703230140 ($200 of $1000) rolls up to HS6 870323 with state_share
    # 200/1000 = 0.2; the real row has no national value or share (NaN) and is not estimated.
    est = allocate_lines(_lines(), _concordance(), subsector_shares(_inegi()),
                         states=["MX-GTO"]).allocated
    real = pd.DataFrame({"period": ["2026-02"], "state": ["MX-GTO"], "hs6": ["870323"],
                         "value_usd": [321.0]})
    combined = replace_with_real(est, real)
    assert list(combined.index) == list(range(len(combined)))
    jan = combined.query("period == '2026-01' and product_code == '870323'").iloc[0]
    assert jan["state_share"] == pytest.approx(0.2) and jan["national_value_usd"] == 1000.0
    assert bool(jan["estimated"]) is True
    feb = combined.query("period == '2026-02'").iloc[0]
    assert pd.isna(feb["national_value_usd"]) and pd.isna(feb["state_share"])
    assert bool(feb["estimated"]) is False


def test_top_lines_order_ties_and_limit() -> None:
    # equal values sort by code (ascending); a zero total gives NaN shares, not a division error
    rows = pd.DataFrame({"period": "2026-01", "state": "MX-GTO",
                         "product_code": [f"{i:06d}" for i in range(25)],
                         "product_level": "hs6", "value_usd": 5.0,
                         "national_value_usd": float("nan"), "state_share": float("nan"),
                         "estimated": False})
    top = top_lines(rows)
    assert len(top) == 20  # the default
    assert top["product_code"].tolist()[:3] == ["000000", "000001", "000002"]
    assert top["share"].tolist()[0] == pytest.approx(1 / 25)
    assert pd.isna(top.loc[0, "national_value_usd"])  # no national figure: unknown, not 0
    zero = top_lines(rows.assign(value_usd=0.0), top=3)
    assert len(zero) == 3 and zero["share"].isna().all()
