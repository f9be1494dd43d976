"""The state's economy as an investor reads it: FDI trend and rank, top export subsectors.

FDI (Secretaría de Economía) is summed over the three investment types per calendar year; only
years with all four quarters are compared (2024 has two in the loaded file), and a year with
confidential cells ("C", withheld by SE) is flagged, its sum being a lower bound of what came.
Growth compares the last three complete years with the three before them (FDI is lumpy: one
plant can double a year). Exports (INEGI EEF) are the latest year's top subsectors with their
share and growth over ``span`` years.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FdiYear:
    """One complete year of a state's FDI."""

    year: int
    usd: float
    confidential_cells: int


@dataclass(frozen=True, slots=True)
class FdiTrend:
    """A state's FDI series, its rank in the latest complete year, and the growth of 3-year sums."""

    state_code: str
    series: tuple[FdiYear, ...]
    latest_year: int
    rank: int  # 1 = most FDI among states in latest_year
    states_ranked: int
    recent_usd: float  # sum of the last 3 complete years
    earlier_usd: float  # sum of the 3 years before
    growth: float | None  # recent / earlier − 1; None when earlier ≤ 0
    partial_years: tuple[int, ...]  # years left out (fewer than 4 quarters)


def fdi_trend(by_state: Mapping[str, Mapping[int, tuple[float, int, int]]], state_code: str
              ) -> FdiTrend | None:
    """The trend of ``state_code`` from {state: {year: (usd, quarters, confidential)}}."""
    own = by_state.get(state_code)
    if not own:
        return None
    complete = {y: v for y, v in own.items() if v[1] == 4}
    if not complete:
        return None
    series = tuple(FdiYear(y, v[0], v[2]) for y, v in sorted(complete.items()))
    latest = max(complete)
    totals = {s: years[latest][0] for s, years in by_state.items()
              if latest in years and years[latest][1] == 4}
    rank = 1 + sum(1 for s, v in totals.items() if v > totals[state_code] and s != state_code)
    recent = sum(complete.get(y, (0.0, 0, 0))[0] for y in range(latest - 2, latest + 1))
    earlier = sum(complete.get(y, (0.0, 0, 0))[0] for y in range(latest - 5, latest - 2))
    return FdiTrend(state_code, series, latest, rank, len(totals), recent, earlier,
                    recent / earlier - 1 if earlier > 0 else None,
                    tuple(sorted(y for y, v in own.items() if v[1] != 4)))


@dataclass(frozen=True, slots=True)
class ExportLine:
    """One SCIAN subsector of the state's exports."""

    scian3: str
    usd: float
    share: float  # of the state's exports that year
    growth: float | None  # vs base_year; None when the base is 0 or missing


@dataclass(frozen=True, slots=True)
class ExportProfile:
    """Top export subsectors of the state in ``year`` and their growth since ``base_year``."""

    year: int
    base_year: int
    total_usd: float
    total_growth: float | None
    top: tuple[ExportLine, ...]


def _growth(now: float, base: float | None) -> float | None:
    return now / base - 1 if base else None


def export_profile(by_year: Mapping[int, Mapping[str, float]], top: int = 5, span: int = 5,
                   year: int | None = None) -> ExportProfile | None:
    """Top ``top`` subsectors in ``year`` (latest if None) and growth over ``span`` years."""
    if not by_year:
        return None
    chosen = year if year is not None else max(by_year)
    if chosen not in by_year:
        return None
    base_year = chosen - span
    now, base = by_year[chosen], by_year.get(base_year, {})
    total = sum(now.values())
    if total <= 0:
        return None
    lines = sorted(now.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return ExportProfile(chosen, base_year, total, _growth(total, sum(base.values()) or None),
                         tuple(ExportLine(k, v, v / total, _growth(v, base.get(k)))
                               for k, v in lines))
