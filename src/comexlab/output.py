"""Write a result table the way the user asked: a rich table on screen, or csv/json/parquet/xlsx.

Every CLI command that yields a table goes through :func:`emit`, so the ``--format`` and
``--output`` options behave the same everywhere (sqlite-utils' shared output options pattern).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from comexlab.errors import InputError
from comexlab.i18n import Msg, t
from comexlab.settings import get_settings
from comexlab.spreadsheet import TRIGGERS, csv_text


class OutputFormat(StrEnum):
    """Output formats every table-producing command accepts."""

    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"
    xlsx = "xlsx"


BINARY_FORMATS = (OutputFormat.parquet, OutputFormat.xlsx)


def _rich_table(df: pd.DataFrame, title: str | None, max_rows: int,
                wrap: Sequence[str] | None = None, lang: str = "es") -> Table:
    """``wrap``: the only columns allowed to wrap (the others keep one line); None = all."""
    table = Table(title=title, show_lines=False, header_style="bold")
    for col in df.columns:
        numeric = pd.api.types.is_numeric_dtype(df[col])
        keep = wrap is not None and col not in wrap
        table.add_column(str(col), justify="right" if numeric else "left",
                         overflow="ellipsis" if keep else "fold", no_wrap=keep)
    for _, row in df.head(max_rows).iterrows():
        table.add_row(*(_cell(v) for v in row.tolist()))
    if len(df) > max_rows:
        table.caption = t("output.truncated", lang, shown=max_rows, total=f"{len(df):,}")
    return table


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if abs(value) < 1 else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


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
            quoted = wb.add_format({"quote_prefix": True})
            for r, text in enumerate(("notes", *notes)):
                _xlsx_write(ws, r, 0, str(text), quoted)
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
    quoted = wb.add_format({"quote_prefix": True})
    for idx, col in enumerate(df.columns):
        fmt = _xlsx_format(df[col], col in percent)
        width = max(len(str(col)), *(len(_cell(v)) for v in df[col].head(200).tolist()), 4)
        ws.set_column(idx, idx, min(width + 2, 60),
                      wb.add_format({"num_format": fmt}) if fmt else None)
        ws.write_string(0, idx, str(col), header)
    for r, row in enumerate(df.itertuples(index=False, name=None), start=1):
        for c, value in enumerate(row):
            _xlsx_write(ws, r, c, value, quoted)


def _xlsx_write(ws: Any, r: int, c: int, value: object, quoted: Any) -> None:
    """One typed cell: blank for missing, numbers as numbers, text never a formula."""
    if value is None or value is pd.NA or value is pd.NaT:
        return
    if isinstance(value, str):
        # XML keeps no bare CR (readers would see "_x000D_"): a line break is a line feed.
        text = value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
        ws.write_string(r, c, text, quoted if value.startswith(TRIGGERS) else None)
    elif isinstance(value, bool | np.bool_):
        ws.write_boolean(r, c, bool(value))
    elif isinstance(value, int | float | np.integer | np.floating):
        if math.isfinite(value):
            ws.write_number(r, c, float(value) if isinstance(value, np.floating) else value)
    elif isinstance(value, dt.datetime | dt.date):
        ws.write_datetime(r, c, value)
    else:
        text = str(value)
        ws.write_string(r, c, text, quoted if text.startswith(TRIGGERS) else None)

def _default_lang() -> str:
    return get_settings().lang


def emit(df: pd.DataFrame, fmt: OutputFormat = OutputFormat.table, *, output: Path | None = None,
         title: str | None = None, max_rows: int = 50, percent_columns: Sequence[str] = (),
         notes: Sequence[str] = (), console: Console | None = None,
         wrap: Sequence[str] | None = None, lang: str | None = None) -> None:
    """Render ``df`` in ``fmt`` to ``output`` (or stdout); binary formats require ``output``.

    ``wrap`` (screen tables only) names the columns that may wrap to fit the terminal; the others
    stay on one line (figures are unreadable broken over lines). None lets every column wrap.
    ``lang``: language of the table's own words (default: the COMEXLAB_LANG setting).
    """
    if fmt in BINARY_FORMATS and output is None:
        raise InputError(Msg("error.binary_output", fmt=fmt.value), field="--output")
    if fmt is OutputFormat.table:
        con = console or Console()
        con.print(_rich_table(df, title, max_rows, wrap, lang or _default_lang()))
        for note in notes:
            con.print(f"[dim]{note}[/dim]")
        return
    if fmt is OutputFormat.xlsx:
        assert output is not None
        write_xlsx({title or "data": df}, output, percent_columns=percent_columns, notes=notes)
        return
    if fmt is OutputFormat.parquet:
        assert output is not None
        df.to_parquet(output, index=False)
        return
    text = (csv_text(df) if fmt is OutputFormat.csv
            else df.to_json(orient="records", force_ascii=False, indent=1))
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text, encoding="utf-8")
