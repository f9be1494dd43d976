"""Ad valorem equivalents (AVE) of tariff rates, column-wise.

A scenario compares duties as shares of the customs value, so every rate must become a fraction
of value. Ad valorem and free rates already are. A specific duty (USD per kg, per liter, …) is
converted with the **line's own unit value**: ``AVE = amount × quantity / value``, which needs the
flow's quantity in the same unit as the duty (Laird & Yeats 1986, ch. 4; WITS "AVE from unit
values"). Compound rates add the two parts; mixed rates ("the greater of") take the larger (or
smaller) of the alternatives as their rule says.

**Stated fallback.** When the flow has no quantity in the duty's unit (the DataWeb files carry
values only), the specific part cannot be converted. We then count **only the ad valorem part**
(zero for a purely specific rate) and flag the line ``fallback_adval_only``: the AVE is a lower
bound. Such lines are counted and listed in the scenario's audit trail, never hidden. Unparsed
rates give ``NaN`` (method ``no_rate``): the value is kept, the duty is reported as unknown.

The conversion is a dispatch table (:data:`FORMULAS`) from :class:`RateKind` to a function that
fills the AVE for the rows of that kind, all vectorised with numpy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from comexlab.tariffs.rates import Rate, RateKind

FloatArray = npt.NDArray[np.float64]


class AveMethod(StrEnum):
    """How a line's AVE was obtained (ordered from exact to missing)."""

    exact = "exact"                            # free or ad valorem: no conversion needed
    content_basis = "content_basis"            # ad valorem on part of the value, applied to all
    unit_value = "unit_value"                  # specific part converted with the line's unit value
    range_low = "range_low"                    # a range rate: low end used
    fallback_adval_only = "fallback_adval_only"  # specific part not convertible: lower bound
    no_rate = "no_rate"                        # unparsed or blank: AVE unknown (NaN)


METHODS: tuple[AveMethod, ...] = tuple(AveMethod)
"""Methods in code order: method arrays hold ``int8`` codes into this tuple (cheap at 10⁷ rows);
:func:`method_labels` turns them into a categorical column for output."""
_CODE: dict[AveMethod, np.int8] = {m: np.int8(i) for i, m in enumerate(METHODS)}
MethodCodes = npt.NDArray[np.int8]


def method_code(method: AveMethod) -> np.int8:
    """Code of ``method`` in method arrays."""
    return _CODE[method]


def method_labels(codes: MethodCodes) -> pd.Categorical[str]:
    """Method codes as a categorical of :class:`AveMethod` values."""
    return pd.Categorical.from_codes(codes, categories=pd.Index([m.value for m in METHODS]))


RATE_FIELDS: tuple[str, ...] = (
    "kind", "ad_valorem", "specific_amount", "specific_unit",
    "specific2_amount", "specific2_unit", "rule", "range_high", "rate_text",
    "ad_valorem_basis",
)
"""Rate columns the engine reads, named as in the warehouse table ``hts_rate`` (plus a prefix)."""

_UNIT_SYNONYMS: dict[str, str] = {
    "kilogram": "kg", "kilograms": "kg", "kgs": "kg", "number": "no", "no": "no",
    "l": "liter", "litre": "liter", "liters": "liter", "litres": "liter", "head": "no",
    "dozen": "doz", "doz": "doz", "pcs": "no", "pieces": "no", "gram": "g", "grams": "g",
}


WHOLE_VALUE_BASES: frozenset[str] = frozenset({
    "on the full value of the imported article", "on the entire set",
})
"""Printed ad valorem bases that still mean the whole customs value of the article. Any other
basis ("on the value of the lead content", "on the case", "on the battery", "upon the value of
the non-U.S. content", "of the fair retail value" …) charges the rate on *part* of the value
(or on another value): applied to the whole customs value it is no longer exact, so such lines
are flagged ``content_basis`` (an upper bound for a content share, another base otherwise)."""


def is_content_basis(basis: object) -> bool:
    """True for an ad valorem basis other than the article's whole customs value."""
    if basis is None or (isinstance(basis, float) and np.isnan(basis)):
        return False
    text = " ".join(str(basis).lower().split())
    return bool(text) and text not in WHOLE_VALUE_BASES


def normalise_unit(unit: object) -> str | None:
    """Compare units loosely: case, dots and plural forms do not matter ('No.' == 'no')."""
    if unit is None or (isinstance(unit, float) and np.isnan(unit)):
        return None
    text = str(unit).strip().lower().replace(".", "").strip()
    if not text:
        return None
    return _UNIT_SYNONYMS.get(text, text)


