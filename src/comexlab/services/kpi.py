"""The state plan's indicators in one place, by quarter (``comexlab kpi report --year``).

One row per indicator, columns Q1–Q4, the year, the year before and the growth:

* **exports of the state** (INEGI EEF, annual: only the year column; the flow table,
  ``source = 'inegi_eef'``) and **US imports from Mexico** (USITC DataWeb, monthly summed by
  quarter; the flow table, ``source = 'usitc_dataweb'``) with growth on the same period of
  the year before;
* **firms certified** (registry: distinct firms of the state with a certificate issued in the
  quarter) and **first-time exporters** (firms of the state whose first export — an
  enrolment's ``first_export_on`` or a first marketplace sale — falls in the quarter);
* **meetings held and their outcomes** (follow-up, quote, contract and contracts' value): from
  the registry's events (the matching work); a year with no event recorded leaves the rows
  empty and the report says "no events recorded";
* **program targets vs achieved**: every program with targets, cumulative at each quarter's end.

A figure a source does not have is None (shown "—"), never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.markets.programs import figures
from comexlab.nomenclature.states import state
from comexlab.registry.models import (
    Certification,
    Enrolment,
    Event,
    EventMeeting,
    Firm,
    MarketplaceSale,
    MeetingOutcome,
    Program,
    ProgramTarget,
)
from comexlab.registry.vocab import MeetingOutcomeKind

QUARTERS = ("Q1", "Q2", "Q3", "Q4")
COLUMNS = ("indicator", "source", *QUARTERS, "year", "previous_year", "growth", "target")


@dataclass(frozen=True, slots=True)
class KpiRequest:
    """The plan's indicators for ``year`` for one state (INEGI code or abbreviation)."""

    year: int
    state: str = "GTO"


@dataclass(frozen=True, slots=True)
class KpiReport:
    """The indicator table and what it could not show."""

    request: KpiRequest
    reporter: str
    state_code: str
    table: pd.DataFrame
    notes: tuple[Msg, ...] = field(default_factory=tuple)


def _quarter_ends(year: int) -> list[date]:
    return [date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31)]


def _row(indicator: str, source: str, quarters: Sequence[float | None], year_value: float | None,
         previous: float | None, target: float | None = None) -> dict[str, object]:
    growth = (year_value / previous - 1 if year_value is not None and previous else None)
    return {"indicator": indicator, "source": source, **dict(zip(QUARTERS, quarters,
                                                                    strict=True)),
            "year": year_value, "previous_year": previous, "growth": growth, "target": target}


def _eef(con: duckdb.DuckDBPyConnection, reporter: str, year: int) -> dict[str, object]:
    def total(y: int) -> float | None:
        row = con.execute("SELECT sum(value_usd) FROM flow WHERE source = 'inegi_eef' AND "
                          "reporter = ? AND year = ?", [reporter, y]).fetchone()
        return float(row[0]) if row and row[0] is not None else None
    return _row("exports_state_usd", "INEGI EEF", [None] * 4, total(year), total(year - 1))


def _dataweb(con: duckdb.DuckDBPyConnection, year: int) -> tuple[dict[str, object], bool]:
    """Quarters with all three months loaded; the year only when all twelve are."""
    rows = con.execute("""
        SELECT year, (month + 2) // 3 AS q, count(DISTINCT month), sum(value_usd) FROM flow
        WHERE source = 'usitc_dataweb' AND reporter = 'MEX' AND year IN (?, ?)
        GROUP BY ALL""", [year, year - 1]).fetchall()
    full = {(int(y), int(q)): float(v) for y, q, n, v in rows if n == 3}
    seen = {int(y) for y, _q, _n, _v in rows}

    def total(y: int) -> float | None:
        parts = [full.get((y, q)) for q in range(1, 5)]
        return None if any(p is None for p in parts) else sum(p for p in parts if p)

    quarters = [full.get((year, q)) for q in range(1, 5)]
    row = _row("us_imports_from_mexico_usd", "USITC DataWeb", quarters, total(year),
               total(year - 1))
    return row, year in seen and total(year) is None


def _in_quarters(days: pd.Series, year: int) -> list[float | None]:
    stamps = pd.to_datetime(days)
    return [float(((stamps.dt.year == year) & (stamps.dt.quarter == q)).sum())
            for q in range(1, 5)]


def _certified(session: Session, state_code: str, year: int) -> dict[str, object]:
    df = pd.DataFrame(session.execute(
        select(Certification.firm_id, Certification.issued_on).join(Certification.firm)
        .where(Firm.state_code == state_code)).all(), columns=["firm", "issued_on"])
    firsts = df.sort_values("issued_on")
    per_q = []
    for q in range(1, 5):
        stamps = pd.to_datetime(firsts["issued_on"])
        per_q.append(float(firsts[(stamps.dt.year == year)
                                  & (stamps.dt.quarter == q)]["firm"].nunique()))
    in_year = pd.to_datetime(df["issued_on"]).dt.year
    return _row("firms_certified", "registry", per_q,
                float(df[in_year == year]["firm"].nunique()),
                float(df[in_year == year - 1]["firm"].nunique()))


def _first_exporters(session: Session, state_code: str, year: int) -> dict[str, object]:
    enrolled = session.execute(
        select(Enrolment.firm_id, Enrolment.first_export_on).join(Enrolment.firm)
        .where(Firm.state_code == state_code, Enrolment.first_export_on.is_not(None))).all()
    sold = session.execute(
        select(Enrolment.firm_id, MarketplaceSale.first_sale_on)
        .join(MarketplaceSale.enrolment).join(Enrolment.firm)
        .where(Firm.state_code == state_code)).all()
    df = pd.DataFrame([*enrolled, *sold], columns=["firm", "day"])
    first = df.groupby("firm")["day"].min()
    years = pd.to_datetime(first).dt.year
    return _row("first_time_exporters", "registry", _in_quarters(first, year),
                float((years == year).sum()), float((years == year - 1).sum()))


