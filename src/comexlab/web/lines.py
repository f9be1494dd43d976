"""Sorting, filtering and paging a finished scenario's line table for the browser.

The engine returns the full line table (one row per tariff line × flow); the page shows it a
page at a time. This is presentation only: rows are selected and ordered, never recomputed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.spreadsheet import csv_bytes, write_xlsx
from comexlab.web.views import Column, LinePage, RunResult

MAX_PAGE_SIZE = 200
#: The page's line table opens on the lines whose duty rises most (added duty, descending).
DEFAULT_SORT = "duty_change"


@dataclass(frozen=True)
class CompletedRun:
    """A finished run: what the pages show plus the line table behind the downloads."""

    result: RunResult
    lines: pd.DataFrame
    percent_columns: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def _text_columns(df: pd.DataFrame) -> list[str]:
    """Columns a text search looks in; the engine hands codes over as categoricals."""
    return [c for c in df.columns
            if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])
            or isinstance(df[c].dtype, pd.CategoricalDtype)]


def filter_sort(df: pd.DataFrame, *, q: str | None, sort: str | None, desc: bool) -> pd.DataFrame:
    """Rows whose text columns contain ``q`` (case-insensitive), ordered by ``sort``."""
    if q:
        needle = q.strip().lower()
        mask = pd.Series(False, index=df.index)
        for col in _text_columns(df):
            mask |= df[col].astype("string").str.lower().str.contains(needle, regex=False).fillna(
                False
            )
        df = df[mask]
    if sort:
        if sort not in df.columns:
            raise InputError(Msg("web.error.unknown_column", column=repr(sort)), field="sort",
                             value=sort)
        df = df.sort_values(sort, ascending=not desc, kind="stable", na_position="last")
    return df


def default_order(df: pd.DataFrame, sort: str | None, desc: bool) -> tuple[str | None, bool]:
    """The order a page asks for, or added duty descending when it asks for none."""
    if not sort and DEFAULT_SORT in df.columns:
        return DEFAULT_SORT, True
    return sort or None, desc


def page_of(
    df: pd.DataFrame,
    columns: list[Column],
    *,
    q: str | None = None,
    sort: str | None = None,
    desc: bool = False,
    page: int = 1,
    page_size: int = 50,
) -> LinePage:
    """One page of the filtered, sorted table (page numbers start at 1)."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    selected = filter_sort(df, q=q, sort=sort, desc=desc)
    total = len(selected)
    last = max(1, -(-total // page_size))
    page = max(1, min(page, last))
    chunk = selected.iloc[(page - 1) * page_size : page * page_size]
    names = [c.name for c in columns if c.name in chunk.columns]
    rows = [
        {str(k): (None if pd.isna(v) else v) for k, v in rec.items()}
        for rec in chunk[names].to_dict(orient="records")
    ]
    return LinePage(
        total=total, page=page, page_size=page_size, sort=sort, desc=desc, q=q,
        columns=[c for c in columns if c.name in names], rows=rows,
    )


def to_csv(df: pd.DataFrame) -> bytes:
    """The whole line table as UTF-8 CSV (with BOM so Excel reads the accents).

    Formula-like text (a scenario or line description starting with ``=``) is quoted.
    """
    return csv_bytes(df)


def to_xlsx(run: CompletedRun, title: str) -> bytes:
    """The line table as a formatted workbook (percent columns, notes sheet)."""
    buffer = io.BytesIO()
    write_xlsx({title[:31]: run.lines}, buffer, percent_columns=run.percent_columns,
               notes=run.notes)
    return buffer.getvalue()
