"""How a scenario result is shown, for the CLI, the xlsx file and the web alike.

Which headline figures there are and in which order, their labels, units (money, percent,
number) and text form, the basis of a state's figures and the notes under the table. The
figures and facts (``base_year``, ``real_months``) come from :class:`ScenarioResult`; this
module only words them, so a terminal table and a web page say the same thing.
"""

from __future__ import annotations

from typing import Literal, SupportsFloat

import pandas as pd

from comexlab.i18n import fmt_number, fmt_pct, fmt_usd, label, t
from comexlab.tariffs.engine import ScenarioResult

MONEY = ("value_usd", "claimed_value_usd", "exposed_value_usd", "duty_before", "duty_after",
         "duty_change", "value_unknown_rate", "trade_creation", "trade_diversion",
         "revenue_after", "welfare", "unmeasured_value_usd")
PERCENT = ("share_exposed", "rate_before_tw", "rate_after_tw", "rate_before_simple",
           "rate_after_simple", "neutralising_cut", "neutralising_cut_exposed",
           "share_default_elasticity")
HEADLINE = ("value_usd", "claimed_value_usd", "exposed_value_usd", "share_exposed",
            "unmeasured_value_usd", "lines_unmeasured",
            "duty_before", "duty_after", "duty_change", "rate_before_tw", "rate_after_tw",
            "rate_before_simple", "rate_after_simple", "neutralising_cut",
            "neutralising_cut_exposed", "value_unknown_rate", "lines", "trade_creation",
            "trade_diversion", "revenue_after", "welfare", "share_default_elasticity")
#: The four figures a reader needs first (shown big; the rest go in a details section): how
#: much trade is exposed, the added duty, the cut that would neutralise it, the tariff after.
KEY_FIGURES = ("share_exposed", "duty_change", "neutralising_cut", "rate_after_tw")
#: Figures whose label says what they are (a lower bound, an estimate, MFN-only): these keys
#: are ``scenario.hl.*``; the others keep ``scenario.h.*``.
QUALIFIED = frozenset({
    "duty_before", "duty_after", "rate_before_tw", "rate_before_simple", "exposed_value_usd",
    "share_exposed", "unmeasured_value_usd", "lines_unmeasured", "trade_creation",
    "trade_diversion", "revenue_after", "welfare", "share_default_elasticity",
})

Kind = Literal["pct", "usd", "number"]


def headline_label(key: str, lang: str) -> str:
    """The label of a headline figure in ``lang`` (CLI, xlsx and web use this one)."""
    return t(f"scenario.{'hl' if key in QUALIFIED else 'h'}.{key}", lang)


def figure_kind(key: str) -> Kind:
    """The unit of a figure: a percent, US dollars, or a plain number."""
    return "pct" if key in PERCENT else "usd" if key in MONEY else "number"


def format_figure(key: str, value: SupportsFloat | None, lang: str) -> str:
    """A figure as text in its unit ('—' when it is unknown)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if key in PERCENT:
        return fmt_pct(float(value), lang, digits=2)
    if key in MONEY:
        return fmt_usd(float(value), lang)
    return fmt_number(float(value), lang)


def base_year(result: ScenarioResult) -> str:
    """The INEGI base year of a state's estimate ('?' when the result is not a state's)."""
    return result.base_year or "?"


def state_basis(result: ScenarioResult, lang: str) -> str | None:
    """What a state's figures rest on: the estimate, real DataMéxico data, or both.

    None for a country.
    """
    lines = result.lines
    if lines.empty or not (lines["reporter_level"].astype(str) == "state").all():
        return None
    if not result.real_months:
        return t("scenario.basis.estimated", lang, year=base_year(result))
    months = ", ".join(result.real_months)
    if not result.estimated:
        return t("scenario.basis.real", lang, months=months)
    return t("scenario.basis.mixed", lang, months=months, year=base_year(result))


def headline_keys(columns: pd.Index) -> list[str]:
    """The headline figures present in an aggregate, in reading order."""
    return [k for k in HEADLINE if k in columns]


def headline_frame(result: ScenarioResult, lang: str) -> pd.DataFrame:
    """The headline figures as a two-column labelled table (figure, value).

    For a state, the first row says whether its figures are estimated or real data.
    """
    row = result.aggregate().iloc[0]
    keys = headline_keys(row.index)
    labels = [headline_label(k, lang) for k in keys]
    values = [format_figure(k, row[k], lang) for k in keys]
    basis = state_basis(result, lang)
    if basis is not None:
        labels.insert(0, t("scenario.basis", lang))
        values.insert(0, basis)
    return pd.DataFrame({t("scenario.figure", lang): labels, t("scenario.value", lang): values})


def figure_notes(result: ScenarioResult, lang: str) -> list[str]:
    """What the headline figures are: MFN-only base, exposure lower bound, SMART estimates."""
    row = result.aggregate().iloc[0]
    notes = [t("scenario.note.before_base", lang)]
    if row.get("unmeasured_value_usd", 0) > 0:
        notes.append(t("scenario.note.lower_bound", lang,
                       value=fmt_usd(float(row["unmeasured_value_usd"]), lang),
                       lines=fmt_number(float(row["lines_unmeasured"]), lang)))
    if "share_default_elasticity" in row.index:
        notes.append(t("scenario.note.smart_estimate", lang,
                       share=format_figure("share_default_elasticity",
                                           row["share_default_elasticity"], lang)))
    return notes


def notes(result: ScenarioResult, lang: str) -> list[str]:
    """Every note under a result: the figure notes, estimate/approximation flags, the audit."""
    out = figure_notes(result, lang)
    if result.estimated:
        out.append(t("scenario.estimated", lang, year=base_year(result)))
    if result.scenario.approximate:
        out.append(t("scenario.approximate", lang))
    for n in result.audit:
        line = t("scenario.audit.line", lang, kind=label("audit", n.kind, lang),
                 count=f"{n.count:,}", detail=n.detail)
        if n.examples:
            line += " [" + "; ".join(n.examples[:5]) + "]"
        out.append(line)
    return out
