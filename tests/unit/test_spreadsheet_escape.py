"""Issue 9, formula injection: every csv/xlsx writer outside the registry writes a text that
starts with = + - @ (tab, CR) as inert text, and genuine negative numbers stay numbers.

The registry exporter (CLI) is tested on a real database in
tests/integration/test_registry_bad_input.py.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

import comexlab
from comexlab.output import OutputFormat, emit, write_xlsx
from comexlab.reports.render import ExportReport
from comexlab.spreadsheet import (
    csv_bytes,
    csv_text,
    escape,
    escape_frame,
    rows_csv_bytes,
    unescape,
)
from comexlab.web.lines import CompletedRun, to_csv, to_xlsx

HOSTILE = ["=1+1", '=HYPERLINK("http://evil.example","clic")', "@SUM(A1:A2)", "+52 33 1234",
           "-2+3", "\t=1+1", "\r=1+1"]


def _frame() -> pd.DataFrame:
    """One hostile text per row, a fraction (negative) and a count (negative) beside it."""
    n = len(HOSTILE)
    return pd.DataFrame({"name": HOSTILE, "mfn_rate": [-0.025] * n,
                         "lines": pd.array([-3] * n, dtype="Int64"),
                         "partner": pd.Categorical(["MEX"] * (n - 1) + ["=cmd|' /C calc'!A0"])})


def _assert_xlsx_inert(content: Path | bytes, sheet: str | None = None) -> None:
    wb = load_workbook(io.BytesIO(content) if isinstance(content, bytes) else content)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    header = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2))
    names = [r[header.index("name")] for r in rows]
    # the exact text, no quote added (XML reads a carriage return back as a line feed)
    assert [c.value for c in names] == [h.replace("\r", "\n") for h in HOSTILE]
    assert all(c.data_type == "s" and c.quotePrefix for c in names)
    assert not [c for r in ws.iter_rows() for c in r if c.data_type == "f"]
    rates = [r[header.index("mfn_rate")] for r in rows]
    assert all(c.data_type == "n" and c.value == -0.025 for c in rates)
    counts = [r[header.index("lines")] for r in rows]
    assert all(c.data_type == "n" and c.value == -3 for c in counts)


def _assert_csv_inert(text: str) -> None:
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["name"] for r in rows] == ["'" + h.replace("\r", "\n") for h in HOSTILE]
    assert rows[-1]["partner"] == "'=cmd|' /C calc'!A0"
    assert {r["mfn_rate"] for r in rows} == {"-0.025"} and {r["lines"] for r in rows} == {"-3"}


# ------------------------------------------------------------------ the shared function
@given(st.text(max_size=12))
def test_unescape_undoes_escape(value: str) -> None:
    assert unescape(escape(value)) == value


@pytest.mark.parametrize("value", HOSTILE)
def test_escape_quotes_every_trigger(value: str) -> None:
    assert escape(value) == "'" + value


@pytest.mark.parametrize("value", ["Querétaro", "'quoted'", "", "a=b", " =1"])
def test_escape_leaves_ordinary_text(value: str) -> None:
    assert escape(value) == value


def test_escape_leaves_numbers_as_numbers() -> None:
    assert escape(-0.025) == -0.025 and escape(-3) == -3
    out = escape_frame(_frame())
    assert out["mfn_rate"].tolist() == [-0.025] * len(HOSTILE)
    assert out["name"].tolist() == ["'" + h for h in HOSTILE]


# ------------------------------------------------------------------ one test per writer
def test_write_xlsx_writes_text_not_formulas(tmp_path: Path) -> None:
    """The CLI's report/scenario/registry workbooks all go through output.write_xlsx."""
    path = tmp_path / "out.xlsx"
    write_xlsx({"cut": _frame()}, path, notes=["=1+1 is a note, not a formula"])
    _assert_xlsx_inert(path, "cut")
    note = load_workbook(path)["notes"]["A2"]
    assert note.data_type == "s" and note.value == "=1+1 is a note, not a formula"


