"""Report services: read the warehouse, pick the source, call the pure report code.

One function per user question — :func:`export_report` ("how did GTO's exports do in 2018?")
and :func:`state_lines` / :func:`top_state_lines` ("which tariff lines does GTO ship to the
US?") — used by the CLI and, later, the web pages. The math lives in ``comexlab.reports``;
this module only queries DuckDB and shapes rows for it.

The queries are Ibis expressions (:mod:`comexlab.warehouse.expr`): the report's rows are
filtered, tagged current/prior and summed per product × partner in DuckDB, so the pure code
receives one row per product, partner and window instead of one per month and reporter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd

from comexlab.errors import InputError, NotFoundError
from comexlab.i18n import Msg, t
from comexlab.nomenclature.states import states
from comexlab.reports import allocation as alloc
from comexlab.reports import profiles as prof
from comexlab.reports.cuts import add_cut_keys, labels_for, residual_labels
from comexlab.reports.exports import (
    CURRENT,
    PRIOR,
    STATES_IN_MEXICO,
    CutName,
    ExportReport,
    Note,
    Reporter,
    ReportInput,
    SourceProfile,
    build_report,
    cuts_to_build,
    note,
)
from comexlab.reports.windows import Window
from comexlab.warehouse import engine, expr
from comexlab.warehouse.products import ENGLISH_ONLY, label_texts

NATIONAL = "MEX"


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """A validated S1 request (built by the CLI or the web from user input)."""

    reporter: Reporter
    window: Window
    partner: str | None = None
    by: CutName | None = None
    top: int = 10
    source: str | None = None
    allow_estimated: bool = False
    lang: str = "es"


# --------------------------------------------------------------------------- coverage


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                        [name]).fetchone()
    return bool(found and found[0])


def loaded_periods(con: duckdb.DuckDBPyConnection, reporter: str) -> dict[str, set[str]]:
    """Source → export periods loaded for ``reporter`` (plus what can be estimated)."""
    out: dict[str, set[str]] = {}
    samples = format_sample_sources(con)
    flow = expr.table(con, "flow")
    pairs = (flow.filter(flow.reporter == reporter, flow.flow == "export")
             .select("source", "period").distinct().to_pyarrow())
    for source, period in zip(pairs["source"].to_pylist(), pairs["period"].to_pylist(),
                              strict=True):
        if source not in samples:
            out.setdefault(source, set()).add(period)
    if reporter.startswith("MX-") and estimate_inputs_loaded(con):
        out[prof.STATE_ESTIMATED] = loaded_periods_national(con)
    return out


def format_sample_sources(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Sources loaded only from FORMAT_SAMPLE files (e.g. the shipped DataMéxico sample).

    A format sample is a few hand-copied rows: reporting from it would show a fraction of a
    state's trade as if it were the whole, so such a source never answers a report.
    """
    log = expr.table(con, "load_log")
    flows_logged = log.filter(log.dataset.startswith("flow:"))
    per_dataset = flows_logged.group_by("dataset").aggregate(
        only_samples=flows_logged.file.contains("FORMAT_SAMPLE").all())
    samples = per_dataset.filter(per_dataset.only_samples).dataset.to_pyarrow().to_pylist()
    return {str(d).removeprefix("flow:") for d in samples}


