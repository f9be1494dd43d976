"""Cells that a spreadsheet would run as formulas, made inert in every file we write.

A firm named ``=HYPERLINK("http://evil.example","clic")`` or ``@SUM(...)`` typed into the
registry, exported and opened in Excel or LibreOffice, would run as a formula on the reader's
machine (CSV/formula injection, OWASP). Every writer of csv and xlsx (CLI and web) goes
through this module:

* CSV has no types, so a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
  return gets a leading ``'`` (what Excel itself shows for text typed that way); the registry
  importer removes that quote again (:func:`unescape`) so export → import stays a round trip.
* xlsx cells have types: such text is stored as a string cell with Excel's "quote prefix"
  style (:func:`protect_sheet`), so the value stays exactly the text and is never a formula,
  even when someone edits the cell later.

Only text is touched: a genuine negative number (``-0.025``) stays a number in both formats.
"""

from __future__ import annotations

from typing import Any

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


def csv_text(df: pd.DataFrame) -> str:
    """``df`` as CSV text (no index) with formula-like text cells escaped.

    A carriage return inside a text cell becomes a line feed: pandas leaves a field holding a
    bare CR unquoted, which splits the row for every reader (xlsx readers normalise it to LF
    too, as XML requires).
    """
    out = escape_frame(df)
    for column in _text_columns(out):
        out[column] = out[column].astype(object).map(_one_line_break)
    return out.to_csv(index=False)


def _one_line_break(value: Any) -> Any:
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def protect_sheet(ws: Any) -> int:
    """Turn every formula-like text cell of an openpyxl worksheet into plain text.

    Our writers never write formulas, so every cell openpyxl took for one (any text starting
    with ``=``) is data; it becomes a string cell. Text starting with another trigger is
    already a string cell; all of them get the quote-prefix style so Excel keeps them text
    when the cell is edited. Returns how many cells were protected.
    """
    protected = 0
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if cell.data_type == "f" or (isinstance(value, str) and value.startswith(TRIGGERS)):
                cell.data_type = "s"
                cell.quotePrefix = True
                protected += 1
    return protected
