"""``comexlab site``: a site's one-page profile for an investor, site comparisons, FDI load.

Presentation only: each command builds a request, calls :mod:`comexlab.services.sites`, and
shapes the result with :mod:`comexlab.sitesheet` (tables, JSON, HTML/PDF) in the reader's
language.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from sqlalchemy import Engine

from comexlab.commands import options
from comexlab.commands.options import DataOpt, LangOpt, OutputOpt, WarehouseOpt
from comexlab.errors import ComexlabError, InputError
from comexlab.i18n import Msg, t
from comexlab.output import OutputFormat, emit, write_xlsx
from comexlab.registry import db
from comexlab.services import sites as svc
from comexlab.sources import se_fdi
from comexlab.sources.files import data_path
from comexlab.warehouse import sites as wsites

app = typer.Typer(help="Investment attraction: site profiles, comparisons, FDI by state.",
                  no_args_is_help=True)


class SiteFormat(StrEnum):
    """What a site profile can be written as."""

    table = "table"
    json = "json"
    xlsx = "xlsx"
    html = "html"
    pdf = "pdf"


DbOpt = Annotated[str | None, typer.Option(
    "--db", help="SQLAlchemy URL of the registry (default: COMEXLAB_REGISTRY_URL).")]
RadiusOpt = Annotated[float, typer.Option(
    "--radius", help="Reach of the profile in km (straight line).")]
DepthOpt = Annotated[float, typer.Option(
    "--depth-radius", help="Radius of the local supply base in km (straight line).")]
ProcessOpt = Annotated[list[str] | None, typer.Option(
    "--process", help="Processes of the supply base (repeat; default: stamping, "
                      "plastic_injection, mold_fabrication).")]
SiteFormatOpt = Annotated[SiteFormat, typer.Option(
    "--format", "-f", help="table (screen), json, xlsx, html or pdf.")]


def _engine(url: str | None) -> Engine | None:
    """The registry, or None when it is not set up (the profile then says so)."""
    engine = db.make_engine(url)
    try:
        if db.current_revision(engine) != db.head_revision():
            return None
    except Exception:
        return None
    return engine


def parse_point(text: str) -> tuple[float, float]:
    """'21.35,-101.93' → (21.35, -101.93); anything else is refused in the reader's words."""
    parts = text.replace(";", ",").split(",")
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise InputError(Msg("sites.error.bad_point"), field="at", value=text) from None
    return lat, lon


def _query(park: str | None, municipality: str | None, at: str | None) -> svc.SiteQuery:
    return svc.SiteQuery(park=park, municipality=municipality,
                         at=parse_point(at) if at else None)


def _write(data: bytes | str, output: Path | None, fmt: SiteFormat, lg: str) -> None:
    if output is None:
        if isinstance(data, bytes):
            raise InputError(Msg("sites.error.output_needed", format=fmt.value), field="output")
        typer.echo(data)
        return
    if isinstance(data, bytes):
        output.write_bytes(data)
    else:
        output.write_text(data, encoding="utf-8")
    Console(stderr=True).print(t("sites.written", lg, path=str(output)), highlight=False)


@app.command("profile")
def profile_cmd(
    park: Annotated[str | None, typer.Option(help="An agency park or a RETC park name.")] = None,
    municipality: Annotated[str | None, typer.Option(
        help="INEGI municipality code (14053) or name.")] = None,
    at: Annotated[str | None, typer.Option(help="A point LAT,LON (west negative).")] = None,
    radius: RadiusOpt = 150.0, depth_radius: DepthOpt = 100.0, process: ProcessOpt = None,
    year: Annotated[int | None, typer.Option(help="RETC year (default: latest loaded).")] = None,
    warehouse: WarehouseOpt = None, db_url: DbOpt = None,
    fmt: SiteFormatOpt = SiteFormat.table, output: OutputOpt = None, *, lg: LangOpt,
) -> None:
    """One site's profile: OEM and Tier-1 plants within reach, supply base, FDI, exports."""
    from comexlab.sitesheet import page, tables

    request = svc.ProfileRequest(_query(park, municipality, at), radius, depth_radius,
                                 tuple(process or svc.DEFAULT_PROCESSES), year)
    with options.open_warehouse(warehouse) as con:
        prof = svc.site_profile(con, _engine(db_url), request)
    if fmt is SiteFormat.json:
        _write(json.dumps(tables.as_json(prof), ensure_ascii=False, indent=2), output, fmt, lg)
    elif fmt is SiteFormat.xlsx:
        if output is None:
            raise InputError(Msg("sites.error.output_needed", format="xlsx"), field="output")
        frames = tables.sheets(prof, lg)
        write_xlsx(frames, output, percent_columns=[t(k, lg) for k in tables.PERCENT_COLUMNS],
                   notes=[n.text(lg) for n in prof.notes] + [t("sites.page.sources", lg)])
        Console(stderr=True).print(t("sites.written", lg, path=str(output)), highlight=False)
    elif fmt is SiteFormat.html:
        _write(page.html(prof, lg), output, fmt, lg)
    elif fmt is SiteFormat.pdf:
        _write(page.pdf(page.html(prof, lg)), output, fmt, lg)
    else:
        emit(pd.DataFrame(tables.indicators(prof, lg),
                          columns=[t("sites.col.indicator", lg), t("sites.col.value", lg)]),
             OutputFormat.table, title=t("sites.page.title", lg) + f": {prof.site.label}",
             notes=[n.text(lg) for n in prof.notes], lang=lg)
        emit(tables.plants_frame(prof.plants[:25], lg, width=34), OutputFormat.table,
             title=t("sites.title.nearest_plants", lg, n=len(prof.plants),
                     km=int(prof.radius_km)), lang=lg)


