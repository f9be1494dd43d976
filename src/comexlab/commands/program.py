"""`comexlab program report NAME`: a marketplace export program's view (thin CLI over services)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import duckdb
import pandas as pd
import typer
from sqlalchemy.orm import Session

from comexlab.commands import options
from comexlab.commands.options import FormatOpt, LangOpt, OutputOpt, WarehouseOpt
from comexlab.errors import ComexlabError, InputError
from comexlab.i18n import Msg, fmt_number, fmt_pct, fmt_usd, t
from comexlab.output import OutputFormat, emit, write_xlsx
from comexlab.registry import db
from comexlab.services import programs as service
from comexlab.warehouse.db import connect

app = typer.Typer(help=t("program.help", "en"), no_args_is_help=True)

DbOpt = Annotated[str | None, typer.Option(
    "--db", help="SQLAlchemy URL of the registry (default: COMEXLAB_REGISTRY_URL).")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Day of the report, YYYY-MM-DD "
                                             "(default: today).")]


def as_of(text: str | None) -> date:
    """``--as-of`` as a date (today when not given)."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(Msg("error.as_of"), field="--as-of", value=text) from None


@contextmanager
def sources(url: str | None, warehouse: Path | None
            ) -> Iterator[tuple[Session, duckdb.DuckDBPyConnection | None]]:
    """The migrated registry's session and the warehouse (None when there is none yet)."""
    engine = db.make_engine(url)
    if db.current_revision(engine) != db.head_revision():
        raise ComexlabError(Msg("error.registry_schema", url=engine.url.render_as_string()))
    target = options.warehouse_path(warehouse)
    con = connect(target, read_only=True) if target.exists() else None
    try:
        with db.reading(engine) as session:
            yield session, con
    finally:
        if con is not None:
            con.close()
        engine.dispose()


def write_book(sheets: Mapping[str, pd.DataFrame], output: Path, notes: list[str],
               percent: tuple[str, ...] = ()) -> None:
    """The workbook an analyst forwards: cells escaped, notes on their own sheet."""
    write_xlsx(sheets, output, percent_columns=percent, notes=notes)


def _progress_lines(rep: service.ProgramReport, lang: str) -> list[str]:
    lines = []
    for name, got in rep.figures.achieved.items():
        target = rep.figures.targets.get(name)
        money = name == "sales_abroad_usd"
        lines.append(t("program.progress", lang, indicator=t(f"program.ind.{name}", lang),
                       achieved=_figure(got, money, lang),
                       target="—" if target is None else _figure(target, money, lang),
                       share="—" if not target else fmt_pct(got / target, lang)))
    return lines


def _figure(value: float, money: bool, lang: str) -> str:
    return fmt_usd(value, lang) if money else fmt_number(value, lang)


def _notes(rep: service.ProgramReport, lang: str) -> list[str]:
    basis = [t(f"program.basis.{s.basis}", lang, hs6=s.hs6, detail=s.detail,
               countries=", ".join(s.countries) or "—") for s in rep.suggestions.values()]
    unreported = ([t("program.unreported", lang, n=rep.figures.sales_unreported)]
                  if rep.figures.sales_unreported else [])
    return [*basis, *unreported, *(n.text(lang) for n in rep.notes)]


@app.command("report", help=t("program.report.help", "en"))
def report_cmd(
    name: Annotated[str, typer.Argument(help="Program code, e.g. GTO-SUPPLY.")],
    date_: AsOfOpt = None,
    suggestions: Annotated[int, typer.Option("--suggestions", min=1, max=20,
                                             help="Countries suggested per product.")] = 5,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    db_url: DbOpt = None,
    warehouse: WarehouseOpt = None,
    *, lang: LangOpt,
) -> None:
    """Firms onboarded, countries reached and sales abroad against targets; per firm."""
    request = service.ProgramRequest(name, as_of(date_), suggestions=suggestions)
    with sources(db_url, warehouse) as (session, con):
        rep = service.report(session, con, request)
    title = t("program.title", lang, name=rep.name, day=request.as_of.isoformat())
    notes = [title, *_progress_lines(rep, lang), *_notes(rep, lang)]
    if fmt is OutputFormat.xlsx:
        if output is None:
            raise InputError(Msg("error.binary_output", fmt="xlsx"), field="--output")
        write_book({"progress": rep.figures.progress(), "firms": rep.firms,
                    "quarters": rep.quarters, "first_sales": rep.sales}, output, notes,
                   ("share_of_target",))
        return
    if fmt is OutputFormat.json:
        payload = {"program": request.code.upper(), "name": rep.name,
                   "as_of": request.as_of.isoformat(), "marketplaces": list(rep.marketplaces),
                   "progress": _records(rep.figures.progress()),
                   "quarters": _records(rep.quarters), "firms": _records(rep.firms),
                   "suggestions": {k: {"countries": list(s.countries), "basis": s.basis,
                                       "detail": s.detail} for k, s in rep.suggestions.items()},
                   "notes": [n.text(lang) for n in rep.notes]}
        text = json.dumps(payload, ensure_ascii=False, indent=1, default=str)
        if output is None:
            typer.echo(text)
        else:
            output.write_text(text + "\n", encoding="utf-8")
        return
    shown = rep.firms.drop(columns=["rfc", "enrolled_on"]) if fmt is OutputFormat.table \
        else rep.firms
    if fmt is OutputFormat.table:
        shown = shown.assign(status=[t(f"enum.enrolment_status.{s}", lang)
                                     for s in shown["status"]],
                             sales_usd=[fmt_usd(v, lang) for v in shown["sales_usd"]])
    emit(shown, fmt, output=output, title=title, notes=notes[1:], max_rows=200, lang=lang,
         wrap=["firm", "suggested_countries", "countries_reached", "marketplaces", "products"])


def _records(df: pd.DataFrame) -> list[dict[str, object]]:
    return json.loads(df.to_json(orient="records", date_format="iso"))  # type: ignore[no-any-return]
