"""``comexlab registry``: the firm registry from the command line (thin layer over services)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from comexlab.commands.options import FormatOpt, LangOpt, OutputOpt
from comexlab.errors import ComexlabError, InputError
from comexlab.i18n import Msg, catalog, label, t
from comexlab.output import OutputFormat, emit
from comexlab.registry import db, services
from comexlab.registry.demo import DEMO_SEED, seed_demo
from comexlab.registry.entities import ENTITIES
from comexlab.registry.exporter import export_frames, template_frames, write_tables
from comexlab.registry.importer import ImportReport, import_files
from comexlab.supply.certification import DEFAULT_EXPIRING_DAYS, CertStatus

app = typer.Typer(help="Firm registry: firms, plants, certifications, clusters, programs.",
                  no_args_is_help=True)
cluster_app = typer.Typer(help="Clusters and the graph of links between them.",
                          no_args_is_help=True)
firm_app = typer.Typer(help="One firm.", no_args_is_help=True)
app.add_typer(cluster_app, name="cluster")
app.add_typer(firm_app, name="firm")

DbOpt = Annotated[str | None, typer.Option(
    "--db", help="SQLAlchemy URL of the registry (default: COMEXLAB_REGISTRY_URL).")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", help="Day certification status is computed for, YYYY-MM-DD (default: today).")]
WithinOpt = Annotated[int, typer.Option(
    "--within-days", help="A certificate expiring within this many days is 'expiring'.")]


def _day(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(Msg("error.as_of"), field="--as-of", value=text) from None


def _engine(url: str | None, *, migrated: bool = True) -> Engine:
    engine = db.make_engine(url)
    if migrated and db.current_revision(engine) != db.head_revision():
        raise ComexlabError(Msg("error.registry_schema", url=engine.url.render_as_string()))
    return engine


# Columns holding codes of a controlled vocabulary, shown by name on screen (``enum.<vocab>``);
# a column may hold several codes joined by ", " (cluster link kinds) or " → " (a history).
_VOCABULARIES: dict[str, str] = {
    "size_class": "size_class", "chain_role": "chain_role", "activity": "activity",
    "kinds": "cluster_link", "role": "member_role", "level": "requirement_level",
    "history": "enrolment_status", "entity": "entity",
}
_SEPARATORS = (" → ", ", ")
_STANDARD_COLUMNS = ("standard", "certifications", "certificate_obtained")  # codes → names


def _labelled(value: object, vocabulary: str, lang: str) -> object:
    """A cell's code(s) replaced by their names in ``lang`` (other values unchanged)."""
    if not isinstance(value, str):
        return value
    for sep in _SEPARATORS:
        if sep in value:
            return sep.join(label(vocabulary, v, lang) for v in value.split(sep))
    return label(vocabulary, value, lang)


def _standard_names(value: object) -> object:
    """``ISO9001, IATF16949`` → ``ISO 9001, IATF 16949`` (unknown codes and non-text kept)."""
    from comexlab.registry.reference import standards

    if not isinstance(value, str) or not value:
        return value
    known = standards()
    return ", ".join(known[c].name if c in known else c for c in value.split(", "))


def _list(query: Callable[[Session], pd.DataFrame], title: str, *, fmt: OutputFormat,
          output: Path | None, db_url: str | None, lang: str,
          vocab: dict[str, str] | None = None, **title_args: object) -> None:
    """One read-only registry query shown as a table (the body of every list command).

    ``title`` names ``registry.title.<title>``; it may use ``{n}`` (rows) and ``title_args``.
    ``vocab`` adds column → vocabulary pairs to :data:`_VOCABULARIES` for this table.
    """
    with db.reading(_engine(db_url)) as session:
        df = query(session)
    _show(df, fmt, output, t(f"registry.title.{title}", lang, n=len(df), **title_args),
          lang, vocab=vocab)