def _meetings(session: Session, year: int) -> tuple[list[dict[str, object]], list[Msg]]:
    """Meetings held (dated by their event's first day) and outcomes (by the day recorded).

    From the events the matching work records (registry ``event``, ``event_meeting``,
    ``meeting_outcome``); a year without any event says "no events recorded", and its rows
    stay empty rather than 0 (nothing was recorded, which is not "no meeting happened").
    """
    held = pd.DataFrame(session.execute(
        select(Event.starts_on).join(EventMeeting, EventMeeting.event_id == Event.id)
        .where(EventMeeting.held.is_(True))).all(), columns=["day"])
    outcomes = pd.DataFrame(session.execute(
        select(MeetingOutcome.outcome, MeetingOutcome.recorded_on,
               MeetingOutcome.value_usd)).all(), columns=["outcome", "day", "value_usd"])
    events = pd.DataFrame(session.execute(select(Event.starts_on)).all(), columns=["day"])
    years = pd.to_datetime(events["day"]).dt.year
    if not (years == year).any():
        empty = [_row("meetings_held", "registry (events)", [None] * 4, None, None)]
        empty += [_row(f"meetings_{k.value}", "registry (events)", [None] * 4, None, None)
                  for k in MeetingOutcomeKind]
        return empty, [Msg("kpi.note.no_events_year", year=year)]
    rows = [_counted("meetings_held", held["day"], year)]
    for kind in MeetingOutcomeKind:
        rows.append(_counted(f"meetings_{kind.value}",
                             outcomes.loc[outcomes["outcome"] == kind.value, "day"], year))
    contracts = outcomes[outcomes["outcome"] == MeetingOutcomeKind.contract.value]
    stamps = pd.to_datetime(contracts["day"])
    money = [float(contracts.loc[(stamps.dt.year == year) & (stamps.dt.quarter == q),
                                 "value_usd"].sum()) for q in range(1, 5)]
    previous = float(contracts.loc[stamps.dt.year == year - 1, "value_usd"].sum())
    rows.append(_row("meetings_contract_value_usd", "registry (events)", money, sum(money),
                     previous))
    return rows, []


def _counted(indicator: str, days: pd.Series, year: int) -> dict[str, object]:
    years = pd.to_datetime(days).dt.year
    return _row(indicator, "registry (events)", _in_quarters(days, year),
                float((years == year).sum()), float((years == year - 1).sum()))


def _programs(session: Session, state_code: str, year: int) -> list[dict[str, object]]:
    rows = []
    for program in session.scalars(select(Program).join(ProgramTarget).distinct()
                                   .order_by(Program.code)):
        targets = {t.indicator: t.target for t in session.scalars(
            select(ProgramTarget).where(ProgramTarget.program_id == program.id))}
        enrol = pd.DataFrame(session.execute(
            select(Enrolment.status, Enrolment.status_on, Enrolment.enrolled_on)
            .where(Enrolment.program_id == program.id)).all(),
            columns=["status", "status_on", "enrolled_on"])
        sales = pd.DataFrame(session.execute(
            select(MarketplaceSale.country, MarketplaceSale.sales_usd,
                   MarketplaceSale.first_sale_on).join(MarketplaceSale.enrolment)
            .where(Enrolment.program_id == program.id)).all(),
            columns=["country", "sales_usd", "first_sale_on"])
        sales["sales_usd"] = sales["sales_usd"].astype(float)
        per_q = []
        for end in _quarter_ends(year):
            # status as recorded now, of the firms enrolled by the quarter's end
            e = enrol[pd.to_datetime(enrol["enrolled_on"]) <= pd.Timestamp(end)]
            s = sales[pd.to_datetime(sales["first_sale_on"]) <= pd.Timestamp(end)]
            per_q.append(figures(e, s, targets).achieved)
        for indicator, target in targets.items():
            values: list[float | None] = [q[indicator] for q in per_q]
            rows.append(_row(f"{program.code}: {indicator}", "registry", values, values[-1],
                             None, target))
    return rows


def report(con: duckdb.DuckDBPyConnection | None, session: Session, request: KpiRequest
           ) -> KpiReport:
    """Every indicator of the plan for the year; a missing source leaves its row empty."""
    try:
        st = state(request.state)
    except ValueError:
        raise InputError(Msg("error.kpi.state"), field="state", value=request.state) from None
    notes: list[Msg] = [Msg("kpi.note.eef_annual")]
    rows: list[dict[str, object]] = []
    if con is not None:
        rows.append(_eef(con, st.reporter, request.year))
        dataweb, partial = _dataweb(con, request.year)
        rows.append(dataweb)
        if partial:
            notes.append(Msg("kpi.note.dataweb_partial", year=request.year))
    else:
        notes.append(Msg("kpi.note.no_warehouse"))
    rows.append(_certified(session, st.inegi, request.year))
    rows.append(_first_exporters(session, st.inegi, request.year))
    meetings, meeting_notes = _meetings(session, request.year)
    rows += meetings
    notes += meeting_notes
    program_rows = _programs(session, st.inegi, request.year)
    if program_rows:
        notes.append(Msg("kpi.note.program_status"))
    rows += program_rows
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    return KpiReport(request, st.reporter, st.inegi, table, tuple(notes))
