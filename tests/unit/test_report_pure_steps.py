"""The pandas steps the report services used to do themselves, now pure (issue 11).

Each case is small enough to check by hand; the numbers in the comments are the arithmetic.
"""

from __future__ import annotations

import pandas as pd
import pytest

from comexlab.reports import allocation as alloc
from comexlab.reports import profiles as prof
from comexlab.reports.windows import Window


def test_shares_by_year_splits_each_year_by_its_own_exports() -> None:
    exports = pd.DataFrame({"year": [2024, 2024, 2025],
                            "state": ["MX-GTO", "MX-JAL", "MX-GTO"],
                            "scian3": ["336", "336", "336"],
                            "value_usd": [100.0, 300.0, 50.0]})
    shares = alloc.shares_by_year(exports)
    assert sorted(shares) == [2024, 2025]
    by_state = dict(zip(shares[2024]["state"], shares[2024]["state_share"], strict=True))
    assert by_state == {"MX-GTO": pytest.approx(0.25), "MX-JAL": pytest.approx(0.75)}  # 100/400
    assert shares[2025]["state_share"].tolist() == [1.0]  # the only state that year


def test_at_level_cuts_codes_but_keeps_coarser_real_rows() -> None:
    rows = pd.DataFrame({"product_code": ["8703231000", "870323"],
                         "product_level": ["hts10", "hs6"], "value_usd": [7.0, 3.0]})
    hs8 = alloc.at_level(rows, "hs8")
    assert hs8["product_code"].tolist() == ["87032310", "870323"]
    assert hs8["product_level"].tolist() == ["hs8", "hs6"]  # real HS6 rows stay HS6
    hs4 = alloc.at_level(rows, "hs4")
    assert hs4["product_code"].tolist() == ["8703", "8703"]
    assert hs4["product_level"].tolist() == ["hs4", "hs4"]


def test_unallocated_value_counts_only_the_periods_asked() -> None:
    allocation = alloc.Allocation(
        allocated=pd.DataFrame(columns=list(alloc.ALLOCATED_COLUMNS)),
        unallocated=pd.DataFrame({"period": ["2026-01", "2026-02", "2026-01"],
                                  "hts10": ["1", "2", "3"], "scian3": [None, None, "999"],
                                  "value_usd": [10.0, 5.0, 2.5],
                                  "reason": ["no_scian_mapping"] * 2
                                  + ["subsector_not_in_inegi"]}))
    assert allocation.unallocated_value(["2026-01"]) == 12.5  # 10 + 2.5
    assert allocation.unallocated_value(["2026-03"]) == 0.0


def test_as_flow_rows_are_us_bound_hts10_rows() -> None:
    allocated = pd.DataFrame({"period": ["2026-01"], "state": ["MX-GTO"], "hts10": ["8703231000"],
                              "scian3": ["336"], "state_share": [0.2],
                              "national_value_usd": [50.0], "value_usd": [10.0]})
    rows = alloc.as_flow_rows(allocated, "USA")
    assert rows.to_dict(orient="records") == [{
        "period": "2026-01", "product_code": "8703231000", "product_level": "hts10",
        "partner": "USA", "value_usd": 10.0}]


def test_tag_windows_keeps_both_windows_at_the_source_level() -> None:
    profile = prof.PROFILES[prof.DATAWEB]  # hts10 by month
    rows = pd.DataFrame({"period": ["2026-01", "2025-02", "2024-01", "2026-02", "2026-02"],
                         "product_level": ["hts10", "hts10", "hts10", "hs6", "total"],
                         "value_usd": [1.0, 2.0, 4.0, 8.0, 16.0]})
    tagged = prof.tag_windows(rows, Window.parse("2026-01", "2026-02"), profile)
    # 2024-01 is in neither window, the hs6 row is not the source's level
    assert tagged["value_usd"].tolist() == [1.0, 2.0, 16.0]
    assert tagged["window"].tolist() == ["current", "prior", "current"]
    assert tagged["is_total"].tolist() == [False, False, True]
