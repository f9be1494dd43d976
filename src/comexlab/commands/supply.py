"""``comexlab supply``: complexity, import-substitution opportunities, establishment registers.

Presentation only: each command builds a request, calls :mod:`comexlab.services.supply` or a
warehouse loader, and shapes the result into tables (``output.emit``) in the reader's language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from sqlalchemy import Engine

from comexlab.commands import options
from comexlab.commands.options import DataOpt, FormatOpt, LangOpt, OutputOpt, WarehouseOpt
from comexlab.errors import ComexlabError, InputError
from comexlab.i18n import Msg, label, t
from comexlab.output import OutputFormat, emit, write_xlsx
from comexlab.registry import db
from comexlab.services import supply as svc
from comexlab.sources import inegi_denue, se_siavi, semarnat_retc
from comexlab.sources.files import data_path
from comexlab.supply.opportunities import Weights
from comexlab.warehouse import establishments as est

app = typer.Typer(help="Supply chains: complexity, import substitution, plant registers.",
                  no_args_is_help=True)

DbOpt = Annotated[str | None, typer.Option(
    "--db", help="SQLAlchemy URL of the registry (default: COMEXLAB_REGISTRY_URL).")]
REGISTERS = ("retc", "denue", "siavi")


def _engine(url: str | None) -> Engine:
    engine = db.make_engine(url)
    if db.current_revision(engine) != db.head_revision():
        raise ComexlabError(Msg("error.registry_schema", url=engine.url.render_as_string()))
    return engine


# --------------------------------------------------------------------------- load
def _default_file(what: str, year: int | None, data: Path | None) -> Path:
    if what == "retc":
        name = f"{semarnat_retc.FOLDER}/es_{year or 2022}.csv.gz"
    elif what == "denue":
        name = f"{inegi_denue.FOLDER}/DERIVED_denue_isthmus_manufacturing.csv.gz"
    else:
        name = f"{se_siavi.FOLDER}/{se_siavi.ARCHIVE}"
    return data_path(name, data_dir=data)


@app.command("load")
def load_cmd(
    what: Annotated[str, typer.Argument(help="retc, denue or siavi.")],
    file: Annotated[Path | None, typer.Option(
        "--file", help="The file to load (default: the one in the data folder).")] = None,
    year: Annotated[int | None, typer.Option(
        help="RETC: the reporting year (default: from the file name; 2022).")] = None,
    warehouse: WarehouseOpt = None, data: DataOpt = None, *, lg: LangOpt,
) -> None:
    """Load an establishment register or SIAVI's pages into the warehouse (all or nothing)."""
    if what not in REGISTERS:
        raise InputError(Msg("supply.error.register", known=", ".join(REGISTERS)),
                         field="what", value=what)
    path = file or _default_file(what, year, data)
    notes: list[str] = []
    with options.open_warehouse(warehouse, read_only=False) as con:
        if what == "retc":
            n, audit = est.load_retc(con, path, year=year)
            notes = [f"{label('audit', a.kind, lg)}: {a.count:,} — "
                     f"{a.detail.text(lg)}; "
                     f"{'; '.join(a.examples)}" for a in audit]
        elif what == "denue":
            n = est.load_denue(con, path)
            notes = [t("supply.caveat.denue", lg)]
        else:
            n = est.load_siavi(con, path)
    emit(pd.DataFrame([{t("supply.col.register", lg): what, t("supply.col.file", lg): path.name,
                        t("flows.col.rows", lg): n}]), OutputFormat.table,
         title=t("supply.title.loaded", lg), notes=notes, lang=lg)


@app.command("import-plants")
def import_plants_cmd(
    year: Annotated[int | None, typer.Option(help="RETC year (default: latest loaded).")] = None,
    state: Annotated[list[str] | None, typer.Option(
        "--state", help="Only these states (repeat: --state GTO --state JAL).")] = None,
    warehouse: WarehouseOpt = None, db_url: DbOpt = None, fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None, *, lg: LangOpt,
) -> None:
    """Import RETC manufacturing plants into the registry, labelled with their source."""
    with options.open_warehouse(warehouse) as con:
        result = svc.import_retc_plants(con, _engine(db_url), svc.ImportPlantsRequest(
            year=year, states=tuple(state or ())))
    rows = [{t("supply.col.state", lg): c.state_code, t("supply.col.imported", lg): c.imported,
             t("supply.col.updated", lg): c.updated,
             t("supply.col.without_location", lg): c.without_location,
             t("supply.col.refused", lg): c.refused_total,
             t("supply.col.why", lg): "; ".join(
                 f"{t('supply.refusal.' + k, lg)}: {v}" for k, v in sorted(c.refused.items()))}
            for c in result.counts]
    emit(pd.DataFrame(rows), fmt, output=output, lang=lg,
         title=t("supply.title.imported", lg, year=result.year))


