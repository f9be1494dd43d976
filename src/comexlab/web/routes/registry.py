"""The firm registry: list, firm page (with edit and gap), clusters graph, import (page + API).

Firm isolation is enforced here, once per route, through :class:`Principal`: a firm user's
list holds only their firm, and any other firm id answers 403 whether asked by URL, by the
API or by posting the edit form.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.web import charts, exports
from comexlab.web.adapters import registry as adapter
from comexlab.web.auth.security import (
    Principal,
    current_user,
    require_admin,
    require_agency,
    verify_csrf,
)
from comexlab.web.context import app_context
from comexlab.web.db import Db
from comexlab.web.errors import WebError, error_response
from comexlab.web.render import render, request_lang
from comexlab.web.views import (
    CertStatus,
    ClusterGraph,
    Facets,
    FirmDetail,
    FirmEdit,
    FirmPage,
    GapView,
    ImportReport,
)

pages = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
api = APIRouter(tags=["registry"], dependencies=[Depends(verify_csrf)])

User = Annotated[Principal, Depends(current_user)]
Agency = Annotated[Principal, Depends(require_agency)]
Admin = Annotated[Principal, Depends(require_admin)]
Code = Annotated[str | None, Query(max_length=40, pattern=r"^[A-Za-z0-9_.+-]*$")]
Sector = Annotated[str, Query(max_length=32, pattern=r"^[a-z0-9_]+$")]
# Database ids are 32/64-bit integers: bound them so a huge id is a 422, not a driver overflow.
FirmId = Annotated[int, Path(ge=1, le=2**31 - 1)]
MAX_UPLOAD_BYTES = 10_000_000
UPLOAD_SUFFIXES = (".xlsx", ".csv")
EXPORT_ROWS = 1_000_000  # an export holds every firm the filters select, not one page


class FirmQuery(BaseModel):
    """Filters of the firms list."""

    q: str | None = None
    process: str | None = None
    cert_status: CertStatus | None = None
    cluster: str | None = None
    program: str | None = None
    state: str | None = None
    sector: str | None = None
    page: int = 1
    page_size: int = 50


def firm_query(
    q: Annotated[str | None, Query(max_length=100)] = None,
    process: Code = None,
    cert_status: CertStatus | None = None,
    cluster: Code = None,
    program: Code = None,
    state: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
    sector: Annotated[str | None, Query(max_length=32, pattern=r"^[a-z0-9_]*$")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> FirmQuery:
    """Filters from the query string (empty values mean 'any')."""
    return FirmQuery(
        q=q or None, process=process or None, cert_status=cert_status, cluster=cluster or None,
        program=program or None, state=state or None, sector=sector or None,
        page=page, page_size=page_size,
    )


Filters = Annotated[FirmQuery, Depends(firm_query)]


def _list(request: Request, db: Session, user: Principal, f: FirmQuery) -> FirmPage:
    only = None if user.is_agency else user.firm_id
    return adapter.firms_list(
        db, **f.model_dump(), only_firm=only, lang=request_lang(request)
    )


def _readable(user: Principal, firm_id: FirmId) -> None:
    if not user.can_read_firm(firm_id):
        raise WebError(403, Msg("web.error.own_firm_only"))


def _editable(user: Principal, firm_id: FirmId) -> None:
    if not user.can_edit_firm(firm_id):
        raise WebError(403, Msg("web.error.may_not_edit"))


def _detail(request: Request, db: Session, user: Principal, firm_id: FirmId) -> FirmDetail:
    _readable(user, firm_id)
    return adapter.firm_detail(db, firm_id, lang=request_lang(request))


# ---------------------------------------------------------------- pages
@pages.get("/registry/firms")
def firms_page(request: Request, user: User, db: Db, f: Filters) -> Response:
    """Firms with search and filters (firm users see only their firm)."""
    data = _list(request, db, user, f)
    facets = adapter.facets(db, lang=request_lang(request))
    template = "_firms_table.html" if request.headers.get("HX-Request") else "firms.html"
    return render(request, template, data=data, f=f, facets=facets)


@pages.get("/registry/firms/export.{fmt}")
def firms_export(request: Request, user: User, db: Db, f: Filters, fmt: exports.Format) -> Response:
    """The firms list with the page's filters, every page of it (a firm user: their firm only)."""
    every = f.model_copy(update={"page": 1, "page_size": EXPORT_ROWS})
    data = _list(request, db, user, every)
    return exports.download("empresas", exports.firms_sheet(data, request_lang(request)), fmt)


