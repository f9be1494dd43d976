"""Import the agency's spreadsheets (xlsx or csv) into the registry, all or nothing.

Every row of every sheet is checked; problems are collected with the row number the user sees in
Excel (the header is row 1), the column and the reason. If anything is wrong the whole import is
rolled back and one :class:`~comexlab.errors.InputError` lists every problem. Rows are upserted
on their natural keys, so importing the same file twice changes nothing the second time. A
column the file does not have leaves that field of existing rows as it is (a file with only
``rfc, legal_name, state_code`` renames firms; it does not wipe their employees and sectors);
an empty cell in a column the file has clears the field.

Every message is a catalog key (``locales/validation.csv``) rendered in ``lang``, the language
of whoever reads the report (the CLI's ``--lang``, the web session's language); the problems
keep the key too, so an edge may render them again in another language.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from sqlalchemy import Connection, Engine

from comexlab.errors import InputError, Problem
from comexlab.i18n import Msg
from comexlab.registry.cells import PARSERS, CellError, is_blank
from comexlab.registry.db import transaction
from comexlab.registry.entities import (
    ENTITIES,
    Change,
    Column,
    EntitySpec,
    ImportContext,
    RowProblem,
)
from comexlab.spreadsheet import unescape

IGNORED_SHEETS = frozenset({"help", "ayuda", "notes", "notas", "readme", "léame"})

# Bounds of what one import reads. A state registry holds thousands of firms; a file beyond
# these is a mistake (or an attack) and is refused before it costs minutes or gigabytes.
MAX_FILE_BYTES = 20_000_000
MAX_UNPACKED_BYTES = 200_000_000  # inside an xlsx (a zip): guards against zip bombs
MAX_ROWS = 100_000  # data rows per table
# Columns per sheet (a registry table has at most 13). openpyxl pads every row to the sheet's
# width, so a 20 KB workbook with one cell in column XFD costs 16,384 cells per row.
MAX_COLUMNS = 100
# What Excel saves: "CSV UTF-8" (with BOM), "CSV" in a Spanish Windows (cp1252) and
# "Unicode text" (UTF-16 with BOM, tab separated). Tried in this order; cp1252 last because it
# decodes almost any bytes, while UTF-8 refuses text that is not UTF-8.
CSV_ENCODINGS = ("utf-8-sig", "cp1252")
# Errors openpyxl raises on a file that is not a workbook: not a zip, a zip without the
# workbook's parts, or damaged XML inside (ParseError is a SyntaxError).
_BAD_WORKBOOK = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, SyntaxError, ValueError,
                 TypeError, IndexError, AttributeError)


# Workbook cells that hold no value to store: a formula, or an Excel error (#REF!, #N/A…).
_REFUSED_TYPES = {"f": "import.cell.formula", "e": "import.cell.excel_error"}


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table read from a file: which entity it holds and its raw rows.

    ``problems`` are cells found wrong while reading (a formula, a value under no header), as
    (row, column, reason, value); their rows are left out of ``rows``.
    """

    source: str  # "firms.xlsx [firms]" or "firms.csv": how problems name it
    entity: EntitySpec
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, Any]], ...]  # (row number as in Excel, cells by column)
    problems: tuple[tuple[int, str, Msg, object], ...] = ()


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


