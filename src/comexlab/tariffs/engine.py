"""The scenario engine: per line × flow duties before and after a scenario, and baskets of them.

``apply(scenario, lines)`` is pure: it receives one row per tariff line × flow with the rates of
that line already joined (by :mod:`comexlab.services.scenarios`) and returns a
:class:`ScenarioResult`. Everything is column-wise numpy/pandas, no per-row Python, so the whole
2025–2026 DataWeb set (≈ 560 k rows) runs in well under a second.

**Two tracks per line.** A flow's value splits into the part that claimed the base program
(``preference_value_usd``, paying the program rate) and the rest (paying MFN). Only the claimed
part is hit when the program is withdrawn; value that already paid MFN is not. Where a source has
no claimed value, the scenario's ``utilisation`` share (default 1.0 = every dollar claimed, an
upper bound of exposure) stands in, and the audit trail says how much value used it.

Input columns (``LINE_COLUMNS``; rate columns are those of ``hts_rate`` prefixed ``mfn_`` for
the general rate and ``pref_`` for the base program's rate, NULL when the program does not list
the line): ``reporter, origin, partner, period, product_code, value_usd,
preference_value_usd, quantity, quantity_unit``; optional ``estimated`` (state allocation),
``section, chapter, subsector, naics6`` (grouping / elasticities), ``rest_value_usd`` (imports of
the same product from everyone else, for SMART diversion).

Per line the result gives the old and new effective rate, AVEs and how they were obtained, duty
before/after, exposed value (value whose rate rose) and the neutralising price cut
``(t1 − t0)/(1 + t1)`` (per track, value-weighted). :meth:`ScenarioResult.aggregate` gives any
basket: share exposed, trade-weighted and simple average rate before/after, duty bill and the
export-weighted neutralising cut. The audit trail (:class:`AuditNote`) counts and lists unparsed
rates, flows with no tariff line, AVE fallbacks, utilisation defaults and allocation estimates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from comexlab.errors import AuditNote, InputError
from comexlab.i18n import Msg
from comexlab.tariffs.ave import (
    AveMethod,
    MethodCodes,
    compute_ave,
    inputs_from_frame,
    method_code,
    method_labels,
)
from comexlab.tariffs.formulas import linear_cut, neutralising_cut, swiss
from comexlab.tariffs.prefixes import prefix_mask
from comexlab.tariffs.scenario import Overlay, Products, Scenario, Stacking
from comexlab.tariffs.smart import ElasticityTables, SmartParams, lookup_elasticity, smart_effects

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

REQUIRED_COLUMNS: tuple[str, ...] = (
    "reporter", "origin", "partner", "period", "product_code", "value_usd", "mfn_kind",
)
KEY_COLUMNS: tuple[str, ...] = ("reporter", "reporter_level", "origin", "partner", "period",
                                "product_code", "product_level")
#: Basket cuts of a scenario result (``scenario run --by``, the web run's breakdown tables).
BasketCut = Literal["section", "chapter", "subsector"]
BASKET_CUTS: tuple[BasketCut, ...] = get_args(BasketCut)
GROUP_COLUMNS: tuple[str, ...] = ("section", "chapter", "subsector", "naics6", "estimated",
                                  "description")
EPS = 1e-12
DEFAULT_SMART = SmartParams()


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """Line table, audit trail and the scenario that produced them."""

    scenario: Scenario
    lines: pd.DataFrame
    audit: tuple[AuditNote, ...]
    #: For a Mexican state: the INEGI base year its estimate is allocated with (e.g. "2018")
    #: and the months whose figures are real DataMéxico data; a fact, not parsed from prose.
    base_year: str | None = None
    real_months: tuple[str, ...] = ()
    engine: str = "duckdb"  # what joined the input (COMEXLAB_ENGINE); also an audit note

    @property
    def estimated(self) -> bool:
        """True when any line's value comes from an estimated (state) allocation."""
        return bool(self.lines["estimated"].any())

    def aggregate(self, by: Sequence[str] = ()) -> pd.DataFrame:
        """Basket figures grouped by ``by`` (empty: one row for everything)."""
        return aggregate(self.lines, by)

    def sorted_lines(self) -> pd.DataFrame:
        """The line table in reading order (reporter, period, product code), for output.

        ``lines`` keeps the order its input came in, which a parallel join does not fix.
        """
        keys = [c for c in ("reporter", "period", "product_code") if c in self.lines.columns]
        return self.lines.sort_values(keys, key=_lexical, kind="stable").reset_index(drop=True)


