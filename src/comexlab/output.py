"""Write a result table the way the user asked: a rich table on screen, or csv/json/parquet/xlsx.

Every CLI command that yields a table goes through :func:`emit`, so the ``--format`` and
``--output`` options behave the same everywhere (sqlite-utils' shared output options pattern).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from comexlab.errors import InputError
from comexlab.i18n import Msg, t
from comexlab.settings import get_settings
from comexlab.spreadsheet import csv_text, write_xlsx


class OutputFormat(StrEnum):
    """Output formats every table-producing command accepts."""

    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"
    xlsx = "xlsx"


BINARY_FORMATS = (OutputFormat.parquet, OutputFormat.xlsx)



def _default_lang() -> str:
    return get_settings().lang


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
