"""The scenario pages on the scenario service (:mod:`comexlab.services.scenarios`).

Validation, the engine, aggregates and the audit trail are the scenario module's; the headline
figure list, their units and the notes wording are :mod:`comexlab.presentation.scenario`'s
(shared with the CLI, which this adapter never imports).
This adapter runs the service on a reader cursor inside a background job, reports coarse
progress, and records each finished run through the warehouse's single writer.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

import duckdb
import pandas as pd

from comexlab.errors import InputError, NotFoundError
from comexlab.i18n import Msg, t
from comexlab.nomenclature.hs import section_by_number, section_of
from comexlab.nomenclature.scian import subsector
from comexlab.nomenclature.states import state
from comexlab.presentation.scenario import (
    KEY_FIGURES,
    PERCENT,
    figure_kind,
    headline_keys,
    headline_label,
)
from comexlab.presentation.scenario import notes as scenario_notes
from comexlab.services import scenarios as service
from comexlab.sources.hs_names import product_name
from comexlab.tariffs.engine import BASKET_CUTS, ScenarioResult
from comexlab.tariffs.scenario import Scenario
from comexlab.warehouse.hts import description_paths
from comexlab.web.lines import CompletedRun
from comexlab.web.views import (
    AggRow,
    Column,
    ColumnKind,
    Figure,
    RunResult,
    SavedRun,
    ScenarioInfo,
)
from comexlab.web.warehouse import Warehouse

Progress = Callable[[float, str], None]

#: Columns of the on-screen line table (downloads carry every column of the engine's table).
LINE_COLUMNS: tuple[tuple[str, ColumnKind], ...] = (
    ("reporter", "text"), ("product_code", "text"), ("description_path", "text"),
    ("value_usd", "usd"), ("claimed_value_usd", "usd"),
    ("rate_before", "pct"), ("rate_after", "pct"), ("duty_before", "usd"),
    ("duty_after", "usd"), ("duty_change", "usd"), ("exposed_value_usd", "usd"),
    ("neutralising_cut", "pct"),
)

GROUPS = BASKET_CUTS


@lru_cache(maxsize=8)
def _catalog(lang: str) -> tuple[ScenarioInfo, ...]:
    out = []
    for name in service.shipped_scenarios():
        s = service.load_scenario(name)
        out.append(ScenarioInfo(name=s.name, title=s.title_in(lang),
                                description=s.description_in(lang)))
    return tuple(out)


def catalog(*, lang: str) -> list[ScenarioInfo]:
    """Shipped scenarios (parsed once; they are package data)."""
    return list(_catalog(lang))


def _num(value: object) -> float | None:
    # a frame cell (float, None, NaN or pd.NA): the stubs type neither pd.isna(object) nor float()
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type,call-overload]


def headline(result: ScenarioResult, lang: str) -> list[Figure]:
    """The scenario CLI's headline figures, as numbers with their units.

    The four :data:`KEY_FIGURES` come first, flagged ``primary``; the rest keep the CLI order.
    """
    row = result.aggregate().iloc[0]
    keys = headline_keys(row.index)
    ordered = [k for k in KEY_FIGURES if k in keys] + [k for k in keys if k not in KEY_FIGURES]
    return [Figure(key=k, label=headline_label(k, lang), value=_num(row[k]), kind=figure_kind(k),
                   primary=k in KEY_FIGURES)
            for k in ordered]


def with_paths(lines: pd.DataFrame, paths: dict[str, str]) -> pd.DataFrame:
    """The line table with each line's description path and its added duty.

    Why: 'Other' alone names nothing, and the reader looks for the lines whose duty rises
    most. ``duty_change`` is duty after minus before of the same row (no new figure); a code
    missing from the edition keeps its own description.
    """
    out = lines.copy()
    if "product_code" in out.columns:
        codes = out["product_code"].astype(str)
        own = out["description"].astype("string") if "description" in out.columns else codes
        out["description_path"] = codes.map(paths).astype("string").fillna(own)
    if {"duty_before", "duty_after"} <= set(out.columns):
        out["duty_change"] = out["duty_after"] - out["duty_before"]
    return out


def _group_label(group: str, code: str, lang: str) -> str:
    """A chart label: the code analysts use beside its name ('84 Reactores nucleares…').

    A line without a group (no SCIAN correspondence) is named so, never 'nan'.
    """
    if code in ("", "nan", "None", "<NA>"):
        return t("web.scen.group.none", lang)
    name: str | None = None
    if group == "section" and code[:2].isdigit():
        try:
            return f"{code.split()[-1]} {section_by_number(int(code[:2])).name(lang, short=True)}"
        except (KeyError, ValueError):
            return code
    if group == "chapter":  # national chapters 98-99 have no HS name: their section's
        name = product_name(code, lang) or _section_name(code, lang)
    elif group == "subsector":
        try:
            name = subsector(code).name(lang, short=True)
        except (KeyError, ValueError):
            name = None
    return f"{code} {_short(name)}" if name else code


def _section_name(code: str, lang: str) -> str | None:
    try:
        return section_of(code).name(lang, short=True)
    except (KeyError, ValueError):
        return None


def _short(name: str, size: int = 34) -> str:
    return name if len(name) <= size else name[:size].rstrip(" ,;") + "…"


def by_group(result: ScenarioResult, lang: str) -> dict[str, list[AggRow]]:
    """Exposure per HS section, chapter and (where known) SCIAN subsector."""
    out: dict[str, list[AggRow]] = {}
    for group in GROUPS:
        if group not in result.lines.columns or result.lines[group].isna().all():
            continue
        agg = result.aggregate([group])
        out[group] = [
            AggRow(code=str(r[group]), label=_group_label(group, str(r[group]), lang),
                   exports_usd=float(r["value_usd"]), exposed_usd=_num(r["exposed_value_usd"]),
                   exposed_share=_num(r["share_exposed"]), duty_before_usd=_num(r["duty_before"]),
                   duty_after_usd=_num(r["duty_after"]),
                   neutralising_cut=_num(r["neutralising_cut"]))
            for r in agg.to_dict(orient="records")
        ]
    return out


def validate(
    con: duckdb.DuckDBPyConnection, *, scenario: str | None, yaml_text: str | None,
    source: str = "scenario.yaml", reporter: str | None = None,
) -> Scenario:
    """The scenario a run would use, validated against the warehouse (before it is queued).

    A name resolves to a SHIPPED scenario only; uploaded YAML is parsed from its text (never
    written to disk) and named ``source`` in messages, so no server path reaches the reader.
    ``reporter`` must be an exporter of the scenario or a Mexican state.
    """
    if yaml_text is None:
        sc = service.load_scenario(scenario or "", con)
    else:
        sc = service.parse_text(yaml_text, source, con)
    if reporter and reporter.upper() not in sc.base.reporters:
        try:
            state(reporter)
        except ValueError as exc:
            raise InputError(Msg("error.scenario_reporter", reporter=repr(reporter),
                                 known=", ".join(sc.base.reporters)),
                             field="reporter", value=reporter) from exc
    return sc


def _nothing() -> None:
    return None


def run(
    *,
    warehouse: Warehouse,
    scenario: str | None,
    yaml_text: str | None,
    reporter: str | None,
    lang: str,
    progress: Progress,
    username: str = "",
    run_id: str = "",
    owner_id: int | None = None,
    source: str = "scenario.yaml",
    checkpoint: Callable[[], None] = _nothing,
    on_stop: Callable[[Callable[[], None]], None] | None = None,
) -> CompletedRun:
    """Validate and run a scenario on a reader cursor; record the run through the writer.

    ``checkpoint`` raises once the run is cancelled or over its time limit; ``on_stop``
    registers the cursor's ``interrupt`` so that a query in progress ends at once.
    """
    started = datetime.now(UTC).replace(tzinfo=None)
    progress(0.05, t("web.scen.step.validate", lang))

    def work(con: duckdb.DuckDBPyConnection) -> tuple[ScenarioResult, dict[str, str]]:
        if on_stop is not None:
            on_stop(con.interrupt)
        sc = validate(con, scenario=scenario, yaml_text=yaml_text, source=source)
        progress(0.2, t("web.scen.step.engine", lang))
        res = service.run_scenario(con, service.ScenarioRequest(sc, reporter=reporter),
                                   checkpoint=checkpoint)
        codes = (res.lines["product_code"].astype(str).unique().tolist()
                 if "product_code" in res.lines.columns else [])
        return res, description_paths(con, sc.base.edition, codes)

    result, paths = warehouse.read_sync(work)
    progress(0.85, t("web.scen.step.aggregate", lang))
    figures = headline(result, lang)
    title = result.scenario.title_in(lang) + (f" — {reporter}" if reporter else "")
    table = with_paths(result.sorted_lines(), paths)
    columns = [Column(name=n, label=t(f"web.scen.col.{n}", lang), kind=k)
               for n, k in LINE_COLUMNS if n in table.columns]
    view = RunResult(
        run_id=run_id, scenario=result.scenario.name, title=title, headline=figures,
        by_group=by_group(result, lang), notes=scenario_notes(result, lang),
        line_count=len(result.lines), columns=columns,
    )
    checkpoint()  # a run stopped by now is not recorded as done
    percent = tuple(c for c in (*PERCENT, "rate_before", "rate_after", "mfn_ave", "pref_ave")
                    if c in result.lines.columns)
    completed = CompletedRun(result=view, lines=table, percent_columns=percent,
                             notes=tuple(view.notes))
    _record(warehouse, completed, Saved(username=username, owner_id=owner_id, reporter=reporter,
                                        scenario_text=yaml_text), started)
    return completed


@dataclass(frozen=True)
class Saved:
    """Who ran a run and with what inputs (kept with its results)."""

    username: str = ""
    owner_id: int | None = None
    reporter: str | None = None
    scenario_text: str | None = None


def _parquet(df: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    df.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _record(warehouse: Warehouse, run: CompletedRun, who: Saved, started: datetime) -> None:
    """Keep the run in ``web_scenario_run`` via the single writer: inputs, results, lines.

    Why: a run's URL must keep working after a restart and runs must be listable (issue 13);
    the in-memory job list keeps only the last few.
    """
    view = run.result
    assert isinstance(view, RunResult)
    if not view.run_id:
        return
    figures = {f.key: f.value for f in view.headline}
    finished = datetime.now(UTC).replace(tzinfo=None)
    values = {
        "run_id": view.run_id, "scenario": view.scenario, "username": who.username,
        "status": "done", "started_at": started, "finished_at": finished,
        "headline": json.dumps(figures), "owner_id": who.owner_id, "reporter": who.reporter,
        "title": view.title, "scenario_text": who.scenario_text,
        "result": view.model_dump_json(), "lines": _parquet(run.lines),
        "percent_columns": list(run.percent_columns),
    }
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    sql = f"INSERT OR REPLACE INTO web_scenario_run ({names}) VALUES ({marks})"
    warehouse.submit_write(lambda con: con.execute(sql, list(values.values())))


def saved_runs(con: duckdb.DuckDBPyConnection, owner_id: int | None) -> list[SavedRun]:
    """Finished runs, newest first: all of them for an admin (None), else the owner's own."""
    rows = con.execute("""
        SELECT run_id, scenario, coalesce(title, scenario), username, finished_at, reporter,
               headline
        FROM web_scenario_run
        WHERE status = 'done' AND result IS NOT NULL AND (? IS NULL OR owner_id = ?)
        ORDER BY finished_at DESC LIMIT 500""", [owner_id, owner_id]).fetchall()
    return [SavedRun(run_id=r[0], scenario=r[1], title=r[2], username=r[3], finished_at=r[4],
                     reporter=r[5], headline=json.loads(r[6]) if r[6] else {})
            for r in rows]


def saved_run(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[int | None, CompletedRun]:
    """A kept run (its owner id and what its pages show); NotFoundError when unknown."""
    row = con.execute("""
        SELECT owner_id, result, lines, percent_columns FROM web_scenario_run
        WHERE run_id = ? AND status = 'done' AND result IS NOT NULL""", [run_id]).fetchone()
    if row is None:
        raise NotFoundError(Msg("web.error.run_not_found", run=run_id))
    view = RunResult.model_validate_json(row[1])
    lines = pd.read_parquet(io.BytesIO(row[2]))
    return row[0], CompletedRun(result=view, lines=lines, percent_columns=tuple(row[3] or ()),
                                notes=tuple(view.notes))
