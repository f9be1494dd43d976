"""`comexlab hts …`: the US tariff schedule from the command line (thin layer over services)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from comexlab.commands import options
from comexlab.commands.options import DataOpt, FormatOpt, LangOpt, OutputOpt, WarehouseOpt
from comexlab.errors import InputError
from comexlab.i18n import catalog, fmt_pct, label, labels, t
from comexlab.output import OutputFormat, emit
from comexlab.sources import usitc_hts
from comexlab.sources.files import data_path
from comexlab.warehouse import hts as service

app = typer.Typer(help=t("hts.help", "en"), no_args_is_help=True)
EditionArg = Annotated[str, typer.Argument(help="Edition key: 2013, 2025 or 2026r10.")]
GOAL = 0.995



@app.command()
def load(
    editions: Annotated[list[str] | None, typer.Argument(help="Edition keys to load.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Load every known edition.")] = False,
    warehouse: WarehouseOpt = None,
    data: DataOpt = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Load a file that looks incomplete (chapters missing, far fewer rows "
                        "than the edition) anyway; it replaces the whole edition.")] = False,
    *, lang: LangOpt,
) -> None:
    """Load HTS editions from the data directory into the warehouse (atomic per edition)."""
    keys = list(usitc_hts.EDITIONS) if all_ else list(editions or [])
    if not keys:
        raise InputError(t("hts.none_loaded", lang), field="EDITION")
    for key in keys:
        usitc_hts.edition(key)
    console = Console()
    with options.open_warehouse(warehouse, read_only=False) as con, Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
            TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("HTS", total=len(keys))
        for key in keys:
            progress.update(task, description=t("hts.loading", lang, edition=key))
            result = service.load_edition(con, key, data_dir=data, force=force)
            progress.console.print(t("hts.loaded", lang, edition=key, lines=result.lines,
                                     rates=result.rates, file=result.path.name))
            for note in result.notes:
                text = t("hts.repaired", lang, edition=key, count=note.count,
                         kind=label("audit", note.kind, lang), detail=note.detail)
                progress.console.print(f"  [yellow]{text}[/yellow]")
            progress.advance(task)


@app.command()
def show(
    line: Annotated[str, typer.Argument(help="HTS code: 8703.23.01, 87032301 or 8703230140.")],
    edition: Annotated[str, typer.Option("--edition", "-e", help="Edition key.")] = "2026r10",
    warehouse: WarehouseOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    *, lang: LangOpt,
    wide: Annotated[bool, typer.Option("--wide", help="Screen table with every column "
                                                      "(program names, rate kinds).")] = False,
) -> None:
    """Description path, MFN, column 2, the rate under each program and chapter 99 footnotes.

    The screen table is compact (program, agreement, rate as printed, and the ad valorem and
    specific parts where there are any); --wide or --format csv/json/xlsx give every column.
    """
    with options.open_warehouse(warehouse) as con:
        view = service.show(con, line, edition, lang=lang)
    rates = _rates_table(view.rates, lang, named=fmt is OutputFormat.table)
    if fmt is not OutputFormat.table:
        emit(rates.assign(edition=view.edition, hts=view.rate_line,
                          description_path=view.description_path), fmt, output=output,
             title=f"hts_{view.hts}", percent_columns=[t("hts.col.ad_valorem", lang)])
        return
    console = Console()
    head = Table(show_header=False, title=f"{t('hts.line', lang)} {view.hts_formatted}")
    head.add_column(style="bold")
    head.add_column(overflow="fold")
    for key, value in (
        ("hts.edition", usitc_hts.edition(view.edition).label),
        ("hts.path", view.description_path),
        ("hts.units", ", ".join(view.units) or "—"),
        ("hts.mfn", view.general or "—"),
        ("hts.column2", view.other or "—"),
        ("hts.special", view.special or "—"),
    ):
        head.add_row(t(key, lang), value)
    if view.rate_line and view.rate_line != view.hts:
        head.add_row("", t("hts.rate_line", lang, line=service._fmt(view.rate_line)))
    for i, note in enumerate(view.footnotes):
        head.add_row(t("hts.footnotes", lang) if i == 0 else "", note)
    console.print(head)
    for note in view.notes:
        console.print(f"[yellow]{note}[/yellow]")
    shown = rates if wide else _rates_screen(view.rates, lang)
    emit(shown, fmt, title=t("hts.rates_title", lang, line=service._fmt(view.rate_line or ""),
                             edition=view.edition), console=console,
         wrap=None if wide else [t("hts.col.agreement", lang)])
    if len(view.footnote_refs):
        emit(_headed(view.footnote_refs, lang), fmt, title=t("hts.ch99_title", lang),
             console=console, lang=lang)
    if len(view.children):
        emit(_headed(view.children, lang), fmt, console=console, lang=lang,
             title=t("hts.children_title", lang, line=service._fmt(view.rate_line or "")))


def _headed(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Screen headers in ``lang`` for the columns the catalog names (``hts.cov.<column>``)."""
    known = catalog()
    return df.rename(columns=lambda c: t(f"hts.cov.{c}", lang) if f"hts.cov.{c}" in known else c)