@app.command("plants")
def plants_cmd(
    state: Annotated[str | None, typer.Option(help="The state (JAL, Jalisco or 14).")] = None,
    db_url: DbOpt = None, fmt: FormatOpt = OutputFormat.table, output: OutputOpt = None,
    *, lg: LangOpt,
) -> None:
    """Plants from public registers (RETC) in the registry, with their source and processes."""
    rows = svc.list_source_plants(_engine(db_url), svc.PlantsRequest(state=state))
    title = t("supply.title.plants", lg, n=len(rows))
    if fmt is OutputFormat.table:  # narrow: name, class, place; the rest in files
        emit(pd.DataFrame([{
            t("supply.col.source", lg): t("supply.kind_short." + p.source, lg),
            "NRA": p.ref, t("supply.col.name", lg): p.legal_name[:36],
            "SCIAN": p.scian, t("supply.col.state", lg): p.state,
            t("supply.col.municipality", lg): (p.municipality or "")[:16],
        } for p in rows]), fmt, lang=lg, max_rows=200, title=title,
             wrap=[t("supply.col.name", lg)])
        return
    emit(pd.DataFrame([{
        "source": p.source, "ref": p.ref, "year": p.year, "legal_name": p.legal_name,
        "plant_name": p.plant_name, "scian": p.scian, "processes": ", ".join(p.processes),
        "state": p.state, "municipality": p.municipality, "industrial_park": p.industrial_park,
        "latitude": p.latitude, "longitude": p.longitude, "firm_rfc": p.firm_rfc,
    } for p in rows]), fmt, output=output, title=title)


# --------------------------------------------------------------------------- complexity
@app.command("complexity")
def complexity_cmd(
    year: Annotated[int | None, typer.Option(help="Year (default: latest loaded).")] = None,
    state: Annotated[str | None, typer.Option(
        help="Show only this state, with its subsectors (GTO, Guanajuato or 11).")] = None,
    warehouse: WarehouseOpt = None, fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None, *, lg: LangOpt,
) -> None:
    """States ranked by economic complexity (ECI) of their exports by SCIAN subsector."""
    with options.open_warehouse(warehouse) as con:
        result = svc.state_complexity(con, svc.ComplexityRequest(year=year, state=state))
    states = [s for s in result.states if result.state is None or s.state == result.state]
    if fmt is OutputFormat.json:
        emit(pd.DataFrame([{"state": s.state, "abbr": s.abbr, "rank": s.rank, "eci": s.eci,
                            "diversity": s.diversity, "coi": s.coi, "year": result.year,
                            "source": result.source} for s in states]), fmt, output=output)
        return
    note = t("supply.note.complexity", lg, source=result.source, year=result.year,
             years=f"{min(result.years)}–{max(result.years)}", places=len(result.states),
             products=len(result.subsectors))
    df = pd.DataFrame([{t("supply.col.rank", lg): s.rank, t("supply.col.state", lg): s.abbr,
                        t("supply.col.name", lg): s.name, "ECI": round(s.eci, 3),
                        t("supply.col.diversity", lg): s.diversity, "COI": round(s.coi, 3)}
                       for s in states])
    emit(df, fmt, output=output, title=t("supply.title.complexity", lg, year=result.year),
         notes=[note], lang=lg)
    if result.state is not None and fmt is OutputFormat.table:
        sub = pd.DataFrame([{"SCIAN": s.scian3, "PCI": round(s.pci, 3), "RCA": s.rca,
                             "M": int(bool(s.present)), t("supply.col.density", lg): s.density,
                             "COG": s.cog} for s in sorted(result.subsectors,
                                                           key=lambda s: -(s.density or 0))])
        emit(sub, fmt, title=t("supply.title.subsectors", lg, state=states[0].abbr), lang=lg)


