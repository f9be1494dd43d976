"""What each spreadsheet of the registry holds, how a row is upserted and how it is exported.

One :class:`EntitySpec` per sheet (a dispatch table, not if/elif chains): its columns with their
type and cleaner, its natural key (what identifies a row across re-imports), an ``apply``
function that upserts one validated row and an ``export`` function that yields rows in the same
shape, so that export → import is a round trip. Specs are listed in dependency order: firms
before their plants, programs before enrolments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from comexlab.i18n import Msg
from comexlab.registry import cells
from comexlab.registry.models import (
    Base,
    Certification,
    Cluster,
    ClusterLink,
    ClusterMember,
    Contact,
    Enrolment,
    EnrolmentStatusChange,
    Firm,
    FirmDestination,
    FirmProcess,
    FirmSector,
    IndustrialPark,
    Plant,
    Program,
    ProgramCountry,
)
from comexlab.registry.vocab import (
    ChainRole,
    ClusterLinkKind,
    EnrolmentStatus,
    MemberRole,
    ProgramKind,
)
from comexlab.supply.geo import check_point
from comexlab.supply.rfc import rfc_issues
from comexlab.supply.size import Activity, size_class


class Change(StrEnum):
    """What an upsert did to the database."""

    inserted = "inserted"
    updated = "updated"
    unchanged = "unchanged"


class RowProblem(ValueError):
    """A row that parsed but cannot be applied (unknown firm, dates out of order, …)."""

    def __init__(self, field_name: str, message: Msg, value: object = None) -> None:
        super().__init__(str(message))
        self.field = field_name
        self.msg = message
        self.value = value


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a sheet."""

    name: str
    kind: str = "text"
    required: bool = False
    clean: cells.Cleaner | None = None
    default: Any = None
    max_len: int = cells.MAX_TEXT  # text columns: the database column's length
    past: bool = False  # a date of something that happened: never after the import day


@dataclass
class ImportContext:
    """The session plus look-up caches shared by the rows of one import."""

    session: Session
    strict_rfc: bool = False
    today: date = field(default_factory=date.today)  # what "in the future" means
    _firms: dict[str, Firm] = field(default_factory=dict)

    def firm(self, rfc: str, column: str = "firm_rfc") -> Firm:
        """The firm with ``rfc`` (in the database or earlier in this import)."""
        found = self._firms.get(rfc)
        if found is None:
            found = self.session.scalars(select(Firm).filter_by(rfc=rfc)).one_or_none()
            if found is None:
                raise RowProblem(column, Msg("import.row.no_firm"), rfc)
            self._firms[rfc] = found
        return found

    def by_code(self, model: type[Cluster] | type[Program], code: str, column: str) -> Any:
        """The cluster or program with ``code``."""
        found = self.session.scalars(select(model).filter_by(code=code)).one_or_none()
        if found is None:
            key = "import.row.no_cluster" if model is Cluster else "import.row.no_program"
            raise RowProblem(column, Msg(key), code)
        return found


