"""``comexlab flows``: load trade-flow sources, list what is loaded, reconcile totals.

Thin CLI over :mod:`comexlab.warehouse.flows`; the ``report`` helper adds ``flows top`` to this
``app`` from its own module (keep commands here small and independent).
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from comexlab.commands import options
from comexlab.commands.options import DataOpt, FormatOpt, LangOpt, OutputOpt, WarehouseOpt
from comexlab.errors import InputError
from comexlab.i18n import label, t
from comexlab.output import OutputFormat, emit
from comexlab.settings import get_settings
from comexlab.sources import flow_downloads, flow_sources
from comexlab.warehouse import flows as wf

app = typer.Typer(help="Trade flows: load official sources, list them, reconcile totals.",
                  no_args_is_help=True)

SourceOpt = Annotated[
    list[str] | None,
    typer.Option("--source", "-s", help=f"Source(s): {', '.join(flow_sources.SOURCES)}."),
]


def caveats(source: str, lang: str) -> list[str]:
    """Caveat lines every output using ``source`` must show."""
    key = flow_sources.get_source(source).caveat_key
    return [f"{source}: {t(key, lang)}"] if key else []


@app.command("load")
def load_cmd(
    source: SourceOpt = None,
    all_: Annotated[bool, typer.Option("--all", help="Load every shipped source.")] = False,
    hts_naics: Annotated[bool, typer.Option(help="Also load the HTS10→NAICS table.")] = True,
    warehouse: WarehouseOpt = None,
    data: DataOpt = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Load files with no data rows anyway (their months become empty).")
    ] = False,
    *, lg: LangOpt,
) -> None:
    """Load flow sources from the data folder into the warehouse (atomic per source)."""
    names = list(flow_sources.SHIPPED) if all_ else list(source or [])
    if not names:
        raise InputError(t("flows.error.no_source", lg), field="--source")
    for name in names:
        flow_sources.get_source(name)
    console = Console()
    rows = []
    with options.open_warehouse(warehouse, read_only=False) as con, Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
            console=console, transient=True) as progress:
        for name in names:
            task = progress.add_task(t("flows.loading", lg, source=name), total=None)
            summary = wf.load_source(con, name, data_dir=data, force=force)
            progress.remove_task(task)
            rows.append({t("flows.col.source", lg): name,
                         t("flows.col.files", lg): len(summary.files),
                         t("flows.col.rows", lg): summary.rows,
                         t("common.value_usd", lg): summary.value_usd,
                         t("flows.col.notes", lg): "; ".join(
                             f"{label('audit', n.kind, lg)}: {n.count:,}"
                             for n in summary.notes)})
        if hts_naics:
            task = progress.add_task("hts_naics", total=None)
            n = wf.load_hts_naics(con, data_dir=data)
            progress.remove_task(task)
            console.print(t("flows.hts_naics_loaded", lg, rows=f"{n:,}"))
    notes = [c for name in names for c in caveats(name, lg)]
    emit(pd.DataFrame(rows), OutputFormat.table, title=t("flows.title.loaded", lg), notes=notes)


@app.command("download", help=t("flows.download.help", "en"))
def download_cmd(
    source: Annotated[str, typer.Option(
        "--source", "-s", help=f"One of {', '.join(flow_downloads.DOWNLOADABLE)}.")],
    start: Annotated[str, typer.Option("--from", help="First month, YYYY-MM.")],
    end: Annotated[str, typer.Option("--to", help="Last month, YYYY-MM (Comtrade: years).")],
    state: Annotated[str | None, typer.Option(
        help="DataMéxico: the state (GTO, Guanajuato or 11).")] = None,
    data: DataOpt = None,
    base_url: Annotated[str | None, typer.Option(
        help="A mirror or test server instead of the publisher's URL.")] = None,
    refresh: Annotated[bool, typer.Option(help="Fetch again even what is saved.")] = False,
    *, lg: LangOpt,
) -> None:
    """Keys come from COMEXLAB_DATAWEB_TOKEN / COMEXLAB_CENSUS_KEY / COMEXLAB_COMTRADE_KEY."""
    settings = get_settings()
    plan = flow_downloads.plan(source, start, end, settings=settings, data_dir=data,
                               state=state)
    console = Console()
    results = []
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                  transient=True) as progress:
        task = progress.add_task(source, total=len(plan.units))
        for unit in plan.units:
            progress.update(task, description=t("flows.download.progress", lg, source=source,
                                                unit=unit.label))
            results.append(flow_downloads.run_unit(plan, unit, base_url=base_url,
                                                   refresh=refresh))
            progress.advance(task)
    _show_downloads(plan, results, data or settings.data, lg)


def _show_downloads(plan: flow_downloads.Plan, results: list[flow_downloads.UnitResult],
                    data: object, lg: str) -> None:
    df = pd.DataFrame([{
        t("flows.download.col.unit", lg): r.unit.label,
        t("flows.download.col.status", lg): t(f"flows.download.status.{r.status}", lg),
        t("flows.download.col.requests", lg): r.requests,
        t("flows.download.col.file", lg): r.path.name if r.path else "",
    } for r in results])
    notes = [n.text(lg) for r in results for n in r.notes]
    if all(r.path is None for r in results):
        window = f"{results[0].unit.label}…{results[-1].unit.label}"
        notes.append(t("flows.download.none_released", lg, source=plan.source, window=window))
    else:
        notes.append(t("flows.download.next", lg, source=plan.source, data=data))
    emit(df, OutputFormat.table, notes=notes, lang=lg,
         title=t("flows.download.title", lg, source=plan.source, folder=plan.folder))


@app.command("sources")
def sources_cmd(warehouse: WarehouseOpt = None, fmt: FormatOpt = OutputFormat.table,
                output: OutputOpt = None, *, lg: LangOpt) -> None:
    """What is loaded: rows, periods, reporters, total value, and each source's caveats."""
    with options.open_warehouse(warehouse, read_only=False) as con:
        df = wf.loaded_sources(con)
    meta = {name: src for name, src in flow_sources.SOURCES.items()}
    df["levels"] = df["source"].map(lambda s: ", ".join(meta[s].product_levels))
    df["partners"] = df["source"].map(lambda s: t("flows.yes" if meta[s].partners
                                                  else "flows.no", lg))
    df["frequency"] = df["source"].map(lambda s: t(f"flows.freq.{meta[s].frequency}", lg))
    notes = [c for s in df["source"] for c in caveats(s, lg)]
    if fmt is OutputFormat.table:
        df = df.rename(columns=lambda c: t(f"flows.col.{c}", lg))
    emit(df, fmt, output=output, title=t("flows.title.sources", lg), notes=notes, lang=lg)