@dataclass
class _Body:
    """Rows of a table being read, with the cells that are wrong whatever their column."""

    source: str
    header: tuple[str, ...]
    lang: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[tuple[int, str, Msg, object]] = field(default_factory=list)

    def add(self, number: int, values: Sequence[object], types: Sequence[str] = ()) -> None:
        """Keep one row (blank rows are skipped; rows with a wrong cell are reported).

        ``types``: openpyxl's data type of each cell (``f`` formula, ``e`` error such as
        ``#REF!``); CSV cells have none.
        """
        if all(is_blank(v) for v in values):
            return
        if len(self.rows) >= MAX_ROWS:
            raise InputError(Msg("import.too_many_rows", n=f"{MAX_ROWS:,}"), file=self.source,
                             row=number, lang=self.lang)
        bad = []
        for index, value in enumerate(values):
            kind = types[index] if index < len(types) else ""
            if kind in _REFUSED_TYPES:
                bad.append((number, self._column(index), Msg(_REFUSED_TYPES[kind]), value))
            elif (index >= len(self.header) or not self.header[index]) and not is_blank(value):
                bad.append((number, get_column_letter(index + 1), Msg("import.cell.no_header"),
                            value))
        if bad:
            self.problems += bad
            return
        self.rows.append((number, dict(zip(self.header, values, strict=False))))

    def _column(self, index: int) -> str:
        name = self.header[index] if index < len(self.header) else ""
        return name or get_column_letter(index + 1)


def _sheet(body: _Body, *, entity: str | None, hint: str | None) -> Sheet:
    spec = detect_entity(body.header, hint=entity or hint)
    if spec is None:
        raise InputError(Msg("import.which_table", entities=", ".join(ENTITIES)),
                         file=body.source, row=1, lang=body.lang)
    return Sheet(body.source, spec, body.header, tuple(body.rows), tuple(body.problems))


