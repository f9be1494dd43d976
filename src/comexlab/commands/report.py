"""`comexlab report …`: the state export report (S1) and a state's largest US-bound lines.

Thin CLI over ``comexlab.services.reports`` (the report and top-lines services, shared with
the web app) and ``comexlab.reports.render`` (wording): options in, output shaped here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console

from comexlab.commands.options import FormatOpt, LangOpt, OutputOpt, WarehouseOpt, open_warehouse
from comexlab.errors import InputError
from comexlab.i18n import Msg, fmt_number, fmt_pct, t
from comexlab.nomenclature.hs import LineLevel
from comexlab.output import OutputFormat, emit, write_xlsx
from comexlab.reports import render
from comexlab.reports.exports import ExportReport, GroupCut
from comexlab.reports.reporters import resolve_reporter
from comexlab.reports.windows import Window
from comexlab.services import reports as svc

app = typer.Typer(help="Reports an agency analyst runs: state exports (S1), top state lines.",
                  no_args_is_help=True)

ReporterOpt = Annotated[str, typer.Option(
    "--reporter", "-r", help="State ('GTO', 'MX-GTO', 'Guanajuato') or country ('MEX').")]
FromOpt = Annotated[str, typer.Option("--from", help="First period: 'YYYY' or 'YYYY-MM'.")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last period (default: --from).")]
EstimatedOpt = Annotated[bool, typer.Option(
    "--estimated", help="Allow ESTIMATED state figures (DataWeb lines × INEGI shares).")]


@app.command("exports")
def exports_command(
    reporter: ReporterOpt,
    start: FromOpt,
    end: ToOpt = None,
    partner: Annotated[str | None, typer.Option(
        "--partner", "-p", help="Only exports to this country (ISO3, e.g. USA).")] = None,
    by: Annotated[GroupCut | None, typer.Option(
        "--by", help="Group cut: section, chapter (HS) or sector, subsector (SCIAN).",
        case_sensitive=False)] = None,
    top: Annotated[int, typer.Option("--top", help="Rows in the top products/destinations.")]
    = 10,
    source: Annotated[str | None, typer.Option(
        "--source", help="Force a source (default: chosen by what is loaded).")] = None,
    estimated: EstimatedOpt = False,
    *, language: LangOpt,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    warehouse: WarehouseOpt = None,
) -> None:
    """Exports of a state or of Mexico over a window against the same months a year before.

    Gives the total, the share of Mexico, a group cut (SCIAN sector/subsector or HS
    section/chapter), top products and top destinations — each with the prior window and %
    change — and lists the cuts the loaded data cannot give, with the reason.
    """
    request = svc.report_request(svc.ReportQuestion(
        reporter=reporter, first=start, last=end, partner=partner, by=by, top=top,
        source=source, allow_estimated=estimated, lang=language))
    with open_warehouse(warehouse, must_exist=True) as con:
        answer = svc.state_report(con, request)
    write_report(answer.report, language, fmt, output, files=list(answer.files))


def write_report(report: ExportReport, lang: str, fmt: OutputFormat, output: Path | None, *,
                 files: list[tuple[str, str, str]] | None = None,
                 console: Console | None = None) -> None:
    """Render a report in any output format (screen tables, csv, json, parquet, xlsx)."""
    files = files or []
    if fmt is OutputFormat.xlsx:
        notes = render.notes(report, lang, files=files, file_limit=len(files))
        if output is None:
            raise InputError(Msg("error.xlsx_output"), field="--output")
        write_xlsx(render.sheets(report, lang), output,
                   percent_columns=render.percent_headers(report, lang), notes=notes)
        return
    if fmt is OutputFormat.json:
        text = json.dumps(render.to_document(report, lang, files=files), ensure_ascii=False,
                          indent=1, default=str)
        _write_text(text, output)
        return
    if fmt in (OutputFormat.csv, OutputFormat.parquet):
        emit(render.long_frame(report), fmt, output=output)
        return
    _print_tables(report, lang, render.notes(report, lang, files=files), console or Console())


def _print_tables(report: ExportReport, lang: str, notes: list[str], console: Console) -> None:
    console.print(f"[bold]{render.title(report, lang)}[/bold]")
    console.print(render.headline(report, lang))
    for name, frame in render.cut_frames(report).items():
        if name == "total":
            continue  # the headline above says it
        emit(render.display_frame(frame, report, lang), OutputFormat.table,
             title=t(f"report.cut.{name}", lang), console=console)
    for line in notes[1:]:
        console.print(f"[dim]{line}[/dim]")


def _write_text(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        output.write_text(text + "\n", encoding="utf-8")


def top_command(
    reporter: ReporterOpt,
    partner: Annotated[str, typer.Option(
        "--partner", "-p", help="Destination; line-level state figures exist only for USA.")]
    = "USA",
    level: Annotated[LineLevel, typer.Option(
        "--level", help="Product level: hts10, hs8, hs6, hs4 or hs2.", case_sensitive=False)
    ] = "hts10",
    estimated: EstimatedOpt = False,
    start: Annotated[str | None, typer.Option(
        "--from", help="First month 'YYYY-MM' (default: last 12 months loaded).")] = None,
    end: ToOpt = None,
    top: Annotated[int, typer.Option("--top", help="How many lines.")] = 20,
    *, language: LangOpt,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    warehouse: WarehouseOpt = None,
) -> None:
    """Largest tariff lines a state ships to the US: real (DataMéxico) or ESTIMATED.

    Without state × product data loaded for the months, the lines are estimated (Mexico → US
    DataWeb line × the state's INEGI share of the line's SCIAN subsector) and ``--estimated``
    must be given to accept that. See docs/methods/state-allocation.md.
    """
    who = resolve_reporter(reporter, language)
    if who.level != "state":
        raise InputError(Msg("error.top_state_reporter"), field="--reporter",
                         value=reporter)
    if partner.upper() != "USA":
        raise InputError(Msg("error.top_partner_usa"),
                         field="--partner", value=partner)
    window = Window.parse(start, end) if start is not None else None
    with open_warehouse(warehouse, must_exist=True) as con:
        found = svc.top_state_lines(con, svc.TopLinesRequest(
            state=who.code, window=window, level=level, top=top, lang=language))
    table, lines, window = found.table, found.lines, found.window
    needs_estimate = found.estimated
    if needs_estimate and not estimated:
        raise InputError(Msg("error.top_estimated", who=who.code, window=str(window)),
                         field="--estimated")
    suffix = t("report.top.estimated_suffix", language) if needs_estimate else ""
    heading = t("report.top.title", language, level=level.upper(), reporter=who.name,
                window=window.label(language), estimated=suffix)
    notes = [heading, *(n.text(language) for n in lines.notes)]
    frame = _top_frame(table, language, formatted=fmt is OutputFormat.table,
                       estimated=needs_estimate)
    emit(frame, fmt, output=output, title=heading, notes=notes[1:] if fmt is
         OutputFormat.table else notes, percent_columns=[
             t("report.col.state_share", language), t("report.col.share", language)])


app.command("top")(top_command)


def _top_frame(table: pd.DataFrame, lang: str, *, formatted: bool,
               estimated: bool) -> pd.DataFrame:
    frame = table[["product_code", "label", "value_usd", "national_value_usd", "state_share",
                   "share", "estimated"]].copy()
    frame["estimated"] = [t("report.yes" if e else "report.no", lang) for e in frame["estimated"]]
    if formatted:
        for col in ("value_usd", "national_value_usd"):
            frame[col] = [fmt_number(None if pd.isna(v) else round(v), lang) for v in frame[col]]
        for col in ("state_share", "share"):
            frame[col] = [fmt_pct(None if pd.isna(v) else v, lang) for v in frame[col]]
    return frame.rename(columns={
        "product_code": t("report.col.code", lang), "label": t("report.col.label", lang),
        "value_usd": t("report.col.estimated_value_usd" if estimated
                       else "report.col.value_window_usd", lang),
        "national_value_usd": t("report.col.national_line_usd", lang),
        "state_share": t("report.col.state_share", lang), "share": t("report.col.share", lang),
        "estimated": t("report.col.estimated", lang)})


__all__ = ["app", "exports_command", "top_command", "write_report"]