def _lexical(column: pd.Series) -> pd.Series:
    """Sort key: categoricals by their labels (not their category order), others as is."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        labels = sorted(column.cat.categories, key=str)
        return column.cat.reorder_categories(labels)
    return column


def _series(frame: pd.DataFrame, name: str, default: float = np.nan) -> FloatArray:
    if name not in frame.columns:
        return np.full(len(frame), default)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _products_mask(codes: pd.Series, products: Products,
                   product_lists: Mapping[str, Sequence[str]]) -> BoolArray:
    def resolve(prefixes: Sequence[str], lists: Sequence[str]) -> list[str]:
        out = list(prefixes)
        for name in lists:
            if name not in product_lists:
                raise InputError(f"product list {name!r} was not resolved", field="products")
            out.extend(product_lists[name])
        return out

    if products.everything:
        mask = np.ones(len(codes), dtype=bool)
    else:
        mask = prefix_mask(codes, resolve(products.prefixes, products.lists))
    excluded = resolve(products.exclude_prefixes, products.exclude_lists)
    if excluded:
        mask &= ~prefix_mask(codes, excluded)
    return mask


@dataclass(slots=True)
class _Tracks:
    """Rates of the claimed (``pref``) and non-claimed (``mfn``) parts of each line.

    ``*_low``: the track's AVE is a lower bound (a specific duty counted by its ad valorem part
    only, :data:`AveMethod.fallback_adval_only`); ``*_raised``: an overlay that can raise rates
    changed the track. A raised track whose rate is a lower bound and did not rise may have
    risen in fact: its value is *unmeasured* exposure (see :func:`_line_table`).
    """

    pref: FloatArray
    mfn: FloatArray
    pref_low: BoolArray
    mfn_low: BoolArray
    pref_raised: BoolArray
    mfn_raised: BoolArray

    @classmethod
    def start(cls, pref: FloatArray, mfn: FloatArray, pref_low: BoolArray,
              mfn_low: BoolArray) -> _Tracks:
        none = np.zeros(len(pref), dtype=bool)
        return cls(pref.copy(), mfn.copy(), pref_low.copy(), mfn_low.copy(), none,
                   none.copy())


REGIME_COLUMNS: tuple[str, ...] = ("regime_before_claimed", "regime_before_rest",
                                   "regime_after_claimed", "regime_after_rest")
"""Track rates a regime base hands over (:func:`comexlab.warehouse.regime.regime_tracks`):
the regime on the scenario's date, and with its ``regime_changes``; overlays apply on top."""


def _regime_tracks(lines: pd.DataFrame, pref_low: BoolArray,
                   mfn_low: BoolArray) -> tuple[_Tracks, _Tracks]:
    """Both tracks from the regime columns; the MFN part keeps its lower-bound flags."""
    b_c, b_r, a_c, a_r = (_series(lines, c) for c in REGIME_COLUMNS)
    return (_Tracks.start(b_c, b_r, pref_low, mfn_low),
            _Tracks.start(a_c, a_r, pref_low, mfn_low))


