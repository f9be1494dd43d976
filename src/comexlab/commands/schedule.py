"""``comexlab schedule``: the optimal B2B meeting schedule of a fair (presentation only)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.console import Console

from comexlab.commands.choices import LangOpt
from comexlab.errors import InputError
from comexlab.i18n import Msg, fmt_number, fmt_pct, t

app = typer.Typer(help="B2B meeting scheduler: optimal agendas for a fair's requests.",
                  invoke_without_command=True, no_args_is_help=True)


class Format(StrEnum):
    """What ``schedule`` prints."""

    table = "table"
    json = "json"


@app.callback()
def schedule(
    participants: Annotated[Path, typer.Option(help="participants.csv/.xlsx: id,name,available.")],
    requests: Annotated[Path, typer.Option(help="requests.csv/.xlsx: from,to,priority.")],
    slots: Annotated[int, typer.Option(help="Number of time slots.")] = 16,
    tables: Annotated[int, typer.Option(help="Tables (meetings at once) per slot.")] = 100,
    time_limit: Annotated[float, typer.Option(help="Seconds the solver may take.")] = 10.0,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.table,
    out: Annotated[Path | None, typer.Option(
        help="Folder for agendas (csv, xlsx), the table plan and one .ics per person.")] = None,
    start: Annotated[str, typer.Option(
        help="Start of slot 1, local time: 2026-05-20T09:00.")] = "2026-01-01T09:00",
    slot_minutes: Annotated[int, typer.Option(help="Length of a slot in minutes.")] = 30,
    tz: Annotated[str, typer.Option(help="Time zone of --start.")] = "America/Mexico_City",
    event: Annotated[str, typer.Option(help="Name of the fair (calendar titles).")] = "B2B",
    previous: Annotated[Path | None, typer.Option(
        help="JSON of an earlier run (--format json): re-plan moving as few meetings as "
             "possible (after cancellations or new requests).")] = None,
    save_event: Annotated[str | None, typer.Option(
        help="Save the schedule in the registry as the event with this code.")] = None,
    event_kind: Annotated[str, typer.Option(
        help="trade_mission, trade_fair or b2b_round (with --save-event).")] = "b2b_round",
    db_url: Annotated[str | None, typer.Option(
        "--db", help="Registry URL for --save-event (default: COMEXLAB_REGISTRY_URL).")] = None,
    *, lang: LangOpt,
) -> None:
    """Schedule a fair: maximise the summed priority, report the LP bound, gap and greedy."""
    from comexlab.services import fair as service

    before = (service.read_previous(*service.read_path(previous, lang=lang), lang=lang)
              if previous else None)
    request = service.ScheduleRequest(
        service.read_path(participants, lang=lang), service.read_path(requests, lang=lang),
        slots, tables, time_limit, lang, before)
    timing = _timing(start, slot_minutes, tz, lang) if out else None
    result = service.schedule_fair(request)
    if save_event:
        _save(result, save_event, event, event_kind, start, db_url, lang)
    if out is not None and timing is not None:
        service.write_exports(result, service.ExportRequest(
            timing, event, datetime.now(UTC), lang, out))
    if fmt is Format.json:
        typer.echo(json.dumps(service.as_json(result), ensure_ascii=False, indent=1))
        return
    _print(result, lang)


def _save(result, code: str, name: str, kind: str, start: str,  # type: ignore[no-untyped-def]
          db_url: str | None, lang: str) -> None:
    """Store the schedule as a registry event (all or nothing)."""
    from comexlab.registry import db
    from comexlab.services import events

    try:
        day = datetime.fromisoformat(start).date()
    except ValueError:
        raise InputError(Msg("fair.error.unreadable", reason=start), field="start",
                         value=start, lang=lang) from None
    with db.transaction(db.make_engine(db_url)) as session:
        events.save_schedule(session, events.EventRequest(code, name, kind, day, lang=lang),
                             result)


def _timing(start: str, slot_minutes: int, tz: str, lang: str):  # type: ignore[no-untyped-def]
    from comexlab.matching.agenda import Timing

    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(Msg("fair.error.unreadable", reason=tz), field="tz", value=tz,
                         lang=lang) from None
    try:
        begin = datetime.fromisoformat(start).replace(tzinfo=zone)
    except ValueError:
        raise InputError(Msg("fair.error.unreadable", reason=start), field="start",
                         value=start, lang=lang) from None
    if not 1 <= slot_minutes <= 24 * 60:
        raise InputError(Msg("fair.error.option_range", low=1, high=24 * 60),
                         field="slot_minutes", value=slot_minutes, lang=lang)
    return Timing(begin, slot_minutes)


def _print(result, lang: str) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    from comexlab.output import OutputFormat, emit

    s, fair = result.schedule, result.fair
    console = Console()
    console.print(t("fair.summary.meetings", lang, meetings=len(s.meetings),
                    pairs=s.requested_pairs, participants=len(fair.participants),
                    slots=fair.slots, tables=fair.tables))
    console.print(t("fair.summary.total", lang, total=fmt_number(s.total_priority, lang),
                    greedy=fmt_number(s.greedy_total, lang)))
    proof = t("fair.summary.optimal" if s.proven_optimal else "fair.summary.not_proven", lang)
    console.print(t("fair.summary.bound", lang, bound=fmt_number(s.lp_bound, lang, digits=1),
                    gap=fmt_pct(s.gap, lang), proof=proof))
    if s.moved is not None:
        console.print(t("fair.summary.late", lang, moved=s.moved, dropped=s.dropped,
                        kept=len(s.kept)))
    emit(pd.DataFrame([(m.slot, m.table, m.a, m.b, m.weight) for m in s.meetings],
                      columns=[t(key, lang) for key in ("fair.col.slot", "fair.col.table",
                                                        "fair.col.a", "fair.col.b",
                                                        "fair.col.weight")]),
         OutputFormat.table, console=console, max_rows=50, lang=lang)
