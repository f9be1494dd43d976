"""INEGI EAEF: annual exports of each Mexican state by SCIAN subsector, 2007–2018.

The long file has ``Código, Descripción, state, year, USD`` with values in **thousands** of US
dollars (converted to USD here, exactly: integers × 1000). ``Código`` is ``NA`` for two
different things, kept distinct: the state total ("Exportaciones totales" → product_code
'TOTAL', level 'total') and exports INEGI could not assign to a subsector ("Subsectores no
especificados" → product_code 'UNSPECIFIED', level 'scian3', so subsector rows still add up
to the total, within INEGI's own rounding of ±2 thousand USD). EAEF has no destination
dimension: partner is 'WLD'. Only mining and manufacturing are covered (no agriculture).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from comexlab.errors import AuditNote, InputError, Problem
from comexlab.i18n import Msg
from comexlab.nomenclature.scian import subsectors
from comexlab.nomenclature.states import state
from comexlab.sources import flowtable as ft

SOURCE = "inegi_eaef"
FOLDER = "inegi_state_exports"
PATTERN = "eaef_state_subsector_exports_2007_2018_long.csv"
COLUMNS = ("Código", "Descripción", "state", "year", "USD")
TOTAL_LABEL = "Exportaciones totales"
UNSPECIFIED_LABEL = "Subsectores no especificados"
UNSPECIFIED_CODE = "UNSPECIFIED"
UNIT = 1000  # the file is in thousands of USD


def _product_codes(df: pd.DataFrame, path: Path) -> tuple[pd.Series, pd.Series]:
    """product_code and product_level per row; an NA code must be one of the two known labels."""
    code = df["Código"].str.strip()
    label = df["Descripción"].str.strip()
    is_na = code.isin(["NA", ""])
    product = code.where(~is_na, None)
    product = product.mask(is_na & (label == TOTAL_LABEL), "TOTAL")
    product = product.mask(is_na & (label == UNSPECIFIED_LABEL), UNSPECIFIED_CODE)
    unknown = product.isna() | (~is_na & ~code.isin(list(subsectors())))
    if unknown.any():
        rows = df.index[unknown.to_numpy()]
        raise InputError(
            Msg("error.src.eaef_unknown_rows", n=len(rows), total=TOTAL_LABEL,
                unspecified=UNSPECIFIED_LABEL),
            problems=[Problem.of(Msg("error.src.unknown_subsector"), str(path), ft.file_row(i),
                                 "Código", f"{df.at[i, 'Código']} {df.at[i, 'Descripción']}")
                      for i in rows[: ft.MAX_PROBLEMS]])
    level = pd.Series("scian3", index=df.index).mask(product == "TOTAL", "total")
    return product, level


def load(paths: Sequence[Path]) -> ft.FlowLoad:
    """Read the EAEF long file(s) into state-level annual flow rows."""
    tables = []
    for path in paths:
        df = ft.read_strings(path, COLUMNS)
        year = ft.parse_numbers(df, "year", path, integer=True).astype(int)
        value = ft.parse_numbers(df, "USD", path, integer=True)
        reporter = ft.map_codes(df, "state", path, lambda name: state(name).reporter)
        product, level = _product_codes(df, path)
        keyed = df.assign(_product=product)
        ft.check_unique(keyed, ("state", "year", "_product"), path)
        out = pd.DataFrame({
            "reporter": reporter, "year": year, "period": year.astype(str),
            "product_code": product, "product_level": level,
            "value_usd": value.astype("float64") * UNIT,
        })
        out["classification"] = out["product_level"].map({"total": "TOTAL", "scian3": "SCIAN"})
        out["source"] = SOURCE
        out["reporter_level"] = "state"
        out["reported_by"] = "MEX"
        out["partner"] = "WLD"
        out["flow"] = "export"
        tables.append(ft.to_flow_table(out))
    notes = (AuditNote("unit_converted", sum(t.num_rows for t in tables),
                       Msg("audit.detail.thousands_usd")),)
    return ft.FlowLoad(SOURCE, ft.concat(tables), tuple(paths), notes)
