"""`comexlab scenario …`: run, compare, write and validate tariff scenarios (thin CLI)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated

import duckdb
import pandas as pd
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from comexlab.commands import options
from comexlab.commands.options import DataOpt, FormatOpt, LangOpt, OutputOpt, WarehouseOpt
from comexlab.errors import InputError
from comexlab.i18n import Lang, Msg, t
from comexlab.output import OutputFormat, emit, shorten, write_xlsx
from comexlab.presentation.scenario import (
    PERCENT,
    format_figure,
    headline_frame,
    headline_keys,
    headline_label,
    notes,
)
from comexlab.services import scenarios as service
from comexlab.tariffs.engine import BasketCut, ScenarioResult
from comexlab.tariffs.scenario import Scenario

app = typer.Typer(help=t("scenario.help", "en"), no_args_is_help=True)


ScenarioArg = Annotated[str, typer.Argument(help="Shipped scenario name or a YAML file.")]
ReporterOpt = Annotated[str | None, typer.Option(
    "--reporter", "-r", help="MEX, CAN, or a Mexican state (GTO, JAL: ESTIMATED).")]
ByOpt = Annotated[BasketCut | None, typer.Option(
    "--by", help="Also cut by section, chapter or subsector.", case_sensitive=False)]
SmartOpt = Annotated[bool, typer.Option("--smart/--no-smart",
                                        help="Add SMART trade creation, revenue, welfare.")]


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Options shared by ``scenario run`` and ``scenario compare`` (see :func:`shared_options`)."""

    reporter: str | None = None
    fmt: OutputFormat = OutputFormat.table
    output: Path | None = None
    warehouse: Path | None = None
    data: Path | None = None
    lang: Lang = "es"  # on the command line: --lang, default COMEXLAB_LANG (see LangOpt)


RUN_OPTIONS = {"reporter": ReporterOpt, "fmt": FormatOpt, "output": OutputOpt,
               "warehouse": WarehouseOpt, "data": DataOpt, "lang": LangOpt}

CUT_SCREEN = ("value_usd", "share_exposed", "duty_change", "neutralising_cut")
LABEL_WIDTH = 24


def _group_label(by: str, code: object, lang: str) -> str:
    """'336 Transport equipment', '17 XVII Vehicles', '87': the basket's code and short name."""
    from comexlab.nomenclature.hs import section_by_number
    from comexlab.nomenclature.scian import subsectors

    if code is None or (isinstance(code, float) and pd.isna(code)) or str(code) == "?":
        return t("scenario.c.none", lang)
    text = str(code)
    if by == "subsector" and text in subsectors():
        return f"{text} {subsectors()[text].name(lang, short=True)}"
    if by == "section" and text[:2].isdigit():  # '17 XVII' -> 'XVII Vehicles, aircraft…'
        section = section_by_number(int(text[:2]))
        return f"{section.roman} {section.name(lang, short=True)}"
    return text


def cut_screen_frame(cut: pd.DataFrame, by: str, lang: str) -> pd.DataFrame:
    """A ``--by`` table that fits a terminal: the basket's label and six formatted figures.

    Every figure of every basket is in the file outputs (--format csv/json/parquet/xlsx).
    """
    labels = [_group_label(by, c, lang) for c in cut[by]]
    out = pd.DataFrame({by: [shorten(x, LABEL_WIDTH) for x in labels]})
    for key in CUT_SCREEN:  # money without its "US$": the header says it once
        out[t(f"scenario.c.{key}", lang)] = [format_figure(key, v, lang).removeprefix("US$")
                                             for v in cut[key]]
    out.insert(4, t("scenario.c.rate_tw", lang), [
        f"{format_figure('rate_before_tw', a, lang)}→{format_figure('rate_after_tw', b, lang)}"
        for a, b in zip(cut["rate_before_tw"], cut["rate_after_tw"], strict=True)])
    return out


