"""The dashboard on the report service (:func:`comexlab.services.reports.state_report`).

The service assembles the request (the same as ``comexlab report exports``), picks the source,
computes totals, cuts and changes; its renderer translates the labels and notes. Here we only
choose which of its cuts fill which card and reshape rows into the view model.
"""

from __future__ import annotations

import math
from typing import SupportsFloat

import duckdb

from comexlab.i18n import t
from comexlab.nomenclature.countries import country_name
from comexlab.nomenclature.products import short_text
from comexlab.nomenclature.states import states
from comexlab.reports import render
from comexlab.reports.exports import GROUP_CUTS, Classification, CutName, ExportReport
from comexlab.services import reports as svc
from comexlab.web.views import Cut, Dashboard, DashboardOptions, Missing, Option, SeriesPoint

DEFAULT_REPORTER = "MX-GTO"
#: Which of the report's group cuts fills the "sectors" card: SCIAN subsectors (the sector
#: level is nearly all manufacturing) and HS sections (labelled; chapters are 98 codes).
_GROUP_CARD: dict[Classification, CutName] = {
    "SCIAN": "subsector", "HTS": "section", "HS": "section"}


def _num(value: SupportsFloat | None) -> float | None:
    if value is None:
        return None
    f = float(value)
    return None if math.isnan(f) else f


def _reporter_label(code: str, lang: str) -> str:
    names = {s.reporter: s.name for s in states()}
    if code in names:
        return names[code]
    try:
        return country_name(code, lang)
    except ValueError:
        return code


def dashboard_options(con: duckdb.DuckDBPyConnection, *, lang: str) -> DashboardOptions:
    """Reporters with exports loaded (states first, then countries) and their periods."""
    rows = svc.report_choices(con).reporter_periods
    reporters = sorted({(lvl != "state", r) for r, lvl, _ in rows})
    periods = sorted({p for *_, p in rows}, reverse=True)
    codes = [r for _, r in reporters]
    default = DEFAULT_REPORTER if DEFAULT_REPORTER in codes else (codes[0] if codes else None)
    years = sorted({p for r, _, p in rows if r == default and len(p) == 4}, reverse=True)
    months = sorted({p for r, _, p in rows if r == default and len(p) == 7}, reverse=True)
    latest = years[0] if years else (months[0] if months else None)
    return DashboardOptions(
        reporters=[Option(code=c, label=_reporter_label(c, lang)) for c in codes],
        periods=periods, default_reporter=default, default_start=latest, default_end=latest,
    )


def _cut_rows(report: ExportReport, name: CutName, lang: str) -> list[Cut]:
    try:
        frame = report.cut(name)
    except KeyError:
        return []
    rows = []
    for r in frame.to_dict(orient="records"):
        label = str(r["label"] or r["code"])
        # products: a narrow card shows code, heading and the last levels; downloads and the
        # API's full_label keep the whole path
        short = short_text(label) if name == "product" else label
        rows.append(Cut(code=str(r["code"]), label=short,
                        full_label=label if short != label else None,
                        value_usd=float(r["value_usd"]), prior_usd=_num(r["prior_value_usd"]),
                        change=_num(r["change_pct"]), share=_num(r["share"])))
    return rows


def _series(con: duckdb.DuckDBPyConnection, report: ExportReport) -> list[SeriesPoint]:
    """The reporter's total per loaded period (line chart; none for estimated reports)."""
    return [SeriesPoint(period=p, value_usd=v) for p, v in svc.period_totals(con, report)]


def dashboard(
    con: duckdb.DuckDBPyConnection,
    *,
    reporter: str,
    start: str,
    end: str,
    lang: str,
    estimated: bool = False,
) -> Dashboard:
    """The S1 export report of ``reporter`` for ``start``..``end`` against the prior window."""
    request = svc.report_request(svc.ReportQuestion(
        reporter=reporter, first=start, last=end, allow_estimated=estimated, lang=lang))
    report = svc.state_report(con, request).report
    who, window = report.reporter, report.window
    group: CutName | None = _GROUP_CARD[report.source.classification]
    if not any(c.cut == group for c in report.cuts):
        group = next((c.cut for c in report.cuts if c.cut in GROUP_CUTS[
            report.source.classification]), None)
    total = report.total
    notes = [n.text(lang) for n in report.notes]
    return Dashboard(
        reporter=who.code, reporter_label=who.name, estimated=report.source.estimated,
        start=window.start.code,
        end=window.end.code, prior_start=report.prior.start.code,
        prior_end=report.prior.end.code, total_usd=total.value_usd,
        prior_total_usd=_num(total.prior_value_usd), change=_num(total.change_pct),
        national_share=_num(total.national_share),
        sectors=_cut_rows(report, group, lang) if group else [],
        products=_cut_rows(report, "product", lang),
        destinations=_cut_rows(report, "partner", lang),
        series=_series(con, report),
        missing=[Missing(cut=t(f"report.cut.{m.cut}", lang), reason=m.reason.text(lang))
                 for m in report.missing],
        notes=notes,
        sources=[render.title(report, lang), t(f"report.source.{report.source.source}", lang)],
    )


def state_exports(con: duckdb.DuckDBPyConnection, *, year: str) -> svc.StateExports:
    """Every state's exports in ``year`` (the dashboard's map; INEGI EEF/EAEF)."""
    return svc.state_exports(con, year)
