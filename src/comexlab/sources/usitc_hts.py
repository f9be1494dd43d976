"""Read (and download) the official USITC Harmonized Tariff Schedule exports.

Two formats exist and both are read into the same typed Arrow tables (``hts_line``, ``hts_rate``
of :mod:`comexlab.warehouse.schema`):

* the **JSON export** (2025 Basic, 2026 Revision 10): a list of row objects with keys
  ``htsno, indent, description, units, general, special, other, footnotes, …``;
* the pipe-delimited **"1300" export** (2013 Basic, NAFTA era): latin-1, CRLF, header
  ``HTS No.|Stat Suffix|Level|Description|Unit of Quantity|Col. 1 Rate|Special Rate|Col. 2 Rate|
  Footnote / Comment``; statistical-suffix rows repeat the 8-digit number and become 10-digit
  codes here.

Seven 1300 rows of chapter 54 carry *extra* ``|`` fields. Looking at them, every surplus field is
an empty cell inserted by the PDF-to-text conversion between the description and the rates (e.g.
``5403.49.90|00|0|Other (606)||kg|7.5%|Free (…)|||55%|``). We recover them by removing surplus
*empty* cells from the unit…column-2 block, left to right; a surplus non-empty cell cannot be
explained that way and is an error. Recovered rows are reported as an audit note, not hidden.

Everything is validated before anything is written: a bad file raises :class:`InputError` naming
the file, row and field, and the loader in :mod:`comexlab.warehouse.hts` never starts its write.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from comexlab.errors import AuditNote, InputError, NotFoundError, Problem
from comexlab.i18n import Msg
from comexlab.sources.files import data_path
from comexlab.tariffs.programs import Program, shipped_programs
from comexlab.tariffs.rate_parser import parse_rate, parse_special
from comexlab.tariffs.rates import Rate

Format = Literal["json", "1300"]
USITC_BASE_URL = "https://www.usitc.gov"
RESTSTOP_BASE_URL = "https://hts.usitc.gov"


@dataclass(frozen=True, slots=True)
class Edition:
    """One HTS edition comexlab knows: where its file is and how to read it."""

    key: str                 # '2013', '2025', '2026r10'
    label: str               # '2013 Basic'
    file: str                # relative to the data directory
    format: Format
    release: str             # USITC release name ('2026HTSRev10')
    remote_path: str         # path of the archived export on www.usitc.gov
    era: str                 # 'NAFTA' | 'USMCA': which program codes mean Mexico/Canada
    mx_program: str          # the program code a Mexican good claims in this edition
    rows: int                # rows of the official export (what a complete file holds)
    chapters_absent: frozenset[str]  # HS chapters the export has no line of (77 is reserved)

    def chapters(self) -> tuple[str, ...]:
        """The HS chapters ('01'…'99') a complete export of this edition has lines in."""
        return tuple(c for c in (f"{i:02d}" for i in range(1, 100))
                     if c not in self.chapters_absent)


EDITIONS: dict[str, Edition] = {
    e.key: e for e in (
        Edition("2013", "2013 Basic", "usitc_hts/hts_2013_basic_1300_delimited.txt.gz", "1300",
                "2013HTSABasic", "/data/1300_HTS_delimited.txt", "NAFTA", "MX",
                28_919, frozenset({"77", "98"})),
        Edition("2025", "2025 Basic", "usitc_hts/hts_2025_basic.json.gz", "json",
                "2025HTSBasic", "/sites/default/files/tata/hts/hts_2025_basic_edition_json.json",
                "USMCA", "S", 35_859, frozenset({"77"})),
        Edition("2026r10", "2026 Revision 10", "usitc_hts/hts_2026_rev_10.json.gz", "json",
                "2026HTSRev10", "/sites/default/files/tata/hts/hts_2026_revision_10_json.json",
                "USMCA", "S", 35_509, frozenset({"77"})),
    )
}
"""Row counts and absent chapters were read off the shared official files (PROVENANCE.md):
chapter 77 is reserved in the HS; the 2013 "1300" export also has no chapter 98 lines."""

HEADER_1300 = ("HTS No.", "Stat Suffix", "Level", "Description", "Unit of Quantity",
               "Col. 1 Rate", "Special Rate", "Col. 2 Rate", "Footnote / Comment")
JSON_REQUIRED = ("htsno", "indent", "description", "general", "special", "other")
_HTSNO = re.compile(r"^\d{4}(?:\.\d{2}){0,3}$")
_CH99_REF = re.compile(r"\b(99\d{2})\.(\d{2})\.(\d{2})\b")
MAX_PROBLEMS = 50
PATH_SEP = " › "


def edition(key: str) -> Edition:
    """The registry entry for ``key``; an unknown key names the known ones."""
    try:
        return EDITIONS[key]
    except KeyError:
        raise NotFoundError(
            Msg("error.unknown_edition", key=repr(key), known=", ".join(EDITIONS))
        ) from None


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One row of an export, after validation, before parsing rates."""

    row_no: int
    hts_formatted: str | None
    indent: int
    description: str
    units: tuple[str, ...]
    general: str
    special: str
    other: str
    footnotes: tuple[str, ...]
    fragment: bool = False   # 1300 continuation text split off the row above; kept, unnumbered


