"""`comexlab regime …`: the US tariff regime in force on a date (thin CLI over services)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console

from comexlab.commands import options
from comexlab.commands.options import DataOpt, FormatOpt, LangOpt, OutputOpt, WarehouseOpt
from comexlab.errors import InputError
from comexlab.i18n import Msg, fmt_pct, fmt_usd, t
from comexlab.output import OutputFormat, emit
from comexlab.services import regime as service
from comexlab.tariffs.regime.compute import AUTHORITIES

app = typer.Typer(help=t("regime.help", "en"), no_args_is_help=True)


ReporterOpt = Annotated[str, typer.Option(
    "--reporter", "-r", help="MEX, or a Mexican state (GTO, JAL: ESTIMATED allocation).")]
WindowOpt = Annotated[str | None, typer.Option(
    "--window", help="Months whose flows weight the ETR, e.g. 2025-09..2026-02 "
                     "(default: the latest 6 loaded).")]
PERCENT = ("etr", "rate", "claimed_share", *(a.value for a in AUTHORITIES))


def _date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(Msg("error.regime_date", value=repr(value)), field=field,
                         value=value) from exc


def _window(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    first, sep, last = value.partition("..")
    ok = sep and all(len(p) == 7 and p[4] == "-" and (p[:4] + p[5:]).isdigit()
                     for p in (first, last))
    if not ok:
        raise InputError(Msg("error.regime_window_format"), field="--window", value=value)
    return first, last


def _notes(res: service.ShowResult | service.SeriesResult, lang: str) -> list[str]:
    w = res.weights
    reporter = res.request.reporter.upper()
    key = "regime.weights" if reporter == "MEX" else "regime.weights_state"
    notes = [t(key, lang, reporter=reporter, first=w.first, last=w.last,
               value=f"{w.value_usd:,.0f}", claimed=fmt_pct(w.claimed_share, lang, digits=1))]
    if res.estimated:
        notes.append(t("regime.estimated", lang))
    return notes


def _show_json(res: service.ShowResult, lang: str) -> str:
    w = res.weights
    payload = {
        "date": res.request.on.isoformat(), "reporter": res.request.reporter.upper(),
        "edition": res.edition, "etr": res.etr, "by_authority": res.by_authority,
        "estimated": res.estimated,
        "weights": {"window": [w.first, w.last], "value_usd": w.value_usd,
                    "claimed_share": w.claimed_share, "source": w.source},
        "measures": [{"id": m.id, "authority": m.authority.value, "rate": m.rate,
                      "headings": list(m.headings)} for m in res.measures],
        "not_modelled": [{"id": m.id, "reason": m.not_modelled_reason}
                         for m in res.not_modelled],
        "value_unknown_rate_usd": res.value_unknown_rate,
        "metal_shares_clamped_lines": res.clamped_lines,
        "table": json.loads(res.table.to_json(orient="records")),
        "notes": [n.text(lang) for n in res.notes],
        "engine": res.engine,
    }
    return json.dumps(payload, ensure_ascii=False, indent=1)


@app.command(help=t("regime.show.help", "en"))
def show(
    on: Annotated[str, typer.Option("--on", help="Date, YYYY-MM-DD.")],
    reporter: ReporterOpt = "MEX",
    by: Annotated[service.By, typer.Option("--by", help="authority, section, subsector or line.",
                                           case_sensitive=False)] = "authority",
    window: WindowOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    warehouse: WarehouseOpt = None,
    data: DataOpt = None,
    *, lang: LangOpt,
) -> None:
    """ETR of a reporter's exports to the US on a date, decomposed by authority."""
    request = service.ShowRequest(_date(on, "--on"), reporter.upper(), by,
                                  _window(window))
    with options.open_warehouse(warehouse) as con:
        res = service.show(con, request, data_dir=data)
    if fmt is OutputFormat.json:
        _write(_show_json(res, lang), output)
        return
    if fmt is not OutputFormat.table:
        emit(res.table, fmt, output=output, percent_columns=PERCENT, notes=_notes(res, lang))
        return
    _screen(res, lang)


def _screen(res: service.ShowResult, lang: str) -> None:
    console = Console()
    title = t("regime.title", lang, day=res.request.on.isoformat(),
              reporter=res.request.reporter.upper())
    head = [t("regime.etr", lang, etr=fmt_pct(res.etr, lang, digits=2)),
            t("regime.edition", lang, edition=res.edition),
            t("regime.measures", lang, measures=", ".join(m.id for m in res.measures) or "—")]
    shown = res.table.copy()
    idle = [a.value for a in AUTHORITIES if a.value in shown and not shown[a.value].any()]
    shown = shown.drop(columns=idle)
    for c in PERCENT:
        if c in shown:
            shown[c] = shown[c].map(lambda v: fmt_pct(v, lang, digits=2) if pd.notna(v) else "—")
    for c in ("value_usd", "duty_usd"):
        if c in shown:
            shown[c] = shown[c].map(lambda v: fmt_usd(v, lang) if pd.notna(v) else "—")
    notes = [*head, *_notes(res, lang),
             t("regime.not_modelled", lang, measures=", ".join(m.id for m in res.not_modelled)),
             t("regime.clamped", lang, count=res.clamped_lines),
             *(n.text(lang) for n in res.notes)]
    emit(shown, OutputFormat.table, title=title, notes=notes, console=console, max_rows=40,
         wrap=["description", "measures", "subsector", "section"])


def _write(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")


@app.command(help=t("regime.series.help", "en"))
def series(
    start: Annotated[str, typer.Option("--from", help="First date, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last date, YYYY-MM-DD.")],
    reporter: ReporterOpt = "MEX",
    window: WindowOpt = None,
    segments: Annotated[bool, typer.Option(
        "--segments/--daily", help="One row per stretch of constant regime, or per day.")] = (
        False),
    fmt: FormatOpt = OutputFormat.csv,
    output: OutputOpt = None,
    warehouse: WarehouseOpt = None,
    data: DataOpt = None,
    *, lang: LangOpt,
) -> None:
    """Daily ETR over a range (CSV/xlsx/json), piecewise constant between measure changes."""
    request = service.SeriesRequest(_date(start, "--from"), _date(end, "--to"),
                                    reporter.upper(), _window(window))
    with options.open_warehouse(warehouse) as con:
        res = service.series(con, request, data_dir=data)
    table = res.segments if segments else res.daily
    notes = [*_notes(res, lang), t("regime.computations", lang, days=len(res.daily),
                                   computations=res.computations)]
    emit(table, fmt, output=output, percent_columns=PERCENT, notes=notes,
         title="regime", max_rows=60)


@app.command(help=t("regime.check.help", "en"))
def check(
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    warehouse: WarehouseOpt = None,
    *, lang: LangOpt,
) -> None:
    """Chapter-99 headings of the timeline against the loaded HTS editions; mismatches listed."""
    with options.open_warehouse(warehouse) as con:
        res = service.check(con)
    problems = res.problems
    summary = t("regime.check.summary", lang, ok=int((res.rows["status"] == "ok").sum()),
                problems=len(problems))
    shown = problems.drop(columns=["printed"])
    emit(shown if fmt is OutputFormat.table else res.rows, fmt, output=output,
         title="regime check", notes=[summary], max_rows=200, wrap=["hint"])
