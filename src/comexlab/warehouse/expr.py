"""Ibis expression builders shared by every analytical question asked of the warehouse.

Analytics are written as Ibis expressions over the DuckDB connection the caller already holds
(``ibis.duckdb.from_connection``), not as SQL strings glued together: an expression is a value
that services compose (filter a flow table, roll it up to HS4, compare two windows, keep the
top ten) and Ibis compiles the whole chain into one DuckDB query, so nothing is materialised in
Python until the service asks for a DataFrame. Ingest (DDL, atomic replace, load_log) stays SQL
in :mod:`comexlab.warehouse.db`: that is the schema contract, not analysis.

The builders here are the ones several services need:

- :func:`backend` / :func:`table` — the Ibis view of a connection (one per connection);
- :func:`product_at` / :func:`section_number` / :func:`rollup` — a flow table summed to a
  product level (HTS10 → HS8 → HS6 → HS4 → HS2 → HS section);
- :func:`tag_windows` / :func:`compare_windows` — the current-vs-prior window comparison;
- :func:`top_n_with_share` — the largest groups with their share of the whole.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Sequence

import duckdb
import ibis
import ibis.expr.types as ir
import sqlglot
from ibis.backends.duckdb import Backend

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.nomenclature.hs import sections
from comexlab.warehouse import engine

#: Digits kept by each product level finer than a section.
LEVEL_DIGITS: dict[str, int] = {"hts10": 10, "hs8": 8, "hs6": 6, "hs4": 4, "hs2": 2}
ROLLUP_LEVELS: tuple[str, ...] = ("hs8", "hs6", "hs4", "hs2", "section")
CURRENT = "current"
PRIOR = "prior"

_BACKENDS: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, Backend] = (
    weakref.WeakKeyDictionary())


def backend(con: duckdb.DuckDBPyConnection) -> Backend:
    """The Ibis backend over a cursor of ``con`` (one per connection, closed with it).

    A cursor, not ``con`` itself, for two reasons: Ibis sets session options when it wraps a
    connection (time zone UTC, no replacement scans) that must not change how the caller's own
    SQL behaves; and DuckDB 2.0 refuses relation queries (which Ibis issues) on a connection
    holding an unfinished ``execute()`` result, which callers routinely leave after
    ``fetchone()``. The cursor shares the database and its committed data; it does not see
    rows of a transaction still open on ``con`` (analytics never run inside an ingest).
    """
    found = _BACKENDS.get(con)
    if found is None:
        found = ibis.duckdb.from_connection(con.cursor())
        _BACKENDS[con] = found
    return found


def table(con: duckdb.DuckDBPyConnection, name: str) -> ir.Table:
    """Warehouse table ``name`` as an Ibis table expression, on the engine in use.

    ``COMEXLAB_ENGINE=spark`` (:mod:`comexlab.warehouse.engine`): the same table on Spark, so
    every builder below and every expression composed from it runs there unchanged.
    """
    if engine.current() == engine.SPARK:
        return engine.spark_table(con, name)
    return backend(con).table(name)


def sql_filtered(con: duckdb.DuckDBPyConnection, name: str, where: str,
                 params: Sequence[object] = ()) -> ir.Table:
    """``name`` filtered by a SQL predicate (for callers that pass conditions as SQL text).

    ``?`` placeholders are replaced by ``params`` as SQL literals (through sqlglot's parse
    tree, so a ``?`` inside a quoted string is not touched). The filtered rows are a TEMP view
    named after the predicate: Ibis 12's ``Backend.sql`` cannot be used because it calls
    ``DuckDBPyConnection.fetch_arrow_table``, which DuckDB 2.0 removed (fixed upstream in
    ibis-project/ibis#12001, not yet released). Temp views live in the connection's private
    catalog (the backend's cursor), so this works on read-only connections too.
    """
    pred = sqlglot.parse_one(where, dialect="duckdb")
    values = iter(params)

    def bind(node: sqlglot.exp.Expression) -> sqlglot.exp.Expression:
        if isinstance(node, sqlglot.exp.Placeholder):
            return sqlglot.exp.convert(next(values))
        return node

    if engine.current() == engine.SPARK:
        return engine.spark_filtered(con, name, pred.transform(bind).sql("spark"))
    query = f'SELECT * FROM "{name}" WHERE {pred.transform(bind).sql("duckdb")}'
    view = f"_cx_{name}_{hashlib.sha1(query.encode()).hexdigest()[:16]}"
    ib = backend(con)
    ib.con.execute(f'CREATE OR REPLACE TEMP VIEW "{view}" AS {query}')
    return ib.table(view)


# --------------------------------------------------------------------------- rollups
def section_number(code: ir.StringValue) -> ir.StringValue:
    """HS section number ('1'…'21') of a code's chapter, from package data; NULL if none."""
    chapter = code.substr(0, 2).cast("int32")
    return ibis.cases(*[(chapter.between(s.first_chapter, s.last_chapter), str(s.number))
                        for s in sections()], else_=ibis.null("string"))


def product_at(code: ir.StringValue, level: str) -> ir.StringValue:
    """A product code's ancestor at ``level`` (hs8 … hs2, or section)."""
    if level == "section":
        return section_number(code)
    if level not in LEVEL_DIGITS or level == "hts10":
        raise InputError(Msg("error.src.product_level", level=level), field="level",
                         value=level)
    return code.substr(0, LEVEL_DIGITS[level])


def finer_levels(level: str) -> list[str]:
    """Product levels whose codes roll up to ``level`` (itself included)."""
    if level == "section":
        return list(LEVEL_DIGITS)
    wanted = LEVEL_DIGITS.get(level, 99)
    return [lvl for lvl, n in LEVEL_DIGITS.items() if n >= wanted]


def rollup(flows: ir.Table, level: str) -> ir.Table:
    """Flow rows summed to ``level`` (HS/HTS rows at or finer than that level).

    Groups by source, reporter, partner, flow and period so different sources are never
    mixed in one figure. Columns: those keys, ``product_code``, ``product_level``,
    ``value_usd``, ``preference_value_usd``.
    """
    code = product_at(flows.product_code, level)
    hs = flows.filter(flows.classification.isin(["HS", "HTS"]),
                      flows.product_level.isin(finer_levels(level)))
    return (hs.group_by(["source", "reporter", "partner", "flow", "period",
                         code.name("product_code")])
            .aggregate(value_usd=hs.value_usd.sum(),
                       preference_value_usd=hs.preference_value_usd.sum())
            .mutate(product_level=ibis.literal(level))
            .relocate("product_level", after="product_code"))


# --------------------------------------------------------------------------- windows
def tag_windows(rows: ir.Table, current: Sequence[str], prior: Sequence[str]) -> ir.Table:
    """Rows of either window with a ``window`` column ('current' | 'prior'); others dropped."""
    window = ibis.cases((rows.period.isin(list(current)), CURRENT),
                        (rows.period.isin(list(prior)), PRIOR), else_=ibis.null("string"))
    tagged = rows.mutate(window=window)
    return tagged.filter(tagged.window.notnull())


def compare_windows(tagged: ir.Table, key: str | Sequence[str]) -> ir.Table:
    """Per ``key``: ``value_usd`` in the current window and ``prior_value_usd`` in the prior.

    ``tagged`` comes from :func:`tag_windows`; a group absent from one window gets 0 there.
    """
    current = tagged.value_usd.sum(where=tagged.window == CURRENT)
    prior = tagged.value_usd.sum(where=tagged.window == PRIOR)
    return tagged.group_by(key).aggregate(value_usd=current.fill_null(0.0),
                                          prior_value_usd=prior.fill_null(0.0))


def top_n_with_share(groups: ir.Table, key: str, n: int, *,
                     value: str = "value_usd") -> ir.Table:
    """The ``n`` largest groups (ties by code), each with ``share`` of the sum of *all* groups.

    The share is of the whole table, not of the rows kept, so shares of a top list do not sum
    to 1 when the tail is cut.
    """
    whole = groups[value].sum().over()
    ranked = groups.mutate(share=groups[value] / whole)
    return ranked.order_by([ibis.desc(value), key]).limit(n)