def loaded_periods_national(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Months of Mexico → US lines loaded from DataWeb (the base of every estimate)."""
    flow = expr.table(con, "flow")
    periods = flow.filter(flow.source == prof.DATAWEB, flow.reporter == NATIONAL,
                          flow.flow == "export").period.as_table().distinct()
    return set(periods.to_pyarrow()["period"].to_pylist())


def estimate_inputs_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    """Allocation needs INEGI subsectors, DataWeb lines and the HTS10 → SCIAN concordance."""
    if not _table_exists(con, "hts_naics"):
        return False
    flow = expr.table(con, "flow")
    inegi = flow.filter(flow.source.isin(list(prof.INEGI_SOURCES)))
    return (_any(expr.table(con, "hts_naics")) and _any(inegi)
            and _any(flow.filter(flow.source == prof.DATAWEB, flow.reporter == NATIONAL)))


def _any(rows: ir.Table) -> bool:
    return bool(rows.limit(1).count().to_pyarrow().as_py())


def _describe_loaded(loaded: dict[str, set[str]]) -> str:
    if not loaded:
        return "nothing"
    return "; ".join(f"{src} {min(p)}…{max(p)}" for src, p in sorted(loaded.items()))


# --------------------------------------------------------------------------- reading rows


def read_flow_rows(con: duckdb.DuckDBPyConnection, source: str, periods: Sequence[str], *,
                   reporter: str | None = None, reporter_level: str | None = None,
                   partner: str | None = None) -> pd.DataFrame:
    """Export rows of one source for ``periods``: one reporter, or every reporter of a level."""
    return flow_rows(con, source, periods, reporter=reporter, reporter_level=reporter_level,
                     partner=partner).to_pandas()


def flow_rows(con: duckdb.DuckDBPyConnection, source: str, periods: Sequence[str], *,
              reporter: str | None = None, reporter_level: str | None = None,
              partner: str | None = None) -> ir.Table:
    """Expression of :func:`read_flow_rows` (compose it before running)."""
    flow = expr.table(con, "flow")
    wanted = [flow.source == source, flow.flow == "export", flow.period.isin(list(periods))]
    for column, value in (("reporter", reporter), ("reporter_level", reporter_level),
                          ("partner", partner)):
        if value is not None:
            wanted.append(flow[column] == value)
    return flow.filter(*wanted).select("reporter", "period", "year", "product_code",
                                       "product_level", "partner", "value_usd")


def _tag_windows(rows: pd.DataFrame, window: Window, profile: SourceProfile) -> pd.DataFrame:
    """Add ``window`` (current/prior) and ``is_total``; drop rows at other product levels."""
    current = set(prof.periods_needed(profile, window))
    prior = set(prof.periods_needed(profile, window.prior()))
    tag = rows["period"].map(lambda p: CURRENT if p in current else PRIOR if p in prior else "")
    keep = rows["product_level"].isin([profile.product_level, "total"]) & (tag != "")
    return rows.assign(window=tag, is_total=rows["product_level"] == "total")[keep]


def window_rows(rows: ir.Table, current: Sequence[str], prior: Sequence[str],
                profile: SourceProfile) -> pd.DataFrame:
    """Rows of both windows summed per product × partner (months and reporters folded).

    Same rows as :func:`_tag_windows` would give, less the period/reporter detail the report
    never reads: columns ``window``, ``product_code``, ``product_level``, ``partner``,
    ``value_usd``, ``is_total``. Only the source's report level and its own total rows are kept.
    """
    tagged = expr.tag_windows(rows, current, prior)
    tagged = tagged.filter(tagged.product_level.isin([profile.product_level, "total"]))
    summed = (tagged.group_by(["window", "product_code", "product_level", "partner"])
              .aggregate(value_usd=tagged.value_usd.sum())
              .mutate(is_total=ibis._.product_level == "total"))
    return summed.order_by(["window", "product_code", "partner"]).to_pandas()


def source_files(con: duckdb.DuckDBPyConnection, source: str) -> list[tuple[str, str, str]]:
    """(file, sha256, loaded_at) of the latest load of each file of a source, for the notes."""
    datasets = ([f"flow:{prof.DATAWEB}", f"flow:{inegi_share_source(con)}", "hts_naics"]
                if source == prof.STATE_ESTIMATED else [f"flow:{source}"])
    log = expr.table(con, "load_log")
    mine = log.filter(log.dataset.isin(datasets))
    latest = (mine.group_by("file")
              .aggregate(sha256=mine.sha256.argmax(mine.loaded_at),
                         loaded_at=mine.loaded_at.max())
              .order_by("file").to_pyarrow().to_pylist())
    return [(str(r["file"]), str(r["sha256"]), str(r["loaded_at"])) for r in latest]


# --------------------------------------------------------------------------- S1 report


def export_report(con: duckdb.DuckDBPyConnection, req: ReportRequest) -> ExportReport:
    """The S1 report for a request, from whatever source covers it (see profiles.PREFERENCE)."""
    loaded = loaded_periods(con, req.reporter.code)
    if req.source is not None and req.source not in prof.PROFILES:
        raise InputError(Msg("error.unknown_source", known=", ".join(prof.PROFILES)),
                         field="--source", value=req.source)
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
    rows = window_rows(flow_rows(con, profile.source, periods, reporter=req.reporter.code,
                                 partner=req.partner), current, prior, profile)
    national, reason = None, None
    if req.reporter.level == "state":
        everyone = flow_rows(con, profile.source, periods, reporter_level="state",
                             partner=req.partner)
        in_window = everyone.filter(everyone.period.isin(list(current)))
        n_states = int(in_window.reporter.nunique().to_pyarrow().as_py())
        if n_states >= STATES_IN_MEXICO:
            national = add_cut_keys(window_rows(everyone, current, prior, profile),
                                    profile.classification)
        else:
            reason = note("report.note.national_incomplete", n=n_states,
                          total=STATES_IN_MEXICO)
    statuses = revision_statuses(con, profile.source, periods, reporter=req.reporter.code)
    notes = tuple(note(f"report.note.status.{status}", inegi=inegi_label(profile.source),
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
        codes = rows[cut].dropna().unique() if cut in rows else []
        labels[cut] = {**labels_for(cut, codes, req.lang, products=products),
                       **residual_labels(req.lang)}
    notes = (*data.notes, note(ENGLISH_ONLY)) if english else data.notes
    return ReportInput(rows=rows, national=data.national, national_reason=data.national_reason,
                       prior_loaded=data.prior_loaded, labels=labels, notes=notes)


# --------------------------------------------------------------------------- estimates


@dataclass(frozen=True, slots=True, eq=False)
class StateLines:
    """A state's US-bound lines over a window: real where loaded, estimated elsewhere."""

    state: str
    window: Window
    rows: pd.DataFrame                      # replace_with_real() columns
    allocation: alloc.Allocation            # national split (unallocated rows included)
    real_periods: tuple[str, ...] = ()      # months answered by DataMéxico
    notes: tuple[Note, ...] = field(default_factory=tuple)


def inegi_share_source(con: duckdb.DuckDBPyConnection) -> str | None:
    """The INEGI source the allocation uses: the newest package loaded (EEF before EAEF)."""
    flow = expr.table(con, "flow")
    found = (flow.filter(flow.source.isin(list(prof.INEGI_SOURCES))).select("source").distinct()
             .to_pyarrow()["source"].to_pylist())
    return prof.inegi_for_shares(found)


def inegi_shares(con: duckdb.DuckDBPyConnection) -> tuple[str, dict[int, pd.DataFrame]]:
    """State shares per SCIAN subsector for every INEGI year loaded (the allocation keys).

    From :func:`inegi_share_source`. The 'UNSPECIFIED' rows (EEF code 000, the sum of the
    subsectors withheld for confidentiality) belong to no subsector and give no share.
    """
    source = inegi_share_source(con)
    if source is None:
        raise NotFoundError(Msg("error.inegi_not_loaded"))
    flow = expr.table(con, "flow")
    inegi = flow.filter(flow.source == source, flow.product_level == "scian3",
                        flow.product_code != "UNSPECIFIED")
    frame = inegi.select(year=inegi.year, state=inegi.reporter, scian3=inegi.product_code,
                         value_usd=inegi.value_usd).to_pandas()
    return source, {int(y): alloc.subsector_shares(g.drop(columns="year"))
                    for y, g in frame.groupby("year")}


def allocate_window(con: duckdb.DuckDBPyConnection, periods: Sequence[str], *,
                    states_wanted: Sequence[str] | None = None) -> alloc.Allocation:
    """Estimated state × HTS10 rows for ``periods`` (Mexico → US, DataWeb), tagged by state.

    Each period is split by the INEGI shares of its own year, or of the latest INEGI year
    before it (:func:`comexlab.reports.allocation.share_year`).
    """
    if not estimate_inputs_loaded(con):
        raise NotFoundError(Msg("error.estimate_inputs"))
    source, shares = inegi_shares(con)
    lines = read_flow_rows(con, prof.DATAWEB, periods, reporter=NATIONAL)
    lines = lines[lines["product_level"] == "hts10"].rename(columns={"product_code": "hts10"})
    concordance = expr.table(con, "hts_naics").select("hts10", "scian3").to_pandas()
    return alloc.allocate_by_year(lines[["period", "hts10", "value_usd"]], concordance, shares,
                                  states=states_wanted, share_source=source)


def share_notes(con: duckdb.DuckDBPyConnection, allocation: alloc.Allocation) -> list[Note]:
    """What the estimate rests on: INEGI source and year(s), stand-in years, preliminary ones."""
    inegi = inegi_label(allocation.share_source)
    notes = [note("report.note.estimated_lines", inegi=inegi,
                  base_year=allocation.base_year_label())]
    for flow_year, year in allocation.fallbacks().items():
        notes.append(note("report.note.share_year_fallback", inegi=inegi, flow_year=flow_year,
                          share_year=year))
    used = sorted(set(allocation.share_years.values()))
    for status, years in revision_statuses(con, allocation.share_source or "",
                                           [str(y) for y in used]).items():
        notes.append(note(f"report.note.status.{status}", inegi=inegi, years=", ".join(years)))
    return notes


def inegi_label(source: str | None) -> str:
    """'EEF' / 'EAEF': the INEGI package's short name for notes."""
    return (source or "").removeprefix("inegi_").upper()


def revision_statuses(con: duckdb.DuckDBPyConnection, source: str, periods: Sequence[str], *,
                      reporter: str | None = None) -> dict[str, list[str]]:
    """Non-definitive revision statuses of a source's rows in ``periods`` → their periods.

    {'preliminary': ['2025'], 'revised': ['2024']}: what the notes must say may still change.
    Empty for sources that do not flag their figures (and warehouses built before the column).
    """
    flow = expr.table(con, "flow")
    if "revision_status" not in flow.columns or not periods:
        return {}
    rows = flow.filter(flow.source == source, flow.period.isin(list(periods)),
                       flow.revision_status.notnull(), flow.revision_status != "definitive")
    if reporter is not None:
        rows = rows.filter(rows.reporter == reporter)
    found = (rows.select("revision_status", "period").distinct()
             .order_by(["revision_status", "period"]).to_pyarrow().to_pylist())
    out: dict[str, list[str]] = {}
    for r in found:
        out.setdefault(str(r["revision_status"]), []).append(str(r["period"]))
    return out


def _real_state_lines(con: duckdb.DuckDBPyConnection, state: str,
                      periods: Sequence[str]) -> pd.DataFrame:
    rows = read_flow_rows(con, prof.DATAMEXICO, periods, reporter=state, partner=prof.US)
    if prof.DATAMEXICO in format_sample_sources(con):
        rows = rows.iloc[0:0]
    rows = rows[rows["product_level"] == "hs6"]
    return pd.DataFrame({"period": rows["period"], "state": rows["reporter"],
                         "hs6": rows["product_code"], "value_usd": rows["value_usd"]})


def state_lines(con: duckdb.DuckDBPyConnection, state: str, window: Window) -> StateLines:
    """A state's lines to the US: DataMéxico where loaded for the month, estimates elsewhere."""
    if window.grain != "month":
        window = Window.parse(window.months()[0], window.months()[-1])
    periods = window.codes()
    real = _real_state_lines(con, state, periods)
    real_periods = tuple(sorted(set(real["period"])))
    allocation = allocate_window(con, [p for p in periods if p not in real_periods],
                                 states_wanted=[state])
    rows = alloc.replace_with_real(allocation.allocated, real)
    missing = sorted(set(periods) - loaded_periods_national(con) - set(real_periods))
    notes = share_notes(con, allocation)
    if real_periods:
        notes.append(note("report.note.real_replaces", months=", ".join(real_periods)))
    if missing:
        notes.append(note("report.note.months_missing", months=", ".join(missing)))
    for reason, value in allocation.unallocated_by_reason().items():
        notes.append(note(f"report.note.unallocated.{reason}", value=f"{value:,.0f}"))
    return StateLines(state, window, rows, allocation, real_periods, tuple(notes))


def top_state_lines(con: duckdb.DuckDBPyConnection, state: str, window: Window, *,
                    level: str = "hts10", top: int = 20, lang: str = "es") -> tuple[
                        pd.DataFrame, StateLines]:
    """Largest lines of a state to the US (estimated unless DataMéxico has the months)."""
    lines = state_lines(con, state, window)
    rows = lines.rows
    digits = {"hts10": 10, "hs8": 8, "hs6": 6, "hs4": 4, "hs2": 2}.get(level)
    if digits is None:
        raise InputError(Msg("error.level"), field="--level",
                         value=level)
    rows = rows.assign(product_code=rows["product_code"].str[:digits],
                       product_level=rows["product_level"].where(
                           rows["product_code"].str.len() <= digits, level))
    table = alloc.top_lines(rows, top=top)
    if lang not in ("es", "en"):
        raise InputError(Msg("error.lang"), field="--lang", value=lang)
    descriptions, english = label_texts(con, list(table["product_code"]), lang)
    table.insert(1, "label", [descriptions.get(c, "") for c in table["product_code"]])
    if english:
        lines = dataclasses.replace(lines, notes=(*lines.notes, note(ENGLISH_ONLY)))
    return table, lines


def state_reporters() -> tuple[str, ...]:
    """Warehouse codes of the 32 states ('MX-AGS' …)."""
    return tuple(s.reporter for s in states())


# --------------------------------------------------------------------------- estimated S1


def _estimated_input(con: duckdb.DuckDBPyConnection, req: ReportRequest) -> ReportInput:
    """Report rows for a state from the allocation (both windows), national = DataWeb lines."""
    profile = prof.PROFILES[prof.STATE_ESTIMATED]
    current, prior = req.window.codes(), req.window.prior().codes()
    national_periods = loaded_periods_national(con)
    prior_loaded = set(prior) <= national_periods
    periods = [*current, *(prior if prior_loaded else ())]
    allocation = allocate_window(con, periods, states_wanted=[req.reporter.code])
    est = allocation.allocated
    rows = pd.DataFrame({"period": est["period"], "product_code": est["hts10"],
                         "product_level": "hts10", "partner": prof.US,
                         "value_usd": est["value_usd"]})
    national = window_rows(flow_rows(con, prof.DATAWEB, periods, reporter=NATIONAL),
                           prof.periods_needed(profile, req.window),
                           prof.periods_needed(profile, req.window.prior()), profile)
    unallocated = allocation.unallocated
    unalloc_now = float(unallocated.loc[unallocated["period"].isin(current), "value_usd"].sum())
    data = ReportInput(
        rows=add_cut_keys(_tag_windows(rows, req.window, profile), profile.classification),
        national=add_cut_keys(national, profile.classification),
        national_reason=note("report.note.unallocated_window", value=f"{unalloc_now:,.0f}",
                             inegi=inegi_label(allocation.share_source),
                             base_year=allocation.base_year_label()),
        prior_loaded=prior_loaded, notes=tuple(share_notes(con, allocation)[1:]))
    return data


def source_label(source: str, lang: str) -> str:
    """Human name of a source for titles and notes."""
    return t(f"report.source.{source}", lang)
