"""Tariff scenarios: pick or upload, run in the background, browse and download (page + API).

Runs go to the job runner (never the request thread), so a long scenario shows a progress bar
and other users keep working. Analysts and admins run scenarios; firm users may not.

Before a run is queued its scenario is validated on a reader cursor (a shipped NAME, or the
uploaded YAML's TEXT — names never reach the file system): a refused scenario gets its
problems at once (422 in the API, the message on the page) and nothing is queued or recorded.
Uploads over ``scenario_upload_max_bytes`` are refused unread (413), a full queue is 429, and
the owner (or an admin) may cancel a waiting or running run.
"""

from __future__ import annotations

import contextlib
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError, model_validator

from comexlab.errors import ComexlabError, InputError, NotFoundError
from comexlab.i18n import Msg, t
from comexlab.web import charts, lines
from comexlab.web.adapters import scenario as adapter
from comexlab.web.auth.security import Principal, require_agency, verify_csrf
from comexlab.web.context import app_context
from comexlab.web.errors import ErrorBody, WebError
from comexlab.web.jobs import Job, JobFinishedError
from comexlab.web.render import render, request_lang
from comexlab.web.views import LinePage, RunResult, RunStatus, ScenarioInfo

pages = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
api = APIRouter(tags=["scenarios"], dependencies=[Depends(verify_csrf)])

Agency = Annotated[Principal, Depends(require_agency)]
KIND = "scenario"
Reporter = Annotated[str | None, Query(pattern=r"^[A-Z]{2,3}(-[A-Z]{2,4})?$", max_length=8)]