def _show(df: pd.DataFrame, fmt: OutputFormat, output: Path | None, title: str,
          lang: str, *, vocab: dict[str, str] | None = None) -> None:
    """Emit a table; on screen, headers and vocabulary codes are in ``lang``.

    Headers come from ``registry.col.<column>``; the program list's per-status counts are
    headed by the status names.

    Files (csv, json, xlsx, parquet) keep the codes, which other tools and the importer read.
    """
    if fmt is OutputFormat.table:
        vocabularies = {**_VOCABULARIES, **(vocab or {})}
        df = df.assign(**{c: df[c].map(lambda v, voc=vocabularies[c]: _labelled(v, voc, lang))
                          for c in df.columns if c in vocabularies})
        df = df.assign(**{c: df[c].map(_standard_names) for c in df.columns
                          if c in _STANDARD_COLUMNS})
        known = catalog()
        df = df.rename(columns={c: t(f"registry.col.{c}", lang) if f"registry.col.{c}" in known
                                else label("enrolment_status", c, lang) for c in df.columns})
    emit(df, fmt, output=output, title=title)


# -- schema ---------------------------------------------------------------------------------

@app.command()
def init(db_url: DbOpt = None, *, lang: LangOpt) -> None:
    """Create (or bring up to date) the registry database schema."""
    engine = _engine(db_url, migrated=False)
    db.upgrade(engine)
    Console().print(t("registry.msg.schema_at", lang, revision=db.current_revision(engine),
                      url=engine.url.render_as_string()))


@app.command()
def upgrade(revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
            db_url: DbOpt = None, *, lang: LangOpt) -> None:
    """Apply migrations up to a revision (default: newest)."""
    engine = _engine(db_url, migrated=False)
    db.upgrade(engine, revision)
    Console().print(t("registry.msg.schema_at", lang, revision=db.current_revision(engine),
                      url=engine.url.render_as_string()))


@app.command()
def downgrade(revision: Annotated[str, typer.Argument(help="Target revision ('base' drops all).")],
              db_url: DbOpt = None, *, lang: LangOpt) -> None:
    """Revert migrations down to a revision."""
    engine = _engine(db_url, migrated=False)
    db.downgrade(engine, revision)
    Console().print(t("registry.msg.schema_at", lang, revision=db.current_revision(engine),
                      url=engine.url.render_as_string()))


# -- spreadsheets ---------------------------------------------------------------------------

def _entity_names(entity: str) -> list[str]:
    if entity == "all":
        return list(ENTITIES)
    if entity not in ENTITIES:
        raise InputError(Msg("import.unknown_entity_all", entities=", ".join(ENTITIES)),
                         field="entity", value=entity)
    return [entity]


@app.command()
def template(entity: Annotated[str, typer.Argument(
                 help=f"all, or one of: {', '.join(ENTITIES)}.")],
             fmt: Annotated[str, typer.Option("--format", "-f", help="xlsx or csv.")] = "xlsx",
             output: OutputOpt = None, *, lang: LangOpt) -> None:
    """Write an empty import template (xlsx has a help sheet describing every column)."""
    names = _entity_names(entity)
    target = output or Path(f"{entity}.{fmt}" if fmt == "xlsx" or len(names) == 1 else entity)
    written = write_tables(template_frames(names, lang), target, fmt=fmt)
    for path in written:
        Console().print(t("registry.msg.wrote", lang, path=path))


def _print_report(report: ImportReport, lang: str) -> None:
    _show(pd.DataFrame(report.rows(), columns=["entity", "inserted", "updated", "unchanged"]),
          OutputFormat.table, None, t("registry.title.import", lang), lang)


@app.command("import")
def import_(files: Annotated[list[Path], typer.Argument(
                help="xlsx/csv files (or folders of them), imported in one transaction.")],
            entity: Annotated[str | None, typer.Option(
                help="Entity of a CSV/sheet whose name and columns do not say it.")] = None,
            strict_rfc: Annotated[bool, typer.Option(
                help="Also reject RFCs whose SAT check digit is wrong.")] = False,
            db_url: DbOpt = None, *, lang: LangOpt) -> None:
    """Import spreadsheets; any bad row (all are listed) imports nothing."""
    report = import_files(_engine(db_url), files, entity=entity, strict_rfc=strict_rfc,
                          lang=lang)
    _print_report(report, lang)


