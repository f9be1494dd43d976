"""Import the agency's spreadsheets (xlsx or csv) into the registry, all or nothing.

Every row of every sheet is checked; problems are collected with the row number the user sees in
Excel (the header is row 1), the column and the reason. If anything is wrong the whole import is
rolled back and one :class:`~comexlab.errors.InputError` lists every problem. Rows are upserted
on their natural keys, so importing the same file twice changes nothing the second time.

Every message is a catalog key (``locales/validation.csv``) rendered in ``lang``, the language
of whoever reads the report (the CLI's ``--lang``, the web session's language); the problems
keep the key too, so an edge may render them again in another language.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from comexlab.errors import InputError, Problem
from comexlab.i18n import Msg
from comexlab.registry.cells import PARSERS, CellError, is_blank
from comexlab.registry.db import transaction
from comexlab.registry.entities import ENTITIES, Change, EntitySpec, ImportContext, RowProblem

IGNORED_SHEETS = frozenset({"help", "ayuda", "notes", "notas", "readme", "léame"})


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table read from a file: which entity it holds and its raw rows."""

    source: str  # "firms.xlsx [firms]" or "firms.csv": how problems name it
    entity: EntitySpec
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, Any]], ...]  # (row number as in Excel, cells by column)


@dataclass
class ImportReport:
    """What an import did, per entity."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, entity: str, change: Change) -> None:
        """Count one row's outcome."""
        self.counts.setdefault(entity, Counter())[change.value] += 1

    def rows(self) -> list[dict[str, Any]]:
        """One line per entity with inserted/updated/unchanged counts."""
        return [{"entity": name, **{c.value: counts.get(c.value, 0) for c in Change}}
                for name, counts in self.counts.items()]

    @property
    def changed(self) -> int:
        """Rows inserted or updated."""
        return sum(c[Change.inserted] + c[Change.updated] for c in self.counts.values())


def detect_entity(header: Sequence[str], *, hint: str | None = None) -> EntitySpec | None:
    """The entity a table holds: by name ``hint`` (sheet or file name), else by its columns."""
    if hint and hint.strip().lower() in ENTITIES:
        return ENTITIES[hint.strip().lower()]
    columns = set(header)
    matches = [spec for spec in ENTITIES.values()
               if spec.required <= columns <= set(spec.column_names)]
    return matches[0] if len(matches) == 1 else None


def _header(values: Iterable[object]) -> tuple[str, ...]:
    names = [str(v).strip().lower() if v is not None else "" for v in values]
    while names and not names[-1]:
        names.pop()
    return tuple(names)


def _rows(header: tuple[str, ...], body: Iterable[Sequence[object]],
          first_row: int = 2) -> tuple[tuple[int, dict[str, Any]], ...]:
    out = []
    for number, values in enumerate(body, start=first_row):
        cells = dict(zip(header, values, strict=False))
        if all(is_blank(v) for v in cells.values()):
            continue
        out.append((number, cells))
    return tuple(out)


def _sheet(source: str, header: tuple[str, ...], body: Iterable[Sequence[object]],
           *, entity: str | None, hint: str | None, lang: str = "en") -> Sheet:
    spec = detect_entity(header, hint=entity or hint)
    if spec is None:
        raise InputError(Msg("import.which_table", entities=", ".join(ENTITIES)),
                         file=source, row=1, lang=lang)
    return Sheet(source, spec, header, _rows(header, body))


