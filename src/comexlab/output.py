"""Write a result table the way the user asked: a rich table on screen, or csv/json/parquet/xlsx.

Every CLI command that yields a table goes through :func:`emit`, so the ``--format`` and
``--output`` options behave the same everywhere (sqlite-utils' shared output options pattern).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pandas as pd
from rich import box
from rich.cells import cell_len
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

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


TEXT_MIN = 12
"""The narrowest a wrapping text column gets: most words fit, so wrapping stays between words."""
WRAP_OVER = 16
"""Automatic choice: a text column whose longest cell is wider than this may wrap; narrower
columns (codes, amounts, percents, short names) keep one line."""
KEY_SHARE = 0.4
"""Record layout: at most this share of the width goes to the field names."""
_ONE = r"[−+-]?(US\$ ?)?\d[\d,\u00a0\u202f ]*(\.\d+)?(%| ?(mil M|M|bn|m|k|km))?"
_FIGURE = re.compile(f"{_ONE}(→{_ONE})?")
"""A formatted figure (12,345 · 41.39% · US$3.68 mil M · −0.2 · 0.06%→1.45%): right-aligned
like numbers."""


@dataclass(frozen=True, slots=True)
class _ScreenColumn:
    """One column of a screen table: its header, its cells as text, and how it may bend."""

    header: str
    cells: tuple[str, ...]
    numeric: bool
    wraps: bool

    @property
    def natural(self) -> int:
        """Width that shows the header and every cell on one line."""
        return max(cell_len(x) for x in (self.header, *self.cells))

    @property
    def least(self) -> int:
        """The least width of the column's content.

        Every cell whole for a column that keeps one line, ``TEXT_MIN`` for a text column;
        the header's longest word in both (headers wrap between words).
        """
        word = max((cell_len(w) for w in self.header.split()), default=0)
        if not self.wraps:
            return max(word, *(cell_len(x) for x in self.cells), 1)
        return min(self.natural, max(TEXT_MIN, word))


def screen_table(df: pd.DataFrame, *, title: str | None = None, width: int = 80,
                 max_rows: int = 50, wrap: Sequence[str] | None = None,
                 lang: str = "es") -> Table | Group:
    """The one way the CLI draws a table: readable at ``width`` (an 80-column terminal too).

    Figures, codes and other short cells never wrap; text columns (``wrap``, or by default the
    non-numeric columns with cells wider than :data:`WRAP_OVER`) wrap between words and get
    what width is left; a word wider than its column is cut with "…", never split over lines.
    When the one-line columns and :data:`TEXT_MIN` per text column do not fit in ``width``,
    the vertical rules go; when they still do not fit, each row becomes a block of
    "field  value" lines instead (a record layout, like psql's
    expanded display): a rich table squeezed below its content breaks words and numbers
    letter by letter. Cells are plain text (a firm named "[bold]" is shown as typed).
    """
    shown = df.head(max_rows)
    columns = [_column(str(name), shown.iloc[:, i], wrap) for i, name in enumerate(df.columns)]
    table = _record_table(columns, title, width)
    for compact in (False, True):  # ruled grid; then no vertical rules (4 columns more room)
        widths = _fit(columns, width - (3 * len(columns) - 3 if compact else
                                        3 * len(columns) + 1))
        if widths is not None:
            table = _wide_table(columns, widths, title, compact=compact)
            break
    if len(df) > max_rows:  # below the table, not as its caption: a caption wraps to the
        #                     table's width and rich folds its words letter by letter
        return Group(table, Text(t("output.truncated", lang, shown=max_rows,
                                   total=f"{len(df):,}"), style="dim"))
    return table


def _column(name: str, values: pd.Series, wrap: Sequence[str] | None) -> _ScreenColumn:
    cells = tuple(_cell(v) for v in values.tolist())
    filled = [x for x in cells if x not in ("", "—")]
    numeric = pd.api.types.is_numeric_dtype(values) or (  # digits only: codes, left-aligned
        all(_FIGURE.fullmatch(x) for x in filled)
        and not (filled and all(x.isdigit() for x in filled)))
    if wrap is not None:
        wraps = name in wrap
    else:
        wraps = not numeric and any(" " in x for x in cells) and max(
            map(cell_len, cells), default=0) > WRAP_OVER
    return _ScreenColumn(name, cells, numeric, wraps)


def _fit(columns: Sequence[_ScreenColumn], room: int) -> list[int] | None:
    """Content widths of the columns in ``room``, or None when even the least do not fit.

    Each column gets its least width; the room left goes first to the text columns (fewer
    lines per row), in equal shares (a column that needs less than its share takes only what
    it needs), then to headers that would otherwise wrap, those lacking least first (as many
    as possible end up on one line).
    """
    widths = [c.least for c in columns]
    if sum(widths) > room:
        return None
    text = sorted((i for i, c in enumerate(columns) if c.wraps),
                  key=lambda i: columns[i].natural - widths[i])
    for n, i in enumerate(text):
        share = (room - sum(widths)) // (len(text) - n)
        widths[i] += min(columns[i].natural - widths[i], share)
    for i in sorted((i for i, c in enumerate(columns) if not c.wraps),
                    key=lambda i: columns[i].natural - widths[i]):
        widths[i] += min(columns[i].natural - widths[i], room - sum(widths))
    return widths


def _wide_table(columns: Sequence[_ScreenColumn], widths: Sequence[int], title: str | None,
                *, compact: bool) -> Table:
    table = (Table(title=title, header_style="bold", box=box.SIMPLE_HEAD, show_edge=False,
                   pad_edge=False) if compact else Table(title=title, header_style="bold"))
    for column, width in zip(columns, widths, strict=True):
        table.add_column(column.header, width=width, overflow="ellipsis",
                         justify="right" if column.numeric else "left",
                         no_wrap=not column.wraps and width >= column.natural)
    for row in zip(*(c.cells for c in columns), strict=True):
        table.add_row(*(Text(x) for x in row))
    return table


def _record_table(columns: Sequence[_ScreenColumn], title: str | None, width: int) -> Table:
    """Each row as "field  value" lines, rows separated by a rule (the narrow layout)."""
    key = min(max(cell_len(c.header) for c in columns), int(width * KEY_SHARE))
    value = max(width - 7 - key, 1)  # two columns: padding and three rules
    table = Table(title=title, show_header=False, show_lines=False)
    table.add_column(width=key, overflow="ellipsis", style="bold")
    table.add_column(width=value, overflow="ellipsis")
    rows = list(zip(*(c.cells for c in columns), strict=True))
    for n, row in enumerate(rows):
        for i, (column, cell) in enumerate(zip(columns, row, strict=True)):
            table.add_row(Text(column.header), Text(cell, style="bold" if i == 0 else ""),
                          end_section=i == len(columns) - 1 and n < len(rows) - 1)
    return table


def shorten(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, cut after a whole word and marked with "…".

    A first word longer than ``width`` is cut inside (there is no whole word to keep).
    """
    if cell_len(text) <= width:
        return text
    cut = text[:width - 1]
    if text[len(cut)] != " ":  # the cut is inside a word: drop that word
        cut = cut[:cut.rfind(" ")] if " " in cut else cut
    return cut.rstrip(" ,;:") + "…"


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
    stay on one line (figures are unreadable broken over lines). None: long text columns wrap
    (see :func:`screen_table`).
    ``lang``: language of the table's own words (default: the COMEXLAB_LANG setting).
    """
    if fmt in BINARY_FORMATS and output is None:
        raise InputError(Msg("error.binary_output", fmt=fmt.value), field="--output")
    if fmt is OutputFormat.table:
        con = console or Console()
        con.print(screen_table(df, title=title, width=con.width, max_rows=max_rows, wrap=wrap,
                               lang=lang or _default_lang()))
        for note in notes:
            con.print(Text(note, style="dim"))
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