@app.command()
def export(output: Annotated[Path, typer.Option("--output", "-o", help="File (xlsx, or csv "
                                                 "for one entity) or folder (csv, several).")],
           entity: Annotated[list[str] | None, typer.Option(
               help="Entities to export (repeatable; default all).")] = None,
           fmt: Annotated[str, typer.Option("--format", "-f", help="xlsx or csv.")] = "xlsx",
           db_url: DbOpt = None, *, lang: LangOpt) -> None:
    """Export the registry in the importer's format (export → import is a round trip)."""
    with db.reading(_engine(db_url)) as session:
        frames = export_frames(session, entity)
    written = write_tables(frames, output, fmt=fmt)
    for path in written:
        Console().print(t("registry.msg.wrote", lang, path=path))


# -- questions ------------------------------------------------------------------------------

@app.command()
def firms(process: Annotated[str | None, typer.Option(help="Process code.")] = None,
          standard: Annotated[str | None, typer.Option(help="Holds a certificate of.")] = None,
          status: Annotated[CertStatus | None, typer.Option(
              help="With a certificate in this status (with --standard: of that standard).")
          ] = None,
          cluster: Annotated[str | None, typer.Option(help="Member of cluster (code).")] = None,
          program: Annotated[str | None, typer.Option(help="Enrolled in program (code).")] = None,
          state: Annotated[str | None, typer.Option(help="INEGI state code.")] = None,
          size: Annotated[str | None, typer.Option(help="micro, small, medium, large.")] = None,
          sector: Annotated[str | None, typer.Option(help="Sector code.")] = None,
          search: Annotated[str | None, typer.Option(help="Text in name or RFC.")] = None,
          demo: Annotated[bool | None, typer.Option("--demo/--no-demo",
                                                    help="Only demo / only real firms.")] = None,
          as_of: AsOfOpt = None, within_days: WithinOpt = DEFAULT_EXPIRING_DAYS,
          fmt: FormatOpt = OutputFormat.table, output: OutputOpt = None,
          db_url: DbOpt = None, *, lang: LangOpt) -> None:
    """List or search firms by process, certification status, cluster, program, state, size."""
    flt = services.FirmFilter(process=process, standard=standard, cert_status=status,
                              cluster=cluster, program=program, state=state, size=size,
                              sector=sector, text=search, demo=demo)
    _list(lambda s: services.list_firms(s, flt, today=_day(as_of), within_days=within_days),
          "firms", fmt=fmt, output=output, db_url=db_url, lang=lang)


@firm_app.command("show")
def firm_show(rfc: Annotated[str, typer.Argument(help="RFC of the firm.")],
              as_of: AsOfOpt = None, within_days: WithinOpt = DEFAULT_EXPIRING_DAYS,
              json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
              db_url: DbOpt = None, *, lang: LangOpt) -> None:
    """Everything the registry holds about one firm, with certificate status."""
    with db.reading(_engine(db_url)) as session:
        profile = services.firm_profile(session, rfc, today=_day(as_of),
                                        within_days=within_days, lang=lang)
    if json_out:
        typer.echo(json.dumps(dataclasses.asdict(profile), default=str, ensure_ascii=False,
                              indent=1))
        return
    console = Console()
    grid = Table.grid(padding=(0, 2))
    for name in ("rfc", "legal_name", "state_name", "municipality_code", "employees",
                 "size_class", "chain_role", "exporter", "destinations", "sectors", "processes",
                 "plants", "contacts", "clusters", "enrolments", "is_demo"):
        value = getattr(profile, name)
        if name in _VOCABULARIES:
            value = label(_VOCABULARIES[name], value, lang)
        elif isinstance(value, bool):
            value = t("registry.yes" if value else "registry.no", lang)
        shown = ", ".join(value) if isinstance(value, tuple) else str(value)
        grid.add_row(f"[bold]{t(f'registry.col.{name}', lang)}[/bold]", shown or "—")
    console.print(grid)
    certs = pd.DataFrame([dataclasses.asdict(c) for c in profile.certificates],
                         columns=[f.name for f in dataclasses.fields(services.CertificateView)])
    _show(certs, OutputFormat.table, None, t("registry.title.certificates", lang), lang,
          vocab={"status": "cert_status"})


