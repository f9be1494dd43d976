"""Which INEGI year's state shares split which flows (issue 12: shares of the flows' year).

Pure code (comexlab.reports.allocation): the flows' own year when INEGI has it, else the latest
year before it (2026 flows → 2025), else INEGI's first year; each period is split by its own
year's shares and the result says which year stood in for which.
"""

from __future__ import annotations

import pandas as pd
import pytest

from comexlab.reports.allocation import (
    allocate_by_year,
    share_year,
    share_years_for,
    subsector_shares,
)

EEF_YEARS = range(2007, 2026)  # INEGI EEF 2007–2025
EAEF_YEARS = range(2007, 2019)  # INEGI EAEF 2007–2018


@pytest.mark.parametrize(("flow_year", "available", "expected"), [
    (2025, EEF_YEARS, 2025),   # own year
    (2024, EEF_YEARS, 2024),
    (2026, EEF_YEARS, 2025),   # not published yet → latest year published
    (2030, EEF_YEARS, 2025),
    (2025, EAEF_YEARS, 2018),  # EAEF alone: everything after 2018 takes 2018
    (2005, EEF_YEARS, 2007),   # before the series → its first year
    (2020, [2018, 2022], 2018),  # a gap: the latest year BEFORE, never a later one
])
def test_share_year(flow_year: int, available: range | list[int], expected: int) -> None:
    assert share_year(flow_year, list(available)) == expected


def test_share_year_needs_a_year() -> None:
    with pytest.raises(ValueError, match="no INEGI year"):
        share_year(2025, [])


def test_share_years_for_periods_of_a_window() -> None:
    periods = ["2025-03", "2025-12", "2026-01", "2026-02"]
    assert share_years_for(periods, EEF_YEARS) == {2025: 2025, 2026: 2025}
    assert share_years_for(["2018", "2019"], EAEF_YEARS) == {2018: 2018, 2019: 2018}


def _shares(gto_336: float) -> pd.DataFrame:
    """GTO and COAH split subsector 336: GTO has ``gto_336`` of 100."""
    return subsector_shares(pd.DataFrame({
        "state": ["MX-GTO", "MX-COAH"], "scian3": ["336", "336"],
        "value_usd": [gto_336, 100.0 - gto_336]}))


def test_each_period_takes_its_own_years_shares_and_2026_takes_2025() -> None:
    lines = pd.DataFrame({"period": ["2024-12", "2025-01", "2026-01"],
                          "hts10": ["8703230140"] * 3, "value_usd": [1000.0] * 3})
    concordance = pd.DataFrame({"hts10": ["8703230140"], "scian3": ["336"]})
    by_year = {2018: _shares(12.0), 2024: _shares(10.0), 2025: _shares(13.0)}
    result = allocate_by_year(lines, concordance, by_year, states=["MX-GTO"],
                              share_source="inegi_eef")
    gto = result.allocated.set_index("period")["value_usd"]
    # 2024 flows × 10 %, 2025 flows × 13 %, 2026 flows × 13 % (2025 = latest year) — not 12 %
    assert gto.to_dict() == pytest.approx({"2024-12": 100.0, "2025-01": 130.0, "2026-01": 130.0})
    assert dict(result.share_years) == {2024: 2024, 2025: 2025, 2026: 2025}
    assert result.fallbacks() == {2026: 2025}
    assert result.base_year == 2025 and result.base_year_label() == "2024, 2025"
    assert result.share_source == "inegi_eef"


def test_exact_sum_holds_per_period_across_years() -> None:
    lines = pd.DataFrame({"period": ["2025-06", "2026-06", "2026-06"],
                          "hts10": ["8703230140", "8703230140", "0101210010"],
                          "value_usd": [700.0, 300.0, 50.0]})
    concordance = pd.DataFrame({"hts10": ["8703230140"], "scian3": ["336"]})
    result = allocate_by_year(lines, concordance, {2025: _shares(13.0)})
    both = (result.allocated.groupby("period")["value_usd"].sum()
            .add(result.unallocated.groupby("period")["value_usd"].sum(), fill_value=0))
    assert both.to_dict() == pytest.approx({"2025-06": 700.0, "2026-06": 350.0})
    assert set(result.unallocated["reason"]) == {"no_scian_mapping"}


def test_no_periods_gives_an_empty_allocation() -> None:
    empty = pd.DataFrame({"period": pd.Series(dtype=str), "hts10": pd.Series(dtype=str),
                          "value_usd": pd.Series(dtype=float)})
    concordance = pd.DataFrame({"hts10": pd.Series(dtype=str), "scian3": pd.Series(dtype=str)})
    result = allocate_by_year(empty, concordance, {2025: _shares(13.0)})
    assert result.allocated.empty and result.unallocated.empty
    assert result.base_year is None and result.fallbacks() == {}
