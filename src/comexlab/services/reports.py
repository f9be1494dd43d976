"""Report services: the export report (S1) and a state's lines to the US.

One function per user question — :func:`state_report` ("how did GTO's exports do in 2018?",
asked by ``comexlab report exports`` and the dashboard alike), :func:`top_state_lines`
("which tariff lines does GTO ship to the US?") — plus :func:`state_lines`, the one state
allocation the scenario engine and the US regime start from too. The queries live in
:mod:`comexlab.warehouse.report_queries`; the math in the pure ``comexlab.reports`` package.
This module picks the source, composes the two and words nothing: the CLI and the web shape
the typed results.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from comexlab.errors import InputError, NotFoundError
from comexlab.i18n import Msg, t
from comexlab.nomenclature.states import states
from comexlab.reports import allocation as alloc
from comexlab.reports import profiles as prof
from comexlab.reports.cuts import add_cut_keys, labels_for, residual_labels
from comexlab.reports.exports import (
    ALL_GROUP_CUTS,
    CURRENT,
    STATES_IN_MEXICO,
    CutName,
    ExportReport,
    GroupCut,
    Reporter,
    ReportInput,
    SourceProfile,
    build_report,
    cuts_to_build,
    drop_world_if_partners,
    window_total,
)
from comexlab.reports.reporters import resolve_reporter
from comexlab.reports.state_lines import StateLines
from comexlab.reports.windows import Window
from comexlab.warehouse import engine
from comexlab.warehouse import report_queries as q
from comexlab.warehouse.products import ENGLISH_ONLY, label_texts
from comexlab.warehouse.report_queries import NATIONAL, StateExports


@dataclass(frozen=True, slots=True)
class ReportQuestion:
    """An export report as a reader asks it, in the domain's words (CLI options or web form).

    ``first``/``last``: the window's first and last period, 'YYYY' or 'YYYY-MM' (``last``
    defaults to ``first``); ``reporter`` as typed ('GTO', 'Guanajuato', 'MEX').
    """

    reporter: str
    first: str
    last: str | None = None
    partner: str | None = None
    by: str | None = None
    top: int = 10
    source: str | None = None
    allow_estimated: bool = False
    lang: str = "es"


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """A validated S1 request (from :func:`report_request`, or built directly by tests)."""

    reporter: Reporter
    window: Window
    partner: str | None = None
    by: CutName | None = None
    top: int = 10
    source: str | None = None
    allow_estimated: bool = False
    lang: str = "es"


@dataclass(frozen=True, slots=True)
class StateReport:
    """The S1 report and the files it rests on: (file, sha256, loaded_at) for the notes."""

    report: ExportReport
    files: tuple[tuple[str, str, str], ...] = ()


def _group_cut(by: str | None) -> GroupCut | None:
    """``by`` as one of :data:`ALL_GROUP_CUTS` (``None`` stays: the profile's default cut)."""
    if by is None:
        return None
    for cut in ALL_GROUP_CUTS:
        if cut == by:
            return cut
    raise InputError(Msg("error.by", known=", ".join(ALL_GROUP_CUTS)), field="by", value=by)


def report_request(question: ReportQuestion) -> ReportRequest:
    """Resolve and check a question: reporter, window, cut, partner (no warehouse needed).

    WHY apart from :func:`state_report`: bad input is refused before any file is opened, so a
    typo never waits on (or reports a missing) warehouse.
    """
    by = _group_cut(question.by)
    return ReportRequest(
        reporter=resolve_reporter(question.reporter, question.lang),
        window=Window.parse(question.first, question.last),
        partner=question.partner.upper() if question.partner else None,
        by=by,
        top=question.top, source=question.source, allow_estimated=question.allow_estimated,
        lang=question.lang)


def state_report(con: duckdb.DuckDBPyConnection, request: ReportRequest) -> StateReport:
    """The S1 report of a request and the loaded files of its source (CLI and dashboard)."""
    report = export_report(con, request)
    return StateReport(report, tuple(q.source_files(con, report.source.source)))


def period_totals(con: duckdb.DuckDBPyConnection,
                  report: ExportReport) -> list[tuple[str, float]]:
    """The reporter's total per loaded period of the report's source and grain (a series).

    Uses the report's own total rule (:func:`window_total`: the source's total rows when it
    gives them, else the sum) period by period; estimated reports have no series.
    """
    profile = report.source
    if profile.estimated:
        return []
    loaded = sorted(q.loaded_periods(con, report.reporter.code).get(profile.source, ()))
    wanted = [p for p in loaded if (len(p) == 4) == (report.window.grain == "year")]
    if not wanted:
        return []
    rows = q.read_flow_rows(con, profile.source, wanted, reporter=report.reporter.code)
    rows = rows[rows["product_level"].isin([profile.product_level, "total"])]
    rows = drop_world_if_partners(rows.assign(window=CURRENT,
                                              is_total=rows["product_level"] == "total"))
    return [(str(p), window_total(g, CURRENT)) for p, g in rows.groupby("period", sort=True)]


@dataclass(frozen=True, slots=True)
class ReportChoices:
    """What can be reported: reporters with exports loaded and their periods."""

    reporter_periods: tuple[tuple[str, str, str], ...]  # (reporter, reporter_level, period)


def report_choices(con: duckdb.DuckDBPyConnection) -> ReportChoices:
    """Reporters and periods with exports loaded (format samples left out)."""
    return ReportChoices(tuple(q.export_reporter_periods(con)))


def _describe_loaded(loaded: dict[str, set[str]]) -> str:
    if not loaded:
        return "nothing"
    return "; ".join(f"{src} {min(p)}…{max(p)}" for src, p in sorted(loaded.items()))


# --------------------------------------------------------------------------- S1 report


def export_report(con: duckdb.DuckDBPyConnection, req: ReportRequest) -> ExportReport:
    """The S1 report for a request, from whatever source covers it (see profiles.PREFERENCE)."""
    loaded = q.loaded_periods(con, req.reporter.code)
    if req.source is not None and req.source not in prof.PROFILES:
        raise InputError(Msg("error.unknown_source", known=", ".join(prof.PROFILES)),
                         field="source", value=req.source)
    profile = prof.choose(loaded, reporter_level=req.reporter.level, window=req.window,
                          partner=req.partner, allow_estimated=req.allow_estimated,
                          only=req.source)
    if profile is None:
        raise NotFoundError(_no_source_message(req, loaded))
    prior_loaded = prof.covers(profile, req.window.prior(), loaded.get(profile.source, ()))
    if profile.estimated:
        data = _estimated_input(con, req)
    else:
        data = _loaded_input(con, req, profile, prior_loaded)
    data = _with_labels(con, req, profile, data)
    report = build_report(req.reporter, req.window, profile, data, partner=req.partner,
                          by=req.by, top=req.top)
    return dataclasses.replace(report, engine=engine.current())


def _no_source_message(req: ReportRequest, loaded: dict[str, set[str]]) -> Msg:
    hint: Msg | str = ""
    if req.reporter.level == "state" and req.window.grain == "month":
        hint = Msg("error.no_source.monthly_state")
    elif req.reporter.level == "state" and req.partner is not None:
        hint = Msg("error.no_source.state_partner")
    to: Msg | str = Msg("error.no_source.to", partner=req.partner) if req.partner else ""
    return Msg("error.no_source", who=req.reporter.code, window=str(req.window), to=to,
               loaded=_describe_loaded(loaded), hint=hint)


def _loaded_input(con: duckdb.DuckDBPyConnection, req: ReportRequest, profile: SourceProfile,
                  prior_loaded: bool) -> ReportInput:
    current = prof.periods_needed(profile, req.window)
    prior = prof.periods_needed(profile, req.window.prior())
    periods = (*current, *prior)
    rows = q.window_rows(q.flow_rows(con, profile.source, periods, reporter=req.reporter.code,
                                     partner=req.partner), current, prior, profile)
    national, reason = None, None
    if req.reporter.level == "state":
        everyone = q.flow_rows(con, profile.source, periods, reporter_level="state",
                               partner=req.partner)
        n_states = q.count_reporters(everyone, current)
        if n_states >= STATES_IN_MEXICO:
            national = add_cut_keys(q.window_rows(everyone, current, prior, profile),
                                    profile.classification)
        else:
            reason = Msg("report.note.national_incomplete", n=n_states,
                          total=STATES_IN_MEXICO)
    statuses = q.revision_statuses(con, profile.source, periods, reporter=req.reporter.code)
    notes = tuple(Msg(f"report.note.status.{status}", inegi=inegi_label(profile.source),
                       years=", ".join(years)) for status, years in statuses.items())
    return ReportInput(rows=add_cut_keys(rows, profile.classification), national=national,
                       national_reason=reason, prior_loaded=prior_loaded, notes=notes)


def _with_labels(con: duckdb.DuckDBPyConnection, req: ReportRequest, profile: SourceProfile,
                 data: ReportInput) -> ReportInput:
    rows = data.rows
    cuts = cuts_to_build(profile, by=req.by, partner=req.partner)
    products, english = (label_texts(con, sorted(rows["product"].dropna().unique()), req.lang)
                         if "product" in cuts else ({}, False))
    labels: dict[str, dict[str, str]] = {}
    for cut in cuts:
        codes: Iterable[str] = rows[cut].dropna().unique() if cut in rows else []
        labels[cut] = {**labels_for(cut, codes, req.lang, products=products),
                       **residual_labels(req.lang)}
    notes = (*data.notes, Msg(ENGLISH_ONLY)) if english else data.notes
    return ReportInput(rows=rows, national=data.national, national_reason=data.national_reason,
                       prior_loaded=data.prior_loaded, labels=labels, notes=notes)


# --------------------------------------------------------------------------- estimates


def inegi_shares(con: duckdb.DuckDBPyConnection) -> tuple[str, dict[int, pd.DataFrame]]:
    """State shares per SCIAN subsector for every INEGI year loaded (the allocation keys).

    From the newest INEGI package loaded (``report_queries.inegi_share_source``); its withheld
    'UNSPECIFIED' rows give no share.
    """
    source = q.inegi_share_source(con)
    if source is None:
        raise NotFoundError(Msg("error.inegi_not_loaded"))
    return source, alloc.shares_by_year(q.inegi_subsector_rows(con, source))


def allocate_window(con: duckdb.DuckDBPyConnection, periods: Sequence[str], *,
                    states_wanted: Sequence[str] | None = None) -> alloc.Allocation:
    """Estimated state × HTS10 rows for ``periods`` (Mexico → US, DataWeb), tagged by state.

    Each period is split by the INEGI shares of its own year, or of the latest INEGI year
    before it (:func:`comexlab.reports.allocation.share_year`).
    """
    if not q.estimate_inputs_loaded(con):
        raise NotFoundError(Msg("error.estimate_inputs"))
    source, shares = inegi_shares(con)
    return alloc.allocate_by_year(q.national_hts10_lines(con, periods), q.hts_scian(con),
                                  shares, states=states_wanted, share_source=source)


def share_notes(con: duckdb.DuckDBPyConnection, allocation: alloc.Allocation) -> list[Msg]:
    """What the estimate rests on: INEGI source and year(s), stand-in years, preliminary ones."""
    inegi = inegi_label(allocation.share_source)
    notes = [Msg("report.note.estimated_lines", inegi=inegi,
                  base_year=allocation.base_year_label())]
    for flow_year, year in allocation.fallbacks().items():
        notes.append(Msg("report.note.share_year_fallback", inegi=inegi, flow_year=flow_year,
                          share_year=year))
    used = sorted(set(allocation.share_years.values()))
    for status, years in q.revision_statuses(con, allocation.share_source or "",
                                             [str(y) for y in used]).items():
        notes.append(Msg(f"report.note.status.{status}", inegi=inegi, years=", ".join(years)))
    return notes


def inegi_label(source: str | None) -> str:
    """'EEF' / 'EAEF': the INEGI package's short name for notes."""
    return (source or "").removeprefix("inegi_").upper()


def state_lines(con: duckdb.DuckDBPyConnection, state: str, window: Window) -> StateLines:
    """A state's lines to the US: DataMéxico where loaded for the month, estimates elsewhere."""
    if window.grain != "month":
        window = Window.parse(window.months()[0], window.months()[-1])
    periods = window.codes()
    real = q.real_state_rows(con, state, periods)
    real_periods = tuple(sorted(set(real["period"])))
    allocation = allocate_window(con, [p for p in periods if p not in real_periods],
                                 states_wanted=[state])
    rows = alloc.replace_with_real(allocation.allocated, real)
    missing = sorted(set(periods) - q.loaded_periods_national(con) - set(real_periods))
    notes = share_notes(con, allocation)
    if real_periods:
        notes.append(Msg("report.note.real_replaces", months=", ".join(real_periods)))
    if missing:
        notes.append(Msg("report.note.months_missing", months=", ".join(missing)))
    for reason, value in allocation.unallocated_by_reason().items():
        notes.append(Msg(f"report.note.unallocated.{reason}", value=f"{value:,.0f}"))
    return StateLines(state, window, rows, allocation, real_periods, tuple(notes))


@dataclass(frozen=True, slots=True)
class TopLinesRequest:
    """A state's largest lines to the US over a window (None: the last 12 months loaded)."""

    state: str                       # warehouse code, 'MX-GTO'
    window: Window | None = None
    level: str = "hts10"             # hts10, hs8, hs6, hs4 or hs2
    top: int = 20
    lang: str = "es"


@dataclass(frozen=True, slots=True, eq=False)
class TopLines:
    """The largest lines (``table``), the state lines they come from, and the window used."""

    table: pd.DataFrame
    lines: StateLines
    window: Window

    @property
    def estimated(self) -> bool:
        """True when any line shown is (partly) an estimate."""
        return bool(self.table["estimated"].any()) if not self.table.empty else False


def top_state_lines(con: duckdb.DuckDBPyConnection, request: TopLinesRequest) -> TopLines:
    """Largest lines of a state to the US (estimated unless DataMéxico has the months)."""
    window = request.window or _last_months(con, 12)
    lines = state_lines(con, request.state, window)
    if request.level not in alloc.LEVEL_DIGITS:
        raise InputError(Msg("error.level"), field="level",
                         value=request.level)
    table = alloc.top_lines(alloc.at_level(lines.rows, request.level), top=request.top)
    if request.lang not in ("es", "en"):
        raise InputError(Msg("error.lang"), field="lang", value=request.lang)
    descriptions, english = label_texts(con, list(table["product_code"]), request.lang)
    table.insert(1, "label", [descriptions.get(c, "") for c in table["product_code"]])
    if english:
        lines = dataclasses.replace(lines, notes=(*lines.notes, Msg(ENGLISH_ONLY)))
    return TopLines(table, lines, window)


def _last_months(con: duckdb.DuckDBPyConnection, n: int) -> Window:
    """The last ``n`` months of Mexico → US lines loaded."""
    months = sorted(q.loaded_periods_national(con))
    if not months:
        raise InputError(Msg("error.top_no_lines"), field="from")
    return Window.parse(months[max(0, len(months) - n)], months[-1])


def state_reporters() -> tuple[str, ...]:
    """Warehouse codes of the 32 states ('MX-AGS' …)."""
    return tuple(s.reporter for s in states())


# --------------------------------------------------------------------------- estimated S1


def _estimated_input(con: duckdb.DuckDBPyConnection, req: ReportRequest) -> ReportInput:
    """Report rows for a state from the allocation (both windows), national = DataWeb lines."""
    profile = prof.PROFILES[prof.STATE_ESTIMATED]
    current, prior = req.window.codes(), req.window.prior().codes()
    national_periods = q.loaded_periods_national(con)
    prior_loaded = set(prior) <= national_periods
    periods = [*current, *(prior if prior_loaded else ())]
    allocation = allocate_window(con, periods, states_wanted=[req.reporter.code])
    rows = alloc.as_flow_rows(allocation.allocated, prof.US)
    national = q.window_rows(q.flow_rows(con, prof.DATAWEB, periods, reporter=NATIONAL),
                             prof.periods_needed(profile, req.window),
                             prof.periods_needed(profile, req.window.prior()), profile)
    unalloc_now = allocation.unallocated_value(current)
    data = ReportInput(
        rows=add_cut_keys(prof.tag_windows(rows, req.window, profile), profile.classification),
        national=add_cut_keys(national, profile.classification),
        national_reason=Msg("report.note.unallocated_window", value=f"{unalloc_now:,.0f}",
                             inegi=inegi_label(allocation.share_source),
                             base_year=allocation.base_year_label()),
        prior_loaded=prior_loaded, notes=tuple(share_notes(con, allocation)[1:]))
    return data


def source_label(source: str, lang: str) -> str:
    """Human name of a source for titles and notes."""
    return t(f"report.source.{source}", lang)


def state_exports(con: duckdb.DuckDBPyConnection, year: str) -> StateExports:
    """How much did each state export in ``year``? (the dashboard's map; INEGI EEF, else EAEF)."""
    return q.state_exports(con, year)
