"""BACI in the warehouse: atomic ingest of a parsed file; the matrices export potential reads."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from comexlab.errors import InputError, NotFoundError
from comexlab.i18n import Msg
from comexlab.sources.baci import BaciLoad
from comexlab.warehouse.db import replace_many


def ingest(con: duckdb.DuckDBPyConnection, load: BaciLoad) -> int:
    """Replace the dataset's rows (flows and countries) in one transaction; returns rows."""
    where = {"dataset": load.dataset}
    return replace_many(con, [("baci_flow", load.table, where),
                              ("baci_country", load.countries, where)],
                        log=(f"baci:{load.dataset}", load.file))


def datasets(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Loaded datasets: years, HS revision, rows, total value."""
    return con.execute("""
        SELECT dataset, release, hs_revision, min(year) AS first_year, max(year) AS last_year,
               count(*) AS rows, count(DISTINCT exporter) AS exporters,
               count(DISTINCT importer) AS importers, sum(value_usd) AS value_usd
        FROM baci_flow GROUP BY ALL ORDER BY dataset""").df()


@dataclass(frozen=True, slots=True)
class Matrices:
    """What export potential needs for one product (or group) and year, from one dataset."""

    dataset: str
    hs_revision: str
    year: int
    products: tuple[str, ...]  # the HS6 codes the selection covers
    product: pd.DataFrame      # exporter, importer, value_usd — the selection's world matrix
    bilateral: pd.DataFrame    # exporter, importer, value_usd — every product of the dataset
    names: dict[str, str]


def _match(codes: tuple[str, ...]) -> tuple[str, list[str]]:
    """SQL matching HS6 codes by any of ``codes`` (2, 4 or 6 digits: a chapter, heading, line)."""
    return "(" + " OR ".join("starts_with(hs6, ?)" for _ in codes) + ")", list(codes)


def _dataset_for(con: duckdb.DuckDBPyConnection, codes: tuple[str, ...], year: int | None,
                 dataset: str | None) -> tuple[str, str, int]:
    cond, params = _match(codes)
    if year is None:
        row = con.execute(f"SELECT max(year) FROM baci_flow WHERE {cond}"
                          + (" AND dataset = ?" if dataset else ""),
                          [*params, *([dataset] if dataset else [])]).fetchone()
        if row is None or row[0] is None:
            raise NotFoundError(Msg("error.markets.no_data_any", product=",".join(codes)))
        year = int(row[0])
    rows = con.execute(
        f"SELECT DISTINCT dataset, hs_revision FROM baci_flow WHERE {cond} AND year = ?"
        + (" AND dataset = ?" if dataset else "") + " ORDER BY dataset",
        [*params, year, *([dataset] if dataset else [])]).fetchall()
    if not rows:
        raise NotFoundError(Msg("error.markets.no_data", product=",".join(codes), year=year))
    if len(rows) > 1:
        raise InputError(Msg("error.markets.many_datasets", product=",".join(codes), year=year,
                             datasets=", ".join(r[0] for r in rows)), field="dataset")
    return str(rows[0][0]), str(rows[0][1]), year


def matrices(con: duckdb.DuckDBPyConnection, codes: tuple[str, ...], year: int | None = None,
             dataset: str | None = None) -> Matrices:
    """The selection's exporter × importer matrix and the all-product bilateral totals.

    ``year`` None: the latest year the data has for the selection.
    """
    name, hs, year = _dataset_for(con, codes, year, dataset)
    cond, params = _match(codes)
    product = con.execute(f"""
        SELECT exporter, importer, sum(value_usd) AS value_usd FROM baci_flow
        WHERE dataset = ? AND year = ? AND {cond} GROUP BY ALL""",
                          [name, year, *params]).df()
    products = tuple(r[0] for r in con.execute(
        f"SELECT DISTINCT hs6 FROM baci_flow WHERE dataset = ? AND year = ? AND {cond} "
        "ORDER BY 1", [name, year, *params]).fetchall())
    bilateral = con.execute("""
        SELECT exporter, importer, sum(value_usd) AS value_usd FROM baci_flow
        WHERE dataset = ? AND year = ? GROUP BY ALL""", [name, year]).df()
    names = dict(con.execute("SELECT iso3, any_value(name) FROM baci_country WHERE dataset = ? "
                             "GROUP BY iso3", [name]).fetchall())
    return Matrices(name, hs, year, products, product, bilateral, names)


def covered_products(con: duckdb.DuckDBPyConnection) -> set[str]:
    """HS6 codes with any BACI row (which products the market finder can rank)."""
    return {r[0] for r in con.execute("SELECT DISTINCT hs6 FROM baci_flow").fetchall()}


def latest_year(con: duckdb.DuckDBPyConnection, hs6: str) -> int | None:
    """The latest year with BACI rows for a product (None: not covered)."""
    row = con.execute("SELECT max(year) FROM baci_flow WHERE hs6 = ?", [hs6]).fetchone()
    return int(row[0]) if row and row[0] is not None else None
