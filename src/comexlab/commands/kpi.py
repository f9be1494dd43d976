"""`comexlab kpi report --year`: the state plan's indicators by quarter (thin CLI)."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from comexlab.commands.options import FormatOpt, LangOpt, OutputOpt, WarehouseOpt
from comexlab.commands.program import DbOpt, sources, write_book
from comexlab.errors import InputError
from comexlab.i18n import Msg, fmt_number, fmt_pct, fmt_usd, t
from comexlab.output import OutputFormat, emit
from comexlab.services import kpi as service

app = typer.Typer(help=t("kpi.help", "en"), no_args_is_help=True)
VALUES = (*service.QUARTERS, "year", "previous_year", "target")


def _shown(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Money in US$ millions, counts as numbers, growth as %, missing as —; named rows.

    The source column goes to the notes' side (csv/xlsx keep it): the table fits 100 columns.
    """
    out = table.drop(columns=["source"]).astype(object)
    for i, row in table.iterrows():
        program = ": " in str(row["indicator"])  # a program's sales: thousands, not billions
        money = str(row["indicator"]).endswith("_usd") and not program
        for c in VALUES:
            v = row[c]
            out.at[i, c] = ("—" if pd.isna(v) else fmt_number(v / 1e6, lang, digits=1) if money
                            else fmt_usd(v, lang) if program and "_usd" in str(row["indicator"])
                            else fmt_number(v, lang))
        out.at[i, "growth"] = "—" if pd.isna(row["growth"]) else fmt_pct(row["growth"], lang)
        code, _, indicator = str(row["indicator"]).rpartition(": ")
        label = t(f"kpi.ind.{indicator}", lang)
        label += t("kpi.in_millions", lang) if money else ""
        out.at[i, "indicator"] = f"{code}: {label}" if code else label
    return out.rename(columns={c: t(f"kpi.col.{c}", lang) for c in service.COLUMNS})


@app.command("report", help=t("kpi.report.help", "en"))
def report_cmd(
    year: Annotated[int, typer.Option("--year", help="Year of the plan, e.g. 2025.")],
    state: Annotated[str, typer.Option("--state", help="State (INEGI code, GTO, …).")] = "GTO",
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    db_url: DbOpt = None,
    warehouse: WarehouseOpt = None,
    *, lang: LangOpt,
) -> None:
    """Exports and growth, firms certified, first-time exporters, meetings, program targets."""
    if not 2000 <= year <= 2100:
        raise InputError(Msg("error.kpi.year"), field="--year", value=year)
    with sources(db_url, warehouse) as (session, con):
        rep = service.report(con, session, service.KpiRequest(year, state))
    title = t("kpi.title", lang, year=year, state=rep.reporter)
    notes = [n.text(lang) for n in rep.notes]
    if fmt is OutputFormat.xlsx:
        if output is None:
            raise InputError(Msg("error.binary_output", fmt="xlsx"), field="--output")
        write_book({f"kpi {year}": rep.table}, output, [title, *notes], ("growth",))
        return
    sourced = [t("kpi.sources", lang, sources=", ".join(dict.fromkeys(rep.table["source"])))]
    if fmt is OutputFormat.table:
        _screen(_shown(rep.table, lang), title, [*sourced, *notes])
        return
    emit(rep.table, fmt, output=output, title=title, notes=[*sourced, *notes], max_rows=100,
         lang=lang)


def _screen(shown: pd.DataFrame, title: str, notes: list[str]) -> None:
    """A table whose first column (the indicator) wraps between words; figures never wrap."""
    emit(shown, OutputFormat.table, title=title, notes=notes, max_rows=len(shown),
         wrap=[shown.columns[0]])

