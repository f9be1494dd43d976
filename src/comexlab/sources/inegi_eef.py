"""INEGI EEF: annual exports of each Mexican state by SCIAN subsector, 2007 onwards.

The open-data package ``conjunto_de_datos_eef`` (INEGI, *Estadística de Exportaciones Anuales
por Entidad Federativa*, identifier MEX-INEGI.EEC6.03-ETEF-2025) as INEGI publishes it:

* ``eef_estatal_anual_tr_cifra_2007_2025.csv`` (UTF-8, comma, one row per year × state ×
  subsector code): ``PROD_EST, COBERTURA, ANIO, CVE_ENT, CODIGO_SCIAN, VAL_USD,
  ESTATUS_CIFRA, ESTATUS``. ``VAL_USD`` is in **thousands** of US dollars, FOB (the package's
  data dictionary: "valor de venta expresado en miles de dólares estadounidenses"); converted
  to USD here exactly (integer × 1000). Check: the 2025 sum is 602,421,110 thousand = the
  "602,421 millones de dólares" of the package's metadata.
* ``tc_entidad.csv`` and ``tc_scian.csv``, INEGI's catalogs, read from the same folder: every
  state and subsector code of the data must be in them, and the catalog's state names must be
  the project's states (nomenclature/states) under the same INEGI code.

Flags, kept rather than flattened:

* ``ESTATUS`` (Cifras Definitivas / Revisadas / Preliminares: per year; 2025 preliminary,
  2018–2024 revised in the 2026-03-31 release) → the flow column ``revision_status``
  ('definitive' | 'revised' | 'preliminary'), so every report can say which figures may change.
* ``ESTATUS_CIFRA`` = Disponible → a flow row. Any other status (Confidencial, No disponible,
  No significativo = under 500 USD, No aplica) has an empty ``VAL_USD``: it becomes a row of the
  side table ``flow_withheld`` (no value column), never a flow row — a 0 or a NULL in ``flow``
  would be summed as if known.
* ``CODIGO_SCIAN`` 000 is INEGI's "Subsectores no especificados": the *sum* of the subsectors
  withheld for confidentiality in that state and year. It is a published figure (part of the
  state total) but belongs to no single subsector: product_code 'UNSPECIFIED' (the same code
  as EAEF's row of that name), which no subsector cut and no allocation share ever takes as a
  subsector.

There is no total row: a state's total is the sum of its rows (subsectors + UNSPECIFIED), as
INEGI computes it. Sector 11 (agriculture: 111, 112, 114) has figures from 2018 only. No
destination dimension: partner is 'WLD'.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from comexlab.errors import AuditNote, InputError, Problem
from comexlab.i18n import Msg
from comexlab.nomenclature.scian import subsectors
from comexlab.nomenclature.states import state
from comexlab.sources import flowtable as ft
from comexlab.sources.files import data_path

SOURCE = "inegi_eef"
FOLDER = "inegi_eef_state_exports_2007_2025"
PATTERN = "eef_estatal_anual_tr_cifra_*.csv*"
COLUMNS = ("PROD_EST", "COBERTURA", "ANIO", "CVE_ENT", "CODIGO_SCIAN", "VAL_USD",
           "ESTATUS_CIFRA", "ESTATUS")
STATE_CATALOG = "tc_entidad.csv"
SCIAN_CATALOG = "tc_scian.csv"
UNSPECIFIED_SCIAN = "000"
UNSPECIFIED_CODE = "UNSPECIFIED"
UNIT = 1000  # VAL_USD is in thousands of USD
COVERAGE = "estatal"
AVAILABLE = "available"
#: ESTATUS_CIFRA (case-insensitive) → cell status.
CELL_STATUS = {"disponible": AVAILABLE, "no disponible": "not_available",
               "confidencial": "confidential", "no significativo": "not_significant",
               "no aplica": "not_applicable"}
#: ESTATUS (case-insensitive, final period ignored) → flow.revision_status.
REVISION_STATUS = {"cifras definitivas": "definitive", "cifras revisadas": "revised",
                   "cifras preliminares": "preliminary"}
KEY = ("ANIO", "CVE_ENT", "CODIGO_SCIAN")
FIRST_YEAR = 2007

#: Arrow schema of the ``flow_withheld`` side table (warehouse/schema.py).
WITHHELD_SCHEMA = pa.schema([
    ("source", pa.string()), ("reporter", pa.string()), ("period", pa.string()),
    ("year", pa.int16()), ("product_code", pa.string()), ("cell_status", pa.string()),
    ("revision_status", pa.string()),
])


# --------------------------------------------------------------------------- catalogs
def _catalog(folder: Path, name: str, columns: tuple[str, str]) -> tuple[Path, pd.DataFrame]:
    path = data_path(name, data_dir=folder)
    df = ft.read_strings(path, columns)
    ft.check_unique(df, (columns[0],), path)
    return path, df


def state_catalog(folder: Path) -> dict[str, str]:
    """CVE_ENT → warehouse reporter ('11' → 'MX-GTO') from INEGI's ``tc_entidad.csv``.

    The catalog's name must name the same state as its code in the project's state table
    (a shuffled catalog would file every figure under the wrong state). Code 33 "Otras
    entidades" (and 00) are not states: they stay out of the map, so data rows with them fail.
    """
    path, df = _catalog(folder, STATE_CATALOG, ("CVE_ENT", "NOM_ENTIDAD"))
    out: dict[str, str] = {}
    for i, code, name in zip(df.index, padded(df["CVE_ENT"], 2), df["NOM_ENTIDAD"].str.strip(),
                             strict=True):
        if not (code.isdigit() and 1 <= int(code) <= 32):
            continue
        try:
            by_name = state(name)
        except ValueError:
            by_name = None
        if by_name is None or by_name.inegi != code:
            raise InputError(Msg("error.eef.catalog_state", code=code, name=name), file=path,
                             row=ft.file_row(i), field="NOM_ENTIDAD", value=name)
        out[code] = by_name.reporter
    return out


def scian_catalog(folder: Path) -> dict[str, str]:
    """CODIGO_SCIAN → warehouse product code from INEGI's ``tc_scian.csv``.

    Every code must be 000 or a subsector of the project's SCIAN table (whose Spanish names
    are INEGI's, so reports label subsectors with the catalog's words).
    """
    path, df = _catalog(folder, SCIAN_CATALOG, ("CODIGO_SCIAN", "DESCRIPCION"))
    known = subsectors()
    out: dict[str, str] = {}
    for i, code in zip(df.index, padded(df["CODIGO_SCIAN"], 3), strict=True):
        if code == UNSPECIFIED_SCIAN:
            out[code] = UNSPECIFIED_CODE
        elif code in known:
            out[code] = code
        else:
            raise InputError(Msg("error.eef.catalog_scian", code=code), file=path,
                             row=ft.file_row(i), field="CODIGO_SCIAN", value=code)
    return out


# --------------------------------------------------------------------------- data file
def _closed(df: pd.DataFrame, column: str, path: Path, mapping: dict[str, str],
            key: str) -> pd.Series:
    """Map a status column through its closed list (case-insensitive, final '.' ignored)."""
    norm = df[column].str.strip().str.rstrip(".").str.strip().str.casefold()
    out = norm.map(mapping)
    ft.fail_at_first(df, out.isna(), path, column,
                     Msg(key, known=", ".join(mapping)))
    return out


def padded(codes: pd.Series, width: int) -> pd.Series:
    """Digit codes with their leading zeros back ('1' → '01', '0' → '000').

    A spreadsheet that re-saves INEGI's CSV turns '01' into 1 and '000' into 0; the code is
    still unambiguous, so it is restored rather than refused. Anything else is left as is
    (and fails the catalog check).
    """
    raw = codes.str.strip()
    return raw.where(~raw.str.fullmatch(rf"\d{{1,{width}}}"), raw.str.zfill(width))


def _coded(df: pd.DataFrame, column: str, path: Path, catalog: dict[str, str],
           catalog_name: str, width: int) -> pd.Series:
    out = padded(df[column], width).map(catalog)
    ft.fail_at_first(df, out.isna(), path, column,
                     Msg("error.eef.unknown_code", catalog=catalog_name))
    return out


def _values(df: pd.DataFrame, path: Path, available: pd.Series) -> pd.Series:
    """VAL_USD: a whole number ≥ 0 where the figure is available, empty everywhere else."""
    raw = df["VAL_USD"].str.strip()
    ft.fail_at_first(df, ~available & (raw != ""), path, "VAL_USD",
                     Msg("error.eef.value_for_withheld"))
    values = ft.parse_numbers(df.assign(VAL_USD=raw.where(available, "")), "VAL_USD", path,
                              integer=True, allow_blank=True)
    ft.fail_at_first(df, available & raw.eq(""), path, "VAL_USD",
                     Msg("error.eef.value_missing"))
    ft.fail_at_first(df, available & (values < 0), path, "VAL_USD",
                     Msg("error.eef.value_negative"))
    return values


def _parse(path: Path, states_of: dict[str, str], products_of: dict[str, str]) -> pd.DataFrame:
    """One data file → validated columns (reporter, year, product_code, statuses, value_usd)."""
    df = ft.read_strings(path, COLUMNS)
    if df.empty:
        raise InputError(Msg("error.eef.no_rows"), file=path, row=2)
    coverage = df["COBERTURA"].str.strip().str.casefold()
    ft.fail_at_first(df, coverage != COVERAGE, path, "COBERTURA",
                     Msg("error.eef.coverage"))
    ft.check_codes(df, "ANIO", path, digits=4)
    year = df["ANIO"].astype(int)
    ft.fail_at_first(df, year < FIRST_YEAR, path, "ANIO",
                     Msg("error.eef.year", first=FIRST_YEAR))
    reporter = _coded(df, "CVE_ENT", path, states_of, STATE_CATALOG, 2)
    product = _coded(df, "CODIGO_SCIAN", path, products_of, SCIAN_CATALOG, 3)
    cell = _closed(df, "ESTATUS_CIFRA", path, CELL_STATUS, "error.eef.cell_status")
    revision = _closed(df, "ESTATUS", path, REVISION_STATUS, "error.eef.revision_status")
    value = _values(df, path, cell == AVAILABLE)
    return pd.DataFrame({
        "reporter": reporter, "year": year, "period": df["ANIO"], "product_code": product,
        "cell_status": cell, "revision_status": revision, "value_usd": value * UNIT,
        "_file": str(path), "_row": [ft.file_row(i) for i in df.index],
        "_key": df["ANIO"] + "/" + padded(df["CVE_ENT"], 2) + "/"
                + padded(df["CODIGO_SCIAN"], 3),
    })


def _check_unique(parsed: pd.DataFrame) -> None:
    """A (year, state, subsector) twice — in one file or across files — is refused."""
    dup = parsed.duplicated(["year", "reporter", "product_code"], keep="first")
    if dup.any():
        rows = parsed[dup.to_numpy()].head(ft.MAX_PROBLEMS)
        raise InputError(
            Msg("error.src.duplicated_rows", n=int(dup.sum()), key=str(KEY)),
            problems=[Problem.of(Msg("error.src.duplicated_key", key=", ".join(KEY)), file,
                                 int(row), "CODIGO_SCIAN", key)
                      for file, row, key in rows[["_file", "_row", "_key"]].to_numpy()])


def load(paths: Sequence[Path]) -> ft.FlowLoad:
    """Read EEF data file(s) (catalogs beside each) into state-level annual flow rows."""
    frames = []
    for path in paths:
        path = Path(path)
        frames.append(_parse(path, state_catalog(path.parent), scian_catalog(path.parent)))
    parsed = pd.concat(frames, ignore_index=True)
    _check_unique(parsed)
    available = parsed["cell_status"] == AVAILABLE
    shown = parsed[available]
    out = pd.DataFrame({
        "reporter": shown["reporter"], "year": shown["year"], "period": shown["period"],
        "product_code": shown["product_code"], "value_usd": shown["value_usd"].astype(float),
        "revision_status": shown["revision_status"],
    })
    table = ft.to_flow_table(out, {
        "source": SOURCE, "reporter_level": "state", "reported_by": "MEX", "partner": "WLD",
        "flow": "export", "classification": "SCIAN", "product_level": "scian3"})
    hidden = parsed[~available]
    withheld = pa.Table.from_pandas(
        pd.DataFrame({"source": SOURCE, "reporter": hidden["reporter"],
                      "period": hidden["period"], "year": hidden["year"],
                      "product_code": hidden["product_code"],
                      "cell_status": hidden["cell_status"],
                      "revision_status": hidden["revision_status"]}),
        schema=WITHHELD_SCHEMA, preserve_index=False)
    return ft.FlowLoad(SOURCE, table, tuple(Path(p) for p in paths),
                       _notes(parsed, table.num_rows), withheld=withheld)


def _notes(parsed: pd.DataFrame, rows: int) -> tuple[AuditNote, ...]:
    """Unit conversion, withheld cells by status, and the years that are not definitive."""
    notes = [AuditNote("unit_converted", rows, Msg("audit.detail.thousands_usd"))]
    hidden = parsed[parsed["cell_status"] != AVAILABLE]
    for status, count in sorted(hidden["cell_status"].value_counts().items()):
        notes.append(AuditNote(f"withheld_{status}", int(count),
                               Msg("audit.detail.withheld")))
    unspecified = int(((parsed["product_code"] == UNSPECIFIED_CODE)
                       & (parsed["cell_status"] == AVAILABLE)).sum())
    notes.append(AuditNote("confidential_sum", unspecified,
                           Msg("audit.detail.confidential_sum")))
    for status, years in parsed.groupby("revision_status")["period"]:
        if status != "definitive":
            span = sorted(str(y) for y in set(years))
            notes.append(AuditNote(f"{status!s}_figures", len(span),
                                   Msg("audit.detail.span", span=f"{span[0]}–{span[-1]}"
                                       if len(span) > 1 else span[0]),
                                   tuple(span)))
    return tuple(notes)