Apply = Callable[[ImportContext, dict[str, Any]], Change]
Export = Callable[[Session], Iterable[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class EntitySpec:
    """A sheet: its columns, natural key, and how rows go in and come out."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    apply: Apply
    export: Export

    @property
    def column_names(self) -> tuple[str, ...]:
        """Column names in sheet order."""
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> frozenset[str]:
        """Columns that must be present and filled."""
        return frozenset(c.name for c in self.columns if c.required)


# -- upsert helpers -------------------------------------------------------------------------

M = TypeVar("M", bound=Base)


def _assign(obj: Base, values: Mapping[str, Any]) -> bool:
    """Set the attributes that differ; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _upsert(session: Session, model: type[M], key: Mapping[str, Any],
            values: Mapping[str, Any]) -> tuple[M, Change]:
    """Find ``model`` by its natural ``key`` and create or update it with ``values``."""
    obj = session.scalars(select(model).filter_by(**key)).one_or_none()
    if obj is None:
        obj = model(**key, **values)
        session.add(obj)
        return obj, Change.inserted
    return obj, (Change.updated if _assign(obj, values) else Change.unchanged)


def _sync(items: list[Any], attr: str, wanted: Iterable[str], make: Callable[[str], Any]) -> bool:
    """Make a one-to-many set of codes equal ``wanted``; True when it changed."""
    want = set(wanted)
    have = {getattr(i, attr) for i in items}
    if want == have:
        return False
    for item in [i for i in items if getattr(i, attr) not in want]:
        items.remove(item)
    items.extend(make(code) for code in sorted(want - have))
    return True


def _combine(change: Change, *extra_changed: bool) -> Change:
    if change is Change.unchanged and any(extra_changed):
        return Change.updated
    return change


def _codes(items: Iterable[Any], attr: str) -> str | None:
    values = sorted(getattr(i, attr) for i in items)
    return "; ".join(values) if values else None


# -- firms ----------------------------------------------------------------------------------

def _apply_firm(ctx: ImportContext, row: dict[str, Any]) -> Change:
    if ctx.strict_rfc:
        problems = rfc_issues(row["rfc"], strict=True)
        if problems:
            raise RowProblem("rfc", Msg("import.cell.joined", problems=problems), row["rfc"])
    activity = row["activity"]
    values = {
        "legal_name": row["legal_name"], "state_code": row["state_code"],
        "municipality_code": row["municipality_code"], "employees": row["employees"],
        "activity": activity, "chain_role": row["chain_role"], "exporter": row["exporter"],
        "website": row["website"], "is_demo": row["is_demo"],
        "size_class": (None if row["employees"] is None
                       else size_class(row["employees"], Activity(activity)).value),
    }
    if row["export_destinations"] and not row["exporter"]:
        raise RowProblem("exporter", Msg("import.row.destinations_not_exporter"),
                         row["exporter"])
    firm, change = _upsert(ctx.session, Firm, {"rfc": row["rfc"]}, values)
    ctx.session.flush()  # later rows of this import refer to the firm by id
    ctx._firms[firm.rfc] = firm
    return _combine(
        change,
        _sync(firm.sectors, "sector", row["sectors"] or [], lambda c: FirmSector(sector=c)),
        _sync(firm.processes, "process", row["processes"] or [],
              lambda c: FirmProcess(process=c)),
        _sync(firm.destinations, "country", row["export_destinations"] or [],
              lambda c: FirmDestination(country=c)),
    )


def _export_firms(session: Session) -> Iterable[dict[str, Any]]:
    for f in session.scalars(select(Firm).order_by(Firm.rfc)):
        yield {"rfc": f.rfc, "legal_name": f.legal_name, "state_code": f.state_code,
               "municipality_code": f.municipality_code, "employees": f.employees,
               "activity": f.activity, "chain_role": f.chain_role,
               "sectors": _codes(f.sectors, "sector"), "processes": _codes(f.processes, "process"),
               "exporter": f.exporter, "export_destinations": _codes(f.destinations, "country"),
               "website": f.website, "is_demo": f.is_demo}


FIRMS = EntitySpec(
    "firms",
    (Column("rfc", required=True, clean=cells.rfc),
     Column("legal_name", required=True, max_len=300),
     Column("state_code", required=True, clean=cells.state),
     Column("municipality_code", clean=cells.municipality),
     Column("employees", "int", clean=cells.employees),
     Column("activity", clean=cells.choice(Activity, "activity"), default="industry"),
     Column("chain_role", clean=cells.choice(ChainRole, "chain_role")),
     Column("sectors", "codes", clean=cells.sectors),
     Column("processes", "codes", clean=cells.process_codes),
     Column("exporter", "bool", default=False),
     Column("export_destinations", "codes", clean=cells.countries),
     Column("website", max_len=300),
     Column("is_demo", "bool", default=False)),
    key=("rfc",), apply=_apply_firm, export=_export_firms)


# -- contacts, plants, certifications -------------------------------------------------------

def _apply_contact(ctx: ImportContext, row: dict[str, Any]) -> Change:
    firm = ctx.firm(row["firm_rfc"])
    values = {k: row[k] for k in ("position", "email", "phone")}
    return _upsert(ctx.session, Contact, {"firm_id": firm.id, "name": row["name"]}, values)[1]


def _export_contacts(session: Session) -> Iterable[dict[str, Any]]:
    query = select(Contact).join(Firm).order_by(Firm.rfc, Contact.name)
    for c in session.scalars(query):
        yield {"firm_rfc": c.firm.rfc, "name": c.name, "position": c.position,
               "email": c.email, "phone": c.phone}


CONTACTS = EntitySpec(
    "contacts",
    (Column("firm_rfc", required=True, clean=cells.rfc), Column("name", required=True, max_len=200),
     Column("position", max_len=200), Column("email", clean=cells.email, max_len=200),
     Column("phone", max_len=50)),
    key=("firm_rfc", "name"), apply=_apply_contact, export=_export_contacts)


def _apply_plant(ctx: ImportContext, row: dict[str, Any]) -> Change:
    firm = ctx.firm(row["firm_rfc"])
    values = {k: row[k] for k in ("state_code", "municipality_code", "industrial_park",
                                   "capacity_notes")}
    key = {"firm_id": firm.id, "name": row["plant_name"]}
    return _upsert(ctx.session, Plant, key, values)[1]


def _export_plants(session: Session) -> Iterable[dict[str, Any]]:
    for p in session.scalars(select(Plant).join(Firm).order_by(Firm.rfc, Plant.name)):
        yield {"firm_rfc": p.firm.rfc, "plant_name": p.name, "state_code": p.state_code,
               "municipality_code": p.municipality_code, "industrial_park": p.industrial_park,
               "capacity_notes": p.capacity_notes}


PLANTS = EntitySpec(
    "plants",
    (Column("firm_rfc", required=True, clean=cells.rfc),
     Column("plant_name", required=True, max_len=200),
     Column("state_code", required=True, clean=cells.state),
     Column("municipality_code", clean=cells.municipality),
     Column("industrial_park", max_len=200), Column("capacity_notes")),
    key=("firm_rfc", "plant_name"), apply=_apply_plant, export=_export_plants)


def _apply_certification(ctx: ImportContext, row: dict[str, Any]) -> Change:
    if row["expires_on"] < row["issued_on"]:
        raise RowProblem("expires_on", Msg("import.row.expiry_before_issue"), row["expires_on"])
    firm = ctx.firm(row["firm_rfc"])
    plant_id = None
    if row["plant_name"]:
        plant = ctx.session.scalars(
            select(Plant).filter_by(firm_id=firm.id, name=row["plant_name"])).one_or_none()
        if plant is None:
            raise RowProblem("plant_name", Msg("import.row.no_plant"), row["plant_name"])
        plant_id = plant.id
    key = {"standard": row["standard"], "certificate_number": row["certificate_number"]}
    values = {"firm_id": firm.id, "plant_id": plant_id, "certifying_body": row["certifying_body"],
              "issued_on": row["issued_on"], "expires_on": row["expires_on"]}
    return _upsert(ctx.session, Certification, key, values)[1]


def _export_certifications(session: Session) -> Iterable[dict[str, Any]]:
    query = select(Certification).join(Firm).order_by(
        Firm.rfc, Certification.standard, Certification.certificate_number)
    for c in session.scalars(query):
        yield {"firm_rfc": c.firm.rfc, "standard": c.standard,
               "certificate_number": c.certificate_number, "certifying_body": c.certifying_body,
               "issued_on": c.issued_on, "expires_on": c.expires_on,
               "plant_name": c.plant.name if c.plant else None}


CERTIFICATIONS = EntitySpec(
    "certifications",
    (Column("firm_rfc", required=True, clean=cells.rfc),
     Column("standard", required=True, clean=cells.standard),
     Column("certificate_number", required=True, max_len=100),
     Column("certifying_body", max_len=200),
     Column("issued_on", "date", required=True, past=True),
     Column("expires_on", "date", required=True),
     Column("plant_name", max_len=200)),
    key=("standard", "certificate_number"), apply=_apply_certification,
    export=_export_certifications)


# -- clusters -------------------------------------------------------------------------------

def _apply_cluster(ctx: ImportContext, row: dict[str, Any]) -> Change:
    values = {k: row[k] for k in ("name", "state_code", "sector", "description", "is_demo")}
    return _upsert(ctx.session, Cluster, {"code": row["cluster_code"]}, values)[1]


def _export_clusters(session: Session) -> Iterable[dict[str, Any]]:
    for c in session.scalars(select(Cluster).order_by(Cluster.code)):
        yield {"cluster_code": c.code, "name": c.name, "state_code": c.state_code,
               "sector": c.sector, "description": c.description, "is_demo": c.is_demo}


CLUSTERS = EntitySpec(
    "clusters",
    (Column("cluster_code", required=True, clean=cells.code),
     Column("name", required=True, max_len=300),
     Column("state_code", required=True, clean=cells.state),
     Column("sector", clean=cells.sector), Column("description"),
     Column("is_demo", "bool", default=False)),
    key=("cluster_code",), apply=_apply_cluster, export=_export_clusters)


def _apply_member(ctx: ImportContext, row: dict[str, Any]) -> Change:
    cluster = ctx.by_code(Cluster, row["cluster_code"], "cluster_code")
    firm = ctx.firm(row["firm_rfc"])
    key = {"cluster_id": cluster.id, "firm_id": firm.id}
    return _upsert(ctx.session, ClusterMember, key,
                   {"role": row["role"], "joined_on": row["joined_on"]})[1]


def _export_members(session: Session) -> Iterable[dict[str, Any]]:
    query = select(ClusterMember).join(Cluster).join(Firm).order_by(Cluster.code, Firm.rfc)
    for m in session.scalars(query):
        yield {"cluster_code": m.cluster.code, "firm_rfc": m.firm.rfc, "role": m.role,
               "joined_on": m.joined_on}


CLUSTER_MEMBERS = EntitySpec(
    "cluster_members",
    (Column("cluster_code", required=True, clean=cells.code),
     Column("firm_rfc", required=True, clean=cells.rfc),
     Column("role", clean=cells.choice(MemberRole, "member_role"), default="member"),
     Column("joined_on", "date", past=True)),
    key=("cluster_code", "firm_rfc"), apply=_apply_member, export=_export_members)


def _apply_link(ctx: ImportContext, row: dict[str, Any]) -> Change:
    a_code, b_code = sorted((row["cluster_a"], row["cluster_b"]))
    if a_code == b_code:
        raise RowProblem("cluster_b", Msg("import.row.self_link"), b_code)
    a = ctx.by_code(Cluster, a_code, "cluster_a" if a_code == row["cluster_a"] else "cluster_b")
    b = ctx.by_code(Cluster, b_code, "cluster_b" if b_code == row["cluster_b"] else "cluster_a")
    key = {"cluster_a_id": a.id, "cluster_b_id": b.id, "kind": row["kind"]}
    return _upsert(ctx.session, ClusterLink, key,
                   {"since": row["since"], "notes": row["notes"]})[1]


def _export_links(session: Session) -> Iterable[dict[str, Any]]:
    links = session.scalars(select(ClusterLink)).all()
    for link in sorted(links, key=lambda x: (x.cluster_a.code, x.cluster_b.code, x.kind)):
        yield {"cluster_a": link.cluster_a.code, "cluster_b": link.cluster_b.code,
               "kind": link.kind, "since": link.since, "notes": link.notes}


CLUSTER_LINKS = EntitySpec(
    "cluster_links",
    (Column("cluster_a", required=True, clean=cells.code),
     Column("cluster_b", required=True, clean=cells.code),
     Column("kind", required=True, clean=cells.choice(ClusterLinkKind, "cluster_link")),
     Column("since", "date", past=True), Column("notes")),
    key=("cluster_a", "cluster_b", "kind"), apply=_apply_link, export=_export_links)


# -- programs and enrolments ----------------------------------------------------------------

def _apply_program(ctx: ImportContext, row: dict[str, Any]) -> Change:
    if row["kind"] == ProgramKind.ecommerce_onboarding and not row["marketplace"]:
        raise RowProblem("marketplace", Msg("import.row.marketplace"))
    if row["starts_on"] and row["ends_on"] and row["ends_on"] < row["starts_on"]:
        raise RowProblem("ends_on", Msg("import.row.ends_before_start"), row["ends_on"])
    values = {k: row[k] for k in ("name", "kind", "agency", "starts_on", "ends_on",
                                   "marketplace", "description", "is_demo")}
    program, change = _upsert(ctx.session, Program, {"code": row["program_code"]}, values)
    return _combine(change, _sync(program.countries, "country", row["target_countries"] or [],
                                  lambda c: ProgramCountry(country=c)))


def _export_programs(session: Session) -> Iterable[dict[str, Any]]:
    for p in session.scalars(select(Program).order_by(Program.code)):
        yield {"program_code": p.code, "name": p.name, "kind": p.kind, "agency": p.agency,
               "starts_on": p.starts_on, "ends_on": p.ends_on, "marketplace": p.marketplace,
               "target_countries": _codes(p.countries, "country"),
               "description": p.description, "is_demo": p.is_demo}


PROGRAMS = EntitySpec(
    "programs",
    (Column("program_code", required=True, clean=cells.code),
     Column("name", required=True, max_len=300),
     Column("kind", required=True, clean=cells.choice(ProgramKind, "program_kind")),
     Column("agency", max_len=100),
     Column("starts_on", "date"), Column("ends_on", "date"),
     Column("marketplace", max_len=100),
     Column("target_countries", "codes", clean=cells.countries), Column("description"),
     Column("is_demo", "bool", default=False)),
    key=("program_code",), apply=_apply_program, export=_export_programs)


def _enrolment(ctx: ImportContext, row: dict[str, Any]) -> tuple[Program, Firm]:
    return ctx.by_code(Program, row["program_code"], "program_code"), ctx.firm(row["firm_rfc"])


def record_status(enrolment: Enrolment, status: str, changed_on: Any,
                  note: str | None = None) -> bool:
    """Append a status step to the history unless it is already there; True if added."""
    if any(h.status == status and h.changed_on == changed_on for h in enrolment.history):
        return False
    enrolment.history.append(EnrolmentStatusChange(status=status, changed_on=changed_on,
                                                   note=note))
    return True


def _apply_enrolment(ctx: ImportContext, row: dict[str, Any]) -> Change:
    program, firm = _enrolment(ctx, row)
    values = {k: row[k] for k in ("status", "status_on", "enrolled_on", "certificate_obtained",
                                   "first_export_on", "export_sales_usd", "notes")}
    enrolment, change = _upsert(ctx.session, Enrolment,
                                {"program_id": program.id, "firm_id": firm.id}, values)
    return _combine(change, record_status(enrolment, row["status"], row["status_on"]))


def _export_enrolments(session: Session) -> Iterable[dict[str, Any]]:
    query = select(Enrolment).join(Program).join(Firm).order_by(Program.code, Firm.rfc)
    for e in session.scalars(query):
        yield {"program_code": e.program.code, "firm_rfc": e.firm.rfc, "status": e.status,
               "status_on": e.status_on, "enrolled_on": e.enrolled_on,
               "certificate_obtained": e.certificate_obtained,
               "first_export_on": e.first_export_on, "export_sales_usd": e.export_sales_usd,
               "notes": e.notes}


ENROLMENTS = EntitySpec(
    "enrolments",
    (Column("program_code", required=True, clean=cells.code),
     Column("firm_rfc", required=True, clean=cells.rfc),
     Column("status", required=True, clean=cells.choice(EnrolmentStatus, "enrolment_status")),
     Column("status_on", "date", required=True, past=True),
     Column("enrolled_on", "date", past=True),
     Column("certificate_obtained", clean=cells.standard),
     Column("first_export_on", "date", past=True),
     Column("export_sales_usd", "float", clean=cells.usd), Column("notes")),
    key=("program_code", "firm_rfc"), apply=_apply_enrolment, export=_export_enrolments)


def _apply_history(ctx: ImportContext, row: dict[str, Any]) -> Change:
    program, firm = _enrolment(ctx, row)
    enrolment = ctx.session.scalars(
        select(Enrolment).filter_by(program_id=program.id, firm_id=firm.id)).one_or_none()
    if enrolment is None:
        raise RowProblem("firm_rfc", Msg("import.row.not_enrolled"), row["firm_rfc"])
    key = {"enrolment_id": enrolment.id, "status": row["status"], "changed_on": row["changed_on"]}
    return _upsert(ctx.session, EnrolmentStatusChange, key, {"note": row["note"]})[1]


def _export_history(session: Session) -> Iterable[dict[str, Any]]:
    query = (select(EnrolmentStatusChange).join(Enrolment).join(Program).join(Firm)
             .order_by(Program.code, Firm.rfc, EnrolmentStatusChange.changed_on,
                       EnrolmentStatusChange.status))
    for h in session.scalars(query):
        yield {"program_code": h.enrolment.program.code, "firm_rfc": h.enrolment.firm.rfc,
               "status": h.status, "changed_on": h.changed_on, "note": h.note}


ENROLMENT_HISTORY = EntitySpec(
    "enrolment_history",
    (Column("program_code", required=True, clean=cells.code),
     Column("firm_rfc", required=True, clean=cells.rfc),
     Column("status", required=True, clean=cells.choice(EnrolmentStatus, "enrolment_status")),
     Column("changed_on", "date", required=True, past=True), Column("note")),
    key=("program_code", "firm_rfc", "status", "changed_on"), apply=_apply_history,
    export=_export_history)


# -- industrial parks -----------------------------------------------------------------------

def _apply_park(ctx: ImportContext, row: dict[str, Any]) -> Change:
    problem = check_point(row["latitude"], row["longitude"])[2]
    if problem:
        raise RowProblem("latitude", Msg("sites.error.point_outside_mexico"),
                         f"{row['latitude']}, {row['longitude']}")
    values = {k: row[k] for k in ("name", "state_code", "municipality_code", "latitude",
                                   "longitude", "services", "available_land_ha", "website",
                                   "is_demo")}
    return _upsert(ctx.session, IndustrialPark, {"code": row["park_code"]}, values)[1]


def _export_parks(session: Session) -> Iterable[dict[str, Any]]:
    for p in session.scalars(select(IndustrialPark).order_by(IndustrialPark.code)):
        yield {"park_code": p.code, "name": p.name, "state_code": p.state_code,
               "municipality_code": p.municipality_code, "latitude": p.latitude,
               "longitude": p.longitude, "services": p.services,
               "available_land_ha": p.available_land_ha, "website": p.website,
               "is_demo": p.is_demo}


INDUSTRIAL_PARKS = EntitySpec(
    "industrial_parks",
    (Column("park_code", required=True, clean=cells.code),
     Column("name", required=True, max_len=200),
     Column("state_code", required=True, clean=cells.state),
     Column("municipality_code", clean=cells.municipality),
     Column("latitude", "float", required=True), Column("longitude", "float", required=True),
     Column("services"), Column("available_land_ha", "float", clean=cells.non_negative),
     Column("website", max_len=300), Column("is_demo", "bool", default=False)),
    key=("park_code",), apply=_apply_park, export=_export_parks)

ENTITIES: dict[str, EntitySpec] = {spec.name: spec for spec in (
    FIRMS, CONTACTS, PLANTS, CERTIFICATIONS, CLUSTERS, CLUSTER_MEMBERS, CLUSTER_LINKS,
    PROGRAMS, ENROLMENTS, ENROLMENT_HISTORY, INDUSTRIAL_PARKS)}
