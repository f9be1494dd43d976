"""Estimated state × tariff-line exports: national US-bound HTS10 lines split across states.

Why: agencies work state by state, but the only line-level (HTS10) figures are national — US
import statistics show what *Mexico* ships to the US, not which state it came from. Until real
state × HS6 data (DataMéxico) is loaded, we estimate.

Method (see docs/methods/state-allocation.md)::

    estimated_value[state, line, period] =
        value[line, period]                              (USITC DataWeb, MEX → USA, customs value)
        × share[state, scian3(line), y]                  (INEGI, y = share_year(year of period))

    share[state, s, y] = exports[state, s, y] / Σ_states exports[state, s, y]

    share_year(year) = year, if INEGI has that year; else the latest INEGI year before it
                       (2026 flows → 2025 shares, said in the notes); else the earliest year.

where ``scian3(line)`` comes from the HTS10 → NAICS-6 concordance (Budget Lab at Yale,
``metal_content_shares_bea_hs10``), whose first three digits are the SCIAN subsector (SCIAN and
NAICS agree at the 3-digit level for manufacturing and mining).

Assumptions and limits, which every output using these figures must carry ("estimated"):

* A state's share of a subsector's exports to *all* destinations (INEGI) is taken as its share
  of every line of that subsector *to the US*: a state specialised in one product of a
  subsector (GTO: cars in 336) gets a share of every 336 line (aircraft parts too).
* Shares are of the flows' own year when INEGI has it (EEF: 2007–2025, 2025 preliminary), else
  of the latest year INEGI has (with EAEF alone: 2018); the notes name the year used.
* INEGI covers manufacturing and mining (EEF: agriculture 111, 112, 114 from 2018 too), and
  withholds some state × subsector cells (their sum is INEGI's "unspecified" row, which is no
  subsector and takes no share); lines of subsectors INEGI does not give for the share year
  (forestry 113, …) or with no concordance entry are **unallocated**: reported with their
  value, never dropped and never guessed.
* The split is exact in sum: for every line and period, Σ over the 32 states of the estimates
  plus the unallocated value equals the national line value.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

UnallocatedReason = Literal["no_scian_mapping", "subsector_not_in_inegi"]

ALLOCATED_COLUMNS: tuple[str, ...] = (
    "period", "state", "hts10", "scian3", "state_share", "national_value_usd", "value_usd",
)
UNALLOCATED_COLUMNS: tuple[str, ...] = ("period", "hts10", "scian3", "value_usd", "reason")


@dataclass(frozen=True, slots=True, eq=False)
class Allocation:
    """Result of :func:`allocate_lines`: estimated rows, unallocated rows, the share years.

    ``share_years`` maps each year of the flows to the INEGI year whose shares split them.
    """

    allocated: pd.DataFrame
    unallocated: pd.DataFrame
    share_years: Mapping[int, int] = field(default_factory=dict)
    share_source: str | None = None  # the INEGI flow source of the shares ('inegi_eef')

    @property
    def base_year(self) -> int | None:
        """The latest INEGI year used (the only one when the window is within one year)."""
        return max(self.share_years.values()) if self.share_years else None

    def base_year_label(self) -> str:
        """The INEGI year(s) used, for notes: '2025', or '2024, 2025' for a window over two."""
        return ", ".join(str(y) for y in sorted(set(self.share_years.values())))

    def fallbacks(self) -> dict[int, int]:
        """Flow years INEGI does not have yet → the (earlier) year whose shares stand in."""
        return {fy: sy for fy, sy in sorted(self.share_years.items()) if fy != sy}

    def unallocated_value(self, periods: Collection[str]) -> float:
        """National value of ``periods`` no state received (US$)."""
        rows = self.unallocated
        return float(rows.loc[rows["period"].isin(list(periods)), "value_usd"].sum())

    def unallocated_by_reason(self) -> dict[str, float]:
        """Unallocated value per reason, for the notes of every output."""
        return {str(k): float(v) for k, v in
                self.unallocated.groupby("reason")["value_usd"].sum().items()}


def subsector_shares(state_exports: pd.DataFrame) -> pd.DataFrame:
    """Each state's share of national exports per SCIAN subsector.

    ``state_exports``: columns ``state``, ``scian3``, ``value_usd`` (one year). Subsectors whose
    national total is zero get no shares (nothing to split by), so their lines stay unallocated.
    Shares of a subsector sum to 1 over the states present.
    """
    frame = state_exports.groupby(["state", "scian3"], as_index=False).agg(
        value_usd=("value_usd", "sum"))
    totals = frame.groupby("scian3")["value_usd"].transform("sum")
    frame = frame[totals > 0].assign(state_share=lambda f: f["value_usd"] / totals[totals > 0])
    return frame[["state", "scian3", "state_share"]].reset_index(drop=True)


def shares_by_year(state_exports: pd.DataFrame) -> dict[int, pd.DataFrame]:
    """:func:`subsector_shares` of every year of ``state_exports`` (``year`` column added)."""
    years = state_exports["year"].astype(int)
    return {year: subsector_shares(state_exports[years == year].drop(columns="year"))
            for year in sorted(set(years))}


def share_year(flow_year: int, available: Collection[int]) -> int:
    """The INEGI year whose state shares split flows of ``flow_year``.

    Why: a state's weight in a subsector moves (JAL's electronics share of 2025 is not 2018's),
    so flows use their own year's shares; INEGI publishes a year about three months after it
    ends, so the latest flows (2026) use the latest year published (2025), and flows before
    INEGI's first year use its first. ``available`` must not be empty.
    """
    if not available:
        raise ValueError("no INEGI year available")
    if flow_year in available:
        return flow_year
    earlier = [y for y in available if y < flow_year]
    return max(earlier) if earlier else min(available)


def share_years_for(periods: Iterable[str], available: Collection[int]) -> dict[int, int]:
    """:func:`share_year` of every year among ``periods`` ('2025-03', '2025')."""
    return {y: share_year(y, available) for y in sorted({int(str(p)[:4]) for p in periods})}


def allocate_by_year(lines: pd.DataFrame, line_scian: pd.DataFrame,
                     shares_by_year: Mapping[int, pd.DataFrame], *,
                     states: Iterable[str] | None = None,
                     share_source: str | None = None) -> Allocation:
    """:func:`allocate_lines` with each period split by the shares of its :func:`share_year`.

    ``shares_by_year``: INEGI year → :func:`subsector_shares` of that year. Periods of
    different years are allocated separately and stacked, so the exact-sum property holds per
    line and period as in :func:`allocate_lines`.
    """
    years = share_years_for(lines["period"], shares_by_year)
    wanted = None if states is None else list(states)
    parts = []
    flow_year = lines["period"].astype(str).str[:4].astype(int)
    for fy, sy in years.items():
        parts.append(allocate_lines(lines[flow_year == fy], line_scian, shares_by_year[sy],
                                    states=wanted))
    if not parts:
        parts.append(allocate_lines(lines, line_scian, _no_shares(), states=wanted))
    return Allocation(
        allocated=pd.concat([p.allocated for p in parts], ignore_index=True),
        unallocated=pd.concat([p.unallocated for p in parts], ignore_index=True),
        share_years=years, share_source=share_source)


def _no_shares() -> pd.DataFrame:
    return pd.DataFrame({"state": pd.Series(dtype=str), "scian3": pd.Series(dtype=str),
                         "state_share": pd.Series(dtype=float)})


def allocate_lines(lines: pd.DataFrame, line_scian: pd.DataFrame, shares: pd.DataFrame, *,
                   base_year: int | None = None,
                   states: Iterable[str] | None = None) -> Allocation:
    """Split national line values across states by subsector share (see module docstring).

    ``lines``: ``period``, ``hts10``, ``value_usd`` (national, one partner). ``line_scian``:
    ``hts10``, ``scian3``. ``shares``: from :func:`subsector_shares`. ``states`` restricts the
    allocated rows to those states (the unallocated rows do not depend on it).
    """
    lines = lines.groupby(["period", "hts10"], as_index=False).agg(
        value_usd=("value_usd", "sum"))
    mapped = lines.merge(line_scian[["hts10", "scian3"]].drop_duplicates("hts10"),
                         on="hts10", how="left")
    no_map = mapped["scian3"].isna()
    covered = mapped["scian3"].isin(set(shares["scian3"]))
    unallocated = pd.concat([
        mapped[no_map].assign(reason="no_scian_mapping"),
        mapped[~no_map & ~covered].assign(reason="subsector_not_in_inegi"),
    ], ignore_index=True).reindex(columns=list(UNALLOCATED_COLUMNS))
    if states is not None:
        shares = shares[shares["state"].isin(set(states))]
    allocated = (mapped[covered].rename(columns={"value_usd": "national_value_usd"})
                 .merge(shares, on="scian3", how="inner"))
    allocated["value_usd"] = allocated["national_value_usd"] * allocated["state_share"]
    allocated = allocated.reindex(columns=list(ALLOCATED_COLUMNS))
    years = ({} if base_year is None else
             {int(str(p)[:4]): base_year for p in lines["period"].unique()})
    return Allocation(allocated=allocated.reset_index(drop=True), unallocated=unallocated,
                      share_years=years)


def replace_with_real(estimated: pd.DataFrame, real: pd.DataFrame) -> pd.DataFrame:
    """State lines with real data where loaded and estimates elsewhere.

    ``estimated``: :data:`ALLOCATED_COLUMNS` rows. ``real``: ``period``, ``state``, ``hs6``,
    ``value_usd`` (DataMéxico exports to the US). For every (state, period) that has real rows
    the estimates are dropped. If real HS6 rows remain in the mix, estimated HTS10 lines are
    rolled up to their HS6 (first six digits) so the result is at one product level.
    Output: ``period``, ``state``, ``product_code``, ``product_level``, ``value_usd``,
    ``national_value_usd``, ``state_share``, ``estimated``.
    """
    real_keys = set(zip(real["period"], real["state"], strict=True))
    keep = [(p, s) not in real_keys
            for p, s in zip(estimated["period"], estimated["state"], strict=True)]
    est = estimated[keep]
    if real.empty:
        return est.rename(columns={"hts10": "product_code"}).assign(
            product_level="hts10", estimated=True)[_COMBINED]
    est = (est.assign(product_code=est["hts10"].str[:6])
           .groupby(["period", "state", "product_code"], as_index=False)
           .agg(value_usd=("value_usd", "sum"), national_value_usd=("national_value_usd", "sum")))
    est["state_share"] = est["value_usd"] / est["national_value_usd"]
    real_rows = real.rename(columns={"hs6": "product_code"}).assign(
        national_value_usd=float("nan"), state_share=float("nan"), estimated=False)
    both = pd.concat([est.assign(estimated=True), real_rows], ignore_index=True)
    return both.assign(product_level="hs6")[_COMBINED]


_COMBINED = ["period", "state", "product_code", "product_level", "value_usd",
             "national_value_usd", "state_share", "estimated"]


def top_lines(combined: pd.DataFrame, *, top: int = 20) -> pd.DataFrame:
    """Largest lines of a state over the window (rows from :func:`replace_with_real`).

    ``share`` is the line's share of the state's total over all its lines; ``estimated`` is True
    when any month of the line is an estimate. ``state_share`` is recomputed from the sums.
    """
    grouped = (combined.groupby(["product_code", "product_level"], as_index=False)
               .agg(value_usd=("value_usd", "sum"),
                    national_value_usd=("national_value_usd", lambda s: s.sum(min_count=1)),
                    estimated=("estimated", "any")))
    total = grouped["value_usd"].sum()
    grouped["state_share"] = grouped["value_usd"] / grouped["national_value_usd"]
    grouped["share"] = grouped["value_usd"] / total if total > 0 else float("nan")
    return (grouped.sort_values(["value_usd", "product_code"], ascending=[False, True])
            .head(top).reset_index(drop=True))


#: Digits of each product level a state's lines can be summed to.
LEVEL_DIGITS = {"hts10": 10, "hs8": 8, "hs6": 6, "hs4": 4, "hs2": 2}


def at_level(combined: pd.DataFrame, level: str) -> pd.DataFrame:
    """Rows of :func:`replace_with_real` with codes cut to ``level`` (a key of LEVEL_DIGITS).

    Codes already at or above the level (real HS6 rows asked at HTS10) keep their own level.
    """
    digits = LEVEL_DIGITS[level]
    codes = combined["product_code"]
    return combined.assign(product_code=codes.str[:digits],
                           product_level=combined["product_level"].where(
                               codes.str.len() <= digits, level))


def as_flow_rows(allocated: pd.DataFrame, partner: str) -> pd.DataFrame:
    """Estimated state lines as the export report's flow rows.

    Columns ``period``, ``product_code`` (the HTS10), ``product_level``, ``partner``,
    ``value_usd``.
    """
    return pd.DataFrame({"period": allocated["period"], "product_code": allocated["hts10"],
                         "product_level": "hts10", "partner": partner,
                         "value_usd": allocated["value_usd"]})
