"""`comexlab markets …`: where an exporter's product has room to grow (thin CLI over services)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from comexlab.commands import options
from comexlab.commands.options import FormatOpt, LangOpt, OutputOpt, WarehouseOpt
from comexlab.i18n import fmt_number, fmt_pct, fmt_usd, t
from comexlab.output import OutputFormat, emit
from comexlab.services import markets as service

app = typer.Typer(help=t("markets.help", "en"), no_args_is_help=True)

USD = ("demand_usd", "potential_usd", "actual_usd", "unrealised_usd")
FACTORS = ("tariff_factor", "distance_factor", "access", "ease")
#: Screen columns (80-column terminals): the tariff factor is 1 unless tariffs are given, and
#: the notes say so; every component is in csv/json/xlsx.
SHOWN = ("rank", "market", "demand_usd", "distance_factor", "ease", "potential_usd",
         "actual_usd", "unrealised_usd")


def _notes(res: service.RankResult, lang: str) -> list[str]:
    p = res.potential
    head = t("markets.rank.basis", lang, dataset=res.dataset, hs=res.hs_revision, year=res.year,
             products=", ".join(res.products), exporter=p.exporter,
             supply=fmt_usd(p.supply_usd, lang), world=fmt_usd(p.world_usd, lang),
             share=fmt_pct(p.supply_share, lang, digits=2))
    return [head, *(m.text(lang) for m in p.assumptions), *(n.text(lang) for n in res.notes())]


def _screen_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    shown = table[list(SHOWN)].copy()
    for c in USD:  # millions of USD, said in the header: fits 80 columns
        shown[c] = shown[c].map(lambda v: fmt_number(v / 1e6, lang, digits=1))
    for c in ("distance_factor", "ease"):
        shown[c] = shown[c].map(lambda v: fmt_number(v, lang, digits=2))
    return shown.rename(columns={c: t(f"markets.col.{c}", lang) for c in SHOWN})


@app.command("rank", help=t("markets.rank.help", "en"))
def rank_cmd(
    product: Annotated[str, typer.Option("--product", "-p", help="HS6 code (or HS2/HS4, or "
                                         "several separated by commas), e.g. 030617.")],
    exporter: Annotated[str, typer.Option("--exporter", "-e", help="ISO3, e.g. MEX.")],
    top: Annotated[int, typer.Option("--top", help="Markets shown (1–500).")] = 20,
    year: Annotated[int | None, typer.Option("--year", help="Year (default: the latest "
                                             "loaded for the product).")] = None,
    dataset: Annotated[str | None, typer.Option(
        "--dataset", help="BACI dataset, when several cover the product and year.")] = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    warehouse: WarehouseOpt = None,
    *, lang: LangOpt,
) -> None:
    """The markets of an exporter's product, largest export potential first."""
    request = service.RankRequest(product, exporter.upper(), year, top, dataset)
    with options.open_warehouse(warehouse) as con:
        res = service.rank(con, request)
    table = res.table(lang)
    notes = _notes(res, lang)
    if fmt is OutputFormat.table:
        emit(_screen_table(table, lang), fmt, title=t("markets.rank.title", lang,
             exporter=res.potential.exporter, products=res.request.product, year=res.year),
             notes=notes, max_rows=top, wrap=[], lang=lang)
        return
    table.insert(1, "year", res.year)
    table.insert(2, "exporter", res.potential.exporter)
    table.insert(3, "product", res.request.product)
    emit(table, fmt, output=output, title="markets", notes=notes,
         percent_columns=("supply_share",), lang=lang)


@app.command("load", help=t("markets.load.help", "en"))
def load_cmd(
    files: Annotated[list[Path], typer.Argument(help="BACI files (native t,i,j,k,v,q, or the "
                                                "ARTIS standardized copy).")],
    dictionary: Annotated[Path | None, typer.Option(
        "--dictionary", help="The release's country_codes_V*.csv (default: the one beside "
                             "each native file).")] = None,
    warehouse: WarehouseOpt = None,
    *, lang: LangOpt,
) -> None:
    """Load BACI files into the warehouse (each file atomically; a bad file loads nothing)."""
    with options.open_warehouse(warehouse, read_only=False) as con:
        loaded = service.load(con, files, dictionary)
    for item in loaded:
        typer.echo(t("markets.load.done", lang, dataset=item.dataset, rows=f"{item.rows:,}",
                     value=fmt_usd(item.value_usd, lang)))
        for note in item.notes:
            typer.echo("  " + note.text(lang))


@app.command("download", help=t("markets.download.help", "en"))
def download_cmd(
    hs: Annotated[str, typer.Option("--hs", help="HS revision: HS92, HS96 … HS22.")],
    release: Annotated[str, typer.Option("--release", help="CEPII release, e.g. V202401b.")],
    base_url: Annotated[str | None, typer.Option(help="A mirror or test server.")] = None,
    refresh: Annotated[bool, typer.Option(help="Fetch again even what is cached.")] = False,
    *, lang: LangOpt,
) -> None:
    """Fetch a BACI release zip into the cache (checked before it is kept)."""
    from comexlab.sources import baci

    path = baci.download(hs, release, base_url=base_url, refresh=refresh)
    typer.echo(t("markets.download.done", lang, path=str(path)))