# --------------------------------------------------------------------------- opportunities
def _shown(suppliers: tuple[svc.Supplier, ...], per_kind: int) -> list[svc.Supplier]:
    """The first ``per_kind`` registry firms and the first ``per_kind`` RETC plants."""
    kinds: dict[str, list[svc.Supplier]] = {}
    for s in suppliers:
        kinds.setdefault(s.kind, []).append(s)
    return [s for group in kinds.values() for s in group[:per_kind]]


def _programs(s: svc.Supplier, lang: str, *, short: bool = False) -> str:
    if short:
        return ", ".join(f"{code} ({label('enrolment_status', status, lang)})"
                         for code, status, _since in s.programs)
    return "; ".join(f"{code}: {label('enrolment_status', status, lang)} ({since.isoformat()})"
                     for code, status, since in s.programs)


def opportunity_frames(result: svc.OpportunitiesResult, lang: str
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ranked headings, all suppliers of the first ones) for files: every column, fractions."""
    ranked = pd.DataFrame([{
        t("supply.col.rank", lang): o.rank, "HS4": o.scored.candidate.hs4,
        t("supply.col.description", lang): o.description,
        t("supply.col.imports", lang, year=result.basis.year): o.scored.candidate.import_usd,
        t("supply.col.imports_base", lang, year=result.basis.base_year):
            o.scored.candidate.import_usd_base,
        t("supply.col.growth", lang): o.scored.growth_rate,
        "SCIAN": o.scored.candidate.scian3,
        t("supply.col.market", lang): o.scored.market,
        t("supply.col.growth_rank", lang): o.scored.growth,
        t("supply.col.feasibility", lang): o.scored.feasibility,
        t("supply.col.suppliers", lang): o.scored.candidate.suppliers,
        t("supply.col.coverage", lang): o.scored.coverage,
        t("supply.col.score", lang): o.scored.score,
        t("supply.col.processes", lang): ", ".join(o.scored.candidate.processes),
    } for o in result.opportunities])
    return ranked, _supplier_frame(result, lang, per_kind=None)


def _supplier_frame(result: svc.OpportunitiesResult, lang: str, *, per_kind: int | None
                    ) -> pd.DataFrame:
    return pd.DataFrame([{
        t("supply.col.rank", lang): o.rank, "HS4": o.scored.candidate.hs4,
        t("supply.col.source", lang): t("supply.kind." + s.kind, lang)
        + (" (DEMO)" if s.is_demo else ""),
        t("supply.col.name", lang): s.name, t("supply.col.ref", lang): s.ref,
        t("supply.col.gap", lang): (", ".join(s.missing) or t("supply.gap.ready", lang))
        + ("" if s.on_record else " " + t("supply.gap.no_record", lang)),
        t("supply.col.distance", lang): None if s.distance_km is None
        else round(s.distance_km, 1),
        t("supply.col.buyer", lang): s.nearest_buyer,
        t("supply.col.programs", lang): _programs(s, lang),
    } for o in result.opportunities
        for s in (o.suppliers if per_kind is None else _shown(o.suppliers, per_kind))])


def screen_frames(result: svc.OpportunitiesResult, lang: str, per_kind: int = 4
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same, narrow enough for a terminal: USD millions, growth in percent, short names."""
    ranked = pd.DataFrame([{
        "#": o.rank, "HS4": o.scored.candidate.hs4,
        t("supply.col.description", lang): o.description[:40]
        + ("…" if len(o.description) > 40 else ""),
        t("supply.col.musd", lang, year=result.basis.year):
            round(o.scored.candidate.import_usd / 1e6, 1),
        t("supply.col.growth_short", lang): "—" if o.scored.growth_rate is None
        else f"{o.scored.growth_rate * 100:+.1f}%",
        t("supply.col.market_short", lang): round(o.scored.market, 2),
        t("supply.col.feasibility_short", lang): None if o.scored.feasibility is None
        else round(o.scored.feasibility, 2),
        t("supply.col.suppliers_short", lang): o.scored.candidate.suppliers,
        t("supply.col.score", lang): round(o.scored.score, 3),
    } for o in result.opportunities])
    suppliers = pd.DataFrame([{
        "#": o.rank, t("supply.col.source", lang): "DEMO" if s.is_demo
        else t("supply.kind_short." + s.kind, lang),
        t("supply.col.name", lang): s.name[:38] + ("…" if len(s.name) > 38 else ""),
        t("supply.col.gap_short", lang): (", ".join(s.missing) or "—")
        + ("" if s.on_record else "*"),
        "km": None if s.distance_km is None else round(s.distance_km, 1),
        t("supply.col.programs", lang): _programs(s, lang, short=True),
    } for o in result.opportunities for s in _shown(o.suppliers, per_kind)])
    return ranked, suppliers


