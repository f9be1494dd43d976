"""The regime computation's inputs from the warehouse: flow lines × base rates per edition.

The flows are the DataWeb Mexican lines (HTS10 × month, with the USMCA-claimed value) of the
weighting window; each line gets its MFN and USMCA (S/S+) rate in **every loaded edition**
(the same join as the scenario engine: :func:`comexlab.warehouse.scenario_lines.hts10_lines`, on
the connection's ENUM caches), converted to ad valorem equivalents with the line's own unit
value (:func:`comexlab.tariffs.ave.compute_ave`). :func:`regime_frame` shapes them into the
pure computation's :class:`~comexlab.tariffs.regime.compute.RegimeLines`; a state's lines are
cut from the national ones by the regime service (:mod:`comexlab.services.regime`) with the
report package's state allocation.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from comexlab.errors import InputError, NotFoundError
from comexlab.i18n import Msg
from comexlab.sources.regime_inputs import read_metal_shares
from comexlab.sources.scenario_inputs import read_product_lists
from comexlab.tariffs.ave import compute_ave, inputs_from_frame
from comexlab.tariffs.engine import REGIME_COLUMNS, add_hs_groups, as_frame
from comexlab.tariffs.regime.compute import (
    RegimeLines,
    active_measures,
    clamp_shares,
    prepare,
    track_rates,
)
from comexlab.tariffs.regime.lists import CATALOG
from comexlab.tariffs.regime.timeline import METALS, Timeline, shipped_timeline
from comexlab.tariffs.scenario import Base, Scenario
from comexlab.warehouse.scenario_lines import hts10_lines

SOURCE = "usitc_dataweb"
USMCA_PROGRAMS = ("S", "S+")
DEFAULT_WINDOW_MONTHS = 6
KEYS = ["period", "product_code"]


def loaded_editions(con: duckdb.DuckDBPyConnection, timeline: Timeline) -> list[str]:
    """Editions of the timeline that are loaded in the warehouse."""
    have = {r[0] for r in con.execute("SELECT DISTINCT edition FROM hts_line").fetchall()}
    return [e.edition for e in timeline.editions if e.edition in have]


def flow_months(con: duckdb.DuckDBPyConnection, origin: str = "MEX") -> list[str]:
    """Months of DataWeb lines loaded for ``origin`` (US imports = its exports)."""
    rows = con.execute("SELECT DISTINCT period FROM flow WHERE source = ? AND reporter = ? "
                       "AND product_level = 'hts10' AND length(period) = 7 ORDER BY 1",
                       [SOURCE, origin]).fetchall()
    return [r[0] for r in rows]


def resolve_window(months: list[str], window: tuple[str, str] | None) -> tuple[str, str]:
    """The weighting window: as asked (checked against the loaded months) or the latest six."""
    if not months:
        raise NotFoundError(Msg("error.regime_no_flows"))
    if window is None:
        return months[max(0, len(months) - DEFAULT_WINDOW_MONTHS)], months[-1]
    first, last = window
    inside = [m for m in months if first <= m <= last]
    if not inside:
        raise InputError(Msg("error.regime_window", first=first, last=last,
                             loaded=f"{months[0]}..{months[-1]}"), field="window",
                         value=f"{first}..{last}")
    return inside[0], inside[-1]


def _edition_lines(con: duckdb.DuckDBPyConnection, edition: str, years: tuple[int, ...],
                   window: tuple[str, str]) -> pd.DataFrame:
    base = Base(edition=edition, programs=USMCA_PROGRAMS, source=SOURCE, years=years,
                reporters=("MEX",))
    frame = as_frame(hts10_lines(con, Scenario(name="regime", title="", base=base,
                                               overlays=()), monthly=True))
    period = frame["period"].astype(str)
    frame = frame[(period >= window[0]) & (period <= window[1])].reset_index(drop=True)
    mfn, _ = compute_ave(inputs_from_frame(frame, "mfn_"))
    pref, _ = compute_ave(inputs_from_frame(frame, "pref_"))
    no_pref = frame["pref_kind"].isna().to_numpy()
    frame[f"mfn@{edition}"] = mfn
    frame[f"pref@{edition}"] = np.where(no_pref, np.nan, pref)
    return frame


def national_lines(con: duckdb.DuckDBPyConnection, editions: list[str],
                   window: tuple[str, str]) -> pd.DataFrame:
    """Mexican DataWeb lines of the window with ``mfn@<edition>``/``pref@<edition>`` rates."""
    if not editions:
        raise NotFoundError(Msg("error.regime_no_edition_loaded"))
    years = tuple(sorted({int(window[0][:4]), int(window[1][:4])} | set(
        range(int(window[0][:4]), int(window[1][:4]) + 1))))
    first = _edition_lines(con, editions[0], years, window)
    keep = ["reporter", "period", "product_code", "value_usd", "preference_value_usd",
            "quantity", "quantity_unit", "description", "subsector", "naics6"]
    out = first[[c for c in keep if c in first.columns] + [f"mfn@{editions[0]}",
                                                            f"pref@{editions[0]}"]].copy()
    for c in ("period", "product_code", "description", "subsector"):
        if c in out.columns:
            out[c] = out[c].astype(str).where(out[c].notna(), None)
    for edition in editions[1:]:
        other = _edition_lines(con, edition, years, window)
        rates = pd.DataFrame({"period": other["period"].astype(str),
                              "product_code": other["product_code"].astype(str),
                              f"mfn@{edition}": other[f"mfn@{edition}"],
                              f"pref@{edition}": other[f"pref@{edition}"]})
        out = out.merge(rates, on=KEYS, how="left", validate="one_to_one")
    return out


def regime_frame(national: pd.DataFrame, editions: list[str], reporter: str,
                 window: tuple[str, str], *, estimated: bool = False,
                 data_dir: Path | None = None) -> RegimeLines:
    """Lines of :func:`national_lines` (or a state's share of them) as the computation's input.

    Adds HS groups, the USMCA-claimed value and each edition's MFN/preference AVEs, and the
    metal content shares the steel/aluminium/copper measures apply to.
    """
    frame = add_hs_groups(national.assign(
        claimed_value_usd=national["preference_value_usd"].fillna(0.0)))
    frame = frame.reset_index(drop=True)
    metals = clamp_shares(_metal_shares(frame, data_dir))
    base = {e: (frame[f"mfn@{e}"].to_numpy(dtype=float), frame[f"pref@{e}"].to_numpy(
        dtype=float)) for e in editions}
    return RegimeLines(frame, base, metals, reporter, "MEX", window, estimated)


def _metal_shares(frame: pd.DataFrame, data_dir: Path | None) -> dict[str, np.ndarray]:
    shares = read_metal_shares(data_dir=data_dir).set_index("hts10")
    codes = frame["product_code"].astype(str)
    return {m: codes.map(shares[m]).to_numpy(dtype=float) for m in METALS}


def product_lists(timeline: Timeline, *, data_dir: Path | None = None
                  ) -> dict[str, list[str]]:
    """Every Budget Lab list the modelled measures name, resolved to prefixes."""
    names = {n for n in timeline.list_names() if not n.startswith("regime:")}
    return read_product_lists(sorted(names), data_dir=data_dir, catalog=CATALOG)


def chapter99(con: duckdb.DuckDBPyConnection, editions: list[str]
              ) -> dict[str, dict[str, str]]:
    """Printed general rate of every chapter-99 heading, per loaded edition."""
    rows = con.execute(
        "SELECT edition, hts_formatted, coalesce(general_text, '') FROM hts_line "
        "WHERE hts LIKE '99%' AND digits = 8 AND edition IN "
        f"({', '.join('?' * len(editions))})", editions).fetchall() if editions else []
    out: dict[str, dict[str, str]] = {e: {} for e in editions}
    for edition, heading, text in rows:
        out[edition].setdefault(heading, text)
    return out


def regime_tracks(lines: pd.DataFrame, scenario: Scenario, *, data_dir: Path | None = None,
                  timeline: Timeline | None = None) -> pd.DataFrame:
    """The scenario's lines with the track rates of its regime base (``base.regime``).

    Before: the regime in force on the date, with the MFN/USMCA rates of the scenario's base
    edition; after: the same with the scenario's ``regime_changes``. Only goods of Mexico: the
    timeline models Mexico's measures (IEEPA on Canada is another order).
    """
    day = scenario.base.regime
    assert day is not None
    origins = sorted(set(lines["origin"].astype(str))) if "origin" in lines else []
    if any(o != "MEX" for o in origins):
        raise InputError(Msg("error.regime_scenario_origin", origins=", ".join(origins)),
                         field="base.reporters", value=", ".join(origins))
    tl = timeline or shipped_timeline()
    mfn, _ = compute_ave(inputs_from_frame(lines, "mfn_"))
    pref, _ = compute_ave(inputs_from_frame(lines, "pref_"))
    if "pref_kind" in lines:
        pref = np.where(lines["pref_kind"].isna().to_numpy(), np.nan, pref)
    frame = pd.DataFrame({"product_code": lines["product_code"].astype(str).to_numpy(),
                          "value_usd": np.zeros(len(lines)),
                          "claimed_value_usd": np.zeros(len(lines))})
    edition = scenario.base.edition
    regime = RegimeLines(frame, {edition: (mfn, pref)}, clamp_shares(_metal_shares(
        frame, data_dir)), "MEX", "MEX", ("", ""))
    lists = product_lists(tl, data_dir=data_dir)
    out = lines.copy()
    for when, tline in (("before", tl), ("after", scenario.regime_changes.apply(tl, day))):
        prep = prepare(regime, tline, lists)
        rates = track_rates(prep, edition, active_measures(prep, day))
        out[f"regime_{when}_claimed"] = rates.total("claimed")
        out[f"regime_{when}_rest"] = rates.total("rest")
    assert all(c in out for c in REGIME_COLUMNS)
    return out
