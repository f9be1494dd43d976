"""Supply pages and API: import-substitution opportunities and state complexity (agency only).

Presentation only: the numbers come from :mod:`comexlab.services.supply`, read on the
warehouse's reader pool; the registry engine is the app's.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from comexlab.errors import InputError, NotFoundError
from comexlab.nomenclature.states import states
from comexlab.services import supply as svc
from comexlab.sources.hs_names import product_name
from comexlab.supply.origins import GROUPS
from comexlab.web import supply_charts
from comexlab.web.auth.security import Principal, require_agency, verify_csrf
from comexlab.web.context import app_context
from comexlab.web.render import render, request_lang

pages = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
api = APIRouter(tags=["supply"], dependencies=[Depends(verify_csrf)])

Agency = Annotated[Principal, Depends(require_agency)]
State = Annotated[str, Query(pattern=r"^([A-Za-z]{2,5}|\d{2})$", max_length=5)]
OptState = Annotated[str | None, Query(pattern=r"^([A-Za-z]{2,5}|\d{2})?$", max_length=5)]
Origin = Annotated[str, Query(pattern=r"^[A-Za-z_, ]{2,80}$", max_length=80)]
Top = Annotated[int, Query(ge=1, le=100)]
Year = Annotated[int | None, Query(ge=1990, le=2100)]


async def _opportunities(request: Request, state: str, origin: str, top: int
                         ) -> svc.OpportunitiesResult:
    engine = app_context(request).engine
    req = svc.OpportunitiesRequest(state=state, origin=origin, top=top)
    result: svc.OpportunitiesResult = await app_context(request).warehouse.read(
        lambda con: svc.opportunities(con, engine, req))
    return result


async def _complexity(request: Request, year: int | None, state: str | None
                      ) -> svc.ComplexityResult:
    req = svc.ComplexityRequest(year=year, state=state or None)
    result: svc.ComplexityResult = await app_context(request).warehouse.read(
        lambda con: svc.state_complexity(con, req))
    return result


def _shown(result: svc.OpportunitiesResult, per_kind: int = 6
           ) -> dict[int, list[svc.Supplier]]:
    """Per heading: the first registry firms and the first RETC plants (both kinds shown)."""
    out: dict[int, list[svc.Supplier]] = {}
    for o in result.opportunities:
        kinds: dict[str, list[svc.Supplier]] = {}
        for sup in o.suppliers:
            kinds.setdefault(sup.kind, []).append(sup)
        out[o.rank] = [x for group in kinds.values() for x in group[:per_kind]]
    return out


def _form(state: str | None, origin: str, top: int) -> dict[str, Any]:
    return {"states": states(), "origins": list(GROUPS), "state": state, "origin": origin,
            "top": top}


@pages.get("/supply/opportunities")
async def opportunities_page(request: Request, _user: Agency, state: State = "JAL",
                             origin: Origin = "asia", top: Top = 30) -> Response:
    """Scatter of feasibility against imports, the ranked headings, local firms with gaps."""
    lang = request_lang(request)
    form = _form(state.upper(), origin, top)
    try:
        result = await _opportunities(request, state, origin, top)
    except (InputError, NotFoundError) as exc:
        return render(request, "supply_opportunities.html", r=None, error=exc.text(lang),
                      form=form)
    form["state"] = next((s.abbr for s in states() if s.inegi == result.state), state)
    return render(request, "supply_opportunities.html", r=result, error=None, form=form,
                  notes=[n.text(lang) for n in result.notes], shown=_shown(result),
                  chart=supply_charts.opportunity_scatter(result, lang),
                  heading=lambda o: heading_name(o, lang))


def heading_name(o: svc.Opportunity, lang: str) -> str:
    """The heading's name in the reader's language, else the WCO English description.

    Comtrade-Mexico's Spanish names for a Spanish reader; a name, never a bare code.
    """
    return product_name(o.scored.candidate.hs4, lang) or o.description


@pages.get("/supply/complexity")
async def complexity_page(request: Request, _user: Agency, year: Year = None,
                          state: OptState = "GTO") -> Response:
    """States ranked by ECI; the chosen state's subsectors and the product space."""
    lang = request_lang(request)
    try:
        result = await _complexity(request, year, state)
    except (InputError, NotFoundError) as exc:
        return render(request, "supply_complexity.html", c=None, error=exc.text(lang),
                      states=states(), chosen=state)
    chosen = next((s for s in result.states if s.state == result.state), None)
    return render(request, "supply_complexity.html", c=result, error=None, states=states(),
                  chosen=chosen.abbr if chosen else None,
                  subsectors=sorted(result.subsectors, key=lambda s: -(s.density or 0.0)),
                  eci_chart=supply_charts.eci_bars(result, lang),
                  space_chart=supply_charts.product_space(result, lang))


@pages.get("/supply/plants")
async def plants_page(request: Request, _user: Agency, state: OptState = "JAL") -> Response:
    """Plants from public registers (RETC) in the registry, labelled with their source."""
    lang = request_lang(request)
    try:
        rows = svc.list_source_plants(app_context(request).engine,
                                      svc.PlantsRequest(state=state or None))
    except InputError as exc:
        return render(request, "supply_plants.html", rows=None, error=exc.text(lang),
                      states=states(), chosen=state)
    return render(request, "supply_plants.html", rows=rows, error=None, states=states(),
                  chosen=(state or "").upper())


@api.get("/supply/opportunities")
async def api_opportunities(request: Request, _user: Agency, state: State,
                            origin: Origin = "asia", top: Top = 30) -> dict[str, Any]:
    """Ranked import-substitution opportunities with their components, sources and suppliers."""
    result = await _opportunities(request, state, origin, top)
    body = asdict(result)
    body["notes"] = [n.text(request_lang(request)) for n in result.notes]
    return body


@api.get("/supply/complexity")
async def api_complexity(request: Request, _user: Agency, year: Year = None,
                         state: OptState = None) -> dict[str, Any]:
    """ECI, diversity and COI of every state (and the subsectors of ``state``)."""
    return asdict(await _complexity(request, year, state))