def _check_size(path: Path, lang: str) -> None:
    size = path.stat().st_size
    if size == 0:
        raise InputError(Msg("import.file_empty"), file=path.name, lang=lang)
    if size > MAX_FILE_BYTES:
        raise InputError(Msg("import.file_too_large", mb=MAX_FILE_BYTES // 1_000_000),
                         file=path.name, lang=lang)


def read_xlsx(path: Path, *, entity: str | None = None, lang: str = "en") -> list[Sheet]:
    """Data sheets of a workbook (help/notes sheets skipped).

    A file that is not a workbook (a CSV or anything else renamed ``.xlsx``, a truncated
    download) is refused with its name; so is one that would unpack beyond
    ``MAX_UNPACKED_BYTES``. Cells holding a formula are refused: the registry stores values.
    """
    _check_size(path, lang)
    try:
        _check_unpacked(path, lang)
        return _read_workbook(path, entity, lang)
    except InputError:
        raise
    except _BAD_WORKBOOK:
        raise InputError(Msg("import.not_xlsx"), file=path.name, lang=lang) from None


def _check_unpacked(path: Path, lang: str) -> None:
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise InputError(Msg("import.file_too_large", mb=MAX_UNPACKED_BYTES // 1_000_000),
                         file=path.name, lang=lang)


def _read_workbook(path: Path, entity: str | None, lang: str) -> list[Sheet]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=False)
    try:
        sheets = []
        for ws in workbook.worksheets:
            if ws.title.strip().lower() in IGNORED_SHEETS:
                continue
            if (ws.max_column or 0) > MAX_COLUMNS:
                raise InputError(Msg("import.too_many_columns", n=MAX_COLUMNS,
                                     last=get_column_letter(ws.max_column)),
                                 file=f"{path.name} [{ws.title}]", row=1, lang=lang)
            rows = ws.iter_rows(max_col=MAX_COLUMNS)
            first = next(rows, None)
            if first is None:
                continue
            body = _Body(f"{path.name} [{ws.title}]", _header(c.value for c in first), lang)
            for number, cells in enumerate(rows, start=2):
                body.add(number, [c.value for c in cells], [c.data_type for c in cells])
            if not body.header:
                continue
            sheets.append(_sheet(body, entity=entity, hint=ws.title))
        return sheets
    finally:
        workbook.close()


def decode_text(data: bytes, name: str, *, lang: str = "en") -> str:
    """Text of a CSV file as Excel saves it (see ``CSV_ENCODINGS``), or an error naming it."""
    encodings = (("utf-16",) if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
                 else CSV_ENCODINGS)
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:  # a binary file: no spreadsheet writes NUL into a CSV
            break
        return text
    raise InputError(Msg("import.encoding"), file=name, lang=lang)


def read_csv(path: Path, *, entity: str | None = None, lang: str = "en") -> list[Sheet]:
    """A CSV file (``,``, ``;`` or tab separated, as Excel saves it in Spanish locales).

    Its encoding is UTF-8 (with or without BOM), Windows-1252 or UTF-16 with BOM; a cell that
    starts with ``'`` before ``=``, ``+``, ``-`` or ``@`` lost the quote our exports add
    (:func:`comexlab.spreadsheet.unescape`).
    """
    _check_size(path, lang)
    text = decode_text(path.read_bytes(), path.name, lang=lang)
    if not text.strip():
        raise InputError(Msg("import.file_empty"), file=path.name, lang=lang)
    first_line = text.splitlines()[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        body = _Body(path.name, _header(next(reader)), lang)
        for values in reader:
            body.add(reader.line_num, [unescape(v) for v in values])
    except csv.Error as exc:
        raise InputError(Msg("import.csv_broken", reason=str(exc)), file=path.name,
                         row=reader.line_num, lang=lang) from None
    return [_sheet(body, entity=entity, hint=path.stem)]


def read_tables(paths: Iterable[Path], *, entity: str | None = None,
                lang: str = "en") -> list[Sheet]:
    """Every table in ``paths`` (files, or folders of csv/xlsx files)."""
    sheets: list[Sheet] = []
    for path in paths:
        if path.is_dir():
            sheets += read_tables(sorted(p for p in path.iterdir()
                                         if p.suffix.lower() in (".csv", ".xlsx")),
                                  entity=entity, lang=lang)
        elif not path.exists():
            raise InputError(Msg("import.file_not_found"), file=path, lang=lang)
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            sheets += read_xlsx(path, entity=entity, lang=lang)
        elif path.suffix.lower() in (".csv", ".txt"):
            sheets += read_csv(path, entity=entity, lang=lang)
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
    twice = sorted(name for name, n in Counter(sheet.header).items() if name and n > 1)
    problems += [Problem.of(Msg("import.duplicate_column"), sheet.source, 1, name, lang=lang)
                 for name in twice]  # which of the two would win is a guess: refuse
    return problems


def _shown(value: object) -> str | None:
    """The offending value as quoted in a message (a 1 MB cell is not repeated in full)."""
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def parse_row(spec: EntitySpec, cells: dict[str, Any], today: date | None = None,
              ) -> tuple[dict[str, Any], list[tuple[str, Msg, Any]]]:
    """Typed, cleaned values of one row and its (column, reason, value) problems.

    ``today``: dates of past events (certificate issued, status changed…) may not be later;
    None skips that check.
    """
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
            values[column.name] = _read_cell(column, raw, today)
        except CellError as exc:
            problems.append((column.name, exc.msg, raw))
    return values, problems


def _read_cell(column: Column, raw: object, today: date | None) -> Any:
    """The typed, cleaned value of one non-blank cell (or CellError)."""
    value = PARSERS[column.kind](raw)
    if isinstance(value, str) and len(value) > column.max_len:
        raise CellError(Msg("import.cell.too_long", n=column.max_len))
    if column.past and today is not None and value > today:  # 2062 typed for 2026
        raise CellError(Msg("import.cell.future", today=today.isoformat()))
    return column.clean(value) if column.clean else value


def _sheet_order(sheet: Sheet) -> int:
    return list(ENTITIES).index(sheet.entity.name)


def import_sheets(engine: Engine | Connection, sheets: Sequence[Sheet], *,
                  strict_rfc: bool = False, lang: str = "en",
                  today: date | None = None) -> ImportReport:
    """Validate and upsert ``sheets`` in one transaction; any problem imports nothing.

    ``lang``: language of the problems' messages (es for the agency's staff). ``today``: the
    day past-event dates may not exceed (default: the real today; the demo passes its as-of).
    """
    problems = [p for sheet in sheets for p in _header_problems(sheet, lang)]
    if problems:
        raise InputError(Msg("import.bad_headers", n=len(problems)), problems=problems,
                         lang=lang)
    problems = [Problem.of(msg, sheet.source, number, column, _shown(value), lang=lang)
                for sheet in sheets for number, column, msg, value in sheet.problems]
    report = ImportReport()
    seen: dict[str, dict[tuple, tuple[str, int]]] = {}
    with transaction(engine) as session:
        ctx = ImportContext(session, strict_rfc=strict_rfc, today=today or date.today())
        for sheet in sorted(sheets, key=_sheet_order):
            problems += _import_sheet(ctx, sheet, report, seen.setdefault(sheet.entity.name, {}),
                                      lang)
        if problems:
            bad_rows = len({(p.file, p.row) for p in problems})
            raise InputError(Msg("import.bad_rows", n=bad_rows), problems=problems, lang=lang)
    return report


def _import_sheet(ctx: ImportContext, sheet: Sheet, report: ImportReport,
                  seen: dict[tuple, tuple[str, int]], lang: str) -> list[Problem]:
    """Upsert the rows of ``sheet``; ``seen``: keys of its entity already imported (any sheet)."""
    spec = sheet.entity
    problems: list[Problem] = []

    def problem(message: Msg, number: int, column: str, value: object) -> Problem:
        return Problem.of(message, sheet.source, number, column, _shown(value), lang=lang)

    absent = [c for c in spec.column_names if c not in sheet.header]
    stored = _stored_rows(ctx, spec) if absent else {}
    for number, cells in sheet.rows:
        values, row_problems = parse_row(spec, cells, ctx.today)
        if absent and not row_problems and (old := stored.get(_key(spec, values))):
            # a column the file leaves out keeps its stored value (it is not a blank cell)
            values, row_problems = parse_row(spec, {**{c: old[c] for c in absent}, **cells},
                                             ctx.today)
        if row_problems:
            problems += [problem(msg, number, col, v) for col, msg, v in row_problems]
            continue
        key = _key(spec, values)
        if key in seen:
            source, first = seen[key]
            same = (Msg("import.row.duplicate", key="/".join(spec.key), row=first)
                    if source == sheet.source else
                    Msg("import.row.duplicate_in", key="/".join(spec.key), row=first,
                        file=source))
            problems.append(problem(same, number, spec.key[-1], key[-1]))
            continue
        seen[key] = (sheet.source, number)
        try:
            report.add(spec.name, spec.apply(ctx, values))
        except RowProblem as exc:
            problems.append(problem(exc.msg, number, exc.field, exc.value))
    return problems


def _key(spec: EntitySpec, values: dict[str, Any]) -> tuple:
    return tuple(values[k] for k in spec.key)


def _stored_rows(ctx: ImportContext, spec: EntitySpec) -> dict[tuple, dict[str, Any]]:
    """The entity's rows as exported (the importer's shape), by natural key."""
    return {_key(spec, row): row for row in spec.export(ctx.session)}


def import_files(engine: Engine | Connection, paths: Iterable[Path], *, entity: str | None = None,
                 strict_rfc: bool = False, lang: str = "en",
                 today: date | None = None) -> ImportReport:
    """Read ``paths`` and import them all in one transaction (the CLI's ``import``)."""
    if entity is not None and entity not in ENTITIES:
        raise InputError(Msg("import.unknown_entity", entities=", ".join(ENTITIES)),
                         field="entity", value=entity, lang=lang)
    paths = list(paths)
    sheets = read_tables(paths, entity=entity, lang=lang)
    if not any(sheet.rows or sheet.problems for sheet in sheets):  # nothing, or headers only
        names = ", ".join(p.name for p in paths)
        raise InputError(Msg("import.no_data", file=names), file=names, lang=lang)
    return import_sheets(engine, sheets, strict_rfc=strict_rfc, lang=lang, today=today)


def iter_problems(error: InputError) -> Iterator[Problem]:
    """Problems of an import error (for tests and the web page)."""
    yield from error.problems
