"""The regime on a date, its effective tariff rate, series over a range, and the timeline check.

For a date D: the HTS edition in force (the latest *loaded* edition whose in-force date is on
or before D), the modelled measures active on D for the partner, and for each flow line
(HTS10 × month, both USMCA tracks) the base rate (MFN on the non-claimed value, the USMCA rate
on the claimed value) plus each measure, stacked by :mod:`.stacking`. The **effective tariff
rate** (ETR) is the duty the lines would pay at their window's values divided by that value:
pre-substitution (flows do not react) and weighted by the flows of the chosen window.

A series is piecewise constant: the regime only changes on a measure's first day, the day
after its last, or an edition's first day, so it is computed once per distinct
(edition, set of measures) and spread over the days.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.tariffs.prefixes import prefix_mask
from comexlab.tariffs.regime.stacking import Hit, TrackRates, stack
from comexlab.tariffs.regime.timeline import (
    METALS,
    Authority,
    EditionDate,
    Measure,
    ProductScope,
    Timeline,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
AUTHORITIES: tuple[Authority, ...] = tuple(Authority)
US_CONTENT = "usmca_us_content_share"


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MetalShares:
    """Steel/aluminium/copper content shares per line, clamped to [0, 1], and what was clamped."""

    shares: Mapping[str, FloatArray]
    clamped_lines: int
    missing_lines: int


def clamp_shares(raw: Mapping[str, FloatArray]) -> MetalShares:
    """Clamp BEA metal shares to [0, 1]; NaN (no share for the line) counts as 0 and is counted.

    The BEA input-output shares can exceed 1 (e.g. 1.19 for hot-rolled steel, 331110): the
    clamp keeps a content duty from exceeding a full-value one.
    """
    clamped = np.zeros(len(next(iter(raw.values()))), dtype=bool) if raw else np.zeros(0, bool)
    missing = clamped.copy()
    out = {}
    for metal in METALS:
        values = np.asarray(raw[metal], dtype=float)
        missing |= np.isnan(values)
        clamped |= (values < 0) | (values > 1)
        out[metal] = np.clip(np.nan_to_num(values, nan=0.0), 0.0, 1.0)
    return MetalShares(out, int(clamped.sum()), int(missing.sum()))


@dataclass(frozen=True, slots=True)
class RegimeLines:
    """The flow lines of one reporter and window, with their base rates per loaded edition.

    ``frame``: ``product_code``, ``period``, ``value_usd``, ``claimed_value_usd`` (USMCA
    S/S+; clipped to [0, value]) and optional grouping columns (``section``, ``subsector``,
    ``description``). ``base[edition] = (mfn, pref)``: ad valorem (equivalent) rates per line,
    NaN where the edition has no rate for the line.
    """

    frame: pd.DataFrame
    base: Mapping[str, tuple[FloatArray, FloatArray]]
    metals: MetalShares
    reporter: str
    partner_origin: str
    window: tuple[str, str]
    estimated: bool = False

    @property
    def value(self) -> FloatArray:
        """Line values (USD)."""
        return self.frame["value_usd"].to_numpy(dtype=float)

    @property
    def claimed(self) -> FloatArray:
        """USMCA-claimed value of each line, within [0, value]."""
        return np.clip(self.frame["claimed_value_usd"].to_numpy(dtype=float), 0.0, self.value)


def scope_mask(codes: pd.Series, scope: ProductScope,
               lists: Mapping[str, Sequence[str]]) -> BoolArray:
    """Lines a measure's product scope reaches (lists resolved to prefixes beforehand)."""
    def resolve(prefixes: Sequence[str], names: Sequence[str]) -> list[str]:
        out = list(prefixes)
        for name in names:
            if name not in lists:
                raise InputError(Msg("error.regime_list", name=name), field="products.lists",
                                 value=name)
            out.extend(lists[name])
        return out

    mask = (np.ones(len(codes), dtype=bool) if scope.everything
            else prefix_mask(codes, resolve(scope.prefixes, scope.lists)))
    excluded = resolve(scope.exclude_prefixes, scope.exclude_lists)
    if excluded:
        mask &= ~prefix_mask(codes, excluded)
    return mask


@dataclass(frozen=True, slots=True)
class Prepared:
    """Lines + timeline with every modelled measure's line mask worked out once."""

    lines: RegimeLines
    timeline: Timeline
    masks: Mapping[str, BoolArray]


