"""The state dashboard: export report for a reporter and window (page and API)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from comexlab.web import charts
from comexlab.web.auth.security import Principal, current_user, verify_csrf
from comexlab.web.render import render, request_lang
from comexlab.web.views import Dashboard, DashboardOptions

pages = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
api = APIRouter(tags=["dashboard"], dependencies=[Depends(verify_csrf)])

# Public trade statistics: every logged-in role may read the dashboard.
User = Annotated[Principal, Depends(current_user)]
Period = Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2})?$", max_length=7)]
Reporter = Annotated[str | None, Query(pattern=r"^[A-Z]{2,3}(-[A-Z]{2,4})?$", max_length=8)]


async def dashboard_options(request: Request) -> DashboardOptions:
    """Reporters and periods available (read on the DuckDB reader pool)."""
    services = request.app.state.services
    lang = request_lang(request)
    return await request.app.state.warehouse.read(
        lambda con: services.dashboard_options(con, lang=lang)
    )


async def dashboard_data(
    request: Request, reporter: str | None, start: str | None, end: str | None
) -> tuple[DashboardOptions, Dashboard]:
    """The report for the request, filling missing choices with the defaults."""
    options = await dashboard_options(request)
    reporter = reporter or options.default_reporter
    if start is None:
        start, end = options.default_start, end or options.default_end
    end = end or start
    if reporter is None or start is None or end is None:
        from comexlab.errors import NotFoundError

        raise NotFoundError("no trade flows are loaded in the warehouse (run comexlab flows load)")
    services = request.app.state.services
    lang = request_lang(request)
    cache = request.app.state.dashboard_cache
    key = (reporter, start, end, lang)
    hit = cache.get(key)
    if hit is not None:
        return options, hit
    data = await request.app.state.warehouse.read(
        lambda con: services.dashboard(con, reporter=reporter, start=start, end=end, lang=lang)
    )
    cache.put(key, data)
    return options, data


def _charts(data: Dashboard) -> dict[str, object]:
    return {
        "sectors": charts.hbar(data.sectors, data.end),
        "products": charts.treemap(data.products),
        "destinations": charts.hbar(data.destinations, data.end),
        "series": charts.line(data.series),
    }


@pages.get("/dashboard")
async def dashboard_page(
    request: Request,
    _user: User,
    reporter: Reporter = None,
    start: Period = None,
    end: Period = None,
) -> Response:
    """Pick reporter and window; see totals, change, top cuts and charts."""
    options, data = await dashboard_data(request, reporter, start, end)
    template = "_dashboard_body.html" if request.headers.get("HX-Request") else "dashboard.html"
    return render(request, template, options=options, d=data, charts=_charts(data))


@api.get("/dashboard", response_model=Dashboard)
async def api_dashboard(
    request: Request,
    _user: User,
    reporter: Reporter = None,
    start: Period = None,
    end: Period = None,
) -> Dashboard:
    """The state export report (defaults: first reporter, latest period)."""
    return (await dashboard_data(request, reporter, start, end))[1]


@api.get("/dashboard/options", response_model=DashboardOptions)
async def api_dashboard_options(request: Request, _user: User) -> DashboardOptions:
    """Reporters and periods that can be asked for."""
    return await dashboard_options(request)