def _apply_overlay(ov: Overlay, tr: _Tracks, hit: BoolArray) -> None:
    """Change the rates of the rows in ``hit`` in place (one dispatch per overlay type)."""
    if ov.type == "withdraw_program":
        changes = hit & ((tr.pref != tr.mfn) | (tr.pref_low != tr.mfn_low))
        tr.pref_raised |= changes
        tr.pref = np.where(hit, tr.mfn, tr.pref)
        tr.pref_low = np.where(hit, tr.mfn_low, tr.pref_low)
    elif ov.type == "additional":
        rate = float(ov.rate or 0.0)
        combine = {
            Stacking.add: lambda t: t + rate,
            Stacking.max: lambda t: np.fmax(t, rate),
            Stacking.instead: lambda t: np.where(np.isnan(t), np.nan, rate),
        }[ov.stacking]
        replaced = ov.stacking is Stacking.instead
        tr.mfn = np.where(hit, combine(tr.mfn), tr.mfn)
        tr.mfn_raised |= hit
        tr.mfn_low &= ~(hit & replaced)
        if not ov.preference_exempt:
            tr.pref = np.where(hit, combine(tr.pref), tr.pref)
            tr.pref_raised |= hit
            tr.pref_low &= ~(hit & replaced)
    elif ov.type == "set_rate":
        rate = float(ov.rate or 0.0)
        tr.mfn = np.where(hit & ~np.isnan(tr.mfn), rate, tr.mfn)
        tr.pref = np.where(hit & ~np.isnan(tr.pref), rate, tr.pref)
        tr.mfn_low &= ~hit
        tr.pref_low &= ~hit
    elif ov.type == "linear_cut":
        tr.mfn = np.where(hit, linear_cut(tr.mfn, float(ov.cut or 0.0)), tr.mfn)
        tr.pref = np.where(hit, linear_cut(tr.pref, float(ov.cut or 0.0)), tr.pref)
    elif ov.type == "swiss":
        tr.mfn = np.where(hit, swiss(tr.mfn, ov.a), tr.mfn)
        tr.pref = np.where(hit, swiss(tr.pref, ov.a), tr.pref)
    else:  # pragma: no cover - the scenario model admits only the types above
        raise InputError(f"unknown overlay type {ov.type!r}", field="type")


def _check_columns(lines: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in lines.columns]
    if missing:
        raise InputError(f"scenario input lacks columns {missing}", field=", ".join(missing))


def as_frame(lines: pd.DataFrame | pa.Table) -> pd.DataFrame:
    """The engine's input as a DataFrame.

    An Arrow table's dictionary columns become categoricals, its number columns float arrays.
    """
    if not isinstance(lines, pa.Table):
        return lines
    columns: dict[str, object] = {}
    for name, col in zip(lines.column_names, lines.columns, strict=True):
        if pa.types.is_dictionary(col.type):
            columns[name] = _categorical(name, col)
        else:
            columns[name] = col.to_pandas().array
    return pd.DataFrame(columns, index=pd.RangeIndex(lines.num_rows), copy=False)


_CATEGORIES: dict[str, tuple[pa.Array, pd.CategoricalDtype]] = {}
"""Last dictionary seen per column name and its pandas dtype. Turning a dictionary of 15 k
codes or descriptions into pandas categories costs more than the rest of the conversion; the
same warehouse ENUM comes back on every run, so it is converted once (reused only when the
new dictionary is equal, which Arrow checks on the buffers)."""


def _categorical(name: str, col: pa.ChunkedArray) -> pd.Categorical:
    chunks = list(col.chunks) or [pa.array([], type=col.type)]
    dictionary = chunks[0].dictionary
    if not all(c.dictionary.equals(dictionary) for c in chunks[1:]):  # not one ENUM: unify
        chunks = [col.unify_dictionaries().combine_chunks()]
        dictionary = chunks[0].dictionary
    seen = _CATEGORIES.get(name)
    if seen is not None and seen[0].equals(dictionary):
        dtype = seen[1]
    else:
        dtype = pd.CategoricalDtype(pd.Index(dictionary.to_pandas()))
        _CATEGORIES[name] = (dictionary, dtype)
    codes = np.concatenate([_codes(c) for c in chunks])
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)