class RunRequest(BaseModel):
    """Run a shipped scenario by name, or one given as YAML text."""

    scenario: str | None = Field(default=None, max_length=80, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    yaml: str | None = None  # size: ``scenario_upload_max_bytes`` (413 with its message)
    reporter: str | None = Field(default=None, pattern=r"^[A-Z]{2,3}(-[A-Z]{2,4})?$")

    @model_validator(mode="after")
    def _one_source(self) -> RunRequest:
        if (self.scenario is None) == (self.yaml is None):
            raise ValueError(Msg("web.invalid.one_source"))
        return self


class UploadTooLargeError(InputError):
    """A scenario upload over the configured size (refused before it is parsed)."""

    code = "too_large"
    http_status = 413


def _check_size(request: Request, size: int, source: str) -> None:
    limit = app_context(request).settings.scenario_upload_max_bytes
    if size > limit:
        raise UploadTooLargeError(Msg("scenario.err.too_large", size=size, limit=limit),
                                  file=source, field="yaml")


async def _start(request: Request, user: Principal, body: RunRequest,
                 source: str = "scenario.yaml") -> Job:
    """Validate the scenario, then queue its run (raises: 413, 404, 422, 429)."""
    ctx = app_context(request)
    warehouse = ctx.warehouse
    lang = request_lang(request)
    if body.yaml is not None:
        _check_size(request, len(body.yaml.encode("utf-8")), source)
    scenario = await warehouse.read(lambda con: adapter.validate(
        con, scenario=body.scenario, yaml_text=body.yaml, source=source,
        reporter=body.reporter))
    label = body.scenario or f"upload-{scenario.name}"
    run = ctx.services.scenario_run

    def work(job: Job) -> lines.CompletedRun:
        return run(
            warehouse=warehouse, scenario=body.scenario, yaml_text=body.yaml,
            reporter=body.reporter, lang=lang, progress=job.report, username=user.username,
            run_id=job.id, owner_id=user.id, source=source, checkpoint=job.checkpoint,
            on_stop=job.on_stop,
        )

    return ctx.jobs.submit(KIND, label, user.id, work)


def _upload_name(filename: str) -> str:
    """The upload's own file name for messages (no directories, nothing odd, short)."""
    name = re.sub(r"[^\w.\-]", "_", filename.replace("\\", "/").rsplit("/", 1)[-1])[:80]
    return name or "scenario.yaml"


def _job(request: Request, user: Principal, run_id: str) -> Job:
    try:
        job = app_context(request).jobs.get(run_id, KIND)
    except NotFoundError:  # not in memory (older, or the server restarted): the kept run
        job = _kept(request, run_id)
    if job.owner_id != user.id and user.role.value != "admin":
        # runs are private to who started them (they may hold an uploaded, unpublished scenario)
        raise WebError(404, Msg("web.error.run_not_found", run=run_id))
    return job


def _kept(request: Request, run_id: str) -> Job:
    """A finished run read back from the warehouse, as a done job (its URL outlives restarts)."""
    if not re.fullmatch(r"[0-9a-f]{8,64}", run_id):
        raise WebError(404, Msg("web.error.run_not_found", run=run_id))
    owner, run = app_context(request).warehouse.read_sync(
        lambda con: adapter.saved_run(con, run_id))
    result = run.result
    return Job(id=run_id, kind=KIND, owner_id=-1 if owner is None else owner,
               label=result.scenario, status="done", progress=1.0, result=run)


def _status(job: Job, lang: str) -> RunStatus:
    return RunStatus(
        run_id=job.id, scenario=job.label, status=job.status, progress=job.progress,
        message=job.message, error=None if job.error is None else job.error.text(lang),
    )


def _done(job: Job) -> lines.CompletedRun:
    if job.status in ("cancelled", "timed_out") and job.error is not None:
        raise WebError(409, job.error.msg or job.error.message, code=job.status)
    if job.status == "failed" and job.error is not None:
        raise job.error
    if job.status != "done":
        raise WebError(409, Msg("web.error.run_not_ready"), code="not_ready")
    return job.result


def _result(job: Job) -> RunResult:
    result = _done(job).result
    assert isinstance(result, RunResult)
    return result


# ---------------------------------------------------------------- pages
def _scenarios_page(request: Request, error: ComexlabError | None = None) -> Response:
    lang = request_lang(request)
    settings = app_context(request).settings
    catalog = adapter.catalog(lang=lang)
    limits = t("web.scen.limits", lang, kb=f"{settings.scenario_upload_max_bytes / 1024:g}",
               per_user=settings.scenario_runs_per_user,
               minutes=f"{settings.scenario_time_limit / 60:g}")
    return render(request, "scenarios.html", status_code=200 if error is None else
                  error.http_status, catalog=catalog, limits=limits,
                  error=None if error is None else error.text(lang),
                  problems=[] if error is None else [p.render(lang) for p in error.problems])


@pages.get("/scenarios")
def scenarios_page(request: Request, _user: Agency) -> Response:
    """Shipped scenarios and the upload form."""
    return _scenarios_page(request)


@pages.post("/scenarios/run")
async def run_form(
    request: Request,
    user: Agency,
    scenario: Annotated[str, Form(max_length=80)] = "",
    reporter: Annotated[str, Form(max_length=12)] = "",
    upload: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Start a run from the form (a shipped name or an uploaded YAML file).

    A refused scenario (too large, invalid, queue full) comes back on the scenarios page with
    its problems, in the reader's language; nothing is queued.
    """
    try:
        yaml_text, source = None, "scenario.yaml"
        if upload is not None and upload.filename:
            source = _upload_name(upload.filename)
            limit = app_context(request).settings.scenario_upload_max_bytes
            raw = await upload.read(limit + 1)
            size = len(raw) if len(raw) <= limit else max(upload.size or 0, len(raw))
            _check_size(request, size, source)
            yaml_text = raw.decode("utf-8", errors="replace")
        body = RunRequest(
            scenario=None if yaml_text else (scenario or None), yaml=yaml_text,
            reporter=reporter or None,
        )
        job = await _start(request, user, body, source)
    except ComexlabError as exc:
        return _scenarios_page(request, exc)
    except ValidationError:  # the form's own fields (scenario name, reporter)
        return _scenarios_page(request, InputError(Msg("web.error.invalid_request")))
    return RedirectResponse(f"/scenarios/runs/{job.id}", status_code=303)


@pages.post("/scenarios/runs/{run_id}/cancel")
def cancel_form(request: Request, user: Agency, run_id: str) -> Response:
    """The run page's cancel button; back to the run page (which then says 'cancelled')."""
    job = _job(request, user, run_id)
    with contextlib.suppress(JobFinishedError):  # finished meanwhile: the page says how
        app_context(request).jobs.cancel(job)
    return RedirectResponse(f"/scenarios/runs/{job.id}", status_code=303)


@pages.get("/scenarios/runs")
def runs_page(request: Request, user: Agency) -> Response:
    """Kept runs (who, when, scenario, reporter), each linked; pick two to compare."""
    owner = None if user.role.value == "admin" else user.id
    runs = app_context(request).warehouse.read_sync(lambda con: adapter.saved_runs(con, owner))
    return render(request, "scenario_runs.html", runs=runs)


@pages.get("/scenarios/compare")
def compare_page(
    request: Request, user: Agency,
    a: Annotated[str, Query(max_length=64)], b: Annotated[str, Query(max_length=64)],
) -> Response:
    """Two runs' headline figures side by side (the CLI's ``scenario compare``)."""
    left, right = _result(_job(request, user, a)), _result(_job(request, user, b))
    right_values = {f.key: f for f in right.headline}
    rows = [(f, right_values.get(f.key)) for f in left.headline]
    return render(request, "scenario_compare.html", a=left, b=right, rows=rows)


@pages.get("/scenarios/runs/{run_id}")
def run_page(request: Request, user: Agency, run_id: str) -> Response:
    """The run: progress while it runs, then headline, charts and the line table."""
    job = _job(request, user, run_id)
    return render(request, "scenario_run.html", **_run_context(job, request_lang(request)))


@pages.get("/scenarios/runs/{run_id}/progress")
def run_progress(request: Request, user: Agency, run_id: str) -> Response:
    """Htmx poll target: the progress bar, or the results once done."""
    job = _job(request, user, run_id)
    return render(request, "_scenario_progress.html", **_run_context(job, request_lang(request)))


def _run_context(job: Job, lang: str) -> dict[str, Any]:
    ctx: dict[str, Any] = {"job": job, "status": _status(job, lang), "r": None}
    if job.status == "done":
        result = _result(job)
        ctx["r"] = result
        ctx["charts"] = {
            group: charts.exposure_bars(rows, lang=lang)
            for group, rows in result.by_group.items()
        }
        table = _done(job).lines
        sort, desc = lines.default_order(table, None, False)
        ctx["page"] = lines.page_of(table, result.columns, sort=sort, desc=desc)
    return ctx


@pages.get("/scenarios/runs/{run_id}/lines")
def lines_fragment(
    request: Request,
    user: Agency,
    run_id: str,
    q: Annotated[str | None, Query(max_length=100)] = None,
    sort: Annotated[str | None, Query(max_length=64)] = None,
    desc: bool = False,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    """Htmx target: one page of the line table."""
    job = _job(request, user, run_id)
    result = _result(job)
    table = _done(job).lines
    sort, desc = lines.default_order(table, sort, desc)
    data = lines.page_of(table, result.columns, q=q, sort=sort, desc=desc, page=page)
    return render(request, "_scenario_lines.html", job=job, page=data)


@pages.get("/scenarios/runs/{run_id}/download.{fmt}")
def download(request: Request, user: Agency, run_id: str, fmt: Literal["csv", "xlsx"]) -> Response:
    """The whole line table as CSV or XLSX."""
    return _download(request, user, run_id, fmt)


def _download(request: Request, user: Principal, run_id: str, fmt: str) -> Response:
    job = _job(request, user, run_id)
    run = _done(job)
    name = f"scenario-{job.label}-{job.id[:8]}"
    if fmt == "csv":
        return Response(lines.to_csv(run.lines), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(lines.to_xlsx(run, job.label), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})


# ---------------------------------------------------------------- API
@api.get("/scenarios", response_model=list[ScenarioInfo])
def api_catalog(request: Request, _user: Agency) -> list[ScenarioInfo]:
    """Shipped scenarios."""
    return adapter.catalog(lang=request_lang(request))


@api.post("/scenarios/runs", response_model=RunStatus, status_code=202,
          responses={413: {"model": ErrorBody}, 429: {"model": ErrorBody}})
async def api_run(request: Request, user: Agency, body: RunRequest) -> RunStatus:
    """Validate the scenario and start its run; poll ``GET /api/scenarios/runs/{run_id}``.

    422 with the scenario's problems (key and YAML line each) if it is refused, 413 if the YAML
    is over the size limit, 429 if you or the server already have too many runs.
    """
    return _status(await _start(request, user, body), request_lang(request))


@api.post("/scenarios/runs/{run_id}/cancel", response_model=RunStatus,
          responses={409: {"model": ErrorBody}})
def api_run_cancel(request: Request, user: Agency, run_id: str) -> RunStatus:
    """Cancel a waiting or running run of yours (409 if it already finished)."""
    job = _job(request, user, run_id)
    return _status(app_context(request).jobs.cancel(job), request_lang(request))


@api.get("/scenarios/runs/{run_id}", response_model=RunStatus)
def api_run_status(request: Request, user: Agency, run_id: str) -> RunStatus:
    """Progress of a run."""
    return _status(_job(request, user, run_id), request_lang(request))


@api.get("/scenarios/runs/{run_id}/result", response_model=RunResult)
def api_run_result(request: Request, user: Agency, run_id: str) -> RunResult:
    """Headline figures, aggregates and audit notes of a finished run (409 while running)."""
    return _result(_job(request, user, run_id))


@api.get("/scenarios/runs/{run_id}/lines", response_model=LinePage)
def api_run_lines(
    request: Request,
    user: Agency,
    run_id: str,
    q: Annotated[str | None, Query(max_length=100)] = None,
    sort: Annotated[str | None, Query(max_length=64)] = None,
    desc: bool = False,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=lines.MAX_PAGE_SIZE)] = 50,
) -> LinePage:
    """One page of the line table, filtered by text and sorted by a column."""
    job = _job(request, user, run_id)
    result = _result(job)
    return lines.page_of(
        _done(job).lines, result.columns, q=q, sort=sort, desc=desc, page=page,
        page_size=page_size,
    )


@api.get("/scenarios/runs/{run_id}/download")
def api_run_download(
    request: Request, user: Agency, run_id: str, format: Literal["csv", "xlsx"] = "csv"
) -> Response:
    """The whole line table as CSV or XLSX."""
    return _download(request, user, run_id, format)
