"""Bad-input corpus of the USITC DataWeb loader: each file its own error, nothing written.

The warehouse first holds the 14 real monthly files. Each case then loads the real files with
one month replaced by a bad one (built in a temp folder from the real month) and asserts the
error's file, row and field, its wording, and that every warehouse table is identical (row
count and row hash) before and after. Issue 9 findings: ``inf``, ``1e300`` and negative values
were accepted, a header-only month wiped that month (14,520 rows of 2025-01), an empty file gave
a traceback, a duplicated ``total_value`` header and non-Mexico/Canada countries were accepted,
and a negative total was refused for the wrong reason ("usmca exceeds total").
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner
from warehouse_state import fingerprint

from comexlab.cli import app
from comexlab.errors import InputError
from comexlab.sources import usitc_dataweb
from comexlab.warehouse import flows
from comexlab.warehouse.db import connect

MONTH = "usmca_product_shares_2025_01.csv.gz"
HEADER = "hts10,cty_code,usmca_share,total_value,usmca_value"


@dataclass(frozen=True)
class Case:
    """A bad month: its file name, bytes, and where the error must point."""

    data: bytes
    row: int | None
    field: str | None
    texts: tuple[str, ...]
    name: str = MONTH
    not_texts: tuple[str, ...] = ()


def _gz(text: str) -> bytes:
    return gzip.compress(text.encode())


def _cell(lines: list[str], row: int, column: str, value: str) -> bytes:
    """The month with the cell at file line ``row`` (header = 1) of ``column`` replaced."""
    out = list(lines)
    cells = out[row - 1].split(",")
    cells[HEADER.split(",").index(column)] = value
    out[row - 1] = ",".join(cells)
    return _gz("\n".join(out) + "\n")


def _traded_row(lines: list[str]) -> int:
    """File line of the first Mexican row with a value (so a changed cell matters)."""
    return next(i + 1 for i, line in enumerate(lines[1:], start=1)
                if line.split(",")[1] == "2010" and line.split(",")[3] != "0")


def _all_zero(lines: list[str]) -> bytes:
    """The month with every value set to 0: no row survives, the month would be emptied."""
    zeroed = [",".join([*line.split(",")[:3], "0", "0"]) for line in lines[1:]]
    return _gz("\n".join([lines[0], *zeroed]) + "\n")


BUILDERS: dict[str, Callable[[list[str]], Case]] = {
    "total_inf": lambda ls: Case(_cell(ls, 5, "total_value", "inf"), 5, "total_value",
                                 ("not a finite number",)),
    "total_minus_inf": lambda ls: Case(_cell(ls, 6, "total_value", "-inf"), 6, "total_value",
                                       ("not a finite number",)),
    "usmca_inf": lambda ls: Case(_cell(ls, 7, "usmca_value", "Infinity"), 7, "usmca_value",
                                 ("not a finite number",)),
    "total_1e300": lambda ls: Case(_cell(ls, 8, "total_value", "1e300"), 8, "total_value",
                                   ("above US$1,000,000,000,000",)),
    "total_2e12": lambda ls: Case(_cell(ls, 9, "total_value", "2000000000000"), 9,
                                  "total_value", ("above US$1,000,000,000,000",)),
    "usmca_1e13": lambda ls: Case(_cell(ls, 9, "usmca_value", "1e13"), 9, "usmca_value",
                                  ("above US$1,000,000,000,000",)),
    "total_negative": lambda ls: Case(
        _cell(ls, _traded_row(ls), "total_value", "-500"), _traded_row(ls), "total_value",
        ("negative value",), not_texts=("exceeds",)),
    "usmca_negative": lambda ls: Case(_cell(ls, 4, "usmca_value", "-1"), 4, "usmca_value",
                                      ("negative value",)),
    "total_nan": lambda ls: Case(_cell(ls, 10, "total_value", "nan"), 10, "total_value",
                                 ("not a number",)),
    "total_blank": lambda ls: Case(_cell(ls, 11, "total_value", ""), 11, "total_value",
                                   ("not a number",)),
    "total_letter_o": lambda ls: Case(_cell(ls, 12, "total_value", "10O0"), 12, "total_value",
                                      ("not a number",)),
    "usmca_above_total": lambda ls: Case(
        _cell(ls, _traded_row(ls), "usmca_value", "9" * 11), _traded_row(ls), "usmca_value",
        ("usmca_value exceeds total_value",)),
    "country_china": lambda ls: Case(_cell(ls, 13, "cty_code", "5700"), 13, "cty_code",
                                     ("neither Mexico nor Canada", "2010", "1220")),
    "country_blank": lambda ls: Case(_cell(ls, 14, "cty_code", ""), 14, "cty_code",
                                     ("neither Mexico nor Canada",)),
    "hts10_nine_digits": lambda ls: Case(_cell(ls, 15, "hts10", "010121001"), 15, "hts10",
                                         ("not a 10-digit code",)),
    "hts10_letters": lambda ls: Case(_cell(ls, 16, "hts10", "01012100AB"), 16, "hts10",
                                     ("not a 10-digit code",)),
    "duplicated_key": lambda ls: Case(_gz("\n".join([*ls, ls[1]]) + "\n"), len(ls) + 1,
                                      "cty_code", ("duplicated",)),
    "header_only": lambda ls: Case(_gz(HEADER + "\n"), 2, None,
                                   ("no data rows", "--force", "replace its month")),
    "all_rows_zero": lambda ls: Case(_all_zero(ls), 2, None,
                                     (f"all {len(ls) - 1:,} rows have a zero value", "--force")),
    "zero_bytes": lambda ls: Case(b"", 1, "header", ("empty",)),
    "gzip_of_nothing": lambda ls: Case(_gz(""), 1, "header", ("empty",)),
    "duplicated_total_header": lambda ls: Case(
        _gz("\n".join([HEADER + ",total_value", *(line + ",1" for line in ls[1:])]) + "\n"),
        1, "total_value", ("appears twice",)),
    "missing_usmca_column": lambda ls: Case(
        _gz("\n".join(",".join(line.split(",")[:4]) for line in ls) + "\n"), 1,
        "usmca_value", ("missing column",)),
    "truncated_gzip": lambda ls: Case(_gz("\n".join(ls))[:5000], None, None,
                                      ("cannot read as CSV",)),
    "month_13": lambda ls: Case(_gz("\n".join(ls)), None, None, ("month 13 out of range",),
                                name="usmca_product_shares_2025_13.csv.gz"),
}


@pytest.fixture(scope="module")
def month_lines(shared_file: Callable[[str], Path]) -> list[str]:
    path = shared_file(f"{usitc_dataweb.FOLDER}/{MONTH}")
    return gzip.decompress(path.read_bytes()).decode().splitlines()


@pytest.fixture(scope="module")
def real_files(data_dir: Path) -> list[Path]:
    return usitc_dataweb_files(data_dir)


def usitc_dataweb_files(data_dir: Path) -> list[Path]:
    files = sorted((data_dir / usitc_dataweb.FOLDER).glob(usitc_dataweb.PATTERN))
    assert len(files) == 14, f"expected the 14 monthly DataWeb files in {data_dir}"
    return files


@pytest.fixture(scope="module")
def loaded_wh(tmp_path_factory: pytest.TempPathFactory, real_files: list[Path]) -> Path:
    path = tmp_path_factory.mktemp("dataweb_bad") / "wh.duckdb"
    con = connect(path)
    flows.load_source(con, "usitc_dataweb", real_files)
    con.close()
    return path


@pytest.fixture()
def con(loaded_wh: Path, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    copy = tmp_path / "wh.duckdb"
    shutil.copyfile(loaded_wh, copy)
    c = connect(copy)
    yield c
    c.close()


def _with_bad_month(real_files: list[Path], folder: Path, case: Case) -> tuple[list[Path], Path]:
    """The real files, January replaced by the bad file (written to ``folder``)."""
    bad = folder / case.name
    bad.write_bytes(case.data)
    return [bad, *(f for f in real_files if f.name != MONTH)], bad


def test_corpus_is_large_enough() -> None:
    assert len(BUILDERS) >= 20


@pytest.mark.parametrize("name", list(BUILDERS))
def test_bad_month_refused_and_warehouse_unchanged(
        name: str, month_lines: list[str], real_files: list[Path],
        con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    case = BUILDERS[name](month_lines)
    files, bad = _with_bad_month(real_files, tmp_path, case)
    before = fingerprint(con)
    january = con.execute("SELECT count(*) FROM flow WHERE period = '2025-01'").fetchone()
    assert january == (14_520,), "the real January must be loaded before the bad one"
    with pytest.raises(InputError) as info:
        flows.load_source(con, "usitc_dataweb", files)
    err = info.value
    message = str(err)
    if err.problems:
        problem = err.problems[0]
        assert problem.file == str(bad)
        assert (problem.row, problem.field) == (case.row, case.field)
    else:  # file-level errors (name, unreadable gzip) name the file in the message
        assert case.row is None and case.field is None
    assert bad.name in message
    for text in case.texts:
        assert text in message, (text, message)
    for text in case.not_texts:
        assert text not in message, (text, message)
    assert fingerprint(con) == before


def test_header_only_month_loads_only_when_forced(real_files: list[Path],
                                                  con: duckdb.DuckDBPyConnection,
                                                  tmp_path: Path) -> None:
    """With force the month is emptied (14,520 rows of 2025-01 go), the others stay."""
    files, _ = _with_bad_month(real_files, tmp_path, Case(_gz(HEADER + "\n"), 2, None, ()))
    others = con.execute("SELECT count(*), sum(value_usd) FROM flow "
                         "WHERE period <> '2025-01'").fetchone()
    flows.load_source(con, "usitc_dataweb", files, force=True)
    assert con.execute("SELECT count(*) FROM flow WHERE period = '2025-01'").fetchone() == (0,)
    assert con.execute("SELECT count(*), sum(value_usd) FROM flow "
                       "WHERE period <> '2025-01'").fetchone() == others


def test_same_month_twice(real_files: list[Path], con: duckdb.DuckDBPyConnection,
                          tmp_path: Path) -> None:
    copy = tmp_path / "again" / MONTH
    copy.parent.mkdir()
    shutil.copyfile(real_files[0], copy)
    before = fingerprint(con)
    with pytest.raises(InputError, match="given twice"):
        flows.load_source(con, "usitc_dataweb", [*real_files, copy])
    assert fingerprint(con) == before


def test_real_largest_line_is_far_below_the_bound(month_lines: list[str]) -> None:
    """The bound (US$1 trillion per line-month) is >100x the largest real January value."""
    largest = max(float(line.split(",")[3]) for line in month_lines[1:])
    assert 1e9 < largest < usitc_dataweb.MAX_LINE_VALUE / 100


def test_cli_force_flag(real_files: list[Path], tmp_path: Path) -> None:
    """`flows load` refuses a header-only month naming --force, and loads it with --force."""
    folder = tmp_path / "data" / usitc_dataweb.FOLDER
    folder.mkdir(parents=True)
    for f in real_files:
        shutil.copyfile(f, folder / f.name)
    (folder / MONTH).write_bytes(_gz(HEADER + "\n"))
    wh = tmp_path / "w.duckdb"
    args = ["flows", "load", "--source", "usitc_dataweb", "--no-hts-naics", "--warehouse",
            str(wh), "--data", str(tmp_path / "data"), "--lang", "es"]
    refused = CliRunner().invoke(app, args)
    assert isinstance(refused.exception, InputError)
    assert "--force" in refused.exception.render("es")
    assert "no hay filas de datos" in refused.exception.render("es")
    forced = CliRunner().invoke(app, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    c = connect(wh, read_only=True)
    try:
        periods = c.execute("SELECT count(DISTINCT period) FROM flow").fetchone()
    finally:
        c.close()
    assert periods == (13,)
