"""Program services: a marketplace export program's view (``comexlab program report NAME``).

Per enrolled firm: its products (HS6), the countries suggested for them, the countries and
marketplaces where it made a first sale; for the program: firms onboarded, countries reached
and sales abroad against its targets, by quarter.

Suggested countries come from the export potential of Mexico's exports of the product
(services/markets, BACI) where a loaded BACI dataset covers the product; else from Mexico's
national export flows by partner (the ``flow`` table: Comtrade HS4 by partner); else there is
no suggestion and the row says so — never an invented country.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from comexlab.errors import NotFoundError
from comexlab.i18n import Msg
from comexlab.markets.programs import ProgramFigures, by_quarter, figures
from comexlab.registry.models import (
    Enrolment,
    Firm,
    FirmProduct,
    MarketplaceSale,
    Program,
    ProgramTarget,
)
from comexlab.services import markets
from comexlab.warehouse import baci as wb


@dataclass(frozen=True, slots=True)
class ProgramRequest:
    """One program's report, as of a day, with ``suggestions`` countries per product."""

    code: str
    as_of: date
    exporter: str = "MEX"
    suggestions: int = 5


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Countries suggested for one HS6 code and where they come from."""

    hs6: str
    countries: tuple[str, ...]
    basis: str  # 'export_potential' | 'national_flows' | 'none'
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ProgramReport:
    """The program view: figures against targets, per firm, by quarter."""

    request: ProgramRequest
    name: str
    marketplaces: tuple[str, ...]
    figures: ProgramFigures
    firms: pd.DataFrame
    quarters: pd.DataFrame
    sales: pd.DataFrame
    suggestions: dict[str, Suggestion]
    notes: tuple[Msg, ...] = field(default_factory=tuple)


def _program(session: Session, code: str) -> Program:
    program = session.scalars(select(Program).where(Program.code == code.upper())).first()
    if program is None:
        raise NotFoundError(Msg("error.program.unknown", code=code))
    return program


def _frames(session: Session, program: Program) -> tuple[pd.DataFrame, pd.DataFrame,
                                                         pd.DataFrame]:
    enrolments = pd.DataFrame(session.execute(
        select(Firm.rfc, Firm.legal_name, Enrolment.status, Enrolment.enrolled_on,
               Enrolment.status_on).join(Enrolment.firm)
        .where(Enrolment.program_id == program.id).order_by(Firm.legal_name)).all(),
        columns=["rfc", "legal_name", "status", "enrolled_on", "status_on"])
    sales = pd.DataFrame(session.execute(
        select(Firm.rfc, MarketplaceSale.marketplace, MarketplaceSale.country,
               MarketplaceSale.first_sale_on, MarketplaceSale.sales_usd)
        .join(MarketplaceSale.enrolment).join(Enrolment.firm)
        .where(Enrolment.program_id == program.id)).all(),
        columns=["rfc", "marketplace", "country", "first_sale_on", "sales_usd"])
    sales["sales_usd"] = sales["sales_usd"].astype(float)
    products = pd.DataFrame(session.execute(
        select(Firm.rfc, FirmProduct.hs6, FirmProduct.description).join(FirmProduct.firm)
        .where(Firm.rfc.in_(enrolments["rfc"].tolist())).order_by(FirmProduct.hs6)).all(),
        columns=["rfc", "hs6", "description"])
    return enrolments, sales, products


def suggest(con: duckdb.DuckDBPyConnection | None, hs6: str, exporter: str, n: int
            ) -> Suggestion:
    """Top ``n`` markets for ``hs6``: export potential, else national flows, else none."""
    if con is None:
        return Suggestion(hs6, (), "none", "no warehouse")
    if hs6 in wb.covered_products(con):
        res = markets.rank(con, markets.RankRequest(hs6, exporter, top=n))
        found = res.potential.markets.query("potential_usd > 0")["market"].head(n)
        if len(found) and not res.partial:  # an extract of a few exporters ranks nothing
            return Suggestion(hs6, tuple(found), "export_potential",
                              f"{res.dataset} {res.year}")
    rows = con.execute("""
        SELECT partner, sum(value_usd) AS v, max(year) AS y, any_value(source) AS s FROM flow
        WHERE reporter = ? AND flow = 'export' AND partner NOT IN ('WLD', ?)
          AND classification = 'HS'
          AND year = (SELECT max(year) FROM flow WHERE reporter = ? AND flow = 'export'
                      AND partner <> 'WLD' AND starts_with(?, product_code)
                      AND length(product_code) >= 4)
          AND starts_with(?, product_code) AND length(product_code) >= 4
        GROUP BY partner ORDER BY v DESC LIMIT ?""",
                       [exporter, exporter, exporter, hs6, hs6, n]).fetchall()
    if rows:
        return Suggestion(hs6, tuple(r[0] for r in rows), "national_flows",
                          f"{rows[0][3]} {rows[0][2]}")
    return Suggestion(hs6, (), "none", "")


def report(session: Session, con: duckdb.DuckDBPyConnection | None,
           request: ProgramRequest) -> ProgramReport:
    """The program view of ``request.code``."""
    program = _program(session, request.code)
    enrolments, sales, products = _frames(session, program)
    targets = {t.indicator: t.target for t in session.scalars(
        select(ProgramTarget).where(ProgramTarget.program_id == program.id))}
    sales = sales[pd.to_datetime(sales["first_sale_on"]) <= pd.Timestamp(request.as_of)]
    suggestions = {hs6: suggest(con, hs6, request.exporter, request.suggestions)
                   for hs6 in sorted(set(products["hs6"]))}
    firms = _firm_rows(enrolments, sales, products, suggestions)
    notes: list[Msg] = []
    if not targets:
        notes.append(Msg("program.note.no_targets"))
    if con is None:
        notes.append(Msg("program.note.no_warehouse"))
    return ProgramReport(request, program.name,
                         tuple(m.strip() for m in (program.marketplace or "").split(";")
                               if m.strip()),
                         figures(enrolments, sales, targets), firms,
                         by_quarter(enrolments, sales), sales.reset_index(drop=True),
                         suggestions, tuple(notes))


def _firm_rows(enrolments: pd.DataFrame, sales: pd.DataFrame, products: pd.DataFrame,
               suggestions: dict[str, Suggestion]) -> pd.DataFrame:
    rows = []
    for e in enrolments.itertuples():
        own = products[products["rfc"] == e.rfc]
        sold = sales[sales["rfc"] == e.rfc]
        reached = sorted(set(sold["country"]))
        suggested = [c for hs6 in own["hs6"] for c in suggestions[hs6].countries
                     if c not in reached]
        rows.append({
            "rfc": e.rfc, "firm": e.legal_name, "status": e.status,
            "enrolled_on": e.enrolled_on, "products": ", ".join(own["hs6"]),
            "suggested_countries": ", ".join(dict.fromkeys(suggested)),
            "countries_reached": ", ".join(reached),
            "marketplaces": ", ".join(sorted(set(sold["marketplace"]))),
            "first_sale_on": sold["first_sale_on"].min() if len(sold) else None,
            "sales_usd": float(sold["sales_usd"].sum()) if len(sold) else 0.0,
        })
    return pd.DataFrame(rows)