def prepare(lines: RegimeLines, timeline: Timeline,
            product_lists: Mapping[str, Sequence[str]]) -> Prepared:
    """Resolve each modelled measure's products to a line mask (the costly part, done once)."""
    lists = {**{k: list(v) for k, v in timeline.lists.items()}, **product_lists}
    codes = lines.frame["product_code"].astype(str)
    masks = {m.id: scope_mask(codes, m.products, lists) for m in timeline.modelled()
             if m.applies_to(lines.partner_origin)}
    return Prepared(lines, timeline, masks)


# ---------------------------------------------------------------------------------------------
# One date
# ---------------------------------------------------------------------------------------------

def edition_on(editions: Sequence[EditionDate], loaded: Iterable[str], day: dt.date) -> str:
    """The latest loaded edition in force on or before ``day``."""
    have = set(loaded)
    found = [e for e in editions if e.edition in have and e.effective_from <= day]
    if not found:
        raise InputError(Msg("error.regime_no_edition", day=day.isoformat(),
                             loaded=", ".join(sorted(have)) or "—"), field="on",
                         value=day.isoformat())
    return max(found, key=lambda e: e.effective_from).edition


def active_measures(prep: Prepared, day: dt.date) -> tuple[Measure, ...]:
    """Modelled measures in force on ``day`` for the lines' partner, in file order."""
    return tuple(m for m in prep.timeline.modelled()
                 if m.id in prep.masks and m.active_on(day))


@dataclass(frozen=True, slots=True)
class RegimeDay:
    """The regime on one date applied to the lines: per-line rates and the ETR."""

    day: dt.date
    edition: str
    measures: tuple[Measure, ...]
    lines: pd.DataFrame          # per line: value, claimed, rate_<authority>, rate_total, duty
    etr: float
    by_authority: Mapping[str, float]
    value_usd: float
    value_unknown_rate: float
    notes: tuple[Msg, ...] = field(default_factory=tuple)

    def aggregate(self, by: str | None) -> pd.DataFrame:
        """ETR and its parts by ``by`` (a column of the lines), or one row for everything."""
        return aggregate_lines(self.lines, by)


def track_rates(prep: Prepared, edition: str, measures: Sequence[Measure]) -> TrackRates:
    """Each line's rate by authority on both tracks under ``measures`` (MFN included)."""
    mfn, pref = prep.lines.base[edition]
    pref = np.where(np.isnan(pref), mfn, np.fmin(pref, mfn))
    hits = [Hit(m, prep.masks[m.id]) for m in measures]
    return stack(hits, base_claimed=pref, base_rest=mfn, shares=prep.lines.metals.shares,
                 us_content=prep.timeline.parameter(US_CONTENT))


def _duties(prep: Prepared, edition: str, measures: Sequence[Measure]
            ) -> tuple[dict[Authority, FloatArray], TrackRates, BoolArray]:
    """Duty per line by authority (NaN where the edition has no MFN rate), the track rates."""
    rates = track_rates(prep, edition, measures)
    value, claimed = prep.lines.value, prep.lines.claimed
    rest = value - claimed
    known = ~np.isnan(prep.lines.base[edition][0])  # no MFN rate in the edition: no figure
    zero = np.zeros(len(value))
    duties = {a: np.where(known, claimed * rates.claimed.get(a, zero)
                          + rest * rates.rest.get(a, zero), np.nan) for a in AUTHORITIES}
    return duties, rates, known


def line_table(prep: Prepared, edition: str, measures: Sequence[Measure]) -> pd.DataFrame:
    """Each line's value-weighted rate by authority (both tracks), total rate and duty."""
    duties, rates, known = _duties(prep, edition, measures)
    value = prep.lines.value
    out = prep.lines.frame.copy()
    out["claimed_value_usd"] = prep.lines.claimed
    with np.errstate(divide="ignore", invalid="ignore"):
        for a in AUTHORITIES:
            r = rates.rest.get(a, np.zeros(len(value)))
            out[f"duty_{a.value}"] = duties[a]
            out[f"rate_{a.value}"] = np.where(value > 0, duties[a] / value,
                                              np.where(known, r, np.nan))
    out["rate_claimed"] = np.where(known, rates.total("claimed"), np.nan)
    out["rate_not_claimed"] = np.where(known, rates.total("rest"), np.nan)
    out["duty"] = out[[f"duty_{a.value}" for a in AUTHORITIES]].sum(axis=1, skipna=False)
    out["rate_total"] = out[[f"rate_{a.value}" for a in AUTHORITIES]].sum(axis=1, skipna=False)
    out["measures"] = _measure_labels(prep, measures)
    return out


def etr_only(prep: Prepared, edition: str, measures: Sequence[Measure]
             ) -> tuple[float, dict[str, float]]:
    """ETR and its parts without the line table (what a series needs)."""
    duties, _, known = _duties(prep, edition, measures)
    value = float(prep.lines.value[known].sum())
    parts = {a.value: float(np.nansum(duties[a])) / value if value else float("nan")
             for a in AUTHORITIES}
    return sum(parts.values()), parts