def _codes(chunk: pa.DictionaryArray) -> npt.NDArray[np.signedinteger]:
    """Dictionary indices as category codes (-1 where null), read straight from the buffer."""
    indices = chunk.indices
    dtype = np.dtype(indices.type.to_pandas_dtype())
    values = np.frombuffer(indices.buffers()[1], dtype=dtype, count=len(indices),
                           offset=indices.offset * dtype.itemsize)
    if not indices.null_count:
        return values
    nulls = indices.is_null().to_numpy(zero_copy_only=False)
    return np.where(nulls, -1, values.astype(np.int32))


def apply(scenario: Scenario, lines: pd.DataFrame | pa.Table, *,
          product_lists: Mapping[str, Sequence[str]] | None = None,
          elasticities: ElasticityTables | None = None,
          smart: SmartParams = DEFAULT_SMART) -> ScenarioResult:
    """Run ``scenario`` over ``lines`` (one row per tariff line × flow, rates joined).

    ``lines`` is what :func:`comexlab.warehouse.scenario_lines.scenario_lines` hands over (one Arrow
    table) or the same columns as a DataFrame (tests, state allocations).
    """
    lines = as_frame(lines)
    _check_columns(lines)
    lists = product_lists or {}
    value = np.nan_to_num(_series(lines, "value_usd"), nan=0.0)
    claimed_raw = _series(lines, "preference_value_usd")
    claimed_default = np.isnan(claimed_raw)
    claimed = np.clip(np.where(claimed_default, scenario.utilisation * value, claimed_raw),
                      0.0, value)
    rest = value - claimed

    mfn_ave, mfn_method = compute_ave(inputs_from_frame(lines, "mfn_"))
    pref_ave, pref_method = compute_ave(inputs_from_frame(lines, "pref_"))
    no_pref_line = lines["pref_kind"].isna().to_numpy() if "pref_kind" in lines else np.ones(
        len(lines), dtype=bool)
    pref_ave = np.where(no_pref_line, mfn_ave, np.fmin(pref_ave, mfn_ave))
    pref_method = np.where(no_pref_line, mfn_method, pref_method)

    fb = method_code(AveMethod.fallback_adval_only)
    pref_low, mfn_low = pref_method == fb, mfn_method == fb
    before = _Tracks.start(pref_ave, mfn_ave, pref_low, mfn_low)
    after = _Tracks.start(pref_ave, mfn_ave, pref_low, mfn_low)
    if REGIME_COLUMNS[0] in lines.columns:  # base = the US regime on a date (base.regime)
        before, after = _regime_tracks(lines, pref_low, mfn_low)
    codes = lines["product_code"]
    for ov in scenario.overlays:
        hit = _products_mask(codes, ov.products, lists)
        if ov.partners:
            hit &= lines["origin"].isin(ov.partners).to_numpy()
        _apply_overlay(ov, after, hit)

    out = _line_table(lines, value, claimed, rest, before, after, mfn_ave, pref_ave,
                      mfn_method, pref_method)
    notes = _audit(lines, out, claimed_default, scenario, (mfn_method, pref_method))
    if elasticities is not None:
        notes += _add_smart(lines, out, elasticities, smart)
    return ScenarioResult(scenario, out, tuple(n for n in notes if n.count))