@app.command("reconcile")
def reconcile_cmd(source: SourceOpt = None, warehouse: WarehouseOpt = None,
                  data: DataOpt = None, fmt: FormatOpt = OutputFormat.table,
                  output: OutputOpt = None, *, lg: LangOpt) -> None:
    """Per source: the file's own total against the warehouse total, to the dollar."""
    with options.open_warehouse(warehouse, read_only=False) as con:
        names = list(source or wf.loaded_sources(con)["source"])
        results = [r for name in names for r in wf.reconcile(con, name, data_dir=data)]
    df = pd.DataFrame([{
        t("flows.col.source", lg): r.source, t("flows.col.check", lg): r.check,
        t("flows.col.file_total", lg): r.file_total,
        t("flows.col.warehouse_total", lg): r.warehouse_total,
        t("flows.col.difference", lg): r.difference,
        t("flows.col.ok", lg): t("flows.yes" if r.ok else "flows.no", lg),
    } for r in results])
    emit(df, fmt, output=output, title=t("flows.title.reconcile", lg),
         notes=[c for name in names for c in caveats(name, lg)])
    if any(not r.ok for r in results):
        raise typer.Exit(1)


def _register_top() -> None:
    """``flows top`` is the report package's command; it lives there to keep one implementation."""
    from comexlab.commands.report import top_command

    app.command("top")(top_command)


_register_top()
