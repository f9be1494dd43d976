"""The state dashboard: export report for a reporter and window (page and API)."""

from __future__ import annotations

import gzip
import hashlib
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from comexlab.errors import InputError, NotFoundError
from comexlab.i18n import Msg
from comexlab.web import charts, exports, state_map
from comexlab.web.adapters import registry, report
from comexlab.web.auth.security import Principal, csrf_token, current_user, verify_csrf
from comexlab.web.context import GZIP_LEVEL, app_context
from comexlab.web.render import render, render_fragment, request_lang
from comexlab.web.views import Dashboard, DashboardOptions

pages = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
api = APIRouter(tags=["dashboard"], dependencies=[Depends(verify_csrf)])

# Public trade statistics: every logged-in role may read the dashboard.
User = Annotated[Principal, Depends(current_user)]
Period = Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2})?$", max_length=7)]
Reporter = Annotated[str | None, Query(pattern=r"^[A-Z]{2,3}(-[A-Z]{2,4})?$", max_length=8)]


async def dashboard_options(request: Request) -> DashboardOptions:
    """Reporters and periods available (read on the DuckDB reader pool, then cached)."""
    ctx = app_context(request)
    lang = request_lang(request)
    return await ctx.dashboard_cache.aget_or_compute(
        ("options", lang),
        lambda: ctx.warehouse.read(lambda con: report.dashboard_options(con, lang=lang)),
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
    ctx = app_context(request)
    lang = request_lang(request)
    dashboard = ctx.services.dashboard
    data = await ctx.dashboard_cache.aget_or_compute(
        (reporter, start, end, lang, estimated),  # one computation however many ask at once
        lambda: ctx.warehouse.read(lambda con: dashboard(
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
    ctx = app_context(request)
    base = await ctx.dashboard_cache.aget_or_compute(
        ("state-map", year, lang),
        lambda: ctx.warehouse.read(lambda con: state_map.build(
            ctx.services.state_exports(con, year=year), lang=lang)),
    )
    return state_map.for_reporter(base, data.reporter)



async def dashboard_html(request: Request, options: DashboardOptions, data: Dashboard,
                         estimated: bool, role: str) -> tuple[Markup, Markup, str]:
    """The page's form and report as HTML, and their digest; rendered once per key.

    Why: formatting a few hundred numbers, the charts' JSON and the form's hundred options was
    most of a warm dashboard request (bench/README-web.md); they depend only on the cached
    report and options, the language and the role, so they are cached beside the report (and
    cleared with it when the warehouse is written). Only the header (user, CSRF token) is
    rendered per request.
    """
    lang = request_lang(request)
    key = ("html", data.reporter, data.start, data.end, estimated, lang, role)
    chosen = {"reporter": data.reporter, "start": data.start, "end": data.end,
              "estimated": estimated}

    async def draw() -> tuple[Markup, Markup, str]:
        form = render_fragment(request, "_dashboard_form.html", options=options, chosen=chosen)
        body = render_fragment(request, "_dashboard_body.html", d=data, error=None,
                               charts=charts.dashboard_charts(data, lang),
                               sector_links=registry.sector_of_scian(),
                               state_map=await state_map_of(request, data))
        digest = hashlib.sha256((form + body).encode()).hexdigest()[:32]
        return form, body, digest

    result: tuple[Markup, Markup, str] = await app_context(request).dashboard_cache.aget_or_compute(
        key, draw)
    return result


def _etag(request: Request, user: Principal, digest: str, fragment: bool) -> str:
    """A weak validator of what this user would get: the report, the page around it, the form."""
    parts = (digest, str(user.id), user.role.value, csrf_token(request),
             request_lang(request), "f" if fragment else "p")
    return 'W/"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] + '"'


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
    fragment = bool(request.headers.get("HX-Request"))
    template = "_dashboard_body.html" if fragment else "dashboard.html"
    try:
        options, data = await dashboard_data(request, reporter, start, end, estimated)
    except (NotFoundError, InputError) as exc:
        options = await dashboard_options(request)
        return render(request, template, options=options, d=None,
                      error=exc.text(request_lang(request)),
                      chosen={"reporter": reporter, "start": start, "end": end,
                              "estimated": estimated})
    form, body, digest = await dashboard_html(request, options, data, estimated,
                                              _user.role.value)
    etag = _etag(request, _user, digest, fragment)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Cookie, HX-Request"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if fragment:
        return HTMLResponse(body, headers=headers)
    page = app_context(request).page_cache.get(etag)
    if page is None:
        page = _page_bytes(render(request, template, form_html=form, body=body))
        app_context(request).page_cache.put(etag, page)
    return _send(page, request, headers)


def _page_bytes(response: Response) -> tuple[bytes, bytes]:
    """A rendered page and its gzip, kept together so a repeated view costs neither again.

    Why: with the report and its HTML cached, the page's frame (menu, header) and gzip were
    most of what was left of a warm dashboard request (bench/README-web.md).
    """
    raw = bytes(response.body)
    return raw, gzip.compress(raw, compresslevel=GZIP_LEVEL)


def _send(page: tuple[bytes, bytes], request: Request, headers: dict[str, str]) -> Response:
    """The page, already compressed when the client takes gzip (the middleware then skips it)."""
    raw, packed = page
    headers = {**headers, "Vary": headers["Vary"] + ", Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(packed, media_type="text/html; charset=utf-8",
                        headers={**headers, "Content-Encoding": "gzip"})
    return Response(raw, media_type="text/html; charset=utf-8", headers=headers)


@pages.get("/dashboard/export.{fmt}")

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