@pages.get("/registry/firms/{firm_id}/gap/export.{fmt}")
def gap_export(
    request: Request, user: User, db: Db, firm_id: FirmId, sector: Sector, fmt: exports.Format
) -> Response:
    """The certification gap of the firm to a sector (403 for another firm's user)."""
    firm = _detail(request, db, user, firm_id)
    lang = request_lang(request)
    gap = adapter.firm_gap(db, firm_id, sector, lang=lang)
    return exports.download(f"brecha-{firm.rfc}-{sector}",
                            exports.gap_sheet(gap, firm.legal_name, lang), fmt)


@pages.get("/registry/clusters/export.{fmt}")
def clusters_export(request: Request, _user: Agency, db: Db, fmt: exports.Format) -> Response:
    """The clusters and links tables (CSV: the clusters table)."""
    graph = app_context(request).services.clusters_graph(db)
    return exports.download("clusteres", exports.cluster_sheets(graph, request_lang(request)), fmt)


@pages.get("/registry/firms/{firm_id}")
def firm_page(
    request: Request, user: User, db: Db, firm_id: FirmId, sector: Sector | None = None
) -> Response:
    """Plants, processes, certifications by expiry, enrolments, gap to a sector."""
    firm = _detail(request, db, user, firm_id)
    facets = adapter.facets(db, lang=request_lang(request))
    gap = None
    if sector:
        gap = adapter.firm_gap(db, firm_id, sector, lang=request_lang(request))
    return render(request, "firm.html", firm=firm, facets=facets, gap=gap, sector=sector,
                  can_edit=user.can_edit_firm(firm_id), saved=False)


@pages.get("/registry/firms/{firm_id}/gap")
def gap_fragment(request: Request, user: User, db: Db, firm_id: FirmId, sector: Sector) -> Response:
    """Htmx target: the certification gap of the firm to a sector."""
    _readable(user, firm_id)
    gap = adapter.firm_gap(db, firm_id, sector, lang=request_lang(request))
    return render(request, "_gap.html", gap=gap)


@pages.post("/registry/firms/{firm_id}")
def firm_form(
    request: Request,
    user: User,
    db: Db,
    firm_id: FirmId,
    website: Annotated[str, Form(max_length=300)] = "",
    employees: Annotated[str, Form(max_length=40)] = "",
    exporter: Annotated[str, Form()] = "",
) -> Response:
    """Save the firm's editable fields (own firm for firm users, any firm for admins).

    The fields go to the registry as typed (text): its importer checks them like a spreadsheet
    cell, so ``-5`` or ``9999999999`` employees is a field error in the reader's language.
    """
    _editable(user, firm_id)
    edit = {"website": website.strip() or None, "employees": employees.strip() or None,
            "exporter": exporter == "on"}
    adapter.firm_update(db, firm_id, edit, lang=request_lang(request))
    return RedirectResponse(f"/registry/firms/{firm_id}?saved=1", status_code=303)


@pages.get("/registry/clusters")
def clusters_page(request: Request, _user: Agency, db: Db) -> Response:
    """Clusters and their links, drawn as a graph."""
    graph = app_context(request).services.clusters_graph(db)
    chart = charts.cluster_graph(graph, request_lang(request))
    return render(request, "clusters.html", graph=graph, chart=chart)


@pages.get("/registry/import")
def import_page(request: Request, _admin: Admin) -> Response:
    """Upload the Excel template; errors are shown before anything is written."""
    return render(request, "import.html", report=None, token=None, **_template_help(request))


@pages.get("/registry/import/template.xlsx")
def import_template(request: Request, _admin: Admin) -> Response:
    """The empty import workbook and its help sheet (as ``comexlab registry template all``)."""
    sheets = adapter.import_template(request_lang(request))
    return exports.download("plantilla-registro", sheets, "xlsx")


@pages.post("/registry/import")
async def import_form(
    request: Request, _admin: Admin, upload: Annotated[UploadFile, File()]
) -> Response:
    """Dry run of an uploaded file: every bad row listed, nothing written."""
    path = await _save_upload(request, upload)
    report = await _run_import(request, path, dry_run=True)
    token = None
    if not report.errors:
        token = secrets.token_urlsafe(16)
        request.session["import_token"] = token
        request.session["import_path"] = str(path)
    else:
        _discard(path)
    status = 422 if report.errors else 200
    return render(request, "import.html", status_code=status, report=report, token=token,
                  **_template_help(request))


