"""The state dashboard: export report for a reporter and window (page and API)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from comexlab.errors import InputError, NotFoundError
from comexlab.i18n import Msg
from comexlab.web import charts, exports, state_map
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
    """Reporters and periods available (read on the DuckDB reader pool, then cached)."""
    services = request.app.state.services
    lang = request_lang(request)
    warehouse = request.app.state.warehouse
    return await request.app.state.dashboard_cache.aget_or_compute(
        ("options", lang),
        lambda: warehouse.read(lambda con: services.dashboard_options(con, lang=lang)),
    )


async def dashboard_data(
    request: Request,
    reporter: str | None,
    start: str | None,
    end: str | None,
    estimated: bool = False,
) -> tuple[DashboardOptions, Dashboard]:
    """The report for the request, filling missing choices with the defaults."""
    options = await dashboard_options(request)
    reporter = reporter or options.default_reporter
    if start is None:
        start, end = options.default_start, end or options.default_end
    end = end or start
    if reporter is None or start is None or end is None:
        raise NotFoundError(Msg("web.error.no_flows"))
    services = request.app.state.services
    lang = request_lang(request)
    warehouse = request.app.state.warehouse
    data = await request.app.state.dashboard_cache.aget_or_compute(
        (reporter, start, end, lang, estimated),  # one computation however many ask at once
        lambda: warehouse.read(lambda con: services.dashboard(
            con, reporter=reporter, start=start, end=end, lang=lang, estimated=estimated
        )),
    )
    return options, data


async def state_map_of(request: Request, data: Dashboard) -> state_map.StateMap:
    """The map of every state's exports in the window's last year.

    Built (query, classes, 70 formatted amounts) once per year and language, cached like the
    report; only the outline of the state shown is per request.
    """
    year, lang = data.end[:4], request_lang(request)
    services = request.app.state.services
    warehouse = request.app.state.warehouse
    base = await request.app.state.dashboard_cache.aget_or_compute(
        ("state-map", year, lang),
        lambda: warehouse.read(lambda con: state_map.build(
            services.state_exports(con, year=year), lang=lang)),
    )
    return state_map.for_reporter(base, data.reporter)


def _charts(data: Dashboard, lang: str) -> dict[str, object]:
    return {
        "sectors": charts.hbar(data.sectors, data.end, lang=lang),
        "products": charts.treemap(data.products),
        "destinations": charts.hbar(data.destinations, data.end, lang=lang),
        "series": charts.line(data.series),
    }


@pages.get("/dashboard")
async def dashboard_page(
    request: Request,
    _user: User,
    reporter: Reporter = None,
    start: Period = None,
    end: Period = None,
    estimated: bool = False,
) -> Response:
    """Pick reporter and window; see totals, change, top cuts and charts.

    A window no loaded source covers is shown as a message in the page (the API answers the
    same case with the error shape), so the reader can pick another window.
    """
    template = "_dashboard_body.html" if request.headers.get("HX-Request") else "dashboard.html"
    try:
        options, data = await dashboard_data(request, reporter, start, end, estimated)
    except (NotFoundError, InputError) as exc:
        options = await dashboard_options(request)
        return render(request, template, options=options, d=None,
                      error=exc.text(request_lang(request)),
                      chosen={"reporter": reporter, "start": start, "end": end,
                              "estimated": estimated})
    charts_ = _charts(data, request_lang(request))
    links = request.app.state.services.sector_of_scian()
    return render(request, template, options=options, d=data, charts=charts_, error=None,
                  sector_links=links, state_map=await state_map_of(request, data),
                  chosen={"reporter": data.reporter, "start": data.start, "end": data.end,
                          "estimated": estimated})


@pages.get("/dashboard/export.{fmt}")
async def dashboard_export(
    request: Request,
    _user: User,
    fmt: exports.Format,
    reporter: Reporter = None,
    start: Period = None,
    end: Period = None,
    estimated: bool = False,
    cut: Literal["sectors", "products", "destinations", "series"] | None = None,
) -> Response:
    """The dashboard's tables: every cut in one workbook, or one ``cut`` as CSV."""
    lang = request_lang(request)
    if fmt == "csv" and cut is None:
        cut = "sectors"
    _options, data = await dashboard_data(request, reporter, start, end, estimated)
    name = f"exportaciones-{data.reporter}-{data.start}-{data.end}" + (f"-{cut}" if cut else "")
    return exports.download(name, exports.dashboard_sheets(data, lang, cut), fmt,
                            percent_columns=exports.dashboard_percent_columns(lang),
                            notes=exports.dashboard_notes(data, lang))


@api.get("/dashboard", response_model=Dashboard)
async def api_dashboard(
    request: Request,
    _user: User,
    reporter: Reporter = None,
    start: Period = None,
    end: Period = None,
    estimated: bool = False,
) -> Dashboard:
    """The state export report (default: Guanajuato, latest year).

    ``estimated`` allows the DataWeb × INEGI allocation for monthly state windows (figures
    labelled estimated).
    """
    return (await dashboard_data(request, reporter, start, end, estimated))[1]


@api.get("/dashboard/options", response_model=DashboardOptions)
async def api_dashboard_options(request: Request, _user: User) -> DashboardOptions:
    """Reporters and periods that can be asked for."""
    return await dashboard_options(request)
