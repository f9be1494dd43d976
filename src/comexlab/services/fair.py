"""B2B fair services: read the platform's files, schedule the meetings, write the take-aways.

The CLI (``comexlab schedule``) and the web fair page call these; they only shape the output.
Files arrive as (name, bytes) so that a path on disk and an upload go the same way.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.matching import agenda, fairfile
from comexlab.matching.agenda import Timing
from comexlab.matching.schedule import Fair, Meeting, Schedule, reschedule, solve
from comexlab.spreadsheet import rows_csv_bytes

# -- reading --------------------------------------------------------------------------------

MAX_FILE_BYTES = 20 * 1024 * 1024


def read_path(path: Path, *, lang: str = "en") -> tuple[str, bytes]:
    """(file name, content) of a file the user named; refused if missing or too big."""
    if not path.is_file():
        raise InputError(Msg("fair.error.file_missing"), file=path.name, lang=lang)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(Msg("fair.error.too_many", rows=f"{path.stat().st_size:,} bytes",
                             limit=f"{MAX_FILE_BYTES:,} bytes"), file=path.name, lang=lang)
    return path.name, path.read_bytes()


def read_table(name: str, content: bytes, *, lang: str = "en") -> fairfile.Rows:
    """Rows of a csv (``,`` or ``;`` separated, UTF-8) or the first sheet of an xlsx."""
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".csv":
            return _csv_rows(content.decode("utf-8-sig"))
        if suffix == ".xlsx":
            return _xlsx_rows(content)
    except (UnicodeDecodeError, csv.Error, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(Msg("fair.error.unreadable", reason=type(exc).__name__), file=name,
                         lang=lang) from None
    raise InputError(Msg("fair.error.file_kind"), file=name, lang=lang)


def _table(header: Sequence[object], body: Any) -> fairfile.Rows:
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    rows = []
    for number, values in enumerate(body, start=2):
        cells = dict(zip(names, values, strict=False))
        if any(v is not None and str(v).strip() for v in cells.values()):
            rows.append((number, cells))
    return tuple(rows)


def _csv_rows(text: str) -> fairfile.Rows:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    return _table(header, reader) if header else ()


def _xlsx_rows(content: bytes) -> fairfile.Rows:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        return _table(header, rows) if header else ()
    finally:
        workbook.close()


# -- scheduling -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ScheduleRequest:
    """A fair to schedule: the two files (name, content), slots, tables and a time limit."""

    participants: tuple[str, bytes]
    requests: tuple[str, bytes]
    slots: int
    tables: int
    time_limit: float = 10.0
    lang: str = "en"
    previous: tuple[Meeting, ...] | None = None  # an earlier schedule to disturb least


@dataclass(frozen=True, slots=True)
class FairResult:
    """The fair as read and its schedule (with bound, gap and greedy baseline)."""

    fair: Fair
    schedule: Schedule


def load_fair(request: ScheduleRequest) -> Fair:
    """The fair the files describe, or an InputError naming every bad row."""
    lang = request.lang
    people = read_table(*request.participants, lang=lang)
    wanted = read_table(*request.requests, lang=lang)
    return fairfile.fair_from_rows(people, wanted, slots=request.slots, tables=request.tables,
                                   participants_file=request.participants[0],
                                   requests_file=request.requests[0], lang=lang)


def schedule_fair(request: ScheduleRequest) -> FairResult:
    """Read, check and schedule a fair (nothing runs if a row is wrong)."""
    if not 0 < request.time_limit <= 600:
        raise InputError(Msg("fair.error.option_range", low=0, high=600), field="time_limit",
                         value=request.time_limit, lang=request.lang)
    fair = load_fair(request)
    if request.previous is not None:
        return FairResult(fair, reschedule(fair, request.previous,
                                           time_limit=request.time_limit))
    return FairResult(fair, solve(fair, time_limit=request.time_limit))


def read_previous(name: str, content: bytes, *, lang: str = "en") -> tuple[Meeting, ...]:
    """Meetings of an earlier run's JSON (``comexlab schedule --format json``)."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
        meetings = tuple(Meeting(int(m["slot"]), int(m["table"]), str(m["a"]), str(m["b"]),
                                 int(m.get("weight", 0))) for m in data["meetings"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise InputError(Msg("fair.error.unreadable", reason=type(exc).__name__), file=name,
                         lang=lang) from None
    return tuple(Meeting(m.slot, m.table, min(m.a, m.b), max(m.a, m.b), m.weight)
                 for m in meetings)


def as_json(result: FairResult) -> dict[str, Any]:
    """The machine-readable answer (``--format json``, the web API)."""
    s = result.schedule
    return {"total_priority": s.total_priority, "lp_bound": s.lp_bound, "gap": s.gap,
            "proven_optimal": s.proven_optimal, "status": s.status,
            "greedy_total": s.greedy_total, "requested_pairs": s.requested_pairs,
            "seconds": round(s.seconds, 3),
            **({} if s.moved is None else {"moved": s.moved, "dropped": s.dropped,
                                           "kept": len(s.kept)}),
            "meetings": [{"slot": m.slot, "table": m.table, "a": m.a, "b": m.b,
                          "weight": m.weight} for m in s.meetings]}


# -- exports --------------------------------------------------------------------------------
# Cells a spreadsheet would run as formulas are made inert with the shared module
# (comexlab.spreadsheet): CSV text gets a leading quote, xlsx cells become quoted text.


def csv_bytes(rows: Sequence[Mapping[str, object]]) -> bytes:
    """UTF-8 (with BOM, so Excel shows accents) CSV; text that looks like a formula quoted."""
    return rows_csv_bytes(rows, line_end="\r\n")


def xlsx_bytes(sheets: Mapping[str, Sequence[Mapping[str, object]]]) -> bytes:
    """A workbook, one sheet per entry, through the project's one xlsx writer.

    Formula-like text is stored as quoted text cells (:func:`comexlab.spreadsheet.write_xlsx`).
    """
    import pandas as pd

    from comexlab.spreadsheet import write_xlsx

    out = io.BytesIO()
    write_xlsx({title: pd.DataFrame(list(rows)) for title, rows in sheets.items()}, out)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """Where and how to write the take-aways of a scheduled fair."""

    timing: Timing
    event: str
    stamp: datetime
    lang: str = "es"
    folder: Path | None = None  # where write_exports puts the files


def export_files(result: FairResult, request: ExportRequest) -> dict[str, bytes]:
    """File name → content: agendas (csv, xlsx), table plan (csv), one .ics per participant."""
    fair, meetings, lang = result.fair, result.schedule.meetings, request.lang
    agendas = agenda.agenda_rows(fair, meetings, request.timing, lang)
    plan = agenda.table_plan_rows(fair, meetings, request.timing, lang)
    files = {"agendas.csv": csv_bytes(agendas), "table_plan.csv": csv_bytes(plan),
             "agendas.xlsx": xlsx_bytes({"agendas": agendas, "table_plan": plan})}
    for person in _with_meetings(fair, meetings):
        name = _file_safe(person)
        while f"ics/{name}.ics" in files:  # two ids that differ only in unsafe characters
            name += "_"
        files[f"ics/{name}.ics"] = agenda.ics(
            fair, meetings, person, request.timing, event=request.event, stamp=request.stamp,
            lang=lang)
    return files


def write_exports(result: FairResult, request: ExportRequest) -> list[Path]:
    """Write :func:`export_files` under ``request.folder`` (created); the paths written."""
    if request.folder is None:
        raise ValueError("write_exports needs request.folder")
    written = []
    for name, content in export_files(result, request).items():
        path = request.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written


def _with_meetings(fair: Fair, meetings: Sequence[Meeting]) -> list[str]:
    ids = {w for m in meetings for w in (m.a, m.b)}
    return [p.id for p in fair.participants if p.id in ids]


def _file_safe(pid: str) -> str:
    """A participant id as a file name: no path separators or dots that climb folders."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in pid)
    return safe or "_"