@app.command("compare")
def compare_cmd(
    park: Annotated[list[str] | None, typer.Option(help="Parks (repeat).")] = None,
    municipality: Annotated[list[str] | None, typer.Option(
        help="Municipalities (repeat: --municipality 14053 --municipality 11037).")] = None,
    at: Annotated[list[str] | None, typer.Option(help="Points LAT,LON (repeat).")] = None,
    radius: RadiusOpt = 150.0, depth_radius: DepthOpt = 100.0, process: ProcessOpt = None,
    warehouse: WarehouseOpt = None, db_url: DbOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f",
                                              help="table, csv, json or xlsx.")] =
    OutputFormat.table,
    output: OutputOpt = None, *, lg: LangOpt,
) -> None:
    """Sites side by side on the same indicators."""
    from comexlab.sitesheet import tables

    sites = ([svc.SiteQuery(park=p) for p in park or ()]
             + [svc.SiteQuery(municipality=m) for m in municipality or ()]
             + [svc.SiteQuery(at=parse_point(a)) for a in at or ()])
    with options.open_warehouse(warehouse) as con:
        profiles = svc.compare_sites(con, _engine(db_url), svc.CompareRequest(
            tuple(sites), radius, depth_radius, tuple(process or svc.DEFAULT_PROCESSES)))
    emit(tables.compare_frame(profiles, lg), fmt, output=output, lang=lg,
         title=t("sites.title.compare", lg), notes=[n.text(lg) for n in profiles[0].notes])


@app.command("parks")
def parks_cmd(
    ungrouped: Annotated[bool, typer.Option(
        "--ungrouped", help="List the park texts that could not be grouped.")] = False,
    year: Annotated[int | None, typer.Option(help="RETC year (default: latest).")] = None,
    warehouse: WarehouseOpt = None, fmt: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="table, csv, json or xlsx.")] = OutputFormat.table,
    output: OutputOpt = None, *, lg: LangOpt,
) -> None:
    """RETC's free-text industrial park names, normalised and grouped."""
    from comexlab.sitesheet.tables import state_abbr

    with options.open_warehouse(warehouse) as con:
        result = svc.retc_parks(con, year)
    if ungrouped:
        frame = pd.DataFrame([{"NRA": p.ref, t("sites.col.state", lg): state_abbr(p.state_code),
                               t("sites.col.municipality", lg): p.municipality or "",
                               t("sites.col.park_text", lg): p.park_text}
                              for p in result.ungrouped])
    else:
        frame = pd.DataFrame([{t("sites.col.group", lg): g.name,
                               t("sites.col.state", lg): state_abbr(g.state_code),
                               t("sites.col.plants", lg): len(g.refs),
                               t("sites.col.spellings", lg): " | ".join(g.spellings)}
                              for g in sorted(result.groups, key=lambda g: -len(g.refs))])
    emit(frame, fmt, output=output, lang=lg,
         title=t("sites.title.parks", lg, year=result.year, groups=len(result.groups),
                 ungrouped=len(result.ungrouped), blank=result.blank))


@app.command("load-fdi")
def load_fdi_cmd(
    file: Annotated[Path | None, typer.Option(
        "--file", help="The SE file (default: se_fdi_by_state/ied_entidad_tipo.csv.gz).")] =
    None,
    warehouse: WarehouseOpt = None, data: DataOpt = None, *, lg: LangOpt,
) -> None:
    """Load SE's FDI by state × type × quarter into the warehouse (all or nothing)."""
    path = file or data_path(f"{se_fdi.FOLDER}/{se_fdi.FILE}", data_dir=data)
    with options.open_warehouse(warehouse, read_only=False) as con:
        n = wsites.load_fdi(con, path)
    emit(pd.DataFrame([{t("supply.col.file", lg): path.name, t("flows.col.rows", lg): n}]),
         OutputFormat.table, title=t("sites.title.fdi_loaded", lg), lang=lg)


__all__ = ["ComexlabError", "app"]