@dataclass(frozen=True, slots=True)
class AveInputs:
    """Column arrays of one rate column for N lines, plus each line's value and quantity."""

    kind: pd.Categorical
    ad_valorem: FloatArray
    specific_amount: FloatArray
    specific_unit: pd.Categorical
    specific2_amount: FloatArray
    specific2_unit: pd.Categorical
    rule: pd.Categorical
    range_high: FloatArray
    ad_valorem_basis: pd.Categorical
    value: FloatArray
    quantity: FloatArray
    quantity_unit: pd.Categorical

    def specific_ave(self, rows: npt.NDArray[np.bool_]) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
        """AVE of the specific part(s) for ``rows`` and whether it could be computed."""
        value, quantity = self.value[rows], self.quantity[rows]
        qunit = _normalised(self.quantity_unit[rows])
        usable = np.isfinite(quantity) & (quantity > 0) & (value > 0) & pd.notna(qunit)
        safe_value = np.where(value > 0, value, 1.0)
        total = np.zeros(len(value))
        ok = np.ones(len(value), dtype=bool)
        for amount_all, unit_all in ((self.specific_amount, self.specific_unit),
                                     (self.specific2_amount, self.specific2_unit)):
            amount = amount_all[rows]
            present = np.isfinite(amount) & (amount != 0)
            match = usable & (_normalised(unit_all[rows]) == qunit)
            total += np.where(present & match, amount * quantity / safe_value, 0.0)
            ok &= ~present | match
        return total, ok


def _normalised(units: pd.Categorical) -> npt.NDArray[np.object_]:
    """Vectorised :func:`normalise_unit` (maps the few distinct unit texts, not every row)."""
    mapped = np.array([normalise_unit(u) for u in units.categories] + [None], dtype=object)
    return mapped[np.where(units.codes >= 0, units.codes, len(units.categories))]


Formula = Callable[[AveInputs, npt.NDArray[np.bool_]], tuple[FloatArray, MethodCodes]]


def _adval(inp: AveInputs, rows: npt.NDArray[np.bool_]) -> FloatArray:
    return np.nan_to_num(inp.ad_valorem[rows], nan=0.0)


def _methods(n: int, method: AveMethod) -> MethodCodes:
    return np.full(n, _CODE[method], dtype=np.int8)


def _free(inp: AveInputs,
          rows: npt.NDArray[np.bool_]) -> tuple[FloatArray, MethodCodes]:
    n = int(rows.sum())
    return np.zeros(n), _methods(n, AveMethod.exact)


def _ad_valorem(inp: AveInputs,
                rows: npt.NDArray[np.bool_]) -> tuple[FloatArray, MethodCodes]:
    ranged = np.isfinite(inp.range_high[rows])
    partial = _content_basis(inp.ad_valorem_basis[rows])
    method = np.select([ranged, partial], [_CODE[AveMethod.range_low],
                                           _CODE[AveMethod.content_basis]],
                       _CODE[AveMethod.exact]).astype(np.int8)
    return _adval(inp, rows), method


def _content_basis(bases: pd.Categorical) -> npt.NDArray[np.bool_]:
    """Vectorised :func:`is_content_basis` (decided once per distinct basis text)."""
    flags = np.array([is_content_basis(b) for b in bases.categories] + [False], dtype=bool)
    return flags[np.where(bases.codes >= 0, bases.codes, len(bases.categories))]


def _with_specific(combine: Callable[[FloatArray, FloatArray, pd.Categorical], FloatArray]
                   ) -> Formula:
    """Formula for rates with a specific part: convert it where possible, else fall back.

    A ``partial`` of a module-level function rather than a closure, so that the formula's body
    is an ordinary function (mutation testing can reach it; a closure is built once at import).
    """
    return partial(_specific_formula, combine)


def _specific_formula(combine: Callable[[FloatArray, FloatArray, pd.Categorical], FloatArray],
                      inp: AveInputs,
                      rows: npt.NDArray[np.bool_]) -> tuple[FloatArray, MethodCodes]:
    spec, ok_rows = inp.specific_ave(rows)
    adval = _adval(inp, rows)
    combined = combine(adval, spec, inp.rule[rows])
    ave = np.where(ok_rows, combined, adval)
    method = np.where(ok_rows, _CODE[AveMethod.unit_value],
                      _CODE[AveMethod.fallback_adval_only]).astype(np.int8)
    return ave, method


def _add(adval: FloatArray, spec: FloatArray, _rule: pd.Categorical) -> FloatArray:
    return adval + spec


def _by_rule(adval: FloatArray, spec: FloatArray, rule: pd.Categorical) -> FloatArray:
    """Mixed rates: pick the alternative the rule names.

    'greater'/'minimum' take the larger (a minimum floors the duty), 'lesser'/'maximum' the
    smaller (a maximum caps it).
    """
    take_min = np.asarray(pd.Series(rule).isin(["lesser", "maximum"]))
    return np.where(take_min, np.minimum(adval, spec), np.maximum(adval, spec))


def _no_rate(inp: AveInputs,
             rows: npt.NDArray[np.bool_]) -> tuple[FloatArray, MethodCodes]:
    n = int(rows.sum())
    return np.full(n, np.nan), _methods(n, AveMethod.no_rate)


