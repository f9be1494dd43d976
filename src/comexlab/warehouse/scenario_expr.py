"""The scenario join as an Ibis expression, for engines other than DuckDB (Spark).

On DuckDB the join stays SQL over the connection's ENUM caches
(:mod:`comexlab.warehouse.scenario_cache`, why in :mod:`comexlab.services.scenarios`); those
caches are DuckDB TEMP tables with DuckDB types, which another engine has no use for. This is the
same join written once in Ibis — the base's export flows (annual sums per line, or the monthly
rows) × the edition's rate row of their code (10-digit line, else its 8-digit parent) × the
HTS→NAICS concordance — with the columns and meaning of
:func:`comexlab.services.scenarios.hts10_lines_sql`; the parity tests
(tests/integration/test_spark_parity.py) hold the two to identical results.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import ibis
import ibis.expr.types as ir

from comexlab.tariffs.ave import RATE_FIELDS
from comexlab.tariffs.scenario import Base
from comexlab.warehouse import expr

FLOW_COLUMNS: tuple[str, ...] = (
    "reporter", "reporter_level", "origin", "partner", "period", "product_code", "product_level",
    "value_usd", "preference_value_usd", "quantity", "quantity_unit")


def _first_per_hts(rows: ir.Table, order: Sequence[ir.Value | str]) -> ir.Table:
    """One row per ``hts``: the first by ``order`` (SQL ``QUALIFY row_number() … = 1``)."""
    ranked = rows.mutate(_rn=ibis.row_number().over(group_by="hts", order_by=list(order)))
    return ranked.filter(ranked._rn == 0).drop("_rn")


def rates(con: duckdb.DuckDBPyConnection, edition: str, programs: Sequence[str]) -> ir.Table:
    """One row per HTS code of ``edition``: ``hts``, ``description``, ``mfn_*``, ``pref_*``.

    Same pick as :func:`comexlab.warehouse.scenario_cache.rates_sql`: the line's first row,
    its rate line's general rate and the lowest special rate among ``programs``.
    """
    line = expr.table(con, "hts_line")
    line = line.filter(line.edition == edition, line.hts.notnull())
    line = _first_per_hts(line.select("hts", "rate_hts", "description", "row_no"), ["row_no"])
    line = line.select("hts", "description", rate_hts=line.rate_hts.fill_null(line.hts))
    rate = expr.table(con, "hts_rate").filter(ibis._.edition == edition)
    general = _first_per_hts(rate.filter(rate.rate_column == "general"), ["rate_text"])
    special = rate.filter(rate.rate_column == "special", rate.program.isin(list(programs)))
    special = _first_per_hts(special, [special.ad_valorem.fill_null(0.0), special.program])
    g = general.select(g_hts=general.hts, **{f"mfn_{c}": general[c] for c in RATE_FIELDS})
    p = special.select(p_hts=special.hts, **{f"pref_{c}": special[c] for c in RATE_FIELDS})
    joined = line.left_join(g, line.rate_hts == g.g_hts)
    joined = joined.left_join(p, joined.rate_hts == p.p_hts)
    return joined.select("hts", "description", *(f"{x}_{c}" for x in ("mfn", "pref")
                                                  for c in RATE_FIELDS))


def base_flows(con: duckdb.DuckDBPyConnection, base: Base, *, monthly: bool) -> ir.Table:
    """The base's export flows: rows as loaded (``monthly``) or summed per line and year."""
    flow = expr.table(con, "flow")
    flow = flow.filter(flow.source == base.source, flow.flow == "export",
                       flow.partner == base.partner, flow.product_level == base.level,
                       flow.year.isin([int(y) for y in base.years]),
                       flow.reporter.isin(list(base.reporters)))
    if monthly:
        return flow.select(*(c if c != "origin" else flow.reporter.name("origin")
                             for c in FLOW_COLUMNS))
    same_unit = (flow.quantity_unit.nunique() == 1) & (flow.quantity.count() == flow.count())
    summed = flow.group_by(["reporter", "reporter_level", "partner", "year", "product_code",
                            "product_level"]).aggregate(
        value_usd=flow.value_usd.sum(),
        preference_value_usd=flow.preference_value_usd.sum(),
        quantity=ibis.cases((same_unit, flow.quantity.sum()), else_=ibis.null("float64")),
        # any_value in the SQL: one unit whenever the quantity is kept (same_unit)
        quantity_unit=flow.quantity_unit.min())
    return summed.select(*(
        summed.reporter.name("origin") if c == "origin"
        else summed.year.cast("string").name("period") if c == "period" else c
        for c in FLOW_COLUMNS))


def hts10_lines(con: duckdb.DuckDBPyConnection, base: Base, *, monthly: bool) -> ir.Table:
    """Flows × rates × NAICS: the columns of ``hts10_lines_sql``, as one expression."""
    flows = base_flows(con, base, monthly=monthly)
    r = rates(con, base.edition, base.programs)
    rate_cols = ["description", *(f"{x}_{c}" for x in ("mfn", "pref") for c in RATE_FIELDS)]
    codes = flows.select("product_code").distinct()
    r10 = r.select(hts10=r.hts, **{f"a_{c}": r[c] for c in rate_cols})
    r8 = r.select(hts8=r.hts, **{f"b_{c}": r[c] for c in rate_cols})
    k = codes.left_join(r10, codes.product_code == r10.hts10)
    k = k.left_join(r8, k.hts10.isnull() & (k.product_code.substr(0, 8) == r8.hts8))
    naics = expr.table(con, "hts_naics")
    k = k.left_join(naics, k.product_code == naics.hts10)
    k = k.select("product_code", *(k[f"a_{c}"].coalesce(k[f"b_{c}"]).name(c)
                                   for c in rate_cols),
                 naics6=k.naics6, subsector=k.scian3)
    out = flows.inner_join(k, "product_code")
    return out.select(*FLOW_COLUMNS, *rate_cols, "naics6", "subsector")
