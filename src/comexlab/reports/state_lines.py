"""A state's lines to the US and the state share of each national line (pure).

One state allocation for every feature: the report's top lines, the scenario engine and the US
regime all start from :class:`StateLines` (real DataMéxico state × HS6 exports for the months
loaded, the ESTIMATED split of the national DataWeb lines elsewhere), built by
:func:`comexlab.services.reports.state_lines`. :func:`state_factors` and
:func:`lines_for_state` turn them into per-line factors and scale the national lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from comexlab.i18n import Msg
from comexlab.reports import allocation as alloc
from comexlab.reports.windows import Window


@dataclass(frozen=True, slots=True, eq=False)
class StateLines:
    """A state's US-bound lines over a window: real where loaded, estimated elsewhere."""

    state: str
    window: Window
    rows: pd.DataFrame                      # replace_with_real() columns
    allocation: alloc.Allocation            # national split (unallocated rows included)
    real_periods: tuple[str, ...] = ()      # months answered by DataMéxico
    notes: tuple[Msg, ...] = field(default_factory=tuple)



def state_factors(state: StateLines, national: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """The state's share of each national (month, HTS10) line, and the real value left over.

    From the report package's :func:`~comexlab.services.reports.state_lines` (the one state
    allocation of comexlab): months with real DataMéxico state × HS6 exports to the US use
    them — each HS6 value is spread over the HS6's HTS10 lines by their national value in the
    month (HS6 is the finest level DataMéxico gives; the HTS10 lines carry the rates) — the other
    months use the ESTIMATED split (state share of the line's SCIAN subsector). Real HS6 values
    with no national line that month cannot be given a rate: their total is returned.

    ``national``: ``period`` (YYYY-MM), ``product_code``, ``value_usd`` of the Mexican lines.
    Result columns: ``period``, ``product_code``, ``factor``, ``estimated``.
    """
    est = state.allocation.allocated
    est = pd.DataFrame({"period": est["period"].astype(str), "product_code": est["hts10"],
                        "factor": est["state_share"], "estimated": True})
    real = state.rows[~state.rows["estimated"].astype(bool)]
    lines = pd.DataFrame({"period": national["period"].astype(str),
                          "product_code": national["product_code"].astype(str),
                          "value_usd": national["value_usd"].to_numpy()})
    lines["hs6"] = lines["product_code"].str[:6]
    hs6 = lines.groupby(["period", "hs6"], as_index=False).agg(national=("value_usd", "sum"))
    real = real.rename(columns={"product_code": "hs6"})[["period", "hs6", "value_usd"]]
    matched = real.merge(hs6, on=["period", "hs6"], how="left")
    unmatched = float(matched.loc[~(matched["national"] > 0), "value_usd"].sum())
    matched = matched[matched["national"] > 0]
    real_f = lines.merge(matched, on=["period", "hs6"], suffixes=("_line", ""))
    real_f = pd.DataFrame({"period": real_f["period"], "product_code": real_f["product_code"],
                           "factor": real_f["value_usd"] / real_f["national"],
                           "estimated": False})
    return pd.concat([est, real_f], ignore_index=True), unmatched


_SCALED = ("value_usd", "preference_value_usd", "quantity")


def lines_for_state(national: pd.DataFrame, factors: pd.DataFrame, reporter: str, *,
                    monthly: bool) -> pd.DataFrame:
    """National monthly lines × the state's factor; annual totals per line unless ``monthly``."""
    keys = pd.DataFrame({"period": national["period"].astype(str),
                         "product_code": national["product_code"].astype(str)})
    found = keys.merge(factors, on=["period", "product_code"], how="left")
    factor = found["factor"].fillna(0.0).to_numpy()
    scaled = national.assign(
        reporter=reporter, reporter_level="state",
        estimated=found["estimated"].fillna(True).astype(bool).to_numpy(),
        **{c: national[c].to_numpy(dtype=float) * factor for c in _SCALED if c in national})
    scaled = scaled[scaled["value_usd"].to_numpy() > 0]
    if monthly:
        return scaled.reset_index(drop=True)
    year = scaled["period"].astype(str).str[:4]
    grouped = scaled.assign(period=year).groupby(["period", "product_code"], sort=True,
                                                  observed=True)
    sums = [c for c in _SCALED if c in scaled]
    first = [c for c in scaled.columns if c not in (*sums, "period", "product_code",
                                                    "estimated")]
    out = grouped[first].first()
    for c in sums:  # a quantity only when every month has one (as for the national lines)
        out[c] = grouped[c].sum(min_count=1).where(grouped[c].count() == grouped[c].size())
    out["estimated"] = grouped["estimated"].any()
    return out.reset_index()[list(scaled.columns)]
