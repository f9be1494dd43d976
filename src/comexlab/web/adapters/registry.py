"""The registry pages on :mod:`comexlab.registry.services` and the registry importer.

The web app addresses firms by their database id (URLs, a firm user's ``firm_id``); the
registry services by RFC. These functions translate and reshape; statuses, gaps, the cluster
graph and import validation are the registry's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, cast

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from comexlab.errors import InputError, NotFoundError, Problem
from comexlab.i18n import Msg, label
from comexlab.registry import importer, reference, services
from comexlab.registry.entities import ENTITIES
from comexlab.registry.exporter import template_frames
from comexlab.registry.models import Firm, Program
from comexlab.services.sites import municipality_name
from comexlab.supply.certification import CertStatus
from comexlab.supply.processes import processes
from comexlab.web.problems import ErrorDetail
from comexlab.web.views import (
    CertView,
    ClusterGraph,
    Facets,
    FirmDetail,
    FirmEdit,
    FirmPage,
    FirmRow,
    GapView,
    GraphLink,
    GraphNode,
    ImportReport,
    Option,
)


def _split(cell: object) -> list[str]:
    return [] if _missing(cell) or not str(cell) else str(cell).split(", ")


def _missing(cell: Any) -> bool:
    """True for None, NaN and pd.NA: how a NULL column comes out of a DataFrame."""
    return cell is None or (not isinstance(cell, list | tuple | dict) and bool(pd.isna(cell)))


def _or_none(cell: Any) -> Any:
    return None if _missing(cell) else cell


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``df`` with every missing value as ``None``.

    pandas 3 keeps text columns as its ``str`` dtype, where a NULL read from the database
    becomes NaN; the web models want ``None`` (a firm imported with only its required columns
    made the firm list answer 500 on exactly that).
    """
    return [{str(k): _or_none(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def _rfc_of(session: Session, firm_id: int) -> str:
    rfc = session.scalar(select(Firm.rfc).where(Firm.id == firm_id))
    if rfc is None:
        raise NotFoundError(Msg("web.error.firm_not_found", firm_id=firm_id))
    return rfc


def firms_list(
    session: Session,
    *,
    q: str | None,
    process: str | None,
    cert_status: str | None,
    cluster: str | None,
    program: str | None,
    state: str | None,
    page: int,
    page_size: int,
    only_firm: int | None,
    lang: str,
    sector: str | None = None,
) -> FirmPage:
    """A page of ``services.list_firms`` (restricted to ``only_firm`` for firm users)."""
    flt = services.FirmFilter(
        process=process, cert_status=CertStatus(cert_status) if cert_status else None,
        cluster=cluster, program=program, state=state, text=q, sector=sector,
    )
    df = services.list_firms(session, flt, today=date.today())
    wanted = select(Firm.rfc, Firm.id).where(Firm.rfc.in_(df["rfc"].tolist()))
    ids = {rfc: fid for rfc, fid in session.execute(wanted)}
    df = df.assign(id=df["rfc"].map(ids))
    if only_firm is not None:
        df = df[df["id"] == only_firm]
    total = len(df)
    chunk = df.iloc[(page - 1) * page_size : page * page_size]
    rows = [
        FirmRow(
            id=int(r["id"]), rfc=r["rfc"], legal_name=r["legal_name"], state=r["state"],
            municipality=r["municipality"], size_class=r["size_class"],
            employees=None if r["employees"] is None else int(r["employees"]),
            chain_role=r["chain_role"], processes=_split(r["processes"]),
            certifications=_split(r["certifications"]), clusters=_split(r["clusters"]),
        )
        for r in records(chunk)
    ]
    return FirmPage(total=total, page=page, page_size=page_size, firms=rows)


def firm_detail(session: Session, firm_id: int, *, lang: str) -> FirmDetail:
    """``services.firm_profile`` of the firm with this id."""
    firm = session.get(Firm, firm_id)
    if firm is None:
        raise NotFoundError(Msg("web.error.firm_not_found", firm_id=firm_id))
    p = services.firm_profile(session, firm.rfc, today=date.today(), lang=lang)
    return FirmDetail(
        id=firm_id, rfc=p.rfc, legal_name=p.legal_name, state=p.state_code,
        state_name=p.state_name, municipality=p.municipality_code,
        municipality_name=municipality_name(p.state_code, p.municipality_code),
        employees=p.employees,
        activity=p.activity, size_class=p.size_class, chain_role=p.chain_role,
        exporter=p.exporter, website=firm.website, destinations=list(p.destinations),
        sectors=list(p.sectors), processes=list(p.processes), plants=list(p.plants),
        contacts=list(p.contacts),
        certifications=[
            CertView(standard=c.standard, certificate_number=c.certificate_number,
                     certifying_body=c.certifying_body, issued_on=c.issued_on,
                     expires_on=c.expires_on, status=c.status.value, plant=c.plant)
            for c in p.certificates
        ],
        clusters=list(p.clusters), enrolments=list(p.enrolments), is_demo=p.is_demo,
    )


def firm_update(session: Session, firm_id: int, edit: FirmEdit | Mapping[str, object], *,
                lang: str = "es") -> FirmDetail:
    """Apply the edit through the registry importer (same validation as a spreadsheet row).

    ``edit`` may hold the form's raw text (``{"employees": "-5"}``): the importer's cell
    parsers and ranges judge it, and its problems come back as field errors of the form, in
    ``lang``, never as a 500.
    """
    rfc = _rfc_of(session, firm_id)
    spec = ENTITIES["firms"]
    row = next(r for r in spec.export(session) if r["rfc"] == rfc)
    row.update(edit.model_dump(exclude_unset=True) if isinstance(edit, FirmEdit) else edit)
    sheet = importer.Sheet(f"firm {rfc}", spec, spec.column_names, ((2, row),))
    session.commit()  # end the read transaction before the importer's own write transaction
    try:
        importer.import_sheets(cast(Engine, session.get_bind()), [sheet], lang=lang)
    except InputError as exc:  # name the form's fields, not a spreadsheet's rows
        problems = [Problem.of(p.msg or p.message, field=p.field, value=p.value, lang=lang)
                    for p in exc.problems]
        headline = problems[0] if problems else exc
        raise InputError(headline.msg or headline.message, problems=problems,
                         lang=lang) from None
    session.expire_all()
    return firm_detail(session, firm_id, lang=lang)


def firm_gap(session: Session, firm_id: int, sector: str, *, lang: str) -> GapView:
    """``services.firm_gap`` of the firm with this id."""
    gap = services.firm_gap(session, _rfc_of(session, firm_id), sector, today=date.today())
    return GapView(
        firm_id=firm_id, sector=gap.sector, required=list(gap.required), held=list(gap.held),
        missing=list(gap.missing), expired=list(gap.expired), expiring=list(gap.expiring),
        recommended_missing=list(gap.recommended_missing),
    )


def facets(session: Session, *, lang: str) -> Facets:
    """Filter choices: the process taxonomy, clusters, programs, sectors and states."""
    clusters = services.list_clusters(session)
    programs = session.execute(select(Program.code, Program.name).order_by(Program.code))
    return Facets(
        processes=[Option(code=p.code, label=p.name(lang)) for p in processes().values()],
        clusters=[Option(code=str(r.code), label=str(r.name))
                  for r in clusters.itertuples()],
        programs=[Option(code=code, label=f"{code} — {name}") for code, name in programs],
        sectors=[Option(code=s.code, label=s.name_es if lang == "es" else s.name_en)
                 for s in reference.sectors().values()],
        states=[Option(code=c, label=n) for c, n in reference.states().items()],
    )


def clusters_graph(session: Session) -> ClusterGraph:
    """``services.cluster_graph`` with member counts from ``services.list_clusters``."""
    graph = services.cluster_graph(session)
    info = services.list_clusters(session).set_index("code")
    state_names = reference.states()
    nodes = [
        GraphNode(id=code, name=data["name"],
                  state=state_names.get(data["state"], data["state"]),
                  members=int(info.loc[code, "members"]) if code in info.index else 0,
                  sector=_or_none(info.loc[code, "sector"]) if code in info.index else None)
        for code, data in graph.nodes(data=True)
    ]
    links = [GraphLink(source=a, target=b, kind=", ".join(d["kinds"]), kinds=list(d["kinds"]))
             for a, b, d in graph.edges(data=True)]
    return ClusterGraph(nodes=nodes, links=links)


def import_file(engine: Engine, path: Path, *, dry_run: bool, lang: str = "es") -> ImportReport:
    """Run the registry importer; a dry run happens inside a transaction that is rolled back.

    The importer opens its own session on what it is given; handing it a connection whose
    outer transaction we roll back (SQLAlchemy's "join an external transaction" pattern) runs
    every check and upsert exactly as a real import would, then leaves the database untouched.
    Problems and counts are written in ``lang``, the reader's language.
    """
    try:
        if dry_run:
            with engine.connect() as conn:
                outer = conn.begin()
                try:
                    report = importer.import_files(conn, [path], lang=lang)
                finally:
                    if outer.is_active:  # the importer's own rollback may have ended it
                        outer.rollback()
        else:
            report = importer.import_files(engine, [path], lang=lang)
    except InputError as exc:
        errors = [ErrorDetail(field=p.field, row=p.row, message=_where(p.file, p.text(lang)))
                  for p in exc.problems] or [ErrorDetail(message=exc.text(lang))]
        return ImportReport(file=path.name, dry_run=dry_run, written=False, rows=0, errors=errors)
    counts = {f"{label('entity', r['entity'], lang)}: {label('change', k, lang)}": v
              for r in report.rows() for k, v in r.items() if k != "entity" and v}
    rows = sum(sum(c.values()) for c in report.counts.values())
    return ImportReport(file=path.name, dry_run=dry_run, written=not dry_run, rows=rows,
                        counts=counts)


def _where(file: str | None, message: str) -> str:
    """Prefix the sheet name (a workbook has several) or the file name to the message."""
    if file and "[" in file:
        return f"{file[file.index('['):]} {message}"
    return f"{file}: {message}" if file else message



def import_template(lang: str) -> dict[str, pd.DataFrame]:
    """The empty import workbook (every sheet) and its help sheet, as ``registry template all``."""
    return template_frames(list(ENTITIES), lang)


def sector_of_scian() -> dict[str, str]:
    """SCIAN subsector → the buyer sector whose firms the registry lists (first listed wins).

    Lets the dashboard link an export sector (SCIAN 336) to the firms that supply it
    (``automotive``); the mapping is the ``scian3`` column of ``registry/data/sectors.csv``.
    """
    out: dict[str, str] = {}
    for code, sector in reference.sectors().items():
        for scian in sector.scian3.split():
            out.setdefault(scian, code)
    return out