def _line_table(lines: pd.DataFrame, value: FloatArray, claimed: FloatArray, rest: FloatArray,
                before: _Tracks, after: _Tracks, mfn_ave: FloatArray, pref_ave: FloatArray,
                mfn_method: MethodCodes, pref_method: MethodCodes) -> pd.DataFrame:
    duty0 = claimed * before.pref + rest * before.mfn
    duty1 = claimed * after.pref + rest * after.mfn
    rose_pref = after.pref > before.pref + EPS
    rose_mfn = after.mfn > before.mfn + EPS
    exposed_value = claimed * rose_pref + rest * rose_mfn
    # A raised track whose new rate is a lower bound and shows no rise: a specific duty the
    # data cannot convert (no quantities), so exposure is understated by this value.
    unmeasured = (claimed * (after.pref_raised & after.pref_low & ~rose_pref)
                  + rest * (after.mfn_raised & after.mfn_low & ~rose_mfn))
    with np.errstate(divide="ignore", invalid="ignore"):
        safe_v = np.where(value > 0, value, np.nan)
        cut = (claimed * neutralising_cut(before.pref, after.pref)
               + rest * neutralising_cut(before.mfn, after.mfn)) / safe_v
        rate0 = np.where(value > 0, duty0 / safe_v, before.mfn)
        rate1 = np.where(value > 0, duty1 / safe_v, after.mfn)
    cut = np.where(value > 0, cut, neutralising_cut(before.mfn, after.mfn))
    keep = [c for c in (*KEY_COLUMNS, *GROUP_COLUMNS) if c in lines.columns and c != "estimated"]
    estimated = (lines["estimated"].fillna(False).astype(bool).to_numpy()
                 if "estimated" in lines.columns else np.zeros(len(lines), dtype=bool))
    columns: dict[str, object] = {c: lines[c].to_numpy() if not isinstance(
        lines[c].dtype, pd.CategoricalDtype) else lines[c].array for c in keep}
    columns.update({
        "estimated": estimated, "value_usd": value, "claimed_value_usd": claimed,
        "mfn_text": _text(lines, "mfn_rate_text"), "pref_text": _text(lines, "pref_rate_text"),
        "mfn_ave": mfn_ave, "pref_ave": pref_ave,
        "mfn_ave_method": method_labels(mfn_method),
        "pref_ave_method": method_labels(pref_method),
        "rate_before": rate0, "rate_after": rate1,
        "duty_before": duty0, "duty_after": duty1,
        "exposed_value_usd": np.where(np.isnan(exposed_value), 0.0, exposed_value),
        "unmeasured_value_usd": np.nan_to_num(unmeasured),
        "neutralising_cut": cut,
    })
    out = pd.DataFrame({k: v for k, v in columns.items() if v is not None}, copy=False)
    out["exposed"] = out["exposed_value_usd"].to_numpy() > 0
    return out


def _text(lines: pd.DataFrame, name: str) -> object:
    if name not in lines.columns:
        return None
    col = lines[name]
    return col.array if isinstance(col.dtype, pd.CategoricalDtype) else col.to_numpy()


def _examples(out: pd.DataFrame, mask: BoolArray, text_col: str | None = None) -> tuple[str, ...]:
    """Up to 10 distinct codes for an audit note (largest value first, ties in order seen).

    With ``text_col``, each code comes with the text of its first row. Summed per code with
    ``np.bincount`` on the masked rows' codes: a note can cover every row (utilisation
    defaults, state estimates), and a groupby over 20 k categories is slow.
    """
    rows = np.flatnonzero(mask)
    if not len(rows):
        return ()
    key, codes = pd.factorize(out["product_code"].iloc[rows], sort=False)
    sums = np.bincount(key, weights=out["value_usd"].to_numpy()[rows], minlength=len(codes))
    top = np.lexsort((np.arange(len(sums)), -sums))[:10]
    labels = [str(c) for c in np.asarray(codes, dtype=object)[top]]
    if text_col and text_col in out:
        _, first = np.unique(key, return_index=True)
        texts = out[text_col].iloc[rows[first[top]]]
        return tuple(f"{c}: {_short(x)}" for c, x in zip(labels, texts, strict=True))
    return tuple(labels)


def _short(text: object, width: int = 60) -> str:
    s = str(text)
    return s if len(s) <= width else s[: width - 1] + "…"


