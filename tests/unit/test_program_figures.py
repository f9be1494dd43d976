"""Program figures on a hand-made program: counted by hand in each test."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from comexlab.markets.programs import by_quarter, figures

ENROLMENTS = pd.DataFrame({
    "rfc": ["A", "B", "C", "D"],
    "status": ["completed", "in_progress", "applied", "dropped"],
    "enrolled_on": [date(2025, 1, 10), date(2025, 2, 1), date(2025, 4, 2), date(2025, 7, 9)],
})
SALES = pd.DataFrame({
    "rfc": ["A", "A", "B", "B"],
    "country": ["USA", "CAN", "USA", "ESP"],
    "marketplace": ["Amazon", "Amazon", "Kichink", "AliExpress"],
    "first_sale_on": [date(2025, 2, 1), date(2025, 5, 1), date(2025, 4, 15), date(2025, 8, 1)],
    "sales_usd": [1000.0, 250.0, None, 40.0],
})


def test_figures_against_targets() -> None:
    f = figures(ENROLMENTS, SALES, {"firms_onboarded": 500, "countries_reached": 120})
    assert f.achieved == {"firms_onboarded": 2.0, "countries_reached": 3.0,
                          "sales_abroad_usd": 1290.0}
    assert f.sales_unreported == 1  # B's US sale: unknown, not 0
    progress = f.progress().set_index("indicator")
    assert progress.loc["firms_onboarded", "share_of_target"] == pytest.approx(2 / 500)
    assert progress.loc["countries_reached", "share_of_target"] == pytest.approx(3 / 120)
    assert pd.isna(progress.loc["sales_abroad_usd", "share_of_target"])  # no target


def test_by_quarter() -> None:
    q = by_quarter(ENROLMENTS, SALES).set_index("quarter")
    assert list(q.index) == ["2025-Q1", "2025-Q2", "2025-Q3"]
    assert list(q["firms_enrolled"]) == [2, 1, 1]
    assert list(q["firms_first_sale"]) == [1, 1, 0]   # A in Q1, B in Q2
    assert list(q["new_countries"]) == [1, 1, 1]      # USA Q1, CAN Q2, ESP Q3
    assert list(q["sales_usd"]) == [1000.0, 250.0, 40.0]
