"""Regime services: the ETR on a date, the series over a range, the timeline check.

* :func:`show` — what did (does) a reporter's exports to the US pay on a date, by authority
  (or section, subsector, line)?
* :func:`series` — the ETR on every day of a range (piecewise constant);
* :func:`check` — do the chapter-99 headings the timeline cites exist, with the same rate, in
  the HTS editions in force on its dates?
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.reports.state_lines import lines_for_state, state_factors
from comexlab.reports.windows import Window
from comexlab.services.reports import state_lines
from comexlab.tariffs.regime import compute
from comexlab.tariffs.regime.timeline import Measure, Timeline, shipped_timeline
from comexlab.warehouse import engine
from comexlab.warehouse import regime as wr

By = Literal["authority", "section", "subsector", "line"]
_GROUP = {"section": "section", "subsector": "subsector", "line": "product_code"}


@dataclass(frozen=True, slots=True)
class Weights:
    """What an ETR is weighted by: the flows of a window of months."""

    first: str
    last: str
    value_usd: float
    claimed_share: float
    source: str = "USITC DataWeb, US imports for consumption from Mexico, customs value"


@dataclass(frozen=True, slots=True)
class ShowRequest:
    """The regime on one date for one reporter."""

    on: dt.date
    reporter: str = "MEX"
    by: By = "authority"
    window: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class ShowResult:
    """ETR and its decomposition on a date, and what it rests on."""

    request: ShowRequest
    edition: str
    etr: float
    by_authority: dict[str, float]
    table: pd.DataFrame
    measures: tuple[Measure, ...]
    not_modelled: tuple[Measure, ...]
    weights: Weights
    estimated: bool
    value_unknown_rate: float
    clamped_lines: int
    notes: tuple[Msg, ...] = field(default_factory=tuple)
    engine: str = "duckdb"  # what joined the lines (COMEXLAB_ENGINE); also a note


@dataclass(frozen=True, slots=True)
class SeriesRequest:
    """The daily ETR over [start, end] for one reporter."""

    start: dt.date
    end: dt.date
    reporter: str = "MEX"
    window: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class SeriesResult:
    """Daily ETR, the stretches it was computed on, and the weights."""

    request: SeriesRequest
    daily: pd.DataFrame
    segments: pd.DataFrame
    computations: int
    weights: Weights
    estimated: bool


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Each heading the timeline cites against each loaded edition in force on its dates."""

    rows: pd.DataFrame
    editions: tuple[str, ...]

    @property
    def problems(self) -> pd.DataFrame:
        """Rows that are not ``ok``."""
        return self.rows[self.rows["status"] != "ok"].reset_index(drop=True)


def regime_lines(con: duckdb.DuckDBPyConnection, timeline: Timeline, reporter: str, *,
                 window: tuple[str, str] | None = None, data_dir: Path | None = None
                 ) -> tuple[compute.RegimeLines, list[str], list[Msg]]:
    """The lines of ``reporter`` (MEX or a Mexican state), loaded editions, and notes."""
    editions = wr.loaded_editions(con, timeline)
    months = wr.flow_months(con)
    win = wr.resolve_window(months, window)
    national = wr.national_lines(con, editions, win)
    notes: list[Msg] = []
    estimated = False
    code = reporter.upper()
    if code != "MEX":
        national, notes = _state(con, national, code, win)
        estimated = bool(national["estimated"].any())
    lines = wr.regime_frame(national, editions, code, win, estimated=estimated,
                            data_dir=data_dir)
    return lines, editions, notes


def _state(con: duckdb.DuckDBPyConnection, national: pd.DataFrame, code: str,
           window: tuple[str, str]) -> tuple[pd.DataFrame, list[Msg]]:
    """A state's share of the national lines (report allocation; real months where loaded)."""
    from comexlab.nomenclature.states import state

    try:
        st = state(code)
    except ValueError as exc:
        raise InputError(Msg("error.regime_reporter", reporter=repr(code)),
                         field="reporter", value=code) from exc
    found = state_lines(con, st.reporter, Window.parse(window[0], window[1]))
    factors, unmatched = state_factors(found, national)
    lines = lines_for_state(national, factors, st.reporter, monthly=True)
    kind = "estimated" if lines["estimated"].any() else "real"
    notes = [Msg(f"regime.note.state_{kind}", reporter=st.reporter,
                 year=found.allocation.base_year)]
    if unmatched:
        notes.append(Msg("regime.note.state_unmatched", value=f"{unmatched:,.0f}"))
    return lines.reset_index(drop=True), notes


def _prepared(con: duckdb.DuckDBPyConnection, timeline: Timeline, reporter: str,
              window: tuple[str, str] | None, data_dir: Path | None
              ) -> tuple[compute.Prepared, list[str], list[Msg]]:
    lines, editions, notes = regime_lines(con, timeline, reporter, window=window,
                                          data_dir=data_dir)
    notes = [*notes, Msg("regime.note.engine", engine=engine.current())]
    prep = compute.prepare(lines, timeline, wr.product_lists(timeline, data_dir=data_dir))
    return prep, editions, notes