def _measure_labels(prep: Prepared, measures: Sequence[Measure]) -> npt.NDArray[np.object_]:
    """Ids of the measures reaching each line (";"-joined), built once per distinct pattern."""
    n = len(prep.lines.frame)
    if not measures:
        return np.full(n, "", dtype=object)
    codes = np.zeros(n, dtype=object if len(measures) > 62 else np.int64)
    for bit, m in enumerate(measures):  # one integer per line: bit i = measure i hits it
        codes = codes + prep.masks[m.id].astype(np.int64) * (1 << bit)
    patterns, inverse = np.unique(codes, return_inverse=True)
    labels = np.array([";".join(m.id for bit, m in enumerate(measures) if int(p) >> bit & 1)
                       for p in patterns], dtype=object)
    return labels[np.asarray(inverse).reshape(-1)]


def aggregate_lines(lines: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """ETR = Σ duty / Σ value over lines with a known base rate, and its parts by authority."""
    known = lines[lines["duty"].notna()]
    duty_cols = [f"duty_{a.value}" for a in AUTHORITIES]
    keys = [by] if by else []
    if keys:
        grouped = known.groupby(keys, observed=True, sort=True)
        sums = grouped[["value_usd", "claimed_value_usd", "duty", *duty_cols]].sum()
    else:
        sums = known[["value_usd", "claimed_value_usd", "duty", *duty_cols]].sum().to_frame().T
    with np.errstate(divide="ignore", invalid="ignore"):
        out = pd.DataFrame({"value_usd": sums["value_usd"],
                            "claimed_share": sums["claimed_value_usd"] / sums["value_usd"],
                            "etr": sums["duty"] / sums["value_usd"]})
        for a in AUTHORITIES:
            out[a.value] = sums[f"duty_{a.value}"] / sums["value_usd"]
    out["duty_usd"] = sums["duty"]
    return out.reset_index() if keys else out.reset_index(drop=True)


def regime_on(prep: Prepared, day: dt.date, loaded: Iterable[str]) -> RegimeDay:
    """The regime on ``day`` over the prepared lines."""
    edition = edition_on(prep.timeline.editions, loaded, day)
    measures = active_measures(prep, day)
    lines = line_table(prep, edition, measures)
    return _summarise(day, edition, measures, lines)


def _summarise(day: dt.date, edition: str, measures: tuple[Measure, ...],
               lines: pd.DataFrame) -> RegimeDay:
    head = aggregate_lines(lines, None).iloc[0]
    unknown = float(lines.loc[lines["duty"].isna(), "value_usd"].sum())
    notes = (Msg("regime.note.unknown_rate", lines=int(lines["duty"].isna().sum()),
                 value=f"{unknown:,.0f}", edition=edition),) if unknown else ()
    return RegimeDay(day, edition, measures, lines, float(head["etr"]),
                     {a.value: float(head[a.value]) for a in AUTHORITIES},
                     float(head["value_usd"]), unknown, notes)


# ---------------------------------------------------------------------------------------------
# Series
# ---------------------------------------------------------------------------------------------

def change_days(prep: Prepared, start: dt.date, end: dt.date) -> list[dt.date]:
    """First day of every stretch of constant regime within [start, end]."""
    days = {start}
    for m in prep.timeline.modelled():
        if m.id not in prep.masks:
            continue
        days.add(m.effective_from)
        if m.effective_to is not None:
            days.add(m.effective_to + dt.timedelta(days=1))
    days |= {e.effective_from for e in prep.timeline.editions}
    return sorted(d for d in days if start <= d <= end)


@dataclass(frozen=True, slots=True)
class Series:
    """A daily ETR series and the stretches it was computed on."""

    daily: pd.DataFrame       # date, etr, <authority>…, edition, regime (stretch key)
    segments: pd.DataFrame    # from, to, edition, measures, etr, <authority>…
    computations: int         # distinct regimes evaluated


def series(prep: Prepared, start: dt.date, end: dt.date, loaded: Iterable[str]) -> Series:
    """ETR for every day of [start, end], computed once per distinct regime."""
    if end < start:
        raise InputError(Msg("error.regime_range", start=start.isoformat(),
                             end=end.isoformat()), field="end", value=end.isoformat())
    loaded = list(loaded)
    cache: dict[tuple[str, tuple[str, ...]], tuple[float, dict[str, float]]] = {}
    rows = []
    starts = change_days(prep, start, end)
    for i, first in enumerate(starts):
        last = starts[i + 1] - dt.timedelta(days=1) if i + 1 < len(starts) else end
        edition = edition_on(prep.timeline.editions, loaded, first)
        measures = active_measures(prep, first)
        key = (edition, tuple(m.id for m in measures))
        if key not in cache:
            cache[key] = etr_only(prep, edition, measures)
        etr, parts = cache[key]
        rows.append({"from": first, "to": last, "edition": edition,
                     "measures": ", ".join(key[1]), "etr": etr, **parts})
    segments = pd.DataFrame(rows)
    days = pd.date_range(start, end, freq="D")
    idx = np.searchsorted(pd.to_datetime(segments["from"]).to_numpy(), days.to_numpy(),
                          side="right") - 1
    daily = segments.iloc[idx].drop(columns=["from", "to", "measures"]).reset_index(drop=True)
    daily.insert(0, "date", days.date)
    daily["regime"] = idx
    return Series(daily, segments, len(cache))


# ---------------------------------------------------------------------------------------------
# The timeline against chapter 99
# ---------------------------------------------------------------------------------------------

_ADDITIONAL = re.compile(r"\+\s*(?:a duty of\s*)?(\d+(?:\.\d+)?)\s*%", re.IGNORECASE)
_PLAIN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_NONE = re.compile(r"^\s*(no change|the duty provided in the applicable subheading\s*|free)\s*$",
                   re.IGNORECASE)


def printed_rate(text: str | None) -> float | None:
    """The additional rate a chapter-99 heading prints ("… + 25%" → 0.25; "No change" → 0).

    A plain "15%" is the rate itself (Section 201 headings, floors). None: not understood.
    """
    if text is None:
        return None
    m = _ADDITIONAL.search(text) or _PLAIN.match(text)
    if m:
        return float(m.group(1)) / 100.0
    return 0.0 if _NONE.match(text) else None


@dataclass(frozen=True, slots=True)
class CheckRow:
    """One heading of one measure against one edition in force during the measure."""

    measure: str
    heading: str
    edition: str
    status: str          # ok | rate_mismatch | missing | not_understood | no_edition
    timeline_rate: float
    printed: str | None
    printed_rate: float | None
    hint: str = ""


def _in_force(editions: Sequence[EditionDate], loaded: set[str]
              ) -> list[tuple[str, dt.date, dt.date | None]]:
    """(edition, first day, last day) of each loaded edition, as the regime uses them."""
    mine = sorted((e for e in editions if e.edition in loaded), key=lambda e: e.effective_from)
    return [(e.edition, e.effective_from,
             mine[i + 1].effective_from - dt.timedelta(days=1) if i + 1 < len(mine) else None)
            for i, e in enumerate(mine)]


def check_timeline(timeline: Timeline, chapter99: Mapping[str, Mapping[str, str]]
                   ) -> list[CheckRow]:
    """Every heading a measure cites, in every loaded edition in force during its dates.

    ``chapter99[edition][heading] = printed general rate text``. A heading missing from an
    edition in force, or printing another rate than the timeline's, is listed; so is a
    measure no loaded edition covers (``no_edition``).
    """
    spans = _in_force(timeline.editions, set(chapter99))
    rows = []
    for m in timeline.measures:
        for heading in m.headings:
            hits = [s for s in spans if _overlap(s[1], s[2], m.effective_from, m.effective_to)]
            if not hits:
                rows.append(CheckRow(m.id, heading, "—", "no_edition", m.rate, None, None))
            for edition, first, _ in hits:
                rows.append(_check_one(m, heading, edition, first, chapter99[edition]))
    return rows


def _overlap(a0: dt.date, a1: dt.date | None, b0: dt.date, b1: dt.date | None) -> bool:
    return (a1 is None or b0 <= a1) and (b1 is None or a0 <= b1)


def _check_one(m: Measure, heading: str, edition: str, edition_from: dt.date,
               lines: Mapping[str, str]) -> CheckRow:
    expected = m.printed_rate(heading)
    if heading not in lines:
        hint = ("the measure starts after this edition came into force: the revision that "
                "added the heading is not loaded" if m.effective_from > edition_from else "")
        return CheckRow(m.id, heading, edition, "missing", expected, None, None, hint)
    text = lines[heading]
    rate = printed_rate(text)
    if rate is None:
        status = "not_understood"
    elif abs(rate - expected) < 1e-9:
        status = "ok"
    else:
        status = "rate_mismatch"
    hint = "the edition's compiler's note says the heading expired" if (
        "expired" in text.lower()) else ""
    return CheckRow(m.id, heading, edition, status, expected, text, rate, hint)