FORMULAS: dict[RateKind, Formula] = {
    RateKind.free: _free,
    RateKind.ad_valorem: _ad_valorem,
    RateKind.specific: _with_specific(_add),
    RateKind.compound: _with_specific(_add),
    RateKind.mixed: _with_specific(_by_rule),
    RateKind.blank: _no_rate,
    RateKind.reference: _no_rate,   # "the rate applicable to …": another provision's rate
    RateKind.unparsed: _no_rate,
}
"""RateKind → function computing the AVE of the rows of that kind."""


def _col(frame: pd.DataFrame, name: str, *, numeric: bool) -> Any:
    """A float array (numeric) or a categorical (text; cheap when already categorical)."""
    if name not in frame.columns:
        return np.full(len(frame), np.nan) if numeric else pd.Categorical([None] * len(frame))
    series = frame[name]
    if numeric:
        if pd.api.types.is_float_dtype(series.dtype):
            return series.to_numpy(dtype=float, na_value=np.nan)
        return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.array
    if not series.notna().any():  # e.g. no quantities at all: skip hashing N missing values
        return pd.Categorical.from_codes(np.full(len(series), -1, dtype=np.int8),
                                         categories=pd.Index([], dtype=object))
    return pd.Categorical(series)


def inputs_from_frame(frame: pd.DataFrame, prefix: str = "", *, value: str = "value_usd",
                      quantity: str = "quantity",
                      quantity_unit: str = "quantity_unit") -> AveInputs:
    """Collect the rate columns ``prefix + RATE_FIELDS`` and the line's value/quantity."""
    return AveInputs(
        kind=_col(frame, prefix + "kind", numeric=False),
        ad_valorem=_col(frame, prefix + "ad_valorem", numeric=True),
        specific_amount=_col(frame, prefix + "specific_amount", numeric=True),
        specific_unit=_col(frame, prefix + "specific_unit", numeric=False),
        specific2_amount=_col(frame, prefix + "specific2_amount", numeric=True),
        specific2_unit=_col(frame, prefix + "specific2_unit", numeric=False),
        rule=_col(frame, prefix + "rule", numeric=False),
        range_high=_col(frame, prefix + "range_high", numeric=True),
        ad_valorem_basis=_col(frame, prefix + "ad_valorem_basis", numeric=False),
        value=_col(frame, value, numeric=True),
        quantity=_col(frame, quantity, numeric=True),
        quantity_unit=_col(frame, quantity_unit, numeric=False),
    )


def compute_ave(inp: AveInputs) -> tuple[FloatArray, MethodCodes]:
    """AVE (fraction, NaN when unknown) and :class:`AveMethod` code for every line.

    A missing kind (no tariff line matched) gives NaN / ``no_rate``. Rows are selected per kind
    through the categorical's codes, so the cost does not grow with the text of the rates.
    """
    n = len(inp.value)
    ave = np.full(n, np.nan)
    method = _methods(n, AveMethod.no_rate)
    categories = [str(c) for c in inp.kind.categories]
    codes = inp.kind.codes
    for kind, formula in FORMULAS.items():
        if kind.value not in categories:
            continue
        rows = codes == categories.index(kind.value)
        if rows.any():
            ave[rows], method[rows] = formula(inp, rows)
    return ave, method


def rate_frame(rates: Sequence[Rate], prefix: str = "") -> pd.DataFrame:
    """Typed :class:`Rate` objects as the column layout of ``hts_rate`` (tests, small inputs)."""
    rows = []
    for r in rates:
        first = r.specific[0] if r.specific else None
        second = r.specific[1] if len(r.specific) > 1 else None
        rows.append({
            "kind": r.kind.value, "ad_valorem": r.ad_valorem, "rate_text": r.text,
            "specific_amount": first.amount if first else None,
            "specific_unit": first.unit if first else None,
            "specific2_amount": second.amount if second else None,
            "specific2_unit": second.unit if second else None,
            "rule": r.rule, "range_high": r.range_high,
            "ad_valorem_basis": r.ad_valorem_parts[0].basis if r.ad_valorem_parts else None,
        })
    frame = pd.DataFrame(rows, columns=list(RATE_FIELDS))
    return frame.add_prefix(prefix)


def ave_of(rate: Rate, *, value: float | None = None, quantity: float | None = None,
           quantity_unit: str | None = None) -> tuple[float, AveMethod]:
    """AVE of one rate for one flow (convenience over :func:`compute_ave`)."""
    frame = rate_frame([rate])
    frame["value_usd"] = [value]
    frame["quantity"] = [quantity]
    frame["quantity_unit"] = [quantity_unit]
    ave, method = compute_ave(inputs_from_frame(frame))
    return float(ave[0]), METHODS[int(method[0])]