def _weights(lines: compute.RegimeLines) -> Weights:
    value = float(lines.value.sum())
    return Weights(lines.window[0], lines.window[1], value,
                   float(lines.claimed.sum()) / value if value else 0.0)


def show(con: duckdb.DuckDBPyConnection, request: ShowRequest, *,
         timeline: Timeline | None = None, data_dir: Path | None = None) -> ShowResult:
    """The regime on ``request.on``: ETR, its parts, and the table cut as asked."""
    tl = timeline or shipped_timeline()
    prep, editions, notes = _prepared(con, tl, request.reporter, request.window, data_dir)
    day = compute.regime_on(prep, request.on, editions)
    table = (_by_authority(day) if request.by == "authority"
             else day.aggregate(_GROUP[request.by]))
    if request.by == "line":
        table = _with_line_details(table, day.lines)
    return ShowResult(request, day.edition, day.etr, dict(day.by_authority), table,
                      day.measures, tl.not_modelled(), _weights(prep.lines),
                      prep.lines.estimated, day.value_unknown_rate,
                      prep.lines.metals.clamped_lines, (*notes, *day.notes),
                      engine.current())


def _by_authority(day: compute.RegimeDay) -> pd.DataFrame:
    """One row per authority: its part of the ETR and of the duty bill (total last)."""
    rows = [{"authority": a, "rate": r, "duty_usd": r * day.value_usd}
            for a, r in day.by_authority.items()]
    rows.append({"authority": "total", "rate": day.etr, "duty_usd": day.etr * day.value_usd})
    return pd.DataFrame(rows)


def _with_line_details(table: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Line rows with their description and the measures that hit them, largest first."""
    first = lines.groupby("product_code", observed=True).agg(
        description=("description", "first"), measures=("measures", "first"))
    out = table.merge(first, left_on="product_code", right_index=True, how="left")
    return out.sort_values("value_usd", ascending=False).reset_index(drop=True)


def series(con: duckdb.DuckDBPyConnection, request: SeriesRequest, *,
           timeline: Timeline | None = None, data_dir: Path | None = None) -> SeriesResult:
    """The daily ETR over the range, computed once per distinct regime."""
    tl = timeline or shipped_timeline()
    prep, editions, _ = _prepared(con, tl, request.reporter, request.window, data_dir)
    s = compute.series(prep, request.start, request.end, editions)
    return SeriesResult(request, s.daily, s.segments, s.computations, _weights(prep.lines),
                        prep.lines.estimated)


def check(con: duckdb.DuckDBPyConnection, *, timeline: Timeline | None = None
          ) -> CheckResult:
    """The timeline's chapter-99 headings against the loaded editions."""
    tl = timeline or shipped_timeline()
    editions = wr.loaded_editions(con, tl)
    rows = compute.check_timeline(tl, wr.chapter99(con, editions))
    frame = pd.DataFrame([dataclasses.asdict(r) for r in rows],
                         columns=[f.name for f in dataclasses.fields(compute.CheckRow)])
    return CheckResult(frame, tuple(editions))


@dataclass(frozen=True, slots=True)
class OverviewRequest:
    """The regime on a date and how the ETR got there since ``start``."""

    on: dt.date
    reporter: str = "MEX"
    start: dt.date = dt.date(2025, 1, 1)
    end: dt.date | None = None  # last day of the series (default: ``on``)
    window: tuple[str, str] | None = None
    top_lines: int = 30


@dataclass(frozen=True, slots=True)
class OverviewResult:
    """``show`` by line (largest lines first) and the series, from one preparation."""

    day: ShowResult
    series: SeriesResult


def overview(con: duckdb.DuckDBPyConnection, request: OverviewRequest, *,
             timeline: Timeline | None = None, data_dir: Path | None = None
             ) -> OverviewResult:
    """The "Arancel vigente" page's question: the regime on a date, its lines, its history."""
    tl = timeline or shipped_timeline()
    prep, editions, notes = _prepared(con, tl, request.reporter, request.window, data_dir)
    day = compute.regime_on(prep, request.on, editions)
    table = _with_line_details(day.aggregate("product_code"), day.lines).head(
        request.top_lines)
    show_req = ShowRequest(request.on, request.reporter, "line", request.window)
    shown = ShowResult(show_req, day.edition, day.etr, dict(day.by_authority), table,
                       day.measures, tl.not_modelled(), _weights(prep.lines),
                       prep.lines.estimated, day.value_unknown_rate,
                       prep.lines.metals.clamped_lines, (*notes, *day.notes),
                       engine.current())
    end = max(request.end or request.on, request.on, request.start)
    s = compute.series(prep, request.start, end, editions)
    series_req = SeriesRequest(request.start, end, request.reporter, request.window)
    return OverviewResult(shown, SeriesResult(series_req, s.daily, s.segments, s.computations,
                                              _weights(prep.lines), prep.lines.estimated))
