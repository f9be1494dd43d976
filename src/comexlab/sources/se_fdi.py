"""Secretaría de Economía: foreign direct investment (IED) by state × type, quarterly.

File ``se_fdi_by_state/ied_entidad_tipo.csv.gz`` (comma-separated, UTF-8): columns
``entidad, tipo_de_inversion, anio, trimestre, fecha, millones_de_dolares,
fn_millones_de_dolares``, one row per state × type × quarter, 2006Q1–2024Q2, USD **millions**.

Normalisation: ``entidad`` → INEGI two-digit state code; the three SE types → ``new``
(Nuevas inversiones), ``reinvested`` (Reinversión de utilidades), ``intercompany`` (Cuentas
entre compañías); values → USD (× 1,000,000). SE writes "C" (confidencial) where it withholds a
figure: kept as NULL with ``confidential`` true, never read as 0. Negative values are real
(disinvestment, repaid intercompany loans) and kept. ``fn_millones_de_dolares`` is undocumented
(it equals the value up to float rounding) and ignored. Any other bad cell — unknown state or
type, year outside 2000–2100, quarter not 1–4, a value that is not a number, a repeated
state × type × quarter, a row of the wrong width — refuses the whole file with file, row, field.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pyarrow as pa

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.nomenclature.states import state
from comexlab.sources.establishments import Problems, clean, read_text

SOURCE = "se_fdi"
FOLDER = "se_fdi_by_state"
FILE = "ied_entidad_tipo.csv.gz"
TABLE = "fdi_state_quarter"
COLUMNS = ("entidad", "tipo_de_inversion", "anio", "trimestre", "millones_de_dolares")
TYPES = {"nuevas inversiones": "new", "reinversión de utilidades": "reinvested",
         "reinversion de utilidades": "reinvested", "cuentas entre compañías": "intercompany",
         "cuentas entre companias": "intercompany"}
CONFIDENTIAL = "C"
SCHEMA = pa.schema([
    ("state_code", pa.string()), ("investment_type", pa.string()), ("year", pa.int16()),
    ("quarter", pa.int8()), ("value_usd", pa.float64()), ("confidential", pa.bool_()),
])


def _int(text: str, low: int, high: int) -> int | None:
    try:
        value = int(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def _value(text: str) -> tuple[float | None, bool, bool]:
    """(USD, confidential, ok) of a USD-millions cell."""
    if text.upper() == CONFIDENTIAL:
        return None, True, True
    try:
        millions = float(text)
    except ValueError:
        return None, False, False
    if not math.isfinite(millions):
        return None, False, False
    return millions * 1_000_000, False, True


def _row(cells: dict[str, str], line: int, problems: Problems,
         seen: set[tuple[str, str, int, int]]) -> dict[str, object] | None:
    try:
        code = state(cells["entidad"]).inegi
    except ValueError:
        problems.add(line, "entidad", "supply.error.unknown_state", cells["entidad"])
        code = None
    kind = TYPES.get(cells["tipo_de_inversion"].lower())
    if kind is None:
        problems.add(line, "tipo_de_inversion", "sites.error.fdi_type",
                     cells["tipo_de_inversion"])
    year = _int(cells["anio"], 2000, 2100)
    if year is None:
        problems.add(line, "anio", "sites.error.year", cells["anio"])
    quarter = _int(cells["trimestre"], 1, 4)
    if quarter is None:
        problems.add(line, "trimestre", "sites.error.quarter", cells["trimestre"])
    value, confidential, ok = _value(cells["millones_de_dolares"])
    if not ok:
        problems.add(line, "millones_de_dolares", "supply.error.number",
                     cells["millones_de_dolares"])
    if code is None or kind is None or year is None or quarter is None or not ok:
        return None
    key = (code, kind, year, quarter)
    if key in seen:
        problems.add(line, "entidad/tipo_de_inversion/anio/trimestre", "supply.error.duplicate",
                     " ".join(map(str, key)))
        return None
    seen.add(key)
    return {"state_code": code, "investment_type": kind, "year": year, "quarter": quarter,
            "value_usd": value, "confidential": confidential}


def load(path: Path) -> pa.Table:
    """Read and validate the whole file; any bad row refuses it (nothing is written)."""
    try:
        rows = list(csv.reader(io.StringIO(read_text(path), newline="")))
    except csv.Error as exc:
        raise InputError(Msg("supply.error.unreadable", reason=str(exc)), file=path) from exc
    if not rows:
        raise InputError(Msg("supply.error.empty_file"), file=path)
    header = [clean(h).lower() for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(Msg("supply.error.missing_columns", columns=", ".join(missing)),
                         file=path, row=1)
    if len(rows) < 2:
        raise InputError(Msg("supply.error.no_rows"), file=path)
    problems, out, seen = Problems(path), [], set()  # type: ignore[var-annotated]
    for line, raw in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        if len(raw) != len(header):
            problems.add(line, "*", "supply.error.row_width", f"{len(raw)} != {len(header)}")
            continue
        row = _row({h: clean(c) for h, c in zip(header, raw, strict=True)}, line, problems,
                   seen)
        if row is not None:
            out.append(row)
    problems.raise_if_any()
    return pa.Table.from_pylist(out, schema=SCHEMA)