def opportunity_notes(result: svc.OpportunitiesResult, lang: str) -> list[str]:
    """What the figures rest on, in ``lang``."""
    w = result.weights
    return [
        t("supply.note.basis", lang, source=result.basis.source,
          level=t("supply.level." + result.basis.level, lang),
          year=result.basis.year, base=result.basis.base_year,
          partners=", ".join(result.basis.partners)),
        *(n.text(lang) for n in result.notes),
        t("supply.note.feasibility", lang, source=result.complexity_source or "—",
          year=result.complexity_year or "—"),
        t("supply.note.weights", lang, market=w.market, growth=w.growth,
          feasibility=w.feasibility, coverage=w.coverage, floor=w.floor,
          half=w.coverage_half),
        t("supply.note.candidates", lang, n=result.candidates),
    ]


@app.command("opportunities")
def opportunities_cmd(
    state: Annotated[str, typer.Option(help="The state (JAL, Jalisco or 14).")],
    origin: Annotated[str, typer.Option(
        help="asia, east_asia, asean, china, japan, korea, taiwan, … or ISO3 codes.")] = "asia",
    top: Annotated[int, typer.Option(help="How many headings.")] = 30,
    year: Annotated[int | None, typer.Option(help="Imports' year (default: latest).")] = None,
    span: Annotated[int, typer.Option(help="Years back for growth.")] = 3,
    radius_km: Annotated[float, typer.Option(
        "--radius-km", help="RETC plants this close to a buyer count too.")] = 50.0,
    sector: Annotated[str, typer.Option(help="Buyers' sector for the gap.")] = "automotive",
    source: Annotated[str, typer.Option(
        help="auto (DataMéxico state imports, else Comtrade, else SIAVI), datamexico, "
             "comtrade or siavi.")] = "auto",
    w_market: Annotated[float, typer.Option("--w-market")] = Weights.market,
    w_growth: Annotated[float, typer.Option("--w-growth")] = Weights.growth,
    w_feasibility: Annotated[float, typer.Option("--w-feasibility")] = Weights.feasibility,
    w_coverage: Annotated[float, typer.Option("--w-coverage")] = Weights.coverage,
    warehouse: WarehouseOpt = None, db_url: DbOpt = None, fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None, *, lg: LangOpt,
) -> None:
    """What the state's industry imports from ORIGIN that local firms could make, and who."""
    if source not in ("auto", "datamexico", "comtrade", "siavi"):
        raise InputError(Msg("supply.error.import_source"), field="source", value=source)
    try:
        weights = Weights(w_market, w_growth, w_feasibility, w_coverage)
    except ValueError:
        raise InputError(Msg("supply.error.weights"), field="weights",
                         value=f"{w_market}/{w_growth}/{w_feasibility}/{w_coverage}") from None
    request = svc.OpportunitiesRequest(state=state, origin=origin, top=top, year=year,
                                       span=span, radius_km=radius_km, buyer_sector=sector,
                                       source=source, weights=weights)  # type: ignore[arg-type]
    with options.open_warehouse(warehouse) as con:
        result = svc.opportunities(con, _engine(db_url), request)
    notes = opportunity_notes(result, lg)
    if fmt is OutputFormat.table:
        ranked, suppliers = screen_frames(result, lg)
        title = t("supply.title.opportunities", lg, state=result.state_name, origin=origin)
        emit(ranked, fmt, title=title, notes=notes, lang=lg,
             wrap=[t("supply.col.description", lg)])
        if not suppliers.empty:
            emit(suppliers, fmt, title=t("supply.title.suppliers", lg, n=4), lang=lg,
                 max_rows=60, wrap=[t("supply.col.name", lg), t("supply.col.programs", lg)],
                 notes=[t("supply.note.star", lg)])
        return
    ranked, suppliers = opportunity_frames(result, lg)
    if fmt is OutputFormat.xlsx:
        if output is None:
            raise InputError(Msg("error.binary_output", fmt=fmt.value), field="--output")
        write_xlsx({t("supply.sheet.ranking", lg): ranked,
                    t("supply.sheet.suppliers", lg): suppliers}, output, notes=notes)
        Console().print(t("supply.written", lg, path=str(output)))
        return
    emit(ranked, fmt, output=output)
