""""Arancel vigente": the US tariff regime in force on a date (page and API).

Public trade policy applied to public statistics: every logged-in role may read it. The page
and ``/api/regime`` answer from the regime service's overview (one preparation of the lines
per request, cached with the dashboard's TTL cache, cleared when the warehouse is written).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from comexlab.errors import InputError, NotFoundError
from comexlab.i18n import t
from comexlab.presentation import regime as words
from comexlab.web import charts
from comexlab.web.adapters import regime as adapter
from comexlab.web.auth.security import Principal, current_user, verify_csrf
from comexlab.web.context import app_context
from comexlab.web.render import render, request_lang
from comexlab.web.views_regime import RegimeView

pages = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
api = APIRouter(tags=["regime"], dependencies=[Depends(verify_csrf)])

User = Annotated[Principal, Depends(current_user)]
Day = Annotated[dt.date | None, Query(description="Date, YYYY-MM-DD (default: today).")]
Reporter = Annotated[str, Query(pattern=r"^(MEX|(MX-)?[A-Z]{2,4})$", max_length=8)]
REPORTERS = ("MEX", "GTO", "JAL")


async def regime_data(request: Request, on: dt.date | None, reporter: str) -> RegimeView:
    """The overview for the request (cached per date, reporter and language)."""
    day = on or dt.date.today()
    lang = request_lang(request)
    ctx = app_context(request)
    return await ctx.dashboard_cache.aget_or_compute(
        ("regime", day.isoformat(), reporter, lang),  # once however many ask at once
        lambda: ctx.warehouse.read(
            lambda con: adapter.regime(con, on=day, reporter=reporter, lang=lang)),
    )


@pages.get("/regime")
async def regime_page(request: Request, _user: User, on: Day = None,
                      reporter: Reporter = "MEX") -> Response:
    """Date picker, ETR and its parts, the series chart, the lines with their measures."""
    lang = request_lang(request)
    chosen = {"on": (on or dt.date.today()).isoformat(), "reporter": reporter}
    try:
        view = await regime_data(request, on, reporter)
    except (NotFoundError, InputError) as exc:
        return render(request, "regime.html", v=None, error=exc.text(lang), chosen=chosen,
                      reporters=_reporter_options(lang))
    chart = charts.regime_series(view.segments, t("web.regime.changes", lang))
    return render(request, "regime.html", v=view, chart=chart, error=None, chosen=chosen,
                  reporters=_reporter_options(lang),
                  changes=words.segment_changes([s.measures for s in view.segments], lang),
                  titles=lambda ids: words.measure_titles(ids, lang))


def _reporter_options(lang: str) -> list[tuple[str, str]]:
    """(code, name) of the reporters the page offers, names in the reader's language."""
    return [(r, words.reporter_name(r, lang)) for r in REPORTERS]


@api.get("/regime", response_model=RegimeView)
async def api_regime(request: Request, _user: User, on: Day = None,
                     reporter: Reporter = "MEX") -> RegimeView:
    """ETR (fraction) on a date by authority, weights, lines and the series since 2025."""
    return await regime_data(request, on, reporter)
