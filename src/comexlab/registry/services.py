"""One function per question users ask the registry; the CLI and the web app both call these.

Functions take an open :class:`~sqlalchemy.orm.Session` and plain values, and return
DataFrames (lists) or frozen dataclasses (single things). Certification status is always
computed for an explicit ``today`` so answers are reproducible.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import networkx as nx
import pandas as pd
from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session, selectinload

from comexlab.errors import InputError, NotFoundError
from comexlab.i18n import Msg, label
from comexlab.registry import reference
from comexlab.registry.entities import record_status
from comexlab.registry.models import (
    Certification,
    Cluster,
    ClusterLink,
    ClusterMember,
    Enrolment,
    Firm,
    FirmProcess,
    FirmSector,
    Program,
)
from comexlab.registry.vocab import EnrolmentStatus
from comexlab.supply.certification import (
    DEFAULT_EXPIRING_DAYS,
    CertStatus,
    Gap,
    best_status,
    cert_status,
    certification_gap,
)
from comexlab.supply.processes import processes
from comexlab.supply.rfc import normalize_rfc


@dataclass(frozen=True, slots=True)
class FirmFilter:
    """Criteria of a firm search; ``None`` means "any"."""

    process: str | None = None
    standard: str | None = None
    cert_status: CertStatus | None = None
    cluster: str | None = None
    program: str | None = None
    state: str | None = None
    size: str | None = None
    sector: str | None = None
    text: str | None = None
    demo: bool | None = None


def _get_firm(session: Session, rfc: str) -> Firm:
    firm = session.scalars(select(Firm).filter_by(rfc=normalize_rfc(rfc))).one_or_none()
    if firm is None:
        raise NotFoundError(Msg("error.no_firm", rfc=normalize_rfc(rfc)))
    return firm


def _status_clause(status: CertStatus, today: date, within_days: int) -> ColumnElement[bool]:
    horizon = today + timedelta(days=within_days)
    return {
        CertStatus.expired: Certification.expires_on < today,
        CertStatus.expiring: Certification.expires_on.between(today, horizon),
        CertStatus.valid: Certification.expires_on > horizon,
    }[status]


def _filtered(query: Select, flt: FirmFilter, today: date, within_days: int) -> Select:
    if flt.process:
        query = query.where(Firm.processes.any(FirmProcess.process == flt.process))
    if flt.sector:
        query = query.where(Firm.sectors.any(FirmSector.sector == flt.sector))
    if flt.standard or flt.cert_status:
        conditions = []
        if flt.standard:
            code = reference.standard_code(flt.standard)
            if code is None:
                raise InputError(Msg("error.unknown_standard"), field="standard",
                                 value=flt.standard)
            conditions.append(Certification.standard == code)
        if flt.cert_status:
            conditions.append(_status_clause(flt.cert_status, today, within_days))
        query = query.where(Firm.certifications.any(and_(*conditions)))
    if flt.cluster:
        query = query.where(Firm.memberships.any(
            ClusterMember.cluster.has(Cluster.code == flt.cluster.upper())))
    if flt.program:
        query = query.where(Firm.enrolments.any(
            Enrolment.program.has(Program.code == flt.program.upper())))
    if flt.state:
        query = query.where(Firm.state_code == flt.state.zfill(2))
    if flt.size:
        query = query.where(Firm.size_class == flt.size)
    if flt.text:
        like = f"%{flt.text}%"
        query = query.where(or_(Firm.legal_name.ilike(like), Firm.rfc.ilike(like)))
    if flt.demo is not None:
        query = query.where(Firm.is_demo == flt.demo)
    return query


def list_firms(session: Session, flt: FirmFilter = FirmFilter(), *, today: date,
               within_days: int = DEFAULT_EXPIRING_DAYS) -> pd.DataFrame:
    """Firms matching ``flt``, one row each, with processes, current certificates and clusters."""
    query = _filtered(select(Firm), flt, today, within_days).order_by(Firm.legal_name).options(
        selectinload(Firm.processes), selectinload(Firm.certifications),
        selectinload(Firm.memberships).selectinload(ClusterMember.cluster))
    rows = []
    for f in session.scalars(query):
        current = sorted({c.standard for c in f.certifications if c.expires_on >= today})
        rows.append({
            "rfc": f.rfc, "legal_name": f.legal_name, "state": f.state_code,
            "municipality": f.municipality_code, "size_class": f.size_class,
            "employees": f.employees, "chain_role": f.chain_role,
            "processes": ", ".join(sorted(p.process for p in f.processes)),
            "certifications": ", ".join(current),
            "clusters": ", ".join(sorted(m.cluster.code for m in f.memberships)),
        })
    columns = ["rfc", "legal_name", "state", "municipality", "size_class", "employees",
               "chain_role", "processes", "certifications", "clusters"]
    return pd.DataFrame(rows, columns=columns).astype({"employees": "Int64"})


@dataclass(frozen=True, slots=True)
class CertificateView:
    """A certificate with its status on the day asked."""

    standard: str
    certificate_number: str
    certifying_body: str | None
    issued_on: date
    expires_on: date
    status: CertStatus
    plant: str | None


@dataclass(frozen=True, slots=True)
class FirmProfile:
    """Everything the registry knows about one firm."""

    rfc: str
    legal_name: str
    state_code: str
    state_name: str
    municipality_code: str | None
    employees: int | None
    activity: str
    size_class: str | None
    chain_role: str | None
    exporter: bool
    destinations: tuple[str, ...]
    sectors: tuple[str, ...]
    processes: tuple[str, ...]
    plants: tuple[str, ...]
    contacts: tuple[str, ...]
    certificates: tuple[CertificateView, ...]
    clusters: tuple[str, ...]
    enrolments: tuple[str, ...]
    is_demo: bool


def _certificates(firm: Firm, today: date, within_days: int) -> tuple[CertificateView, ...]:
    return tuple(
        CertificateView(c.standard, c.certificate_number, c.certifying_body, c.issued_on,
                        c.expires_on, cert_status(c.expires_on, today, within_days=within_days),
                        c.plant.name if c.plant else None)
        for c in sorted(firm.certifications, key=lambda c: (c.standard, c.expires_on)))


def firm_profile(session: Session, rfc: str, *, today: date,
                 within_days: int = DEFAULT_EXPIRING_DAYS, lang: str = "en") -> FirmProfile:
    """The profile of the firm with ``rfc`` (raises NotFoundError).

    ``clusters`` and ``enrolments`` are display lines; their member role and enrolment status
    are written in ``lang``.
    """
    f = _get_firm(session, rfc)
    return FirmProfile(
        rfc=f.rfc, legal_name=f.legal_name, state_code=f.state_code,
        state_name=reference.states().get(f.state_code, "?"),
        municipality_code=f.municipality_code, employees=f.employees, activity=f.activity,
        size_class=f.size_class, chain_role=f.chain_role, exporter=f.exporter,
        destinations=tuple(sorted(d.country for d in f.destinations)),
        sectors=tuple(sorted(s.sector for s in f.sectors)),
        processes=tuple(sorted(p.process for p in f.processes)),
        plants=tuple(sorted(p.name for p in f.plants)),
        contacts=tuple(sorted(f"{c.name} ({c.position or '—'}) {c.email or ''}".strip()
                              for c in f.contacts)),
        certificates=_certificates(f, today, within_days),
        clusters=tuple(sorted(f"{m.cluster.code} ({label('member_role', m.role, lang)})"
                              for m in f.memberships)),
        enrolments=tuple(sorted(
            f"{e.program.code}: {label('enrolment_status', e.status, lang)} {e.status_on}"
            for e in f.enrolments)),
        is_demo=f.is_demo,
    )


def firm_gap(session: Session, rfc: str, sector: str, *, today: date,
             within_days: int = DEFAULT_EXPIRING_DAYS) -> Gap:
    """Certifications the firm lacks to supply ``sector`` (e.g. automotive → IATF 16949)."""
    if sector not in reference.sectors():
        raise InputError(Msg("error.unknown_sector", known=", ".join(reference.sectors())),
                         field="sector", value=sector)
    firm = _get_firm(session, rfc)
    by_standard: dict[str, list[CertStatus]] = defaultdict(list)
    for c in firm.certifications:
        by_standard[c.standard].append(cert_status(c.expires_on, today, within_days=within_days))
    statuses = {std: s for std, sts in by_standard.items() if (s := best_status(sts))}
    return certification_gap(sector, reference.requirements(), statuses, reference.includes())


def expiring_certificates(session: Session, *, today: date,
                          within_days: int = DEFAULT_EXPIRING_DAYS) -> pd.DataFrame:
    """Certificates expiring within ``within_days`` or already expired, soonest first."""
    horizon = today + timedelta(days=within_days)
    query = (select(Certification).join(Firm).where(Certification.expires_on <= horizon)
             .order_by(Certification.expires_on, Firm.rfc))
    rows = [{"rfc": c.firm.rfc, "legal_name": c.firm.legal_name, "standard": c.standard,
             "certificate_number": c.certificate_number, "expires_on": c.expires_on,
             "status": cert_status(c.expires_on, today, within_days=within_days).value}
            for c in session.scalars(query)]
    return pd.DataFrame(rows, columns=["rfc", "legal_name", "standard", "certificate_number",
                                       "expires_on", "status"])


# -- clusters -------------------------------------------------------------------------------

def list_clusters(session: Session) -> pd.DataFrame:
    """Clusters with their number of members and links."""
    graph = cluster_graph(session)
    rows = [{"code": c.code, "name": c.name, "state": c.state_code, "sector": c.sector,
             "members": len(c.members), "links": graph.degree(c.code)}
            for c in session.scalars(select(Cluster).options(selectinload(Cluster.members))
                                     .order_by(Cluster.code))]
    return pd.DataFrame(rows, columns=["code", "name", "state", "sector", "members", "links"])


def cluster_graph(session: Session) -> nx.Graph:
    """Undirected graph of clusters; each edge carries the sorted ``kinds`` of its links."""
    graph = nx.Graph()
    for c in session.scalars(select(Cluster)):
        graph.add_node(c.code, name=c.name, state=c.state_code)
    for link in session.scalars(select(ClusterLink)):
        a, b = link.cluster_a.code, link.cluster_b.code
        kinds = graph.edges[a, b]["kinds"] if graph.has_edge(a, b) else []
        graph.add_edge(a, b, kinds=sorted([*kinds, link.kind]))
    return graph


def _node(graph: nx.Graph, code: str) -> str:
    key = code.upper()
    if key not in graph:
        raise NotFoundError(Msg("error.no_cluster", code=key))
    return key


def cluster_links(session: Session) -> pd.DataFrame:
    """Every link between clusters (edge list of the cluster graph)."""
    graph = cluster_graph(session)
    rows = sorted(({"cluster_a": min(a, b), "cluster_b": max(a, b),
                    "kinds": ", ".join(d["kinds"])} for a, b, d in graph.edges(data=True)),
                  key=lambda r: (r["cluster_a"], r["cluster_b"]))
    return pd.DataFrame(rows, columns=["cluster_a", "cluster_b", "kinds"])


def cluster_neighbours(session: Session, code: str) -> pd.DataFrame:
    """Clusters directly linked to ``code`` and how."""
    graph = cluster_graph(session)
    node = _node(graph, code)
    rows = [{"code": n, "name": graph.nodes[n]["name"], "state": graph.nodes[n]["state"],
             "kinds": ", ".join(graph.edges[node, n]["kinds"])}
            for n in sorted(graph.neighbors(node))]
    return pd.DataFrame(rows, columns=["code", "name", "state", "kinds"])


def cluster_path(session: Session, source: str, target: str) -> list[str]:
    """Shortest chain of linked clusters from ``source`` to ``target`` (codes)."""
    graph = cluster_graph(session)
    a, b = _node(graph, source), _node(graph, target)
    try:
        return list(nx.shortest_path(graph, a, b))
    except nx.NetworkXNoPath:
        raise NotFoundError(Msg("error.no_cluster_path", a=a, b=b)) from None


def firms_reachable(session: Session, code: str, *, max_hops: int = 1,
                    process: str | None = None) -> pd.DataFrame:
    """Firms in clusters within ``max_hops`` links of ``code`` (0 = its own members).

    This is how a cluster manager finds, say, a stamping supplier in a partner cluster.
    """
    if max_hops < 0:
        raise InputError(Msg("error.hops"), field="hops", value=max_hops)
    graph = cluster_graph(session)
    hops = nx.single_source_shortest_path_length(graph, _node(graph, code), cutoff=max_hops)
    query = (select(ClusterMember).join(Cluster).where(Cluster.code.in_(list(hops)))
             .options(selectinload(ClusterMember.firm).selectinload(Firm.processes)))
    best: dict[str, dict] = {}
    for m in session.scalars(query):
        firm_processes = sorted(p.process for p in m.firm.processes)
        if process and process not in firm_processes:
            continue
        row = {"hops": hops[m.cluster.code], "cluster": m.cluster.code, "rfc": m.firm.rfc,
               "legal_name": m.firm.legal_name, "state": m.firm.state_code,
               "processes": ", ".join(firm_processes)}
        if m.firm.rfc not in best or row["hops"] < best[m.firm.rfc]["hops"]:
            best[m.firm.rfc] = row
    rows = sorted(best.values(), key=lambda r: (r["hops"], r["cluster"], r["legal_name"]))
    return pd.DataFrame(rows, columns=["hops", "cluster", "rfc", "legal_name", "state",
                                       "processes"])


# -- programs and enrolments ----------------------------------------------------------------

def list_programs(session: Session) -> pd.DataFrame:
    """Programs with enrolment counts by status."""
    rows = []
    query = select(Program).options(selectinload(Program.enrolments),
                                    selectinload(Program.countries)).order_by(Program.code)
    for p in session.scalars(query):
        counts = {s.value: 0 for s in EnrolmentStatus}
        for e in p.enrolments:
            counts[e.status] += 1
        rows.append({"code": p.code, "name": p.name, "kind": p.kind, "marketplace": p.marketplace,
                     "countries": ", ".join(sorted(c.country for c in p.countries)),
                     "enrolled": len(p.enrolments), **counts})
    columns = ["code", "name", "kind", "marketplace", "countries", "enrolled",
               *(s.value for s in EnrolmentStatus)]
    return pd.DataFrame(rows, columns=columns)


def list_enrolments(session: Session, *, program: str | None = None,
                    status: str | None = None, rfc: str | None = None) -> pd.DataFrame:
    """Enrolments (optionally of one program, status or firm) with their outcomes."""
    query = select(Enrolment).join(Program).join(Firm).order_by(Program.code, Firm.legal_name)
    if program:
        query = query.where(Program.code == program.upper())
    if status:
        query = query.where(Enrolment.status == status)
    if rfc:
        query = query.where(Firm.rfc == normalize_rfc(rfc))
    rows = [{"program": e.program.code, "rfc": e.firm.rfc, "legal_name": e.firm.legal_name,
             "status": e.status, "status_on": e.status_on,
             "history": " → ".join(h.status for h in e.history),
             "certificate_obtained": e.certificate_obtained,
             "first_export_on": e.first_export_on, "export_sales_usd": e.export_sales_usd}
            for e in session.scalars(query)]
    return pd.DataFrame(rows, columns=["program", "rfc", "legal_name", "status", "status_on",
                                       "history", "certificate_obtained", "first_export_on",
                                       "export_sales_usd"])


def change_enrolment_status(session: Session, program: str, rfc: str, status: str, *,
                            on: date, note: str | None = None) -> Enrolment:
    """Move an enrolment to ``status`` on ``on`` and record the step in its history."""
    if status not in {s.value for s in EnrolmentStatus}:
        raise InputError(Msg("error.enrolment_status",
                             known=", ".join(s.value for s in EnrolmentStatus)),
                         field="status", value=status)
    firm = _get_firm(session, rfc)
    enrolment = session.scalars(select(Enrolment).join(Program).where(
        Program.code == program.upper(), Enrolment.firm_id == firm.id)).one_or_none()
    if enrolment is None:
        raise NotFoundError(Msg("error.not_enrolled", rfc=firm.rfc, program=program.upper()))
    if on < enrolment.status_on:
        raise InputError(Msg("error.status_date", current=str(enrolment.status_on)),
                         field="on", value=on)
    enrolment.status, enrolment.status_on = status, on
    record_status(enrolment, status, on, note)
    return enrolment


def list_processes(lang: str = "es") -> pd.DataFrame:
    """The process taxonomy with names and usual HS chapters/headings."""
    return pd.DataFrame([{"code": p.code, "name": p.name(lang),
                          "hs_chapters": ", ".join(p.hs_chapters),
                          "hs_headings": ", ".join(p.hs_headings)}
                         for p in processes().values()])


def list_requirements(lang: str = "es") -> pd.DataFrame:
    """Sector certification requirements with their sources."""
    sectors = reference.sectors()
    standards = reference.standards()
    return pd.DataFrame([{
        "sector": r.sector,
        "sector_name": sectors[r.sector].name_es if lang == "es" else sectors[r.sector].name_en,
        "standard": standards[r.standard].name, "level": r.level, "source": r.source,
    } for r in reference.requirements()])
