"""Rows of a B2B platform's export (participants, requests) into a :class:`Fair`, or refused.

Matchmaking platforms export two tables: ``participants`` with ``id,name,available`` (slots as
``1;2;5`` or ranges ``1-8;10``; empty = every slot) and ``requests`` with
``from,to,priority``. Every row is checked and every problem is collected with the file, the
row number the user sees in the spreadsheet (header = row 1) and the column; if anything is
wrong one :class:`~comexlab.errors.InputError` lists them all and nothing is scheduled.
Reading the files is the caller's job (services): this module only sees rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from comexlab.errors import InputError, Problem
from comexlab.i18n import Msg
from comexlab.matching.schedule import Fair, Participant, Request

Rows = Sequence[tuple[int, Mapping[str, Any]]]  # (row number as in the file, cells by column)

PARTICIPANT_COLUMNS = ("id", "name", "available")
REQUEST_COLUMNS = ("from", "to", "priority")
MAX_PARTICIPANTS = 20_000
MAX_REQUESTS = 400_000
MAX_SLOTS = 200
MAX_TABLES = 10_000
_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_slots(text: str, slots: int) -> frozenset[int]:
    """``"1-8;10"`` → {1..8, 10}; empty → every slot. Raises ValueError with a :class:`Msg`."""
    if not text.strip():
        return frozenset(range(1, slots + 1))
    out: set[int] = set()
    for part in re.split(r"[;,]", text):
        match = _RANGE.match(part)
        if not match:
            raise ValueError(Msg("fair.error.slots_format", part=part.strip()))
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if low > high:
            raise ValueError(Msg("fair.error.slots_reversed", part=part.strip()))
        if low < 1 or high > slots:
            raise ValueError(Msg("fair.error.slot_range", part=part.strip(), slots=slots))
        out.update(range(low, high + 1))
    return frozenset(out)


def _header_problems(rows: Rows, file: str, required: Sequence[str]) -> list[Problem]:
    if not rows:
        return [Problem.of(Msg("fair.error.empty"), file)]
    present = set().union(*(cells.keys() for _, cells in rows))
    return [Problem.of(Msg("fair.error.column_missing", column=c), file, 1, c)
            for c in required if c not in present]


def _participants(rows: Rows, file: str, slots: int,
                  problems: list[Problem]) -> tuple[Participant, ...]:
    seen: dict[str, int] = {}
    out = []
    for row, cells in rows:
        pid = _text(cells.get("id"))
        name = _text(cells.get("name")) or pid
        if not pid:
            problems.append(Problem.of(Msg("fair.error.id_empty"), file, row, "id"))
            continue
        if pid in seen:
            problems.append(Problem.of(Msg("fair.error.id_duplicate", first=seen[pid]), file,
                                       row, "id", pid))
            continue
        seen[pid] = row
        try:
            available = parse_slots(_text(cells.get("available")), slots)
        except ValueError as exc:
            msg = exc.args[0]
            problems.append(Problem.of(msg, file, row, "available",
                                       _text(cells.get("available"))))
            continue
        out.append(Participant(pid, name, available))
    return tuple(out)


def _priority(value: object) -> int | None:
    text = _text(value)
    return int(text) if text.isdigit() and int(text) > 0 else None


def _requests(rows: Rows, file: str, known: set[str],
              problems: list[Problem]) -> tuple[Request, ...]:
    seen: dict[tuple[str, str], int] = {}
    out = []
    for row, cells in rows:
        source, target = _text(cells.get("from")), _text(cells.get("to"))
        bad = False
        for column, value in (("from", source), ("to", target)):
            if value not in known:
                problems.append(Problem.of(Msg("fair.error.unknown_id"), file, row, column,
                                           value))
                bad = True
        if not bad and source == target:
            problems.append(Problem.of(Msg("fair.error.self"), file, row, "to", target))
            bad = True
        priority = _priority(cells.get("priority"))
        if priority is None:
            problems.append(Problem.of(Msg("fair.error.priority"), file, row, "priority",
                                       _text(cells.get("priority"))))
            bad = True
        if not bad and (source, target) in seen:
            problems.append(Problem.of(Msg("fair.error.request_duplicate",
                                           first=seen[(source, target)]), file, row, "to",
                                       target))
            bad = True
        if not bad:
            seen[(source, target)] = row
            out.append(Request(source, target, priority))  # type: ignore[arg-type]
    return tuple(out)


def fair_from_rows(participants: Rows, requests: Rows, *, slots: int, tables: int,
                   participants_file: str = "participants.csv",
                   requests_file: str = "requests.csv", lang: str = "en") -> Fair:
    """The fair, or an InputError listing every bad row (nothing is scheduled then)."""
    if not 1 <= slots <= MAX_SLOTS:
        raise InputError(Msg("fair.error.option_range", low=1, high=MAX_SLOTS), field="slots",
                         value=slots, lang=lang)
    if not 1 <= tables <= MAX_TABLES:
        raise InputError(Msg("fair.error.option_range", low=1, high=MAX_TABLES),
                         field="tables", value=tables, lang=lang)
    for rows, file, limit in ((participants, participants_file, MAX_PARTICIPANTS),
                              (requests, requests_file, MAX_REQUESTS)):
        if len(rows) > limit:
            raise InputError(Msg("fair.error.too_many", rows=len(rows), limit=limit),
                             file=file, lang=lang)
    problems = [*_header_problems(participants, participants_file, ("id", "name")),
                *_header_problems(requests, requests_file, REQUEST_COLUMNS)]
    if problems:
        raise InputError(Msg("fair.error.refused"), problems=problems, lang=lang)
    people = _participants(participants, participants_file, slots, problems)
    reqs = _requests(requests, requests_file, {p.id for p in people} | _ids(participants),
                     problems)
    if problems:
        raise InputError(Msg("fair.error.refused"), problems=problems, lang=lang)
    return Fair(people, reqs, slots, tables)


def _ids(rows: Rows) -> set[str]:
    """Ids present in the participants file even if their row had another problem.

    A request naming such an id is not reported as "unknown id" on top of the participant's
    own problem (one mistake, one message).
    """
    return {_text(cells.get("id")) for _, cells in rows if _text(cells.get("id"))}