@contextmanager
def _working(opts: RunOptions, label: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse, with a spinner on stderr while the block runs."""
    with options.open_warehouse(opts.warehouse) as con, Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
            console=Console(stderr=True), transient=True) as progress:
        progress.add_task(label, total=None)
        yield con


def _run(ref: str, opts: RunOptions, smart: bool) -> ScenarioResult:
    with _working(opts, ref) as con:
        scenario = service.load_scenario_or_file(ref, con)
        return service.run_scenario(con, _request(scenario, opts, smart))


def _request(scenario: Scenario, opts: RunOptions, smart: bool) -> service.ScenarioRequest:
    return service.ScenarioRequest(scenario, reporter=opts.reporter, smart=smart,
                                   data_dir=opts.data)


@app.command()
@options.shared_options(RunOptions, RUN_OPTIONS)
def run(
    scenario: ScenarioArg,
    by: ByOpt = None,
    smart: SmartOpt = True,
    *,
    opts: RunOptions,
) -> None:
    """Headline figures of a scenario; with --format/--output, the line-level table too."""
    result = _run(scenario, opts, smart)
    console = Console(stderr=opts.fmt is not OutputFormat.table)
    title = t("scenario.title", opts.lang, name=result.scenario.name,
              title=result.scenario.title)
    if opts.reporter:
        title += " — " + t("scenario.reporter", opts.lang, reporter=opts.reporter.upper())
    notes_ = notes(result, opts.lang)
    headline = headline_frame(result, opts.lang)
    cut = result.aggregate([by]) if by else None
    emit(headline, OutputFormat.table, title=title, notes=notes_ if cut is None else (),
         console=console)
    if cut is not None and by is not None:
        emit(cut_screen_frame(cut, by, opts.lang), OutputFormat.table,
             title=t("scenario.by", opts.lang, by=by), notes=notes_, console=console,
             max_rows=60, wrap=[by])
    if opts.fmt is OutputFormat.table:
        return
    if opts.fmt is OutputFormat.xlsx:
        if opts.output is None:
            raise InputError(Msg("error.xlsx_output"), field="--output")
        lines = result.sorted_lines()
        sheets = {"headline": headline, "lines": lines}
        if cut is not None:
            sheets = {"headline": headline, f"by_{by or ''}": cut,
                      "lines": lines}
        write_xlsx(sheets, opts.output, percent_columns=[
            *PERCENT, "rate_before", "rate_after", "mfn_ave", "pref_ave"], notes=notes_)
    else:
        emit(result.sorted_lines().assign(engine=result.engine), opts.fmt, output=opts.output)
    if opts.output is not None:
        console.print(t("scenario.written", opts.lang, path=opts.output,
                        rows=f"{len(result.lines):,}"))


@app.command()
@options.shared_options(RunOptions, RUN_OPTIONS)
def compare(
    a: ScenarioArg,
    b: Annotated[str, typer.Argument(help="Second scenario (name or YAML file).")],
    smart: SmartOpt = False,
    *,
    opts: RunOptions,
) -> None:
    """Headline figures of two scenarios side by side."""
    with _working(opts, f"{a} / {b}") as con:
        runs = tuple(_request(service.load_scenario_or_file(ref, con), opts, smart)
                     for ref in (a, b))
        comparison = service.compare_scenarios(con, service.CompareRequest(runs))
    results, table = comparison.results, comparison.table
    if opts.fmt is OutputFormat.table:
        keys = headline_keys(table.columns)
        shown = pd.DataFrame({t("scenario.figure", opts.lang): [
            headline_label(k, opts.lang) for k in keys]})
        for _, row in table.iterrows():
            shown[row["scenario"]] = [format_figure(k, row[k], opts.lang) for k in keys]
        compare_notes = [f"{r.scenario.name}: {n}" for r in results
                         for n in notes(r, opts.lang)]
        emit(shown, opts.fmt, title=t("scenario.compare.title", opts.lang),
             notes=compare_notes)
        return
    emit(table, opts.fmt, output=opts.output, percent_columns=PERCENT)


@app.command("list")
def list_(fmt: FormatOpt = OutputFormat.table, output: OutputOpt = None,
          *, lang: LangOpt) -> None:
    """The scenarios shipped with comexlab."""
    rows = []
    for name in service.shipped_scenarios():
        s = service.load_scenario(name)
        rows.append({"name": s.name, "title": s.title, "edition": s.base.edition,
                     "source": s.base.source, "years": ",".join(map(str, s.base.years)),
                     "approximate": s.approximate})
    emit(pd.DataFrame(rows), fmt, output=output, title=t("scenario.list.title", lang))


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    warehouse: WarehouseOpt = None,
    *, lang: LangOpt,
) -> None:
    """Check a scenario file (keys, rates, programs, lists; prefixes if a schedule is loaded)."""
    if options.warehouse_path(warehouse).exists():
        with options.open_warehouse(warehouse) as con:
            s = service.validate_file(file, con)
    else:
        s = service.validate_file(file, None)
    Console().print(t("scenario.valid", lang, file=file, name=s.name,
                      overlays=len(s.overlays)))


@app.command()
def new(
    path: Annotated[Path, typer.Argument(help="Where to write the template.")] = Path(
        "my-scenario.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    *, lang: LangOpt,
) -> None:
    """Write a commented scenario template to edit."""
    if path.exists() and not force:
        raise InputError(t("scenario.exists", lang, path=path), file=path)
    template = resources.files("comexlab.tariffs") / "scenario_template.yaml"
    path.write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
    Console().print(t("scenario.template_written", lang, path=path))