def read_xlsx(path: Path, *, entity: str | None = None, lang: str = "en") -> list[Sheet]:
    """Data sheets of a workbook (help/notes sheets skipped)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheets = []
        for ws in workbook.worksheets:
            if ws.title.strip().lower() in IGNORED_SHEETS:
                continue
            rows = ws.iter_rows(values_only=True)
            first = next(rows, None)
            if first is None:
                continue
            sheets.append(_sheet(f"{path.name} [{ws.title}]", _header(first), rows,
                                 entity=entity, hint=ws.title, lang=lang))
        return sheets
    finally:
        workbook.close()


def read_csv(path: Path, *, entity: str | None = None, lang: str = "en") -> list[Sheet]:
    """A CSV file (``,`` or ``;`` separated, as Excel saves it in Spanish locales)."""
    text = path.read_text(encoding="utf-8-sig")
    if not text.strip():
        return []
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter)
    header = _header(next(reader))
    return [_sheet(path.name, header, reader, entity=entity, hint=path.stem, lang=lang)]


def read_tables(paths: Iterable[Path], *, entity: str | None = None,
                lang: str = "en") -> list[Sheet]:
    """Every table in ``paths`` (files, or folders of csv/xlsx files)."""
    sheets: list[Sheet] = []
    for path in paths:
        if path.is_dir():
            sheets += read_tables(sorted(p for p in path.iterdir()
                                         if p.suffix.lower() in (".csv", ".xlsx")),
                                  entity=entity, lang=lang)
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            sheets += read_xlsx(path, entity=entity, lang=lang)
        elif path.suffix.lower() in (".csv", ".txt"):
            sheets += read_csv(path, entity=entity, lang=lang)
        elif not path.exists():
            raise InputError(Msg("import.file_not_found"), file=path, lang=lang)
        else:
            raise InputError(Msg("import.file_kind"), file=path, lang=lang)
    return sheets


def _header_problems(sheet: Sheet, lang: str) -> list[Problem]:
    known = set(sheet.entity.column_names)
    unknown = Msg("import.unknown_column", entity=sheet.entity.name)
    problems = [Problem.of(unknown, sheet.source, 1, name, lang=lang)
                for name in sheet.header if name and name not in known]
    problems += [Problem.of(Msg("import.missing_column"), sheet.source, 1, name, lang=lang)
                 for name in sorted(sheet.entity.required - set(sheet.header))]
    return problems


def parse_row(spec: EntitySpec,
              cells: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, Msg, Any]]]:
    """Typed, cleaned values of one row and its (column, reason, value) problems."""
    values: dict[str, Any] = {}
    problems: list[tuple[str, Msg, Any]] = []
    for column in spec.columns:
        raw = cells.get(column.name)
        if is_blank(raw):
            if column.required:
                problems.append((column.name, Msg("import.cell.required"), None))
            values[column.name] = column.default
            continue
        try:
            value = PARSERS[column.kind](raw)
            values[column.name] = column.clean(value) if column.clean else value
        except CellError as exc:
            problems.append((column.name, exc.msg, raw))
    return values, problems


def _sheet_order(sheet: Sheet) -> int:
    return list(ENTITIES).index(sheet.entity.name)


def import_sheets(engine: Engine, sheets: Sequence[Sheet], *,
                  strict_rfc: bool = False, lang: str = "en") -> ImportReport:
    """Validate and upsert ``sheets`` in one transaction; any problem imports nothing.

    ``lang``: language of the problems' messages (es for the agency's staff).
    """
    problems = [p for sheet in sheets for p in _header_problems(sheet, lang)]
    if problems:
        raise InputError(Msg("import.bad_headers", n=len(problems)), problems=problems,
                         lang=lang)
    report = ImportReport()
    with transaction(engine) as session:
        ctx = ImportContext(session, strict_rfc=strict_rfc)
        for sheet in sorted(sheets, key=_sheet_order):
            problems += _import_sheet(ctx, sheet, report, lang)
        if problems:
            bad_rows = len({(p.file, p.row) for p in problems})
            raise InputError(Msg("import.bad_rows", n=bad_rows), problems=problems, lang=lang)
    return report


def _import_sheet(ctx: ImportContext, sheet: Sheet, report: ImportReport,
                  lang: str) -> list[Problem]:
    spec = sheet.entity
    problems: list[Problem] = []
    seen: dict[tuple, int] = {}

    def problem(message: Msg, number: int, column: str, value: object) -> Problem:
        shown = None if value is None else str(value)
        return Problem.of(message, sheet.source, number, column, shown, lang=lang)

    for number, cells in sheet.rows:
        values, row_problems = parse_row(spec, cells)
        if row_problems:
            problems += [problem(msg, number, col, v) for col, msg, v in row_problems]
            continue
        key = tuple(values[k] for k in spec.key)
        if key in seen:
            same = Msg("import.row.duplicate", key="/".join(spec.key), row=seen[key])
            problems.append(problem(same, number, spec.key[-1], key[-1]))
            continue
        seen[key] = number
        try:
            report.add(spec.name, spec.apply(ctx, values))
        except RowProblem as exc:
            problems.append(problem(exc.msg, number, exc.field, exc.value))
    return problems


def import_files(engine: Engine, paths: Iterable[Path], *, entity: str | None = None,
                 strict_rfc: bool = False, lang: str = "en") -> ImportReport:
    """Read ``paths`` and import them all in one transaction (the CLI's ``import``)."""
    if entity is not None and entity not in ENTITIES:
        raise InputError(Msg("import.unknown_entity", entities=", ".join(ENTITIES)),
                         field="--entity", value=entity, lang=lang)
    sheets = read_tables(paths, entity=entity, lang=lang)
    if not sheets:
        raise InputError(Msg("import.no_data"), lang=lang)
    return import_sheets(engine, sheets, strict_rfc=strict_rfc, lang=lang)


def iter_problems(error: InputError) -> Iterator[Problem]:
    """Problems of an import error (for tests and the web page)."""
    yield from error.problems
