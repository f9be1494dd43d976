"""Matching pages: a buyer-need form → ranked suppliers with gaps; a B2B fair page.

Agency users only (a firm user sees neither other firms' gaps nor a fair's participants).
The pages call :mod:`comexlab.services.matching` and :mod:`comexlab.services.fair` and only
shape what they return. A fair's exports are kept in memory for an hour under a random
token bound to the user who ran it.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from datetime import UTC, date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.web.auth.security import Principal, require_agency, verify_csrf
from comexlab.web.cache import TTLCache
from comexlab.web.context import app_context
from comexlab.web.db import Db
from comexlab.web.errors import WebError
from comexlab.web.render import render, request_lang

pages = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
api = APIRouter(tags=["matching"], dependencies=[Depends(verify_csrf)])

Agency = Annotated[Principal, Depends(require_agency)]
MAX_UPLOAD_BYTES = 5_000_000
TOP = 25
HARD = ("processes", "certifications", "location", "size", "export")
SIZES = ("micro", "small", "medium", "large")
DOWNLOADS = {"agendas.csv": "text/csv", "agendas.xlsx":
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "table_plan.csv": "text/csv", "calendars.zip": "application/zip"}


def _choices(lang: str) -> dict[str, Any]:
    from comexlab.registry import reference
    from comexlab.supply.processes import processes

    sectors = {code: s.name_es if lang == "es" else s.name_en
               for code, s in sorted(reference.sectors().items())}
    return {"processes": sorted(processes()), "sectors": sectors,
            "standards": sorted(reference.standards()), "states": reference.states(),
            "sizes": SIZES, "hard_options": HARD}


# ---------------------------------------------------------------- buyer need
@pages.get("/matching/need")
def need_page(request: Request, _user: Agency) -> Response:
    """The buyer-need form."""
    return render(request, "match_need.html", form={"hard": ["processes"]}, result=None,
                  problems=[], **_choices(request_lang(request)))


@pages.post("/matching/need")
def need_submit(
    request: Request, _user: Agency, db: Db,
    processes: Annotated[list[str] | None, Form()] = None,
    sector: Annotated[str, Form(max_length=32)] = "",
    cert_mode: Annotated[str, Form(max_length=10)] = "usual",
    certifications: Annotated[list[str] | None, Form()] = None,
    from_state: Annotated[str, Form(max_length=2)] = "",
    max_km: Annotated[str, Form(max_length=10)] = "",
    states: Annotated[list[str] | None, Form()] = None,
    sizes: Annotated[list[str] | None, Form()] = None,
    export_experience: Annotated[str, Form(max_length=5)] = "",
    hard: Annotated[list[str] | None, Form()] = None,
    buyer: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Rank the registry's firms for the need described in the form."""
    from comexlab.matching import needfile
    from comexlab.services import matching

    lang = request_lang(request)
    form: dict[str, Any] = {
        "code": "WEB", "buyer": buyer.strip() or "—", "processes": processes or [],
        "sector": sector or None,
        "certifications": "usual" if cert_mode == "usual" else (certifications or []),
        "sizes": sizes or [], "export_experience": export_experience == "on",
        "hard": hard or []}
    location: dict[str, Any] = {}
    if states:
        location["states"] = states
    if from_state or max_km:
        location["from_state"] = from_state or None
        location["max_km"] = _number(max_km)
    if location:
        form["location"] = location
    if form["sector"] is None and cert_mode == "usual":
        form["certifications"] = []
    shown = {**form, "cert_mode": cert_mode, "from_state": from_state, "max_km": max_km,
             "states": states or []}
    try:
        need = needfile.needs_from_data(form, known=matching.known_codes(), file="form",
                                        lang=lang)[0]
    except InputError as exc:
        return render(request, "match_need.html", status_code=422, form=shown, result=None,
                      problems=[p.render(lang) for p in exc.problems], **_choices(lang))
    result = matching.rank_need(db, need, today=date.today())
    near = [m for m in result.matches if not m.qualified][:TOP]
    return render(request, "match_need.html", form=shown, result=result,
                  qualified=result.qualified[:TOP], near=near, problems=[], **_choices(lang))


