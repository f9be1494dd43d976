"""Estimated state × tariff-line exports: national US-bound HTS10 lines split across states.

Why: agencies work state by state, but the only line-level (HTS10) figures are national — US
import statistics show what *Mexico* ships to the US, not which state it came from. Until real
state × HS6 data (DataMéxico) is loaded, we estimate.

Method (see docs/methods/state-allocation.md)::

    estimated_value[state, line, period] =
        value[line, period]                              (USITC DataWeb, MEX → USA, customs value)
        × share[state, scian3(line)]                     (INEGI EAEF, latest year loaded)

    share[state, s] = exports[state, s] / Σ_states exports[state, s]

where ``scian3(line)`` comes from the HTS10 → NAICS-6 concordance (Budget Lab at Yale,
``metal_content_shares_bea_hs10``), whose first three digits are the SCIAN subsector (SCIAN and
NAICS agree at the 3-digit level for manufacturing and mining).

Assumptions and limits, which every output using these figures must carry ("estimated"):

* A state's share of a subsector's exports to *all* destinations (INEGI) is taken as its share
  of every line of that subsector *to the US*: a state specialised in one product of a
  subsector (GTO: cars in 336) gets a share of every 336 line (aircraft parts too).
* Shares are from the latest INEGI year loaded (EAEF ends in 2018) and applied to later flows.
* INEGI covers manufacturing and mining only, and suppresses some state × subsector cells;
  lines of subsectors INEGI does not cover (agriculture 111–115, …) or with no concordance
  entry are **unallocated**: reported with their value, never dropped and never guessed.
* The split is exact in sum: for every line and period, Σ over the 32 states of the estimates
  plus the unallocated value equals the national line value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

UnallocatedReason = Literal["no_scian_mapping", "subsector_not_in_inegi"]

ALLOCATED_COLUMNS: tuple[str, ...] = (
    "period", "state", "hts10", "scian3", "state_share", "national_value_usd", "value_usd",
)
UNALLOCATED_COLUMNS: tuple[str, ...] = ("period", "hts10", "scian3", "value_usd", "reason")


@dataclass(frozen=True, slots=True, eq=False)
class Allocation:
    """Result of :func:`allocate_lines`: estimated rows, unallocated rows, base year."""

    allocated: pd.DataFrame
    unallocated: pd.DataFrame
    base_year: int | None

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
    return Allocation(allocated=allocated.reset_index(drop=True), unallocated=unallocated,
                      base_year=base_year)


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