@pages.post("/registry/import/confirm")
async def import_confirm(
    request: Request, _admin: Admin, token: Annotated[str, Form()]
) -> Response:
    """Write the file the dry run accepted (in one transaction)."""
    expected = request.session.pop("import_token", None)
    path = request.session.pop("import_path", None)
    if not expected or not path or not secrets.compare_digest(expected, token):
        raise WebError(409, Msg("web.error.nothing_to_confirm"), code="conflict")
    try:
        report = await _run_import(request, FilePath(path), dry_run=False)
    finally:
        _discard(FilePath(path))
    return render(request, "import.html", report=report, token=None, **_template_help(request))


def _template_help(request: Request) -> dict[str, Any]:
    """The template's help sheet, shown on the import page (columns, required, allowed values)."""
    sheets = adapter.import_template(request_lang(request))
    help_sheet = sheets["help"]
    return {"help_columns": list(help_sheet.columns), "help_rows": help_sheet.values.tolist()}


async def _save_upload(request: Request, upload: UploadFile) -> FilePath:
    name = FilePath(upload.filename or "upload.xlsx").name
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise InputError(Msg("import.file_kind"), file=name, field="upload")
    folder = FilePath(tempfile.mkdtemp(prefix="comexlab-import-"))
    path = folder / name
    size = 0
    with path.open("wb") as out:
        while chunk := await upload.read(1 << 20):
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                out.close()
                _discard(path)
                raise InputError(Msg("web.error.file_too_large"), file=name, field="upload")
            out.write(chunk)
    return path


def _discard(path: FilePath) -> None:
    shutil.rmtree(path.parent, ignore_errors=True)


async def _run_import(request: Request, path: FilePath, *, dry_run: bool) -> ImportReport:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(
        adapter.import_file, app_context(request).engine, path, dry_run=dry_run,
        lang=request_lang(request),
    )


# ---------------------------------------------------------------- API
@api.get("/firms", response_model=FirmPage)
def api_firms(request: Request, user: User, db: Db, f: Filters) -> FirmPage:
    """Firms matching the filters (a firm user gets only their firm)."""
    return _list(request, db, user, f)


@api.get("/firms/{firm_id}", response_model=FirmDetail)
def api_firm(request: Request, user: User, db: Db, firm_id: FirmId) -> FirmDetail:
    """Everything about one firm (403 for another firm's user)."""
    return _detail(request, db, user, firm_id)


@api.patch("/firms/{firm_id}", response_model=FirmDetail)
def api_firm_update(
    request: Request, user: User, db: Db, firm_id: FirmId, body: FirmEdit
) -> FirmDetail:
    """Change the editable fields (own firm for firm users, any firm for admins)."""
    _editable(user, firm_id)
    return adapter.firm_update(db, firm_id, body, lang=request_lang(request))


@api.get("/firms/{firm_id}/gap", response_model=GapView)
def api_gap(request: Request, user: User, db: Db, firm_id: FirmId, sector: Sector) -> GapView:
    """Certifications the sector's buyers require that the firm lacks."""
    _readable(user, firm_id)
    return adapter.firm_gap(db, firm_id, sector, lang=request_lang(request))


@api.get("/registry/facets", response_model=Facets)
def api_facets(request: Request, _user: User, db: Db) -> Facets:
    """Choices for the firm filters."""
    return adapter.facets(db, lang=request_lang(request))


@api.get("/clusters/graph", response_model=ClusterGraph)
def api_clusters(request: Request, _user: Agency, db: Db) -> ClusterGraph:
    """Clusters (nodes) and their typed links (edges)."""
    return app_context(request).services.clusters_graph(db)


@api.post("/registry/import", response_model=ImportReport)
async def api_import(
    request: Request,
    _admin: Admin,
    file: Annotated[UploadFile, File()],
    dry_run: bool = True,
) -> Response:
    """Validate (``dry_run=true``, the default) or import a registry file; 422 lists bad rows."""
    path = await _save_upload(request, file)
    try:
        report = await _run_import(request, path, dry_run=dry_run)
    finally:
        _discard(path)
    if report.errors:
        message = Msg("web.import.errors", n=len(report.errors)).text(request_lang(request))
        return error_response(422, "invalid_input", message, report.errors)
    return JSONResponse(report.model_dump(mode="json"))
