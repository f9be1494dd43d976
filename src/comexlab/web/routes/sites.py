"""Site-profile page, its PDF, and the JSON API (agency only).

Presentation only: the profile comes from :mod:`comexlab.services.sites` (warehouse reader
pool + the app's registry engine); tables, map and PDF from :mod:`comexlab.sitesheet`, the
same code the CLI uses.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from markupsafe import Markup

from comexlab.errors import InputError, NotFoundError
from comexlab.i18n import Msg
from comexlab.services import sites as svc
from comexlab.sitesheet import page as sheet_page
from comexlab.sitesheet import tables
from comexlab.sitesheet.svgmap import site_map
from comexlab.web.auth.security import Principal, require_agency, verify_csrf
from comexlab.web.context import app_context
from comexlab.web.render import render, request_lang

pages = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
api = APIRouter(tags=["sites"], dependencies=[Depends(verify_csrf)])

Agency = Annotated[Principal, Depends(require_agency)]
Municipality = Annotated[str | None, Query(pattern=r"^\d{5}$", max_length=5)]
Park = Annotated[str | None, Query(max_length=120)]
Coord = Annotated[str | None, Query(max_length=24)]  # text: an empty form field is "none"
Radius = Annotated[float, Query(gt=0, le=1000)]


def _query(municipality: str | None, park: str | None, lat: str | None,
           lon: str | None) -> svc.SiteQuery:
    if (lat or "").strip() or (lon or "").strip():
        try:
            return svc.SiteQuery(at=(float(lat or ""), float(lon or "")))
        except ValueError:
            raise InputError(Msg("sites.error.bad_point"), field="lat/lon",
                             value=f"{lat}, {lon}") from None
    if park:
        return svc.SiteQuery(park=park)
    return svc.SiteQuery(municipality=municipality or "14053")


async def _profile(request: Request, query: svc.SiteQuery, radius: float) -> svc.SiteProfile:
    engine = app_context(request).engine
    req = svc.ProfileRequest(query, radius_km=radius)
    result: svc.SiteProfile = await app_context(request).warehouse.read(
        lambda con: svc.site_profile(con, engine, req))
    return result


def _form(q: svc.SiteQuery, radius: float) -> dict[str, Any]:
    return {"municipalities": svc.municipalities(), "municipality": q.municipality or "",
            "park": q.park or "", "lat": q.at[0] if q.at else "", "lon": q.at[1] if q.at else "",
            "radius": radius}


@pages.get("/sites")
async def site_page(request: Request, _user: Agency, municipality: Municipality = None,
                    park: Park = None, lat: Coord = None, lon: Coord = None,
                    radius: Radius = 150.0) -> Response:
    """Pick a site; see its profile and map; download the one-page PDF."""
    lang = request_lang(request)
    try:
        q = _query(municipality, park, lat, lon)
    except InputError as exc:
        return render(request, "sites.html", p=None, error=exc.text(lang),
                      form=_form(svc.SiteQuery(municipality=municipality), radius))
    form = _form(q, radius)
    try:
        prof = await _profile(request, q, radius)
    except (InputError, NotFoundError) as exc:
        return render(request, "sites.html", p=None, error=exc.text(lang), form=form)
    return render(request, "sites.html", p=prof, error=None, form=form,
                  rows=tables.indicators(prof, lang)[2:],
                  svg=Markup(site_map(prof, lang, (250.0,))),  # built from escaped parts
                  abbr=tables.state_abbr, process_name=lambda c: tables.process_name(c, lang),
                  notes=[n.text(lang) for n in prof.notes], query=request.url.query)


@pages.get("/sites/profile.pdf")
async def site_pdf(request: Request, _user: Agency, municipality: Municipality = None,
                   park: Park = None, lat: Coord = None, lon: Coord = None,
                   radius: Radius = 150.0) -> Response:
    """The one-page profile as PDF, printed by headless Chromium (a worker thread)."""
    lang = request_lang(request)
    prof = await _profile(request, _query(municipality, park, lat, lon), radius)
    data = await run_in_threadpool(sheet_page.pdf, sheet_page.html(prof, lang))
    name = "".join(c if c.isalnum() else "-" for c in prof.site.label).strip("-")[:60]
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="site-{name}.pdf"'})


@api.get("/sites/profile")
async def api_profile(request: Request, _user: Agency, municipality: Municipality = None,
                      park: Park = None, lat: Coord = None, lon: Coord = None,
                      radius: Radius = 150.0) -> dict[str, Any]:
    """The profile as data: plants within the radius (names as published), bands, depth, FDI."""
    prof = await _profile(request, _query(municipality, park, lat, lon), radius)
    body = tables.as_json(prof)
    body["notes"] = [n.text(request_lang(request)) for n in prof.notes]
    return body