def _specific(rates: pd.DataFrame) -> list[str | None]:
    return [None if pd.isna(a) else f"{a:g}/{u}"
            for a, u in zip(rates["specific_amount"], rates["specific_unit"], strict=True)]


def _rates_screen(rates: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rate table that fits 80 columns: one short line per program.

    The general and column-2 rates are labelled in the program column; ad valorem, specific and
    "refers to" columns appear only when some rate of the line has them.
    """
    column_label = {"general": t("hts.col.mfn_short", lang), "other": t("hts.col.col2", lang)}
    program = [str(p) if isinstance(p, str) and p else column_label.get(c, c)
               for p, c in zip(rates["program"], rates["rate_column"], strict=True)]
    out = pd.DataFrame({
        t("hts.col.program", lang): program,
        t("hts.col.agreement", lang): rates["agreement"].fillna("").to_numpy(),
        t("hts.col.rate_text", lang): rates["rate_text"].to_numpy(),
    })
    adval = rates["ad_valorem"].where(rates["kind"] != "free")  # "Free" says it already
    if (adval.fillna(0) != 0).any():
        out[t("hts.col.ad_valorem", lang)] = [
            "" if pd.isna(v) else fmt_pct(float(v), lang, digits=2) for v in adval]
    specific = _specific(rates)
    if any(specific):
        out[t("hts.col.specific", lang)] = [s or "" for s in specific]
    if rates["base"].notna().any():
        out[t("hts.col.base", lang)] = rates["base"].fillna("").to_numpy()
    return out


def _rates_table(rates: pd.DataFrame, lang: str, *, named: bool = False) -> pd.DataFrame:
    """Every column of the rates.

    ``named``: rate columns and kinds by name in ``lang`` (the screen), else as codes (files,
    which other tools filter on).
    """
    column: pd.Series | list[str] = rates["rate_column"]
    kind: pd.Series | list[str] = rates["kind"]
    if named:
        column, kind = labels("rate_column", column, lang), labels("rate_kind", kind, lang)
    out = pd.DataFrame({
        t("hts.col.rate_column", lang): column,
        t("hts.col.program", lang): rates["program"],
        t("hts.col.agreement", lang): rates["agreement"],
        t("hts.col.program_name", lang): rates["program_name"],
        t("hts.col.rate_text", lang): rates["rate_text"],
        t("hts.col.kind", lang): kind,
        t("hts.col.ad_valorem", lang): rates["ad_valorem"],
        t("hts.col.specific", lang): _specific(rates),
        t("hts.col.base", lang): rates["base"],
    })
    return out


@app.command()
def coverage(
    edition: EditionArg,
    warehouse: WarehouseOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    *, lang: LangOpt,
) -> None:
    """Share of rate texts the parser understood (goal: 99.5% of general rates) and the rest."""
    with options.open_warehouse(warehouse) as con:
        cov = service.coverage(con, edition)
    if fmt is not OutputFormat.table:
        emit(cov.unparsed, fmt, output=output, title=f"unparsed_{edition}")
        return
    console = Console()
    summary = cov.summary.assign(rate_column=labels("rate_column", cov.summary.rate_column, lang))
    emit(_headed(summary, lang), fmt, console=console,
         title=t("hts.coverage_title", lang, edition=edition), lang=lang)
    general = cov.summary[cov.summary.rate_column == "general"]
    if len(general):
        share = float(general.share_parsed.iloc[0])
        key = "hts.goal_met" if share >= GOAL else "hts.goal_missed"
        console.print(t(key, lang, share=fmt_pct(share, lang, digits=2)))
    unparsed = cov.unparsed.assign(rate_column=labels("rate_column", cov.unparsed.rate_column,
                                                      lang))
    emit(_headed(unparsed, lang), fmt, max_rows=10_000,
         console=console, lang=lang,
         title=t("hts.unparsed_title", lang, edition=edition, count=len(cov.unparsed)))
    if len(cov.unknown_programs):
        console.print(t("hts.unknown_programs", lang,
                        codes=", ".join(cov.unknown_programs.program)))


@app.command()
def diff(
    a: Annotated[str, typer.Argument(help="Older edition key, e.g. 2013.")],
    b: Annotated[str, typer.Argument(help="Newer edition key, e.g. 2026r10.")],
    warehouse: WarehouseOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    *, lang: LangOpt,
) -> None:
    """Lines added, removed, and whose MFN or Mexican preference (MX → S) changed."""
    with options.open_warehouse(warehouse) as con:
        changes = service.diff(con, a, b)
    counts = changes["change"].value_counts()
    notes = [t("hts.diff_summary", lang, change=label("hts_change", k, lang), count=int(v))
             for k, v in counts.items()]
    if fmt is OutputFormat.table:
        changes = _headed(changes.assign(change=labels("hts_change", changes["change"], lang)),
                          lang)
    emit(changes, fmt, output=output, title=t("hts.diff_title", lang, a=a, b=b), notes=notes,
         lang=lang)


@app.command()
def download(
    edition: EditionArg,
    base_url: Annotated[str | None, typer.Option(
        help="Mirror base URL (default: where the edition is published).")] = None,
    cache: Annotated[Path | None, typer.Option(help="Download folder.")] = None,
    refresh: Annotated[bool, typer.Option(help="Download again even if cached.")] = False,
    *, lang: LangOpt,
) -> None:
    """Fetch an edition's official export from USITC into the cache and validate it."""
    path = usitc_hts.download(edition, base_url=base_url, cache=cache, refresh=refresh)
    Console().print(t("hts.downloaded", lang, edition=edition, path=path))


@app.command()
def editions(
    warehouse: WarehouseOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    *, lang: LangOpt,
) -> None:
    """Known editions, their files, and whether they are loaded."""
    rows = []
    loaded = pd.DataFrame(columns=["edition", "lines"])
    if options.warehouse_path(warehouse).exists():
        with options.open_warehouse(warehouse) as con:
            loaded = service.loaded_editions(con)
    for ed in usitc_hts.EDITIONS.values():
        try:
            present = data_path(ed.file, data_dir=data).exists()
        except FileNotFoundError:
            present = False
        hit = loaded[loaded.edition == ed.key]
        rows.append({"edition": ed.key, "label": ed.label, "format": ed.format,
                     "era": ed.era, "mx_program": ed.mx_program, "file": ed.file,
                     "file_present": present, "release": ed.release,
                     "lines_loaded": int(hit.lines.iloc[0]) if len(hit) else 0})
    emit(pd.DataFrame(rows), fmt, output=output, title=t("hts.editions_title", lang))


@app.command()
def programs(
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    *, lang: LangOpt,
) -> None:
    """The special-program codes (S/S+ = USMCA, MX/CA = NAFTA, A/A*/A+ = GSP, …)."""
    table = usitc_hts.programs_table(usitc_hts.read_programs()).to_pandas()
    name = "name_es" if lang == "es" else "name_en"
    table = table.assign(countries=table.countries.map(lambda c: " ".join(c) or "—"))
    emit(table[["program", "agreement", name, "countries", "in_force", "general_note"]], fmt,
         output=output, title=t("hts.programs_title", lang))


@app.command()
def search(
    query: Annotated[str, typer.Argument(
        help="Code prefix (8703, 8703.23) or words in Spanish or English (vehículos, cotton).")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=200,
                                       help="Most results shown.")] = 30,
    warehouse: WarehouseOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    *, lang: LangOpt,
) -> None:
    """Find HS/HTS codes by code or word; each with its description path in ``--lang``.

    Words match the start of words in either language, accents optional ('vehiculos' finds
    'vehículos'); every word must match. US lines are searched in the loaded editions.
    """
    from comexlab.services.products import search_products

    if not query.strip():
        raise InputError(t("products.error.empty", lang), field="QUERY")
    with options.open_warehouse(warehouse) as con:
        found = search_products(con, query, lang=lang, limit=limit)
    frame = pd.DataFrame({
        t("products.col.code", lang): [h.code_formatted for h in found.hits],
        t("products.col.level", lang): [t(f"products.level.{h.level}", lang)
                                        for h in found.hits],
        t("products.col.description", lang): [h.path for h in found.hits],
    })
    notes = [t("products.note.english_only", lang)] if any(
        h.english_only for h in found.hits) else []
    if not found.hits:
        notes.insert(0, t("products.search.none", lang, q=found.query))
    emit(frame, fmt, output=output, notes=notes, lang=lang,
         title=t("products.search.title", lang, q=found.query, shown=len(found.hits),
                 total=found.total))
