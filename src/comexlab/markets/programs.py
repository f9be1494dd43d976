"""A marketplace export program in figures: onboarding, countries reached, sales, by quarter.

Pure: takes the program's enrolments and first sales as frames, returns figures. *Onboarded*
= an enrolment that got past application (accepted, in progress or completed); *countries
reached* = distinct countries with a first sale through any marketplace; *sales abroad* = the
sum of reported sales (an unreported figure stays unknown and is counted apart, never as 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

ONBOARDED = frozenset({"accepted", "in_progress", "completed"})
INDICATORS = ("firms_onboarded", "countries_reached", "sales_abroad_usd")


@dataclass(frozen=True, slots=True)
class ProgramFigures:
    """Achieved against target for each indicator, and the sales not reported."""

    achieved: dict[str, float]
    targets: dict[str, float]
    sales_unreported: int

    def progress(self) -> pd.DataFrame:
        """indicator, target, achieved, share of target (None where there is no target)."""
        rows = []
        for name in INDICATORS:
            target = self.targets.get(name)
            got = self.achieved[name]
            rows.append({"indicator": name, "target": target, "achieved": got,
                         "share_of_target": got / target if target else None})
        return pd.DataFrame(rows)


def figures(enrolments: pd.DataFrame, sales: pd.DataFrame, targets: Mapping[str, float]
            ) -> ProgramFigures:
    """``enrolments``: status; ``sales``: country, sales_usd (NaN = not reported)."""
    onboarded = int(enrolments["status"].isin(ONBOARDED).sum())
    countries = int(sales["country"].nunique())
    achieved = {"firms_onboarded": float(onboarded), "countries_reached": float(countries),
                "sales_abroad_usd": float(sales["sales_usd"].sum(skipna=True))}
    return ProgramFigures(achieved, dict(targets), int(sales["sales_usd"].isna().sum()))


def quarter_of(days: pd.Series) -> pd.Series:
    """'2025-Q3' for each date."""
    stamps = pd.to_datetime(days)
    return stamps.dt.year.astype(str) + "-Q" + stamps.dt.quarter.astype(str)


def by_quarter(enrolments: pd.DataFrame, sales: pd.DataFrame) -> pd.DataFrame:
    """Per quarter: firms enrolled, firms with their first sale abroad, new countries, sales.

    A country counts as new in the quarter of the program's first sale there; a firm in the
    quarter of its own first sale (the program's first-time marketplace exporters).
    """
    enrolled = quarter_of(enrolments["enrolled_on"]).value_counts()
    firsts = sales.sort_values("first_sale_on")
    first_firm = quarter_of(firsts.drop_duplicates("rfc")["first_sale_on"]).value_counts()
    new_country = quarter_of(firsts.drop_duplicates("country")["first_sale_on"]).value_counts()
    money = firsts.groupby(quarter_of(firsts["first_sale_on"]))["sales_usd"].sum()
    quarters = sorted(set(enrolled.index) | set(first_firm.index) | set(new_country.index))
    return pd.DataFrame({
        "quarter": quarters,
        "firms_enrolled": [int(enrolled.get(q, 0)) for q in quarters],
        "firms_first_sale": [int(first_firm.get(q, 0)) for q in quarters],
        "new_countries": [int(new_country.get(q, 0)) for q in quarters],
        "sales_usd": [float(money.get(q, 0.0)) for q in quarters],
    })
