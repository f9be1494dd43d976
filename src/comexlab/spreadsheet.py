"""Cells that a spreadsheet would run as formulas, made inert in every file we write.

A firm named ``=HYPERLINK("http://evil.example","clic")`` or ``@SUM(...)`` typed into the
registry, exported and opened in Excel or LibreOffice, would run as a formula on the reader's
machine (CSV/formula injection, OWASP). Every writer of csv and xlsx (CLI, web, registry
export, fair take-aways) goes through this module (:func:`csv_text`, :func:`csv_bytes`,
:func:`write_xlsx`):

* CSV has no types, so a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
  return gets a leading ``'`` (what Excel itself shows for text typed that way); the registry
  importer removes that quote again (:func:`unescape`) so export → import stays a round trip.
* xlsx cells have types: such text is stored as a string cell with Excel's "quote prefix"
  style (:func:`write_xlsx`), so the value stays exactly the text and is
  never a formula, even when someone edits the cell later.

Only text is touched: a genuine negative number (``-0.025``) stays a number in both formats.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def _needs_quote(text: str) -> bool:
    # A text that already starts with the quote before a trigger (or another quote) is quoted
    # again, so that unescape(escape(x)) == x for every x.
    return text.startswith(TRIGGERS) or (
        text.startswith(QUOTE) and text[1:2] != "" and text[1] in (*TRIGGERS, QUOTE))


def escape(value: Any) -> Any:
    """``value`` safe for a CSV cell: text a spreadsheet would evaluate gets a leading quote."""
    if isinstance(value, str) and _needs_quote(value):
        return QUOTE + value
    return value


def unescape(text: str) -> str:
    """The text :func:`escape` was given (a CSV cell read back by the registry importer)."""
    if text.startswith(QUOTE) and text[1:2] != "" and text[1] in (*TRIGGERS, QUOTE):
        return text[1:]
    return text


def escape_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells are escaped (numeric columns are left as they are)."""
    out = df.copy()
    for column in _text_columns(out):
        out[column] = out[column].astype(object).map(escape)
    out.columns = [escape(c) for c in out.columns]
    return out


def _text_columns(df: pd.DataFrame) -> list[Any]:
    """Columns that may hold text (not numbers, booleans or timestamps)."""
    return [c for c in df.columns
            if not (pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c])
                    or pd.api.types.is_datetime64_any_dtype(df[c]))]


def csv_text(df: pd.DataFrame, *, line_end: str = "\n") -> str:
    """``df`` as CSV text (no index) with formula-like text cells escaped.

    A carriage return inside a text cell becomes a line feed: pandas leaves a field holding a
    bare CR unquoted, which splits the row for every reader (xlsx readers normalise it to LF
    too, as XML requires). ``line_end`` ends each record (CR LF for RFC 4180 files).
    """
    out = escape_frame(df)
    for column in _text_columns(out):
        out[column] = out[column].astype(object).map(_one_line_break)
    return out.to_csv(index=False, lineterminator=line_end)


def csv_bytes(df: pd.DataFrame, *, line_end: str = "\n") -> bytes:
    """``df`` as a CSV file for a spreadsheet: :func:`csv_text` in UTF-8 with a BOM.

    The BOM is what makes Excel read the file as UTF-8 (accents in names and labels);
    every downloaded or exported CSV (web, registry export, fair take-aways) is these bytes.
    """
    return ("\ufeff" + csv_text(df, line_end=line_end)).encode("utf-8")


def rows_csv_bytes(rows: Sequence[Mapping[str, object]], *, line_end: str = "\n") -> bytes:
    """Records with the same keys (the first record's order is the header) as :func:`csv_bytes`.

    No records → the BOM only (an empty file, no header to guess).
    """
    if not rows:
        return "\ufeff".encode()
    return csv_bytes(pd.DataFrame.from_records(list(rows), columns=list(rows[0])),
                     line_end=line_end)