def _note(out: pd.DataFrame, kind: str, mask: BoolArray, detail: Msg,
          text_col: str | None = None) -> AuditNote:
    values = out["value_usd"].to_numpy()
    value = float(values[mask].sum()) if mask.any() else 0.0
    total = float(values.sum()) or 1.0
    return AuditNote(kind, int(mask.sum()),
                     Msg("audit.valued", detail=detail, value=f"{value:,.0f}",
                         share=f"{value / total:.2%}"),
                     _examples(out, mask, text_col))


def _audit(lines: pd.DataFrame, out: pd.DataFrame, claimed_default: BoolArray,
           scenario: Scenario, methods: tuple[MethodCodes, MethodCodes]) -> list[AuditNote]:
    traded = out["value_usd"].to_numpy() > 0
    kind = lines["mfn_kind"].reset_index(drop=True)
    fb = method_code(AveMethod.fallback_adval_only)
    fallback = (methods[0] == fb) | (methods[1] == fb)
    ranged = methods[0] == method_code(AveMethod.range_low)
    content = method_code(AveMethod.content_basis)
    partial = (methods[0] == content) | (methods[1] == content)
    return [
        _note(out, "no_tariff_line", kind.isna().to_numpy() & traded,
              Msg("audit.detail.no_tariff_line")),
        _note(out, "unparsed_rate", (kind == "unparsed").to_numpy() & traded,
              Msg("audit.detail.unparsed_rate"), "mfn_text"),
        _note(out, "blank_rate", (kind == "blank").to_numpy() & traded,
              Msg("audit.detail.blank_rate")),
        _note(out, "reference_rate", (kind == "reference").to_numpy() & traded,
              Msg("audit.detail.reference_rate"), "mfn_text"),
        _note(out, "ave_fallback", fallback & traded,
              Msg("audit.detail.ave_fallback"), "mfn_text"),
        _note(out, "range_rate", ranged & traded, Msg("audit.detail.range_rate"), "mfn_text"),
        _note(out, "content_basis", partial & traded, Msg("audit.detail.content_basis"),
              "mfn_text"),
        _note(out, "unmeasured_exposure", (out["unmeasured_value_usd"].to_numpy() > 0) & traded,
              Msg("audit.detail.unmeasured_exposure"), "mfn_text"),
        _note(out, "utilisation_default", claimed_default & traded,
              Msg("audit.detail.utilisation_default", share=f"{scenario.utilisation:.0%}")),
        _note(out, "allocation_estimate", out["estimated"].to_numpy() & traded,
              Msg("audit.detail.allocation_estimate")),
    ]


def _add_smart(lines: pd.DataFrame, out: pd.DataFrame, tables: ElasticityTables,
               params: SmartParams) -> list[AuditNote]:
    naics = lines["naics6"].reset_index(drop=True) if "naics6" in lines else None
    eps, level = lookup_elasticity(out["product_code"].astype(str), naics, tables)
    m_rest = _series(lines, "rest_value_usd") if "rest_value_usd" in lines else None
    effects = smart_effects(out["value_usd"].to_numpy(), np.nan_to_num(out["rate_before"]),
                            np.nan_to_num(out["rate_after"]), eps, m_rest, params)
    out["import_demand_elasticity"] = eps
    out["elasticity_level"] = level
    for col in effects.columns:
        out[col] = effects[col].to_numpy()
    traded = out["value_usd"].to_numpy() > 0
    notes = [_note(out, "elasticity_fallback", (level == lvl) & traded,
                   Msg("audit.detail.elasticity_default", value=f"{tables.default:.3f}")
                   if lvl == "default" else Msg("audit.detail.elasticity_level", level=lvl))
             for lvl in ("hs6", "naics6", "default")]
    if m_rest is None:
        notes.append(AuditNote("no_rest_of_world", int(traded.sum()),
                               Msg("audit.detail.no_rest_of_world")))
    return notes


_SMART_SUMS: tuple[str, ...] = ("trade_creation", "trade_diversion", "revenue_before",
                                "revenue_after", "welfare")