@app.command()
def gap(rfc: Annotated[str, typer.Argument(help="RFC of the firm.")],
        sector: Annotated[str, typer.Argument(help="Sector code (automotive, aerospace, …).")],
        as_of: AsOfOpt = None, within_days: WithinOpt = DEFAULT_EXPIRING_DAYS,
        db_url: DbOpt = None, *, lang: LangOpt) -> None:
    """Certifications a firm lacks to supply a sector (automotive: IATF 16949 on ISO 9001)."""
    from comexlab.registry.reference import standards

    with db.reading(_engine(db_url)) as session:
        result = services.firm_gap(session, rfc, sector, today=_day(as_of),
                                   within_days=within_days)

    def names(codes: tuple[str, ...]) -> str:
        return ", ".join(standards()[c].name for c in codes) or "—"

    console = Console()
    console.print(t("registry.gap.title", lang, rfc=rfc.upper(), sector=sector))
    console.print(f"  {t('registry.gap.required', lang)}: {names(result.required)}")
    console.print(f"  {t('registry.gap.held', lang)}: {names(result.held)}")
    style = "bold red" if result.missing else "green"
    console.print(f"  [{style}]{t('registry.gap.missing', lang)}: {names(result.missing)}"
                  f"[/{style}]")
    if result.expired:
        console.print(f"  {t('registry.gap.expired', lang)}: {names(result.expired)}")
    if result.expiring:
        console.print(f"  [yellow]{t('registry.gap.expiring', lang)}: "
                      f"{names(result.expiring)}[/yellow]")
    if result.recommended_missing:
        console.print(f"  {t('registry.gap.recommended', lang)}: "
                      f"{names(result.recommended_missing)}")


@app.command()
def expiring(as_of: AsOfOpt = None, within_days: WithinOpt = DEFAULT_EXPIRING_DAYS,
             fmt: FormatOpt = OutputFormat.table, output: OutputOpt = None,
             db_url: DbOpt = None, *, lang: LangOpt) -> None:
    """Certificates expired or expiring soon (follow-up list for the agency)."""
    _list(lambda s: services.expiring_certificates(s, today=_day(as_of),
                                                   within_days=within_days),
          "expiring", fmt=fmt, output=output, db_url=db_url, lang=lang,
          vocab={"status": "cert_status"})


@app.command()
def clusters(fmt: FormatOpt = OutputFormat.table, output: OutputOpt = None,
             db_url: DbOpt = None, *, lang: LangOpt) -> None:
    """Clusters with member and link counts."""
    _list(services.list_clusters, "clusters", fmt=fmt, output=output, db_url=db_url, lang=lang)


@cluster_app.command("graph")
def cluster_graph(fmt: FormatOpt = OutputFormat.table, output: OutputOpt = None,
                  db_url: DbOpt = None, *, lang: LangOpt) -> None:
    """Every link between clusters (the edges of the cluster graph)."""
    _list(services.cluster_links, "graph", fmt=fmt, output=output, db_url=db_url, lang=lang)


@cluster_app.command("neighbours")
def cluster_neighbours(code: str, fmt: FormatOpt = OutputFormat.table,
                       output: OutputOpt = None, db_url: DbOpt = None,
                       *, lang: LangOpt) -> None:
    """Clusters directly linked to CODE."""
    _list(lambda s: services.cluster_neighbours(s, code), "neighbours", fmt=fmt,
          output=output, db_url=db_url, lang=lang, code=code.upper())


