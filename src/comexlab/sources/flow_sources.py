"""Dispatch table of flow sources: name → loader, where its files are, what it can give.

Adding a source means adding one :class:`FlowSource` entry (pyfixest's model-registry pattern),
not another branch in the CLI. ``reconcile`` lists the totals checked after each load: the same
sum computed on the raw file (DuckDB SQL over ``raw``, all columns as text) and on the
warehouse rows of the source — an independent path from the loader's pandas parsing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from comexlab.errors import NotFoundError
from comexlab.i18n import Msg
from comexlab.sources import (
    census_intltrade,
    comtrade,
    datamexico,
    inegi_eaef,
    inegi_eef,
    usitc_dataweb,
)
from comexlab.sources.files import data_path
from comexlab.sources.flowtable import FlowLoad


@dataclass(frozen=True, slots=True)
class Check:
    """One reconciliation: a raw-file sum against the warehouse sum of the same rows.

    ``raw_sum`` over raw rows matching ``raw_where``, versus ``sum(wh_column)`` over the
    source's warehouse rows (of ``wh_table``) matching ``wh_where``.
    """

    label: str
    raw_sum: str
    raw_where: str
    wh_where: str
    wh_column: str = "value_usd"
    wh_table: str = "flow"


@dataclass(frozen=True, slots=True)
class FlowSource:
    """A flow source: its loader and files, and which dimensions it has (for honest reports)."""

    name: str
    loader: Callable[[Sequence[Path]], FlowLoad]
    folder: str
    pattern: str
    columns: tuple[str, ...]
    product_levels: tuple[str, ...]
    partners: bool  # has a destination/origin dimension
    frequency: str  # 'monthly' | 'annual'
    reporters: str  # what the reporter is
    caveat_key: str | None = None
    checks: tuple[Check, ...] = field(default_factory=tuple)
    read_csv: bool = True  # raw files readable by DuckDB read_csv (False: JSON answers)

    def default_files(self, data_dir: Path | None = None) -> list[Path]:
        """The source's files in the data directory (missing folder raises, naming it)."""
        folder = data_path(self.folder, data_dir=data_dir)
        files = sorted(folder.glob(self.pattern))
        if not files:
            raise NotFoundError(Msg("error.no_files", pattern=self.pattern, folder=str(folder)))
        return files


_USD_INT = "CAST({} AS DECIMAL(38, 2))"
_EEF_AVAILABLE = "lower(trim(\"ESTATUS_CIFRA\")) = 'disponible'"

SOURCES: dict[str, FlowSource] = {
    s.name: s
    for s in (
        FlowSource(
            usitc_dataweb.SOURCE, usitc_dataweb.load, usitc_dataweb.FOLDER,
            usitc_dataweb.PATTERN, usitc_dataweb.COLUMNS, ("hts10",), partners=False,
            frequency="monthly", reporters="MEX, CAN (mirror: US imports)",
            caveat_key="flows.caveat.mirror",
            checks=tuple(
                Check(f"{iso} {what}", _USD_INT.format(col), f"cty_code = '{census}'",
                      f"reporter = '{iso}'", wh_col)
                for iso, census in usitc_dataweb.CENSUS_CODES.items()
                for what, col, wh_col in (("total", "total_value", "value_usd"),
                                          ("USMCA-claimed", "usmca_value",
                                           "preference_value_usd"))
            ),
        ),
        FlowSource(
            inegi_eaef.SOURCE, inegi_eaef.load, inegi_eaef.FOLDER, inegi_eaef.PATTERN,
            inegi_eaef.COLUMNS, ("total", "scian3"), partners=False, frequency="annual",
            reporters="32 Mexican states", caveat_key="flows.caveat.inegi",
            checks=(
                Check("state totals", _USD_INT.format('"USD"') + " * 1000",
                      f"\"Descripción\" = '{inegi_eaef.TOTAL_LABEL}'", "product_level = 'total'"),
                Check("subsectors incl. unspecified", _USD_INT.format('"USD"') + " * 1000",
                      f"\"Descripción\" <> '{inegi_eaef.TOTAL_LABEL}'",
                      "product_level = 'scian3'"),
            ),
        ),
        FlowSource(
            inegi_eef.SOURCE, inegi_eef.load, inegi_eef.FOLDER, inegi_eef.PATTERN,
            inegi_eef.COLUMNS, ("scian3",), partners=False, frequency="annual",
            reporters="32 Mexican states", caveat_key="flows.caveat.inegi_eef",
            checks=(
                Check("published figures (all rows)", _USD_INT.format('"VAL_USD"') + " * 1000",
                      _EEF_AVAILABLE, "TRUE"),
                Check("code 000 (confidential sum)", _USD_INT.format('"VAL_USD"') + " * 1000",
                      f"{_EEF_AVAILABLE} AND trim(\"CODIGO_SCIAN\") = '000'",
                      f"product_code = '{inegi_eef.UNSPECIFIED_CODE}'"),
                Check("preliminary figures", _USD_INT.format('"VAL_USD"') + " * 1000",
                      f"{_EEF_AVAILABLE} AND lower(\"ESTATUS\") LIKE '%preliminar%'",
                      "revision_status = 'preliminary'"),
                Check("cells without a figure (a count, not USD)", "1",
                      f"NOT ({_EEF_AVAILABLE})", "TRUE", "1", "flow_withheld"),
            ),
        ),
        FlowSource(
            comtrade.SOURCE, comtrade.load, comtrade.FOLDER, comtrade.PATTERN, comtrade.COLUMNS,
            ("hs4",), partners=True, frequency="annual", reporters="MEX",
            caveat_key=comtrade.CAVEAT_KEY,
            checks=tuple(
                Check(f"{flow}s {who}", _USD_INT.format("tradevalue"),
                      f"imp_exp = '{code}' AND partner_code {op} '0'",
                      f"flow = '{flow}' AND partner {op} 'WLD'")
                for code, flow in comtrade.FLOWS.items()
                for who, op in (("by partner", "<>"), ("World rows", "="))
            ),
        ),
        FlowSource(
            datamexico.SOURCE, datamexico.load, datamexico.FOLDER, datamexico.PATTERN,
            datamexico.COLUMNS, ("hs6",), partners=True, frequency="monthly",
            reporters="Mexican states", caveat_key="flows.caveat.datamexico",
            checks=tuple(
                Check(f"{flow}s", _USD_INT.format('"Trade Value"'), f"\"Flow ID\" = '{code}'",
                      f"flow = '{flow}'")
                for code, flow in datamexico.FLOWS.items()
            ),
        ),
        FlowSource(
            census_intltrade.SOURCE, census_intltrade.load, census_intltrade.FOLDER,
            census_intltrade.PATTERN, census_intltrade.COLUMNS, ("hts10",), partners=False,
            frequency="monthly", reporters="any country (mirror: US imports)",
            caveat_key="flows.caveat.mirror", read_csv=False,
        ),
    )
}
#: Sources whose files ship in the shared data folder (``flows load --all``).
SHIPPED = ("usitc_dataweb", "inegi_eaef", "inegi_eef", "comtrade", "datamexico")


def get_source(name: str) -> FlowSource:
    """The source called ``name``; unknown names raise listing the known ones."""
    try:
        return SOURCES[name]
    except KeyError:
        raise NotFoundError(Msg("error.unknown_flow_source", name=repr(name),
                                 known=", ".join(SOURCES))) from None