def aggregate(lines: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Basket figures over a line table from :func:`apply`.

    Trade-weighted rates are duty / value over the value whose rate is known; simple averages
    are over traded rows with a known rate; the neutralising cut is export-weighted over the same
    value, and also given over exposed value only (the cut the exposed exporters face).
    Groups are those of ``groupby(by, sort=True, dropna=False, observed=True)``.
    """
    known = lines["duty_before"].notna().to_numpy() & lines["duty_after"].notna().to_numpy()
    v = lines["value_usd"].to_numpy()
    unmeasured = (lines["unmeasured_value_usd"].to_numpy() if "unmeasured_value_usd" in lines
                  else np.zeros(len(lines)))
    traded = v > 0
    work: dict[str, npt.NDArray[np.float64]] = {
        "value_usd": v,
        "claimed_value_usd": lines["claimed_value_usd"].to_numpy(),
        "exposed_value_usd": lines["exposed_value_usd"].to_numpy(),
        "duty_before": np.where(known, lines["duty_before"].to_numpy(), 0.0),
        "duty_after": np.where(known, lines["duty_after"].to_numpy(), 0.0),
        "_known_value": np.where(known, v, 0.0),
        "_cut_x_value": np.where(known, np.nan_to_num(lines["neutralising_cut"].to_numpy()) * v,
                                 0.0),
        "_rate0_sum": np.where(known & traded, lines["rate_before"].to_numpy(), 0.0),
        "_rate1_sum": np.where(known & traded, lines["rate_after"].to_numpy(), 0.0),
        "_lines": (known & traded).astype(np.float64),
        "unmeasured_value_usd": unmeasured,
        "_lines_unmeasured": (unmeasured > 0).astype(np.float64),
    }
    smart_cols = [c for c in _SMART_SUMS if c in lines.columns]
    if "elasticity_level" in lines.columns:  # SMART ran: how much rests on the default
        default = (lines["elasticity_level"].astype(str) == "default").to_numpy()
        work["_default_elasticity_value"] = np.where(default, v, 0.0)
    estimated = lines["estimated"].to_numpy().astype(bool)
    gid, keys = _groups(lines, by)
    total = _group_sums(gid, len(keys)) if by else _grand_total
    agg = {c: total(work[c]) for c in work}
    for c in smart_cols:  # sum(min_count=1): NaN where a group has no value at all
        col = lines[c].to_numpy(dtype=float)
        present = total((~np.isnan(col)).astype(np.float64))
        agg[c] = np.where(present > 0, total(np.nan_to_num(col)), np.nan)
    return _ratios(keys, agg, smart_cols, total(estimated.astype(np.float64)) > 0)


def _grand_total(values: FloatArray) -> FloatArray:
    return np.array([values.sum()])


def _group_sums(gid: npt.NDArray[np.intp], groups: int) -> Callable[[FloatArray], FloatArray]:
    """Sum per group of any column: rows sorted by group once, then ``np.add.reduceat``."""
    small = gid.astype(np.min_scalar_type(max(groups - 1, 0)))  # radix sort for small ints
    order = np.argsort(small, kind="stable")
    starts = np.searchsorted(gid[order], np.arange(groups))

    def total(values: FloatArray) -> FloatArray:
        return np.add.reduceat(values[order], starts) if len(values) else np.zeros(groups)

    return total


def _groups(lines: pd.DataFrame, by: Sequence[str]) -> tuple[npt.NDArray[np.intp], pd.DataFrame]:
    """Group number of each row and the key values of each group.

    Groups are sorted by key (categoricals in category order), missing keys last, only groups
    that occur: what ``groupby(sort=True, dropna=False, observed=True)`` gives, without
    building one: categoricals factorise on their codes, and sums are ``np.bincount``.
    """
    if not by:
        return np.zeros(len(lines), dtype=np.intp), pd.DataFrame(index=range(1))
    codes, uniques = [], []
    for c in by:
        k, u = pd.factorize(lines[c], sort=True, use_na_sentinel=False)
        codes.append(k)
        uniques.append(u)
    if len(by) == 1:  # factorised codes are already the sorted, observed groups
        return codes[0].astype(np.intp), pd.DataFrame({by[0]: uniques[0]})
    shape = tuple(max(len(u), 1) for u in uniques)
    flat = np.ravel_multi_index(codes, shape)
    present, gid = np.unique(flat, return_inverse=True)
    positions = np.unravel_index(present, shape)
    keys = pd.DataFrame({c: u.take(pos) for c, u, pos in zip(by, uniques, positions,
                                                                strict=True)})
    return gid.reshape(-1), keys


def _ratios(keys: pd.DataFrame, agg: Mapping[str, FloatArray], smart_cols: list[str],
            estimated: BoolArray) -> pd.DataFrame:
    """Headline ratios from the group sums (numpy on a few rows; one DataFrame at the end)."""
    def per(num: FloatArray, den: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)

    kv, n = agg["_known_value"], agg["_lines"]
    res: dict[str, object] = {c: keys[c].array for c in keys.columns}
    res.update({
        "value_usd": agg["value_usd"],
        "claimed_value_usd": agg["claimed_value_usd"],
        "exposed_value_usd": agg["exposed_value_usd"],
        "share_exposed": per(agg["exposed_value_usd"], agg["value_usd"]),
        "duty_before": agg["duty_before"],
        "duty_after": agg["duty_after"],
        "duty_change": agg["duty_after"] - agg["duty_before"],
        "rate_before_tw": per(agg["duty_before"], kv),
        "rate_after_tw": per(agg["duty_after"], kv),
        "rate_before_simple": per(agg["_rate0_sum"], n),
        "rate_after_simple": per(agg["_rate1_sum"], n),
        "neutralising_cut": per(agg["_cut_x_value"], kv),
        "neutralising_cut_exposed": per(agg["_cut_x_value"], agg["exposed_value_usd"]),
        "value_unknown_rate": agg["value_usd"] - kv,
        "lines": np.rint(n).astype(np.int64),
        "unmeasured_value_usd": agg["unmeasured_value_usd"],
        "lines_unmeasured": np.rint(agg["_lines_unmeasured"]).astype(np.int64),
    })
    res.update({c: agg[c] for c in smart_cols})
    if "_default_elasticity_value" in agg:
        res["share_default_elasticity"] = per(agg["_default_elasticity_value"],
                                              agg["value_usd"])
    res["estimated"] = estimated
    return pd.DataFrame(res, index=pd.RangeIndex(len(keys)))


def compare_results(results: Sequence[ScenarioResult], by: Sequence[str] = ()) -> pd.DataFrame:
    """Headline figures of several scenario results side by side (one row per scenario × by)."""
    frames = []
    for res in results:
        agg = res.aggregate(by)
        agg.insert(0, "scenario", res.scenario.name)
        frames.append(agg)
    return pd.concat(frames, ignore_index=True)


def add_hs_groups(lines: pd.DataFrame) -> pd.DataFrame:
    """HS chapter and section (roman numeral) of each product code, for ``--by``.

    Worked out once per distinct code (the codes are categorical), then broadcast to the rows.
    """
    from comexlab.nomenclature.hs import section_of

    codes = lines["product_code"]
    cat = codes.array if isinstance(codes.dtype, pd.CategoricalDtype) else pd.Categorical(codes)
    chapters = np.array([str(c)[:2] for c in cat.categories] + [None], dtype=object)
    sections = np.array([_section_label(section_of, c) for c in chapters[:-1]] + [None],
                        dtype=object)
    row = np.where(cat.codes >= 0, cat.codes, len(cat.categories))
    return lines.assign(chapter=chapters[row], section=sections[row])


def _section_label(section_of: object, chapter: str) -> str:
    try:
        sec = section_of(chapter)  # type: ignore[operator]
    except (ValueError, KeyError):
        return "?"
    return f"{sec.number:02d} {sec.roman}"