@cluster_app.command("path")
def cluster_path(source: str, target: str, db_url: DbOpt = None) -> None:
    """Shortest chain of linked clusters from SOURCE to TARGET."""
    with db.reading(_engine(db_url)) as session:
        path = services.cluster_path(session, source, target)
    Console().print(" ↔ ".join(path))


@cluster_app.command("firms")
def cluster_firms(code: str,
                  hops: Annotated[int, typer.Option(help="Links away (0 = own members).")] = 1,
                  process: Annotated[str | None, typer.Option(help="Process code.")] = None,
                  fmt: FormatOpt = OutputFormat.table, output: OutputOpt = None,
                  db_url: DbOpt = None, *, lang: LangOpt) -> None:
    """Firms reachable from cluster CODE within --hops links (optionally with a process)."""
    _list(lambda s: services.firms_reachable(s, code, max_hops=hops, process=process),
          "reachable", fmt=fmt, output=output, db_url=db_url, lang=lang, code=code.upper(),
          hops=hops)


@app.command()
def programs(fmt: FormatOpt = OutputFormat.table, output: OutputOpt = None,
             db_url: DbOpt = None, *, lang: LangOpt) -> None:
    """Programs with enrolment counts by status."""
    _list(services.list_programs, "programs", fmt=fmt, output=output, db_url=db_url, lang=lang,
          vocab={"kind": "program_kind"})


@app.command()
def enrolments(program: Annotated[str | None, typer.Option(help="Program code.")] = None,
               status: Annotated[str | None, typer.Option(help="Current status.")] = None,
               rfc: Annotated[str | None, typer.Option(help="Firm RFC.")] = None,
               fmt: FormatOpt = OutputFormat.table, output: OutputOpt = None,
               db_url: DbOpt = None, *, lang: LangOpt) -> None:
    """Enrolments with their status history and outcomes."""
    _list(lambda s: services.list_enrolments(s, program=program, status=status, rfc=rfc),
          "enrolments", fmt=fmt, output=output, db_url=db_url, lang=lang,
          vocab={"status": "enrolment_status"})


@app.command("enrolment-status")
def enrolment_status(program: str, rfc: str, status: str,
                     on: Annotated[str | None, typer.Option(help="Date (default today).")] = None,
                     note: Annotated[str | None, typer.Option(help="Why.")] = None,
                     db_url: DbOpt = None, *, lang: LangOpt) -> None:
    """Move an enrolment to a new status (recorded in its history)."""
    with db.transaction(_engine(db_url)) as session:
        enrolment = services.change_enrolment_status(session, program, rfc, status,
                                                     on=_day(on), note=note)
        steps = " → ".join(f"{label('enrolment_status', h.status, lang)} ({h.changed_on})"
                           for h in enrolment.history)
    Console().print(steps)


@app.command()
def processes(fmt: FormatOpt = OutputFormat.table, output: OutputOpt = None,
              *, lang: LangOpt) -> None:
    """The process taxonomy (codes used in the firms sheet)."""
    _show(services.list_processes(lang), fmt, output,
          t("registry.title.processes", lang), lang)


@app.command()
def requirements(fmt: FormatOpt = OutputFormat.table, output: OutputOpt = None,
                 *, lang: LangOpt) -> None:
    """Certifications each sector's buyers require, with sources."""
    _show(services.list_requirements(lang), fmt, output,
          t("registry.title.requirements", lang), lang)


@app.command()
def demo(as_of: AsOfOpt = None,
         seed: Annotated[int, typer.Option(help="Random seed of the generator.")] = DEMO_SEED,
         db_url: DbOpt = None, *, lang: LangOpt) -> None:
    """Seed the clearly labelled DEMO registry (migrates first; re-running changes nothing)."""
    engine = _engine(db_url, migrated=False)
    db.upgrade(engine)
    report = seed_demo(engine, as_of=_day(as_of), seed=seed)
    _print_report(report, lang)
