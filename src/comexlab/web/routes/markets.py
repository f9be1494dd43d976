"""Markets, the marketplace program and the plan's KPIs (pages and API).

* ``/markets`` — where an exporter's product has room (export potential on BACI), any role;
* ``/programs/{code}`` — a program's view against its targets, per firm (agency roles: it
  lists firms);
* ``/kpi`` — the state plan's indicators by quarter (agency roles).

The routes call the services directly and only shape their results for the templates.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from comexlab.errors import InputError, NotFoundError
from comexlab.i18n import t
from comexlab.services import kpi, markets, programs
from comexlab.web import charts
from comexlab.web.auth.security import Principal, current_user, require_agency, verify_csrf
from comexlab.web.context import app_context
from comexlab.web.db import db_session
from comexlab.web.render import render, request_lang

pages = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
api = APIRouter(tags=["markets"], dependencies=[Depends(verify_csrf)])

User = Annotated[Principal, Depends(current_user)]
Agency = Annotated[Principal, Depends(require_agency)]
Db = Annotated[Session, Depends(db_session)]
Product = Annotated[str, Query(pattern=r"^[0-9.,]{2,60}$", max_length=60,
                               description="HS6 (or HS2/HS4, comma-separated), e.g. 030617")]
Exporter = Annotated[str, Query(pattern=r"^[A-Za-z]{3}$", description="ISO3, e.g. MEX")]
Year = Annotated[int | None, Query(ge=1988, le=2100)]
Top = Annotated[int, Query(ge=1, le=markets.MAX_TOP)]
ProgramCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,40}$")]


async def _rank(request: Request, product: str, exporter: str, year: int | None,
                top: int) -> dict[str, Any]:
    lang = request_lang(request)
    res = await app_context(request).warehouse.read(lambda con: markets.rank(
        con, markets.RankRequest(product, exporter.upper(), year, top)))
    table = res.table(lang)
    return {
        "exporter": res.potential.exporter, "product": product, "year": res.year,
        "dataset": res.dataset, "hs_revision": res.hs_revision, "products": list(res.products),
        "supply_usd": res.potential.supply_usd, "world_usd": res.potential.world_usd,
        "supply_share": res.potential.supply_share, "partial": res.partial,
        "parameters": res.potential.parameters,
        "assumptions": [m.text(lang) for m in res.potential.assumptions],
        "notes": [m.text(lang) for m in res.notes()],
        "markets": table.drop(columns=["parameters"]).to_dict("records"),
    }


@pages.get("/markets")
async def markets_page(request: Request, _user: User, product: Product = "030617",
                       exporter: Exporter = "MEX", year: Year = None, top: Top = 20
                       ) -> Response:
    """Form, ranking table with every component, bars of potential against actual."""
    chosen = {"product": product, "exporter": exporter.upper(), "year": year or "", "top": top}
    try:
        view = await _rank(request, product, exporter, year, top)
    except (InputError, NotFoundError) as exc:
        return render(request, "markets.html", v=None, error=exc.text(request_lang(request)),
                      chosen=chosen)
    chart = charts.market_bars(view["markets"], request_lang(request))
    return render(request, "markets.html", v=view, chart=chart, error=None, chosen=chosen)


@api.get("/markets/rank")
async def api_rank(request: Request, _user: User, product: Product, exporter: Exporter,
                   year: Year = None, top: Top = 20) -> dict[str, Any]:
    """One record per market, best first: market (ISO3), every component, potential."""
    return await _rank(request, product, exporter, year, top)


async def _program(request: Request, db: Session, code: str, as_of: dt.date
                   ) -> programs.ProgramReport:
    req = programs.ProgramRequest(code, as_of)
    return await app_context(request).warehouse.read(lambda con: programs.report(db, con, req))


@pages.get("/programs/{code}")
async def program_page(request: Request, _user: Agency, db: Db, code: ProgramCode) -> Response:
    """Progress against targets, first sales by quarter, the firms and their suggestions."""
    lang = request_lang(request)
    rep = await _program(request, db, code, dt.date.today())
    quarters = cast("list[dict[str, Any]]", rep.quarters.to_dict("records"))  # str columns
    chart = charts.program_quarters(quarters, lang)
    return render(request, "program.html", rep=rep, chart=chart,
                  progress=rep.figures.progress().to_dict("records"),
                  firms=rep.firms.to_dict("records"))


@api.get("/programs/{code}")
async def api_program(request: Request, _user: Agency, db: Db, code: ProgramCode
                      ) -> dict[str, Any]:
    """The program's progress, quarters and firms (figures in USD and counts)."""
    rep = await _program(request, db, code, dt.date.today())
    return {"program": code.upper(), "name": rep.name, "marketplaces": list(rep.marketplaces),
            "progress": rep.figures.progress().to_dict("records"),
            "quarters": rep.quarters.to_dict("records"),
            "firms": rep.firms.astype(object).where(rep.firms.notna(), None).to_dict("records"),
            "notes": [n.text(request_lang(request)) for n in rep.notes]}


@pages.get("/kpi")
async def kpi_page(request: Request, _user: Agency, db: Db,
                   year: Annotated[int, Query(ge=2000, le=2100)] = dt.date.today().year - 1
                   ) -> Response:
    """The plan's indicators by quarter, with what each rests on."""
    lang = request_lang(request)
    rep = await app_context(request).warehouse.read(
        lambda con: kpi.report(con, db, kpi.KpiRequest(year)))
    rows = rep.table.astype(object).where(rep.table.notna(), None).to_dict("records")
    return render(request, "kpi.html", rep=rep, rows=rows, year=year,
                  notes=[n.text(lang) for n in rep.notes],
                  label=lambda ind: _indicator(ind, lang), sources=_SOURCE_KEYS)


# The registry-backed rows name their source in words; INEGI/USITC names stay as published.
_SOURCE_KEYS = frozenset({"kpi.source.registry", "kpi.source.registry (events)"})


def _indicator(indicator: str, lang: str) -> str:
    code, _, name = indicator.rpartition(": ")
    text = t(f"kpi.ind.{name}", lang)
    return f"{code}: {text}" if code else text