def _number(text: str) -> float | str | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text  # refused by the need checks with the field named


# ---------------------------------------------------------------- B2B fair
def _exports(request: Request) -> TTLCache:
    return app_context(request).fair_exports


@pages.get("/matching/fair")
def fair_page(request: Request, _user: Agency) -> Response:
    """Upload a fair's participants and requests."""
    return render(request, "match_fair.html", result=None, problems=[], token=None,
                  form={"slots": 16, "tables": 100, "start": "2026-05-20T09:00",
                        "slot_minutes": 30, "event": "B2B"})


async def _read(upload: UploadFile) -> tuple[str, bytes]:
    name = (upload.filename or "upload.csv").rsplit("/", 1)[-1]
    content = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise InputError(Msg("match.web.too_large"), file=name, field="upload")
    return name, content


@pages.post("/matching/fair")
async def fair_submit(
    request: Request, user: Agency,
    participants: Annotated[UploadFile, File()],
    requests: Annotated[UploadFile, File()],
    slots: Annotated[int, Form(ge=1, le=200)] = 16,
    tables: Annotated[int, Form(ge=1, le=10_000)] = 100,
    start: Annotated[str, Form(max_length=16)] = "2026-05-20T09:00",
    slot_minutes: Annotated[int, Form(ge=1, le=1440)] = 30,
    event: Annotated[str, Form(max_length=120)] = "B2B",
) -> Response:
    """Schedule the fair: totals, bound and gap, the grid, and links to the agendas."""
    from starlette.concurrency import run_in_threadpool

    from comexlab.matching.agenda import Timing
    from comexlab.services import fair as service

    lang = request_lang(request)
    form = {"slots": slots, "tables": tables, "start": start, "slot_minutes": slot_minutes,
            "event": event}
    try:
        begin = datetime.fromisoformat(start).replace(tzinfo=ZoneInfo("America/Mexico_City"))
    except ValueError:
        return render(request, "match_fair.html", status_code=422, result=None, token=None,
                      form=form, problems=[InputError(Msg("fair.error.unreadable", reason=start),
                                                      field="start").render(lang)])
    try:
        job = service.ScheduleRequest(await _read(participants), await _read(requests), slots,
                                      tables, 10.0, lang)
        result = await run_in_threadpool(service.schedule_fair, job)
    except InputError as exc:
        problems = [p.render(lang) for p in exc.problems] or [exc.render(lang)]
        return render(request, "match_fair.html", status_code=422, result=None, token=None,
                      form=form, problems=problems)
    files = service.export_files(result, service.ExportRequest(
        Timing(begin, slot_minutes), event.strip() or "B2B", datetime.now(UTC), lang))
    token = secrets.token_urlsafe(16)
    _exports(request).put((user.id, token), _bundle(files))
    return render(request, "match_fair.html", result=result, token=token, form=form,
                  problems=[], grid=_grid(result), names={
                      p.id: p.name for p in result.fair.participants})


def _bundle(files: dict[str, bytes]) -> dict[str, bytes]:
    out = {k: v for k, v in files.items() if not k.startswith("ics/")}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            if name.startswith("ics/"):
                archive.writestr(name, content)
    out["calendars.zip"] = buffer.getvalue()
    return out


def _grid(result: Any) -> list[tuple[int, list[Any]]]:
    """Slot → meetings by table (the page shows at most the first 30 tables)."""
    by_slot: dict[int, list[Any]] = {s: [] for s in range(1, result.fair.slots + 1)}
    for m in result.schedule.meetings:
        by_slot[m.slot].append(m)
    return [(s, sorted(ms, key=lambda m: m.table)[:30]) for s, ms in by_slot.items()]


@pages.get("/matching/fair/{token}/{name}")
def fair_download(request: Request, user: Agency, token: str, name: str) -> Response:
    """One export of a fair the same user scheduled within the last hour."""
    if name not in DOWNLOADS or len(token) > 64:
        raise WebError(404, Msg("error.not_found"), code="not_found")
    files = _exports(request).get((user.id, token))
    if files is None:
        raise WebError(404, Msg("error.not_found"), code="not_found")
    return Response(files[name], media_type=DOWNLOADS[name],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
