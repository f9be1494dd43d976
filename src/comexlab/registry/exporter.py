"""Export the registry to Excel or CSV in exactly the shape the importer reads.

Each entity becomes a table with the template's columns; lists (sectors, processes, countries)
are ``; ``-joined codes. Importing an export into an empty registry and exporting again gives
identical tables (tested), which is what lets an agency move between SQLite and PostgreSQL or
edit the registry in Excel.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from comexlab.errors import InputError
from comexlab.i18n import Msg, catalog, label, t
from comexlab.registry import cells
from comexlab.registry.entities import ENTITIES, Column, EntitySpec
from comexlab.spreadsheet import csv_bytes, write_xlsx

_DTYPES = {"int": "Int64", "float": "float64", "bool": "boolean"}


def frame(spec: EntitySpec, rows: Iterable[dict]) -> pd.DataFrame:
    """Rows of ``spec`` as a DataFrame with its columns in template order and stable dtypes."""
    df = pd.DataFrame(list(rows), columns=list(spec.column_names))
    typed: dict[str, Any] = {c.name: _DTYPES.get(c.kind, object) for c in spec.columns}
    df = df.astype(typed)
    for column in spec.columns:
        if column.kind not in _DTYPES:  # text, dates, lists: None (not NaN) when empty
            df[column.name] = df[column.name].where(df[column.name].notna(), None)
    return df


def export_frames(session: Session, entities: Iterable[str] | None = None
                  ) -> dict[str, pd.DataFrame]:
    """The registry's tables (all, or the named entities) as DataFrames."""
    names = list(entities) if entities else list(ENTITIES)
    unknown = [n for n in names if n not in ENTITIES]
    if unknown:
        raise InputError(Msg("import.unknown_entity", entities=", ".join(ENTITIES)),
                         field="entity", value=", ".join(unknown))
    return {name: frame(ENTITIES[name], ENTITIES[name].export(session)) for name in names}


def _doc(column: str, lang: str) -> str:
    """Help text of a column: its long description if it has one, else its label."""
    key = f"registry.doc.{column}"
    return t(key, lang) if key in catalog() else t(f"registry.col.{column}", lang)


def allowed_values(column: Column, lang: str) -> str:
    """The codes a choice column accepts, each with its name in ``lang`` ("oem (armadora)").

    Files keep the codes (the importer reads them in any language); the names tell the person
    filling the template which code means what. Empty for free-text columns.
    """
    if not isinstance(column.clean, cells.Choice):
        return ""
    vocabulary = column.clean.vocabulary
    return "; ".join(f"{code} ({label(vocabulary, code, lang)})"
                     if label(vocabulary, code, lang) != code else code
                     for code in column.clean.options)


def template_frames(entities: Iterable[str], lang: str = "es") -> dict[str, pd.DataFrame]:
    """Empty sheets with the right headers, plus a help sheet describing every column."""
    sheets: dict[str, pd.DataFrame] = {}
    help_rows = []
    for name in entities:
        spec = ENTITIES[name]
        sheets[name] = frame(spec, [])
        help_rows += [{
            t("registry.help.sheet", lang): name,
            t("registry.help.column", lang): c.name,
            t("registry.help.required", lang): t("registry.yes" if c.required else "registry.no",
                                                 lang),
            t("registry.help.description", lang): _doc(c.name, lang),
            t("registry.help.allowed", lang): allowed_values(c, lang),
        } for c in spec.columns]
    sheets["help"] = pd.DataFrame(help_rows)
    return sheets


def write_tables(frames: dict[str, pd.DataFrame], path: Path, *, fmt: str,
                 notes: Iterable[str] = ()) -> list[Path]:
    """Write ``frames`` as one workbook (xlsx) or one CSV per table; returns files written.

    CSV of several tables needs ``path`` to be a folder (created if missing). CSV files are
    UTF-8 with a BOM (so Excel in Spanish shows the accents) and their formula-like text cells
    are quoted (:mod:`comexlab.spreadsheet`; the importer removes the quote).
    """
    if fmt == "xlsx":
        write_xlsx(frames, path, notes=list(notes))
        return [path]
    if fmt != "csv":
        raise InputError(Msg("error.registry_export_format"), field="format", value=fmt)
    data = {k: v for k, v in frames.items() if k != "help"}
    if len(data) == 1 and path.suffix.lower() == ".csv":
        ((_, df),) = data.items()
        _write_csv(df, path)
        return [path]
    path.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in data.items():
        target = path / f"{name}.csv"
        _write_csv(df, target)
        written.append(target)
    return written


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    path.write_bytes(csv_bytes(df))