def _one_line_break(value: Any) -> Any:
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: Path | io.BytesIO,
               *, percent_columns: Sequence[str] = (), notes: Sequence[str] = ()) -> None:
    """Workbook an analyst can forward: one sheet per cut, thousands separators, % columns.

    Text is always written as text: a cell that a spreadsheet would run as a formula (``=…``,
    ``@…``, see :mod:`comexlab.spreadsheet`) is a string cell with Excel's quote prefix, so it
    stays inert even when edited; numbers stay numbers.

    Column names listed in ``percent_columns`` hold fractions and are formatted ``0.0%``;
    other numeric columns get ``#,##0`` (or ``#,##0.00`` for small values). ``notes`` go to a
    final "notes" sheet (sources, estimates, caveats) because a forwarded file loses its context.
    XlsxWriter streams the rows with column formats: a scenario's 25,000-line table is ~650,000
    cells, which openpyxl's in-memory mode took over 30 s to format on a loaded 2-core machine.
    """
    import xlsxwriter

    target = path if isinstance(path, io.BytesIO) else str(path)
    wb = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_formulas": False,
                                      "strings_to_numbers": False, "strings_to_urls": False})
    try:
        for name, df in sheets.items():
            _xlsx_sheet(wb, name[:31], df, set(percent_columns))
        if notes:
            ws = wb.add_worksheet("notes")
            ws.set_column(0, 0, 120)
            styles = _Styles(wb)
            for r, text in enumerate(("notes", *notes)):
                _xlsx_write(ws, r, 0, str(text), styles)
    finally:
        wb.close()


def _xlsx_format(series: pd.Series, percent: bool) -> str | None:
    """The number format of a column (None for text and booleans)."""
    if percent:
        return "0.0%"
    if pd.api.types.is_bool_dtype(series):
        return None
    if pd.api.types.is_datetime64_any_dtype(series):
        return "yyyy-mm-dd"
    if pd.api.types.is_float_dtype(series):
        largest = series.abs().max(skipna=True)
        return "#,##0" if pd.notna(largest) and largest >= 1000 else "#,##0.00"
    if pd.api.types.is_integer_dtype(series):
        return "#,##0"
    return None


def _xlsx_sheet(wb: Any, title: str, df: pd.DataFrame, percent: set[str]) -> None:
    """One sheet: bold frozen header, column widths from the first 200 rows, typed cells."""
    ws = wb.add_worksheet(title)
    ws.freeze_panes(1, 0)
    header = wb.add_format({"bold": True, "quote_prefix": True})
    styles = _Styles(wb)
    for idx, col in enumerate(df.columns):
        fmt = _xlsx_format(df[col], col in percent)
        width = max(len(str(col)), *(len(_width_text(v)) for v in df[col].head(200).tolist()), 4)
        ws.set_column(idx, idx, min(width + 2, 60),
                      wb.add_format({"num_format": fmt}) if fmt else None)
        ws.write_string(0, idx, str(col), header)
    for r, row in enumerate(df.itertuples(index=False, name=None), start=1):
        for c, value in enumerate(row):
            _xlsx_write(ws, r, c, value, styles)


class _Styles:
    """The cell formats a sheet needs: quoted text, and dates (so they read back as dates)."""

    def __init__(self, wb: Any) -> None:
        self.quoted = wb.add_format({"quote_prefix": True})
        self.date = wb.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})


def _xlsx_write(ws: Any, r: int, c: int, value: object, styles: _Styles) -> None:
    """One typed cell: blank for missing, numbers as numbers, text never a formula."""
    if value is None or value is pd.NA or value is pd.NaT:
        return
    if isinstance(value, str):
        # XML keeps no bare CR (readers would see "_x000D_"): a line break is a line feed.
        text = value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
        ws.write_string(r, c, text, styles.quoted if value.startswith(TRIGGERS) else None)
    elif isinstance(value, bool | np.bool_):
        ws.write_boolean(r, c, bool(value))
    elif isinstance(value, int | float | np.integer | np.floating):
        if math.isfinite(value):
            ws.write_number(r, c, float(value) if isinstance(value, np.floating) else value)
    elif isinstance(value, dt.datetime | dt.date):
        if isinstance(value, dt.datetime):
            ws.write_datetime(r, c, value.replace(tzinfo=None), styles.datetime)
        else:
            ws.write_datetime(r, c, value, styles.date)
    else:
        text = str(value)
        ws.write_string(r, c, text, styles.quoted if text.startswith(TRIGGERS) else None)


def _width_text(value: object) -> str:
    """How wide a value prints (for the column width only)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
