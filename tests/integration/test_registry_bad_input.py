"""Issue 9: the bad-input corpus of the registry importer, on SQLite and PostgreSQL.

Every case is a file a careless user (or an attacker) could hand to ``comexlab registry
import`` or the web upload. Each must be refused with a problem that names the file, the row and
the field (None where the whole file is wrong), worded in Spanish and in English, and must
leave the store exactly as it was: the row count and a SHA-256 of every row of every registry
table are compared before and after.

The store is seeded once per backend (the two firms of ``registry_rows``); since no case may
change it, a case that does fails here and the cases after it would see the damage too.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook
from registry_rows import FIRM_A, FIRM_B, sheets
from registry_support import _postgres_engine, bare_engine, engine  # noqa: F401  (fixtures)
from sqlalchemy import Engine

from comexlab.errors import InputError
from comexlab.registry import db, importer
from comexlab.registry.demo import seed_demo
from comexlab.registry.exporter import export_frames, write_tables
from comexlab.registry.importer import import_files, import_sheets
from comexlab.registry.models import Base

FIRM_HEADER = "rfc,legal_name,state_code,employees"
NEW_RFC = "NUE100601A12"
ENROLMENT_HEADER = "program_code,firm_rfc,status,status_on,export_sales_usd"
CERT_HEADER = "firm_rfc,standard,certificate_number,issued_on,expires_on"


# ------------------------------------------------------------------ the store, compared
@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                               marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated registry with the two test firms, one per backend for the whole corpus."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("corpus") / "registry.sqlite"
        engines: Iterator[Engine] = iter([db.make_engine(f"sqlite:///{path}")])
    else:
        engines = _postgres_engine()
    seeded = next(engines)
    db.upgrade(seeded)
    import_sheets(seeded, sheets())
    yield seeded
    for _ in engines:  # runs the PostgreSQL generator's clean-up (drops the schema)
        pass
    seeded.dispose()


def fingerprint(target: Engine) -> dict[str, tuple[int, str]]:
    """Row count and SHA-256 of the sorted rows of every registry table."""
    present = set(sa.inspect(target).get_table_names())
    out = {}
    with target.connect() as con:
        for table in Base.metadata.sorted_tables:
            if table.name not in present:
                continue
            rows = sorted(repr(tuple(r)) for r in con.execute(sa.select(table)))
            out[table.name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out


# ------------------------------------------------------------------ file builders
def _csv(name: str, text: str, encoding: str = "utf-8") -> Callable[[Path], list[Path]]:
    def build(folder: Path) -> list[Path]:
        path = folder / name
        path.write_bytes(text.encode(encoding))
        return [path]
    return build


def _raw(name: str, content: bytes) -> Callable[[Path], list[Path]]:
    def build(folder: Path) -> list[Path]:
        path = folder / name
        path.write_bytes(content)
        return [path]
    return build


def _workbook(rows: list[list[object]], title: str = "firms") -> bytes:
    wb = Workbook()
    wb.active.title = title
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _wide_workbook() -> bytes:
    """A 2-row workbook with one cell in the last column Excel has (XFD)."""
    wb = Workbook()
    wb.active.title = "firms"
    wb.active.append(["rfc", "legal_name", "state_code"])
    wb.active.append([NEW_RFC, "Nueva", "14"])
    wb.active.cell(2, 16384, value="x")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip_without_workbook() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("firms.csv", "rfc,legal_name,state_code\n")
    return buf.getvalue()


def _two_files(folder: Path) -> list[Path]:
    first = folder / "firms.csv"
    first.write_text(f"{FIRM_HEADER}\n{NEW_RFC},Nueva,14,10\n", encoding="utf-8")
    second = folder / "altas.xlsx"
    second.write_bytes(_workbook([["rfc", "legal_name", "state_code"],
                                  [NEW_RFC.lower(), "Nueva otra vez", "11"]], title="firms"))
    return [first, second]


GOOD_WORKBOOK = _workbook([["rfc", "legal_name", "state_code"], [NEW_RFC, "Nueva", "14"]])


@dataclass(frozen=True)
class Case:
    """A bad file and the problem it must produce (in both languages)."""

    build: Callable[[Path], list[Path]]
    where: tuple[str, int | None, str | None]  # (file, row, field) of the expected problem
    es: str
    en: str
    limits: dict[str, int] = field(default_factory=dict)  # importer bounds lowered for the case


CASES: dict[str, Case] = {
    # --- the file itself
    "empty-file": Case(_raw("firms.csv", b""), ("firms.csv", None, None),
                       "el archivo está vacío", "the file is empty"),
    "blank-lines-only": Case(_raw("firms.csv", b"  \r\n\n"), ("firms.csv", None, None),
                             "el archivo está vacío", "the file is empty"),
    "header-only": Case(_csv("firms.csv", "rfc,legal_name,state_code\n"),
                        ("firms.csv", None, None), "no hay filas de datos en firms.csv",
                        "no data rows in firms.csv"),
    "binary-with-nul": Case(_raw("firms.csv", b"rfc,legal_name\x00\x01\x02\n"),
                            ("firms.csv", None, None), 'guarde el archivo desde Excel como "CSV',
                            'save the file from Excel as "CSV UTF-8"'),
    "neither-utf8-nor-cp1252": Case(_raw("firms.csv", b"rfc,legal_name,state_code\n\x81\x8d\n"),
                                    ("firms.csv", None, None), "Windows-1252/Latin-1",
                                    "Windows-1252/Latin-1"),
    "csv-renamed-xlsx": Case(_raw("firms.xlsx", b"rfc,legal_name,state_code\nA,B,14\n"),
                             ("firms.xlsx", None, None), "no es un libro de Excel",
                             "not an Excel workbook"),
    "truncated-xlsx": Case(_raw("firms.xlsx", GOOD_WORKBOOK[: len(GOOD_WORKBOOK) // 2]),
                           ("firms.xlsx", None, None), "no es un libro de Excel",
                           "not an Excel workbook"),
    "zip-without-workbook": Case(_raw("firms.xlsx", _zip_without_workbook()),
                                 ("firms.xlsx", None, None), "no es un libro de Excel",
                                 "not an Excel workbook"),
    "random-bytes-xlsx": Case(_raw("firms.xlsx", bytes(range(256)) * 8),
                              ("firms.xlsx", None, None), "no es un libro de Excel",
                              "not an Excel workbook"),
    "file-too-large": Case(_csv("firms.csv", f"{FIRM_HEADER}\n{NEW_RFC},Nueva,14,10\n"),
                           ("firms.csv", None, None), "archivo demasiado grande (máximo 0 MB)",
                           "file too large (0 MB max)", {"MAX_FILE_BYTES": 20}),
    "zip-bomb": Case(_raw("firms.xlsx", GOOD_WORKBOOK), ("firms.xlsx", None, None),
                     "archivo demasiado grande", "file too large",
                     {"MAX_UNPACKED_BYTES": 1000}),
    "column-xfd": Case(_raw("firms.xlsx", _wide_workbook()), ("firms.xlsx [firms]", 1, None),
                       "más de 100 columnas", "more than 100 columns"),
    "too-many-rows": Case(_csv("firms.csv", FIRM_HEADER + "\n" + "".join(
        f"AAA10060{i}A12,Firma {i},14,1\n" for i in range(5))),
        ("firms.csv", 5, None), "más de 3 filas en una tabla", "more than 3 rows in one table",
        {"MAX_ROWS": 3}),
    "csv-cell-over-field-limit": Case(_csv("firms.csv", f"{FIRM_HEADER}\n{NEW_RFC},"
                                      + "N" * 200_000 + ",14,1\n"),
                                      ("firms.csv", 2, None), "no se puede leer el CSV",
                                      "the CSV cannot be read"),
    # --- the table
    "unrecognised-sheet": Case(_raw("registro.xlsx", _workbook([["nombre", "ciudad"], ["a", "b"]],
                                                               title="Hoja1")),
                               ("registro.xlsx [Hoja1]", 1, None),
                               "no se reconoce qué tabla del registro es",
                               "cannot tell which registry table this is"),
    "firm-columns-on-plants-sheet": Case(
        _raw("registro.xlsx", _workbook([["rfc", "legal_name", "state_code"],
                                         [NEW_RFC, "Nueva", "14"]], title="plants")),
        ("registro.xlsx [plants]", 1, "legal_name"), "columna desconocida para plants",
        "unknown column for plants"),
    "duplicated-header": Case(_csv("firms.csv", "rfc,legal_name,state_code,legal_name\n"
                                   f"{NEW_RFC},Nueva,14,Otra\n"),
                              ("firms.csv", 1, "legal_name"), "la misma columna aparece dos veces",
                              "the same column appears twice"),
    "value-without-header": Case(_csv("firms.csv", f"rfc,legal_name,state_code\n"
                                      f"{NEW_RFC},Nueva,14,sobrante\n"),
                                 ("firms.csv", 2, "D"), "un valor en una columna sin encabezado",
                                 "a value in a column without a header"),
    "formula-cell": Case(_raw("firms.xlsx", _workbook([["rfc", "legal_name", "state_code"],
                                                       [NEW_RFC, '=CONCAT("A","B")', "14"]])),
                         ("firms.xlsx [firms]", 2, "legal_name"), "la celda contiene una fórmula",
                         "the cell holds a formula"),
    "excel-error-cell": Case(_raw("firms.xlsx", _workbook([["rfc", "legal_name", "state_code"],
                                                           [NEW_RFC, "#REF!", "14"]])),
                             ("firms.xlsx [firms]", 2, "legal_name"),
                             "la celda muestra un error de Excel", "the cell shows an Excel error"),
    "rfc-twice-in-file": Case(_csv("firms.csv", f"{FIRM_HEADER}\n{NEW_RFC},Nueva,14,1\n"
                                   f" {NEW_RFC.lower()} ,Nueva bis,14,2\n"),
                              ("firms.csv", 3, "rfc"), "mismo rfc que la fila 2",
                              "same rfc as row 2"),
    "rfc-in-two-files": Case(_two_files, ("altas.xlsx [firms]", 2, "rfc"),
                             "mismo rfc que firms.csv fila 2", "same rfc as firms.csv row 2"),
    # --- the cells
    "required-empty": Case(_csv("firms.csv", f"{FIRM_HEADER}\n{NEW_RFC},Nueva,,1\n"),
                           ("firms.csv", 2, "state_code"), "falta un valor obligatorio",
                           "required value is empty"),
    "employees-negative": Case(_csv("firms.csv", f"{FIRM_HEADER}\n{NEW_RFC},Nueva,14,-5\n"),
                               ("firms.csv", 2, "employees"), "no puede ser negativo",
                               "cannot be negative"),
    "employees-overflow": Case(_csv("firms.csv", f"{FIRM_HEADER}\n{NEW_RFC},Nueva,14,9999999999\n"),
                               ("firms.csv", 2, "employees"), "debe ser como máximo 1,000,000",
                               "must be at most 1,000,000"),
    "employees-nan": Case(_csv("firms.csv", f"{FIRM_HEADER}\n{NEW_RFC},Nueva,14,nan\n"),
                          ("firms.csv", 2, "employees"), "se esperaba un número entero",
                          "expected a whole number"),
    "sales-nan": Case(_csv("enrolments.csv", f"{ENROLMENT_HEADER}\nP1,{FIRM_A},applied,"
                           "2026-01-05,NaN\n"),
                      ("enrolments.csv", 2, "export_sales_usd"), "se esperaba un número",
                      "expected a number"),
    "sales-infinite": Case(_csv("enrolments.csv", f"{ENROLMENT_HEADER}\nP1,{FIRM_A},applied,"
                                "2026-01-05,1e999\n"),
                           ("enrolments.csv", 2, "export_sales_usd"), "se esperaba un número",
                           "expected a number"),
    "sales-absurd": Case(_csv("enrolments.csv", f"{ENROLMENT_HEADER}\nP1,{FIRM_A},applied,"
                              "2026-01-05,1e300\n"),
                         ("enrolments.csv", 2, "export_sales_usd"),
                         "debe ser como máximo 1,000,000,000,000",
                         "must be at most 1,000,000,000,000"),
    "date-year-26": Case(_csv("certifications.csv", f"{CERT_HEADER}\n{FIRM_B},ISO 9001,Q-9,"
                              "0026-01-10,2028-01-09\n"),
                         ("certifications.csv", 2, "issued_on"),
                         "la fecha debe estar entre 1900-01-01 y 2100-12-31",
                         "date must be between 1900-01-01 and 2100-12-31"),
    "date-year-2206": Case(_csv("certifications.csv", f"{CERT_HEADER}\n{FIRM_B},ISO 9001,Q-9,"
                                "2025-01-10,09/01/2206\n"),
                           ("certifications.csv", 2, "expires_on"),
                           "la fecha debe estar entre", "date must be between"),
    "issued-in-the-future": Case(_csv("certifications.csv", f"{CERT_HEADER}\n{FIRM_B},ISO 9001,"
                                      "Q-9,2062-01-10,2065-01-09\n"),
                                 ("certifications.csv", 2, "issued_on"),
                                 "fecha posterior a hoy", "date after today"),
    "status-changed-in-the-future": Case(_csv("enrolment_history.csv",
                                              "program_code,firm_rfc,status,changed_on\n"
                                              f"P1,{FIRM_A},applied,2099-01-05\n"),
                                         ("enrolment_history.csv", 2, "changed_on"),
                                         "fecha posterior a hoy", "date after today"),
    "expiry-before-issue": Case(_csv("certifications.csv", f"{CERT_HEADER}\n{FIRM_B},ISO 9001,"
                                     "Q-9,2025-01-10,2024-01-09\n"),
                                ("certifications.csv", 2, "expires_on"),
                                "la fecha de vencimiento es anterior a la de emisión",
                                "expiry date is before the issue date"),
    "name-too-long": Case(_csv("firms.csv", f"{FIRM_HEADER}\n{NEW_RFC},{'N' * 301},14,1\n"),
                          ("firms.csv", 2, "legal_name"), "texto de más de 300 caracteres",
                          "text longer than 300 characters"),
    "control-characters": Case(_csv("firms.csv", f"{FIRM_HEADER}\n{NEW_RFC},Nueva\x1b[2J,14,1\n"),
                               ("firms.csv", 2, "legal_name"), "contiene caracteres de control",
                               "contains control characters"),
    "utf16-tab-bad-state": Case(_csv("firms.csv", f"rfc\tlegal_name\tstate_code\n"
                                     f"{NEW_RFC}\tQuerétaro Año\t99\n", "utf-16"),
                                ("firms.csv", 2, "state_code"),
                                "ningún estado tiene la clave INEGI 99",
                                "no state has INEGI code 99"),
    "cp1252-bad-rfc": Case(_csv("firms.csv", f"{FIRM_HEADER}\nÑÑÑ12345,Peñasco,14,1\n",
                                "cp1252"),
                           ("firms.csv", 2, "rfc"), "El RFC debe tener 12", "RFC must have 12"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_refused_naming_file_row_field_and_changes_nothing(
        store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    case = CASES[name]
    lang, other = ("es", "en") if sorted(CASES).index(name) % 2 == 0 else ("en", "es")
    words = {"es": case.es, "en": case.en}
    for limit, value in case.limits.items():
        monkeypatch.setattr(importer, limit, value)
    before = fingerprint(store)
    with pytest.raises(InputError) as caught:
        import_files(store, case.build(tmp_path), lang=lang)
    error = caught.value
    found = [p for p in error.problems if (p.file, p.row, p.field) == case.where]
    assert found, [(p.file, p.row, p.field, p.text(lang)) for p in error.problems]
    assert words[lang] in found[0].text(lang) and words[other] in found[0].text(other)
    assert case.where[0] in error.render(lang)  # the printed error names the file
    assert fingerprint(store) == before


def test_corpus_has_at_least_twenty_cases() -> None:
    assert len(CASES) >= 20


# ------------------------------------------------------------------ what must still work
def test_rfc_already_in_the_store_is_updated_not_duplicated(store: Engine,
                                                             tmp_path: Path) -> None:
    """Same RFC as a firm in the store: an upsert on the natural key (documented), not a copy."""
    path = tmp_path / "firms.csv"
    before = fingerprint(store)
    path.write_text(f"{FIRM_HEADER}\n{FIRM_A.lower()},Estampados Bajío Test S.A. de C.V.,11,45\n",
                    encoding="utf-8")
    report = import_files(store, [path])
    assert report.rows() == [{"entity": "firms", "inserted": 0, "updated": 0, "unchanged": 1}]
    assert fingerprint(store) == before  # columns the file lacks kept their stored values


def test_file_without_a_column_keeps_that_field(engine: Engine,  # noqa: F811
                                                tmp_path: Path) -> None:
    """Was silent data loss: a rename-only file wiped employees, sectors and processes."""
    import_sheets(engine, sheets())
    path = tmp_path / "firms.csv"
    path.write_text(f"rfc,legal_name,state_code\n{FIRM_A},Nuevo Nombre S.A.,11\n",
                    encoding="utf-8")
    assert import_files(engine, [path]).changed == 1
    with db.reading(engine) as s:
        firm = export_frames(s, ["firms"])["firms"].set_index("rfc").loc[FIRM_A]
    assert firm["legal_name"] == "Nuevo Nombre S.A."
    assert (firm["employees"], firm["processes"], firm["municipality_code"]) == (
        45, "stamping; welding", "020")  # as registry_rows.rows() stored them


def test_cp1252_csv_as_excel_saves_it_in_spanish_imports(engine: Engine,  # noqa: F811
                                                         tmp_path: Path) -> None:
    path = tmp_path / "firms.csv"
    path.write_bytes(f"{FIRM_HEADER}\n{NEW_RFC};Querétaro Año S.A.;22;1\n"
                     .replace(",", ";").encode("cp1252"))
    import_files(engine, [path])
    with db.reading(engine) as s:
        assert export_frames(s, ["firms"])["firms"]["legal_name"].tolist() == [
            "Querétaro Año S.A."]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_registry_export_writes_formulas_as_text_and_round_trips(
        engine: Engine, tmp_path: Path, fmt: str) -> None:  # noqa: F811
    """Was a live formula: a firm named =1+1 exported to xlsx/csv. Names come back unchanged."""
    hostile = ["=1+1", "@SUM(A1)", "+52 33", "-x", "'=already quoted"]
    rfcs = [f"FOR10060{i + 1}A12" for i in range(len(hostile))]
    path = tmp_path / "firms.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["rfc", "legal_name", "state_code", "employees"])
        writer.writerows([r, h, "14", 3] for r, h in zip(rfcs, hostile, strict=True))
    # (a leading ' before a trigger is how our CSV exports quote, so the importer drops it)
    import_files(engine, [path])
    with db.reading(engine) as s:
        original = export_frames(s)
    target = tmp_path / ("out.xlsx" if fmt == "xlsx" else "out")
    write_tables(original, target, fmt=fmt)
    if fmt == "xlsx":
        ws = load_workbook(target)["firms"]
        names = {ws.cell(row, 1).value: ws.cell(row, 2) for row in range(2, ws.max_row + 1)}
        assert all(c.data_type == "s" for c in names.values())
        assert names[rfcs[0]].value == "=1+1" and names[rfcs[0]].quotePrefix
        assert ws.cell(2, 5).data_type == "n"  # employees stay numbers
    else:
        rows = list(csv.DictReader(io.StringIO(
            (target / "firms.csv").read_text(encoding="utf-8-sig"))))
        by_rfc = {r["rfc"]: r["legal_name"] for r in rows}
        assert by_rfc[rfcs[0]] == "'=1+1" and by_rfc[rfcs[1]] == "'@SUM(A1)"
        assert by_rfc[rfcs[2]] == "'+52 33" and by_rfc[rfcs[3]] == "'-x"
    db.downgrade(engine, "base")
    db.upgrade(engine)
    import_files(engine, [target])
    with db.reading(engine) as s:
        again = export_frames(s)
    assert again["firms"]["legal_name"].tolist() == original["firms"]["legal_name"].tolist()


def test_demo_registry_still_round_trips_through_csv(engine: Engine,  # noqa: F811
                                                      tmp_path: Path) -> None:
    """The escaping and the new checks accept everything the demo (and an export) holds."""
    seed_demo(engine, as_of=date(2026, 11, 25))
    before = fingerprint(engine)
    with db.reading(engine) as s:
        write_tables(export_frames(s), tmp_path / "out", fmt="csv")
    assert import_files(engine, [tmp_path / "out"], today=date(2026, 11, 25)).changed == 0
    assert fingerprint(engine) == before


@pytest.mark.parametrize(("lang_args", "words"), [
    ([], "firms.xlsx: no es un libro de Excel (.xlsx)"),
    (["--lang", "en"], "firms.xlsx: not an Excel workbook (.xlsx)")])
def test_cli_import_of_a_broken_workbook_is_a_plain_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        lang_args: list[str], words: str) -> None:
    """Was a BadZipFile traceback: the CLI prints one line naming the file, exit code 2."""
    import sys

    from comexlab import cli

    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    db.upgrade(db.make_engine(url))
    path = tmp_path / "firms.xlsx"
    path.write_bytes(b"rfc;legal_name;state_code\n" + "Querétaro".encode("cp1252"))
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.setattr(sys, "argv", ["comexlab", "registry", "import", str(path), "--db", url,
                                      *lang_args])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 2
    printed = capsys.readouterr().err
    assert words in printed and "Traceback" not in printed
