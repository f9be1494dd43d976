"""Market services: where an exporter's product has the most room (export potential on BACI).

* :func:`rank` — the markets of one exporter's product (an HS6 line, or a heading/chapter or a
  list of them), best first, with every component of the potential;
* :func:`load` — read BACI files (either layout) and ingest each atomically.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.markets.potential import Assumptions, Potential, export_potential
from comexlab.nomenclature.countries import country_name
from comexlab.nomenclature.geography import coordinates
from comexlab.sources import baci
from comexlab.warehouse import baci as wb

MAX_TOP = 500
#: Fewer exporters than this in a product's matrix: an extract, not a world matrix (the
#: ZAF/AFG file has 2), so demand and suppliers' distances are those of the extract only.
WORLD_MATRIX_EXPORTERS = 20
#: The BACI files the demo loads (shared/data; PROVENANCE.md says what each covers).
SHIPPED_BACI = (
    "baci_shrimp_hs12_2018/standardized_baci_seafood_hs12_y2018_including_value.csv.gz",
    "baci_hs92_2021_exporters_zaf_afg/BACI_HS92_Y2021_V202301_exporters_ZAF_AFG.csv.gz",
)


@dataclass(frozen=True, slots=True)
class RankRequest:
    """Rank the markets of ``exporter``'s ``product`` ('030617', '0306', '030616,030617')."""

    product: str
    exporter: str
    year: int | None = None
    top: int = 20
    dataset: str | None = None
    assumptions: Assumptions = field(default_factory=Assumptions)

    def codes(self) -> tuple[str, ...]:
        """The HS codes asked for, validated (2, 4 or 6 digits each)."""
        codes = tuple(c.strip().replace(".", "") for c in self.product.split(",") if c.strip())
        if not codes or any(not re.fullmatch(r"\d{2}|\d{4}|\d{6}", c) for c in codes):
            raise InputError(Msg("error.markets.product"), field="product", value=self.product)
        return codes

    def checked(self) -> RankRequest:
        """Raise on an exporter that is no ISO3 code or a ``top`` outside 1..500."""
        if not re.fullmatch(r"[A-Za-z]{3}", self.exporter):
            raise InputError(Msg("error.markets.exporter"), field="exporter",
                             value=self.exporter)
        if not 1 <= self.top <= MAX_TOP:
            raise InputError(Msg("error.markets.top", maximum=MAX_TOP), field="top",
                             value=self.top)
        self.codes()
        return self


@dataclass(frozen=True, slots=True)
class RankResult:
    """The ranking and what it rests on (dataset, year, the HS6 codes it covers)."""

    request: RankRequest
    dataset: str
    hs_revision: str
    year: int
    products: tuple[str, ...]
    potential: Potential
    names: Mapping[str, str]
    exporters: int = 0  # distinct exporters in the product's matrix

    @property
    def partial(self) -> bool:
        """The data is an extract of a few exporters, not every country's exports."""
        return self.exporters < WORLD_MATRIX_EXPORTERS

    def notes(self) -> tuple[Msg, ...]:
        """The potential's notes, and a warning when the matrix is an extract."""
        extra = (Msg("markets.note.partial", exporters=self.exporters, dataset=self.dataset),
                 ) if self.partial else ()
        return (*extra, *self.potential.notes)

    def table(self, lang: str = "es") -> pd.DataFrame:
        """The top markets with their names, ready to show (components as computed)."""
        top = self.potential.markets.head(self.request.top).copy()
        top.insert(2, "market_name", [self.name(m, lang) for m in top["market"]])
        top["parameters"] = self.potential.parameters
        return top

    def name(self, iso3: str, lang: str = "es") -> str:
        """A market's name in ``lang`` (BACI's dictionary name for areas that are no country)."""
        try:
            return country_name(iso3, lang)
        except ValueError:
            return str(self.names.get(iso3, iso3))


def rank(con: duckdb.DuckDBPyConnection, request: RankRequest, *,
         places: Mapping[str, tuple[float, float]] | None = None) -> RankResult:
    """The markets of the exporter's product, largest potential first."""
    request = request.checked()
    m = wb.matrices(con, request.codes(), request.year, request.dataset)
    potential = export_potential(request.exporter.upper(), ",".join(request.codes()),
                                 m.product, m.bilateral,
                                 places if places is not None else coordinates(),
                                 request.assumptions)
    return RankResult(request, m.dataset, m.hs_revision, m.year, m.products, potential,
                      m.names, int(m.product["exporter"].nunique()))


@dataclass(frozen=True, slots=True)
class Loaded:
    """One ingested BACI file: dataset, rows, total value and the audit notes."""

    dataset: str
    file: Path
    rows: int
    value_usd: float
    notes: tuple[Msg, ...]


def load(con: duckdb.DuckDBPyConnection, paths: Sequence[Path],
         dictionary: Path | None = None) -> list[Loaded]:
    """Read every file first (a bad one raises before any write), then ingest each."""
    loads = [baci.read(Path(p), dictionary) for p in paths]
    out = []
    for item in loads:
        rows = wb.ingest(con, item)
        out.append(Loaded(item.dataset, item.file, rows, item.total_usd,
                          tuple(n.detail for n in item.notes)))
    return out