def test_emit_csv_quotes_formula_text(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    emit(_frame(), OutputFormat.csv, output=path)
    _assert_csv_inert(path.read_text(encoding="utf-8"))


def test_emit_xlsx_writes_text_not_formulas(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    emit(_frame(), OutputFormat.xlsx, output=path, title="data")
    _assert_xlsx_inert(path, "data")


def test_emit_csv_to_stdout_quotes_formula_text(capsys: pytest.CaptureFixture[str]) -> None:
    emit(_frame(), OutputFormat.csv)
    _assert_csv_inert(capsys.readouterr().out)


def test_web_scenario_csv_download_quotes_formula_text() -> None:
    run = CompletedRun(result=None, lines=_frame())
    _assert_csv_inert(to_csv(run.lines).decode("utf-8-sig"))


def test_web_scenario_xlsx_download_writes_text_not_formulas() -> None:
    run = CompletedRun(result=None, lines=_frame(), notes=("@note",))
    _assert_xlsx_inert(to_xlsx(run, "=evil title"))


def test_csv_text_is_what_the_writers_share() -> None:
    _assert_csv_inert(csv_text(_frame()))


def _report_with_hostile_product() -> ExportReport:
    from comexlab.reports.exports import Reporter, ReportInput, SourceProfile, build_report
    from comexlab.reports.windows import Window

    profile = SourceProfile("usitc_dataweb", "HTS", "hts10", "month", "country", "us_only")
    rows = pd.DataFrame({"window": ["current", "prior"], "product_code": ["8703230140"] * 2,
                         "partner": "USA", "value_usd": [80.0, 100.0], "is_total": False,
                         "section": "XVII", "chapter": "87", "product": "=1+1"})
    return build_report(Reporter("MX-GTO", "state", "Guanajuato"),
                        Window.parse("2026-01", "2026-02"), profile, ReportInput(rows=rows))


@pytest.mark.parametrize("fmt", [OutputFormat.xlsx, OutputFormat.csv])
def test_report_files_write_text_not_formulas(tmp_path: Path, fmt: OutputFormat) -> None:
    """The CLI's ``report exports --format xlsx|csv``: a product label =1+1 is inert text;
    the change 80 vs 100 stays the number -20 (US$) and -0.2 (fraction)."""
    from comexlab.commands.report import write_report

    path = tmp_path / f"report.{fmt.value}"
    write_report(_report_with_hostile_product(), "es", fmt, path)
    if fmt is OutputFormat.csv:
        (line,) = [x for x in path.read_text(encoding="utf-8").splitlines() if "1+1" in x]
        assert line.startswith("product,'=1+1,") and ",-20.0," in line
        return
    wb = load_workbook(path)
    assert not [c for ws in wb for r in ws.iter_rows() for c in r if c.data_type == "f"]
    ws = wb["Principales productos"]
    assert (ws["A2"].value, ws["A2"].data_type, ws["A2"].quotePrefix) == ("=1+1", "s", True)
    assert (ws["E2"].value, ws["F2"].value) == (-20, -0.2)


# ------------------------------------------------------------------ one writer (issue 11)

def test_csv_bytes_is_csv_text_with_a_bom() -> None:
    assert csv_bytes(_frame()) == b"\xef\xbb\xbf" + csv_text(_frame()).encode("utf-8")
    _assert_csv_inert(csv_bytes(_frame()).decode("utf-8-sig"))


def test_rows_csv_bytes_escapes_and_keeps_the_record_layout() -> None:
    # the fair take-aways' layout: header from the first record, CR LF, BOM; ints stay ints
    rows = [{"Name": "=HYPERLINK(\"x\")", "Slot": 1, "Table": 2},
            {"Name": "Acme, S.A.", "Slot": 2, "Table": 1}]
    assert rows_csv_bytes(rows, line_end="\r\n") == (
        '\ufeffName,Slot,Table\r\n"\'=HYPERLINK(""x"")",1,2\r\n"Acme, S.A.",2,1\r\n'
    ).encode("utf-8")
    assert rows_csv_bytes([]) == b"\xef\xbb\xbf"


_OWN_WRITER = re.compile(r"csv\.writer\(|DictWriter\(|\.to_csv\([^)]*index=|"
                         r"write_text\(.*utf-8-sig|encode\(\"utf-8-sig\"\)|\"\\ufeff\" \+")
# sources/flowtable.write_csv stores a downloaded API answer as the file its loader reads: data,
# not a spreadsheet export, so escaping would change the figures the loader sees.
_NOT_EXPORTS = {"spreadsheet.py", "sources/flowtable.py"}


def test_every_csv_file_is_written_by_the_spreadsheet_module() -> None:
    root = Path(comexlab.__file__).parent
    offenders = [f"{path.relative_to(root)}:{n}: {line.strip()}"
                 for path in sorted(root.rglob("*.py"))
                 if str(path.relative_to(root)) not in _NOT_EXPORTS
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if _OWN_WRITER.search(line)]
    assert offenders == [], "write CSV through comexlab.spreadsheet:\n" + "\n".join(offenders)