@dataclass(frozen=True, slots=True)
class HtsTables:
    """What reading an edition yields: the two warehouse tables and what was repaired."""

    edition: str
    path: Path
    source_rows: int
    lines: pa.Table
    rates: pa.Table
    notes: tuple[AuditNote, ...] = field(default_factory=tuple)


# --- raw bytes ---------------------------------------------------------------------------------
def _read_bytes(path: Path) -> bytes:
    """File content, gunzipped if it is gzip (by magic number, not by name)."""
    raw = path.read_bytes()
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise InputError(Msg("error.src.gzip", detail=exc), file=path) from exc


# --- JSON export -------------------------------------------------------------------------------
def _json_text(value: Any, *, path: Path, row: int, key: str,
               problems: list[Problem]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(Problem.of(Msg("error.src.expected_text", type=type(value).__name__),
                                   str(path), row, key, repr(value)[:60]))
        return ""
    return value


def _json_row(obj: Any, row: int, path: Path, problems: list[Problem]) -> SourceRow | None:
    if not isinstance(obj, dict):
        problems.append(Problem.of(Msg("error.src.expected_object", type=type(obj).__name__),
                                   str(path), row))
        return None
    missing = [k for k in JSON_REQUIRED if k not in obj]
    for key in missing:
        problems.append(Problem.of(Msg("error.src.required_key"), str(path), row, key))
    if missing:
        return None
    texts = {k: _json_text(obj.get(k), path=path, row=row, key=k, problems=problems)
             for k in ("htsno", "description", "general", "special", "other")}
    indent = _indent(obj["indent"], path, row, "indent", problems)
    htsno = texts["htsno"].strip()
    if htsno and not _HTSNO.match(htsno):
        problems.append(Problem.of(Msg("error.src.not_hts_number"), str(path), row, "htsno",
                                   htsno))
    units = obj.get("units") or []
    if not isinstance(units, list) or not all(isinstance(u, str) for u in units):
        problems.append(Problem.of(Msg("error.src.units_list"), str(path), row, "units",
                                   repr(units)[:60]))
        units = []
    notes = obj.get("footnotes") or []
    if not isinstance(notes, list):
        problems.append(Problem.of(Msg("error.src.footnotes_list"), str(path), row,
                                   "footnotes", repr(notes)[:60]))
        notes = []
    footnotes = tuple(str(n.get("value", "")).strip() if isinstance(n, dict) else str(n).strip()
                      for n in notes)
    if indent is None:
        return None
    return SourceRow(row, htsno or None, indent, texts["description"].strip(),
                     tuple(u.strip() for u in units if u.strip()), texts["general"].strip(),
                     texts["special"].strip(), texts["other"].strip(),
                     tuple(f for f in footnotes if f))


def _indent(value: Any, path: Path, row: int, name: str, problems: list[Problem]) -> int | None:
    try:
        indent = int(str(value).strip())
    except ValueError:
        problems.append(Problem.of(Msg("error.src.indent_whole"), str(path), row, name,
                                   str(value)[:40]))
        return None
    if not 0 <= indent <= 20:
        problems.append(Problem.of(Msg("error.src.indent_range"), str(path), row, name,
                                   str(indent)))
        return None
    return indent


def read_json_rows(path: Path) -> list[SourceRow]:
    """Validated rows of a JSON export; every problem found is reported at once."""
    text = _read_bytes(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(Msg("error.src.json_invalid", detail=exc.msg, line=exc.lineno,
                             column=exc.colno), file=path, row=exc.lineno) from exc
    except UnicodeDecodeError as exc:
        raise InputError(Msg("error.src.json_not_utf8", detail=exc), file=path) from exc
    if not isinstance(data, list):
        raise InputError(Msg("error.src.hts_not_list", type=type(data).__name__),
                         file=path, field="(top level)")
    problems: list[Problem] = []
    rows = [_json_row(obj, i, path, problems) for i, obj in enumerate(data, start=1)]
    _raise_if(problems, path)
    kept = [r for r in rows if r is not None]
    _raise_if(duplicate_problems(kept, path, "htsno"), path)
    return kept


def duplicate_problems(rows: Sequence[SourceRow], path: Path, field_name: str) -> list[Problem]:
    """Tariff lines printed twice: each would join every flow twice, and a scenario picks one.

    A duplicated 8703.23.01 at 10% next to the real 2.5% line silently changed the usmca-ends
    duty bill by US$1.5 bn, so an 8/10-digit number, or any number printed with rates, must be
    unique. Headings repeated without rates are the 2013 export's page-break reprints
    ('0207', '6203.29' …) and stay allowed: they carry no rate and join nothing.
    """
    first: dict[str, SourceRow] = {}
    problems: list[Problem] = []
    for r in rows:
        if r.fragment or not r.hts_formatted:
            continue
        seen = first.setdefault(r.hts_formatted, r)
        if seen is r:
            continue
        line = len(digits_of(r.hts_formatted) or "") >= 8
        if line or _has_rate(r) or _has_rate(seen):
            problems.append(Problem.of(
                Msg("error.hts_duplicate", code=r.hts_formatted, first=seen.row_no,
                    row=r.row_no), str(path), r.row_no, field_name, r.hts_formatted))
    return problems


def _has_rate(row: SourceRow) -> bool:
    return bool(row.general or row.special or row.other)


def _raise_if(problems: list[Problem], path: Path) -> None:
    if problems:
        first = problems[0]
        raise InputError(Msg("error.src.hts_problems", file=path.name, n=len(problems)),
                         file=path, row=first.row, field=first.field,
                         problems=problems[:MAX_PROBLEMS])


# --- 1300 delimited export ---------------------------------------------------------------------
def _recover_extra_fields(fields: list[str]) -> list[str] | None:
    """Drop surplus empty cells from the unit…column-2 block; None if not explainable."""
    surplus = len(fields) - len(HEADER_1300)
    middle = fields[4:-1]
    kept: list[str] = []
    for cell in middle:
        if surplus and not cell.strip():
            surplus -= 1
            continue
        kept.append(cell)
    if surplus:
        return None
    return [*fields[:4], *kept, fields[-1]]


def _lines_1300(path: Path) -> Iterator[tuple[int, str]]:
    text = _read_bytes(path).decode("latin-1")
    for i, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if line or i == 1:
            yield i, line


def read_1300_rows(path: Path) -> tuple[list[SourceRow], list[str]]:
    """Validated rows of a 1300 export, and the file lines whose extra fields were recovered.

    The 2013 file also has rows that are continuation text of the row above (a long footnote
    listing 9902 headings wrapped onto a "row" whose number column reads ``9902.13`` and suffix
    ``.31, 9``; a description fragment ``con``). They are kept, unnumbered and flagged
    ``fragment``, so row counts match the file and nothing is silently dropped; they take no
    part in description paths. A ``1/`` in the suffix or unit column is a footnote marker.
    """
    lines = _lines_1300(path)
    _, header_line = next(lines, (1, ""))
    header = tuple(h.strip() for h in header_line.split("|"))
    if header != HEADER_1300:
        missing = [h for h in HEADER_1300 if h not in header]
        raise InputError(
            Msg("error.src.header_1300_missing", columns=", ".join(missing)) if missing
            else Msg("error.src.header_1300"),
            file=path, row=1, field=missing[0] if missing else "header", value=header_line[:120],
        )
    rows: list[SourceRow] = []
    recovered: list[str] = []
    problems: list[Problem] = []
    for line_no, line in lines:
        fields = line.split("|")
        if len(fields) > len(HEADER_1300):
            fixed = _recover_extra_fields(fields)
            if fixed is None:
                problems.append(Problem.of(Msg("error.src.surplus_fields", n=len(fields)),
                                           str(path), line_no, None, line[:120]))
                continue
            recovered.append(f"line {line_no}: {line}")
            fields = fixed
        if len(fields) < len(HEADER_1300):
            problems.append(Problem.of(Msg("error.src.too_few_fields", n=len(fields),
                                           total=len(HEADER_1300)),
                                       str(path), line_no, HEADER_1300[len(fields)], line[:120]))
            continue
        row = _row_1300(fields, line_no, path, problems)
        if row is not None:
            rows.append(row)
    _raise_if(problems, path)
    _raise_if(duplicate_problems(rows, path, HEADER_1300[0]), path)
    return rows, recovered


def _row_1300(f: list[str], line_no: int, path: Path, problems: list[Problem]) -> SourceRow | None:
    indent = _indent(f[2], path, line_no, HEADER_1300[2], problems)
    if indent is None:
        return None
    hts8, suffix, unit = f[0].strip(), _unmark(f[1]), _unmark(f[4])
    footnote = f[8].strip()
    if (hts8 and not _HTSNO.match(hts8)) or (suffix and not (suffix.isdigit()
                                                            and len(suffix) == 2 and hts8)):
        text = " ".join(c.strip() for i, c in enumerate(f) if i != 2 and c.strip())
        return SourceRow(line_no, None, indent, text, (), "", "", "", (), fragment=True)
    formatted = f"{hts8}.{suffix}" if suffix else (hts8 or None)
    return SourceRow(line_no, formatted, indent, f[3].strip(), (unit,) if unit else (),
                     f[5].strip(), f[6].strip(), f[7].strip(), (footnote,) if footnote else ())


def _unmark(cell: str) -> str:
    """A cell holding only a footnote marker ('1/') is empty."""
    cell = cell.strip()
    return "" if re.fullmatch(r"\d/", cell) else cell


# --- from rows to warehouse tables -------------------------------------------------------------
def digits_of(code: str | None) -> str | None:
    """'8703.23.01.40' → '8703230140' (None stays None)."""
    return None if not code else code.replace(".", "")


def footnote_refs(footnotes: Iterable[str]) -> list[str]:
    """Chapter 99 headings the footnotes point to, as 8 digits, in order, without repeats."""
    refs: list[str] = []
    for note in footnotes:
        for m in _CH99_REF.finditer(note):
            code = "".join(m.groups())
            if code not in refs:
                refs.append(code)
    return refs


LINE_SCHEMA = pa.schema([
    ("edition", pa.string()), ("row_no", pa.int32()), ("hts", pa.string()),
    ("hts_formatted", pa.string()), ("digits", pa.int8()), ("indent", pa.int8()),
    ("description", pa.string()), ("description_path", pa.string()),
    ("units", pa.list_(pa.string())), ("general_text", pa.string()),
    ("special_text", pa.string()), ("other_text", pa.string()),
    ("footnotes", pa.list_(pa.string())), ("footnote_refs", pa.list_(pa.string())),
    ("rate_hts", pa.string()),
])
RATE_SCHEMA = pa.schema([
    ("edition", pa.string()), ("hts", pa.string()), ("rate_column", pa.string()),
    ("program", pa.string()), ("rate_text", pa.string()), ("kind", pa.string()),
    ("parsed", pa.bool_()), ("ad_valorem", pa.float64()), ("specific_amount", pa.float64()),
    ("specific_unit", pa.string()), ("specific2_amount", pa.float64()),
    ("specific2_unit", pa.string()), ("rule", pa.string()), ("range_high", pa.float64()),
    ("ad_valorem_basis", pa.string()), ("specific_basis", pa.string()), ("base", pa.string()),
    ("note", pa.string()), ("components", pa.string()),
])


def _components_json(rate: Rate) -> str | None:
    parts: list[dict[str, object]] = [
        {"type": "ad_valorem", "rate": p.rate, "basis": p.basis} for p in rate.ad_valorem_parts
    ] + [
        {"type": "specific", "amount": s.amount, "unit": s.unit, "basis": s.basis}
        for s in rate.specific
    ]
    return json.dumps(parts, ensure_ascii=False) if parts else None


def rate_record(ed: str, hts: str, column: str, program: str | None, rate: Rate
                ) -> dict[str, object]:
    """One ``hts_rate`` row from a parsed Rate."""
    spec = rate.specific
    return {
        "edition": ed, "hts": hts, "rate_column": column, "program": program,
        "rate_text": rate.text, "kind": rate.kind.value, "parsed": rate.parsed,
        "ad_valorem": rate.ad_valorem,
        "specific_amount": spec[0].amount if spec else None,
        "specific_unit": spec[0].unit if spec else None,
        "specific2_amount": spec[1].amount if len(spec) > 1 else None,
        "specific2_unit": spec[1].unit if len(spec) > 1 else None,
        "rule": rate.rule, "range_high": rate.range_high,
        "ad_valorem_basis": rate.ad_valorem_parts[0].basis if rate.ad_valorem_parts else None,
        "specific_basis": spec[0].basis if spec else None,
        "base": rate.base, "note": rate.note, "components": _components_json(rate),
    }


def _line_records(ed: str, rows: list[SourceRow]) -> list[dict[str, object]]:
    stack: list[tuple[int, str]] = []
    last8: str | None = None
    out: list[dict[str, object]] = []
    for r in rows:
        if r.fragment:
            path = r.description
        else:
            while stack and stack[-1][0] >= r.indent:
                stack.pop()
            path = PATH_SEP.join([d for _, d in stack] + [r.description])
            stack.append((r.indent, r.description))
        hts = digits_of(r.hts_formatted)
        has_rate = bool(r.general or r.special or r.other)
        if hts and len(hts) == 8:
            last8 = hts
        rate_hts = None
        if hts and len(hts) >= 8:
            rate_hts = hts if has_rate or len(hts) == 8 else (
                last8 if last8 and hts.startswith(last8) else None)
        out.append({
            "edition": ed, "row_no": r.row_no, "hts": hts, "hts_formatted": r.hts_formatted,
            "digits": len(hts) if hts else None, "indent": r.indent,
            "description": r.description, "description_path": path, "units": list(r.units),
            "general_text": r.general or None, "special_text": r.special or None,
            "other_text": r.other or None, "footnotes": list(r.footnotes),
            "footnote_refs": footnote_refs(r.footnotes), "rate_hts": rate_hts,
        })
    return out


def _rate_records(ed: str, rows: list[SourceRow], known: set[str]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for r in rows:
        hts = digits_of(r.hts_formatted)
        if not hts or len(hts) < 8:
            continue
        if r.general:
            out.append(rate_record(ed, hts, "general", None, parse_rate(r.general)))
        for program, rate in parse_special(r.special, known):
            out.append(rate_record(ed, hts, "special", program, rate))
        if r.other:
            out.append(rate_record(ed, hts, "other", None, parse_rate(r.other)))
    return out


def read_programs() -> dict[str, Program]:
    """The program table shipped as package data (tariffs/data/programs.csv)."""
    return shipped_programs()


def programs_table(programs: dict[str, Program]) -> pa.Table:
    """The ``hts_program`` warehouse table."""
    ps = list(programs.values())
    return pa.table({
        "program": [p.program for p in ps], "name_en": [p.name_en for p in ps],
        "name_es": [p.name_es for p in ps], "agreement": [p.agreement for p in ps],
        "countries": pa.array([list(p.countries) for p in ps], pa.list_(pa.string())),
        "in_force": [p.in_force for p in ps], "general_note": [p.general_note for p in ps],
    })


def read_rows(ed: Edition, path: Path) -> tuple[list[SourceRow], list[AuditNote]]:
    """Rows of an edition's file in its own format (dispatch on the registry's format)."""
    if ed.format == "json":
        return read_json_rows(path), []
    rows, recovered = read_1300_rows(path)
    fragments = tuple(f"line {r.row_no}: {r.description}" for r in rows if r.fragment)
    notes = [AuditNote("recovered_extra_fields", len(recovered),
                       Msg("audit.detail.recovered_extra_fields"),
                       tuple(recovered))] if recovered else []
    if fragments:
        notes.append(AuditNote("continuation_fragments", len(fragments),
                               Msg("audit.detail.continuation_fragments"),
                               fragments))
    return rows, notes


COMPLETE_SHARE = 0.9
"""A file with fewer rows than 90 % of the edition's known size (or of its previous load) is
refused: USITC revisions add or drop a few hundred rows (2025 Basic → 2026 Rev. 10: −350 of
35,859, 1 %), never a tenth of the schedule; a cut-off export (the first 200 rows of a
valid JSON) would otherwise replace the whole edition."""


def completeness_problems(ed: Edition, tables: HtsTables, previous_rows: int | None
                          ) -> list[Problem]:
    """Why ``tables`` does not look like a whole edition (empty list: it does).

    Checked before anything is replaced: every chapter the edition has must have lines, and
    the row count must reach :data:`COMPLETE_SHARE` of the larger of the edition's known size
    and the rows of its previous load. ``--force`` (``force=True``) loads it anyway.
    """
    path = str(tables.path)
    problems: list[Problem] = []
    codes = tables.lines.column("hts").to_pylist()
    present = {c[:2] for c in codes if c}
    missing = [c for c in ed.chapters() if c not in present]
    if missing:
        shown = ", ".join(missing[:12]) + (" …" if len(missing) > 12 else "")
        problems.append(Problem.of(
            Msg("error.hts_chapters_missing", edition=ed.key, count=len(missing),
                chapters=shown), path, None, "htsno" if ed.format == "json" else HEADER_1300[0]))
    reference = max(ed.rows, previous_rows or 0)
    if tables.source_rows < COMPLETE_SHARE * reference:
        basis = (Msg("error.hts_basis_previous", rows=f"{previous_rows:,}")
                 if previous_rows and previous_rows > ed.rows
                 else Msg("error.hts_basis_known", rows=f"{ed.rows:,}"))
        problems.append(Problem.of(
            Msg("error.hts_too_few_rows", edition=ed.key, rows=f"{tables.source_rows:,}",
                basis=basis, share=f"{COMPLETE_SHARE:.0%}"), path, None, None))
    return problems


def check_complete(tables: HtsTables, previous_rows: int | None, *, force: bool = False
                   ) -> None:
    """Refuse an incomplete edition (see :func:`completeness_problems`) unless ``force``."""
    problems = completeness_problems(edition(tables.edition), tables, previous_rows)
    if problems and not force:
        raise InputError(Msg("error.hts_incomplete", file=tables.path.name,
                             edition=tables.edition),
                         problems=problems)


def read_edition(key: str, path: Path | None = None, *, data_dir: Path | None = None
                 ) -> HtsTables:
    """Read, validate and parse one edition into typed ``hts_line``/``hts_rate`` Arrow tables."""
    ed = edition(key)
    src = path if path is not None else data_path(ed.file, data_dir=data_dir)
    rows, notes = read_rows(ed, src)
    known = set(read_programs())
    lines = pa.Table.from_pylist(_line_records(ed.key, rows), schema=LINE_SCHEMA)
    rates = pa.Table.from_pylist(_rate_records(ed.key, rows, known), schema=RATE_SCHEMA)
    return HtsTables(ed.key, src, len(rows), lines, rates, tuple(notes))


# --- download ----------------------------------------------------------------------------------
#: Where an edition is served when USITC no longer serves it: the 2013 "1300" export only
#: existed on the pre-2016 usitc.gov; the shipped copy comes from this commit of
#: toddtreece/harmonized_tariff (byte-identical to USITC's file, see shared/data/PROVENANCE.md).
ARCHIVE_BASE_URLS = {
    "2013": "https://raw.githubusercontent.com/toddtreece/harmonized_tariff/"
            "0ff6116b37bf00413f0e7753701f570681ea1dc0",
}
#: USITC's name, spacing between requests (s) and timeout (s) for the shared download client.
PUBLISHER_NAME, PUBLISHER_INTERVAL, PUBLISHER_TIMEOUT = "USITC (www.usitc.gov)", 1.0, 120.0


def download_url(key: str, *, base_url: str | None = None) -> str:
    """Where the edition's export is published (USITC's static files, or the archive copy)."""
    base = base_url or ARCHIVE_BASE_URLS.get(key, USITC_BASE_URL)
    return base.rstrip("/") + edition(key).remote_path


def download(key: str, *, base_url: str | None = None, cache: Path | None = None,
             refresh: bool = False) -> Path:
    """Fetch an edition's export into the cache and check it reads; returns the file path.

    USITC serves editions as static files under ``/sites/default/files/tata/hts/`` (the REST
    ``getJSON`` export was deprecated in March 2026); names are irregular: editions since 2023
    end in ``_edition_json.json`` for Basic and ``_revision_N_json.json`` for revisions. The
    body is validated (read as the edition) *before* it is saved, so an HTML error page or a
    truncated body is never cached. USITC answers 403 to some automated clients; the error then
    says how to fetch the file by hand.
    """
    from comexlab.settings import get_settings
    from comexlab.sources import http  # httpx only when downloading: `hts show` starts faster

    ed = edition(key)
    folder = cache if cache is not None else get_settings().cache / "usitc_hts"
    dest = folder / Path(ed.remote_path).name
    url = download_url(key, base_url=base_url)
    hint = Msg("download.hint.usitc_forbidden", url=http.public_url(url), dest=str(dest))
    publisher = http.Publisher(PUBLISHER_NAME, PUBLISHER_INTERVAL, PUBLISHER_TIMEOUT,
                               hints={403: hint})
    return http.fetch(url, dest, refresh=refresh, publisher=publisher, what=ed.label,
                      validate=lambda tmp: read_rows(ed, tmp))
