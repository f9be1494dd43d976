"""Supply services: state complexity, import-substitution opportunities, RETC plant import.

Each function takes a frozen request and the warehouse connection (and the registry engine
where firms are involved) and returns a typed result; the CLI and the web only shape it. The
numbers come from the pure packages (``supply.complexity``, ``supply.opportunities``); this
module only gathers their inputs (queries in ``warehouse/supply.py``, firms from the registry)
and says which source and level each figure rests on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import duckdb
from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session, selectinload

from comexlab.errors import DataFileMissingError, InputError, NotFoundError, Problem
from comexlab.i18n import Msg
from comexlab.nomenclature.states import state as find_state
from comexlab.registry import reference, source_plants
from comexlab.registry.db import reading, transaction
from comexlab.registry.models import Firm, FirmProcess, SourcePlant
from comexlab.registry.services import firm_gap
from comexlab.sources.hs_nomenclature import hs_descriptions
from comexlab.supply import complexity as cx
from comexlab.supply import mapping
from comexlab.supply.certification import certification_gap
from comexlab.supply.geo import distance_km
from comexlab.supply.opportunities import Candidate, Scored, Weights, rank
from comexlab.supply.origins import origin_codes
from comexlab.warehouse import supply as wq

#: State × subsector export sources, most recent package first.
COMPLEXITY_SOURCES = ("inegi_eef", "inegi_eaef")
NOT_A_PRODUCT = ("UNSPECIFIED", "TOTAL")  # INEGI code 000 and state totals
RETC = "semarnat_retc"
#: SCIAN prefixes of the buyers' (OEM) plants per buyer sector; automotive = 3361xx (light
#: vehicles, trucks), as the agency defines its tier-1 customers.
BUYER_SCIAN = {"automotive": ("3361",), "aerospace": ("3364",), "appliances": ("3352",),
               "electronics": ("3341", "3342", "3343", "3344"), "medical": ("3391",)}
ImportSource = Literal["auto", "datamexico", "comtrade", "siavi"]


# --------------------------------------------------------------------------- complexity
@dataclass(frozen=True)
class ComplexityRequest:
    """State ECI ranking of ``year`` (latest available if None); detail for ``state``."""

    year: int | None = None
    state: str | None = None


@dataclass(frozen=True)
class StateComplexity:
    """One state's complexity in the year."""

    state: str  # INEGI code
    abbr: str
    name: str
    rank: int
    eci: float
    diversity: int
    coi: float


@dataclass(frozen=True)
class SubsectorComplexity:
    """One subsector: its PCI, and for the chosen state its RCA, presence, density and COG."""

    scian3: str
    pci: float
    ubiquity: int
    rca: float | None
    present: bool | None
    density: float | None
    cog: float | None


@dataclass(frozen=True)
class ComplexityResult:
    """ECI ranking, subsector detail and product-space edges, with the data they rest on."""

    source: str
    year: int
    years: tuple[int, ...]
    states: tuple[StateComplexity, ...]
    state: str | None
    subsectors: tuple[SubsectorComplexity, ...]
    edges: tuple[tuple[str, str, float], ...]  # (scian3, scian3, proximity) above 0


def year_complexity(con: duckdb.DuckDBPyConnection, year: int | None
                    ) -> tuple[str, int, tuple[int, ...], cx.Complexity]:
    """(source, year, years available, complexity) — the latest year when ``year`` is None."""
    years = wq.complexity_years(con, COMPLEXITY_SOURCES)
    if not years:
        raise NotFoundError(Msg("supply.error.no_state_exports"))
    chosen = year if year is not None else max(years)
    if chosen not in years:
        raise InputError(Msg("supply.error.year_not_loaded", year=chosen,
                             years=f"{min(years)}–{max(years)}"), field="year", value=chosen)
    source = years[chosen]
    values = wq.state_subsector_values(con, source, chosen, NOT_A_PRODUCT)
    result = cx.complexity(*cx.value_matrix(_by_state(values)))
    return source, chosen, tuple(years), result


def state_complexity(con: duckdb.DuckDBPyConnection, request: ComplexityRequest
                     ) -> ComplexityResult:
    """States ranked by ECI (Atlas sign), and the subsector detail of ``request.state``."""
    source, year, years, c = year_complexity(con, request.year)
    order = sorted(range(len(c.places)), key=lambda i: -c.eci[i])
    states = []
    for rank_no, i in enumerate(order, start=1):
        st = find_state(c.places[i])
        states.append(StateComplexity(st.inegi, st.abbr, st.name, rank_no, float(c.eci[i]),
                                      int(c.diversity[i]), float(c.coi[i])))
    row = None
    if request.state:
        try:
            code = find_state(request.state).inegi
        except ValueError:
            raise InputError(Msg("supply.error.unknown_state_option"), field="state",
                             value=request.state) from None
        if code not in c.places:
            raise NotFoundError(Msg("supply.error.state_no_exports", state=request.state,
                                    year=year))
        row = c.place_index(code)
    subsectors = tuple(SubsectorComplexity(
        p, float(c.pci[j]), int(c.ubiquity[j]),
        None if row is None else float(c.rca[row, j]),
        None if row is None else bool(c.m[row, j]),
        None if row is None else float(c.density[row, j]),
        None if row is None else float(c.cog[row, j]))
        for j, p in enumerate(c.products))
    edges = tuple((c.products[a], c.products[b], float(c.proximity[a, b]))
                  for a in range(len(c.products)) for b in range(a + 1, len(c.products))
                  if c.proximity[a, b] > 0)
    return ComplexityResult(source, year, years, tuple(states),
                            None if row is None else c.places[row], subsectors, edges)


# --------------------------------------------------------------------------- opportunities
@dataclass(frozen=True)
class OpportunitiesRequest:
    """What the state's industry imports from ``origin`` that local firms could make."""

    state: str
    origin: str = "asia"
    top: int = 30
    year: int | None = None
    span: int = 3
    radius_km: float = 50.0
    buyer_sector: str = "automotive"
    source: ImportSource = "auto"
    detail: int = 5
    weights: Weights = field(default_factory=Weights)
    today: date = field(default_factory=date.today)


@dataclass(frozen=True)
class ImportBasis:
    """Which import figures the ranking rests on."""

    source: str  # 'datamexico' | 'comtrade' | 'se_siavi'
    level: str  # 'state' | 'national'
    product_level: str  # 'hs4' (summed from hs6 / fracciones where needed)
    year: int
    base_year: int
    partners: tuple[str, ...]  # origins that have rows in the source
    caveat: str  # catalog key of the source's limits


@dataclass(frozen=True)
class Supplier:
    """A local firm or plant able to make the heading, with its gap for the buyers' sector."""

    kind: str  # 'registry' | 'semarnat_retc'
    ref: str  # RFC or NRA
    name: str
    municipality: str | None
    processes: tuple[str, ...]
    is_demo: bool
    missing: tuple[str, ...]  # required certifications not held (current)
    on_record: bool  # False: no certificates are recorded for it (RETC plants)
    distance_km: float | None  # to the nearest buyer plant
    nearest_buyer: str | None
    programs: tuple[tuple[str, str, date], ...]  # (program code, status, since)


@dataclass(frozen=True)
class Opportunity:
    """One ranked heading with its components and, for the first few, its suppliers."""

    rank: int
    scored: Scored
    description: str
    suppliers: tuple[Supplier, ...]


@dataclass(frozen=True)
class Buyer:
    """An OEM plant (RETC, SCIAN 3361xx) of the state: where suppliers would deliver."""

    ref: str
    name: str
    municipality: str | None
    latitude: float
    longitude: float


@dataclass(frozen=True)
class OpportunitiesResult:
    """Ranked opportunities and everything a reader needs to judge them."""

    state: str
    state_name: str
    origins: tuple[str, ...]
    basis: ImportBasis
    complexity_source: str | None
    complexity_year: int | None
    weights: Weights
    buyers: tuple[Buyer, ...]
    opportunities: tuple[Opportunity, ...]
    candidates: int
    notes: tuple[Msg, ...]


_CAVEATS = {"datamexico": "supply.caveat.datamexico", "comtrade": "supply.caveat.comtrade",
            "se_siavi": "supply.caveat.siavi"}


def import_basis(con: duckdb.DuckDBPyConnection, request: OpportunitiesRequest,
                 state_reporter: str, origins: Sequence[str]
                 ) -> tuple[ImportBasis, dict[str, float], dict[str, float], list[Msg]]:
    """The source to use, and latest/base imports by HS4, and notes on sources passed over.

    State-level DataMéxico comes first when it has imports of the taxonomy's headings in its
    latest year; a source whose rows hold none of them is passed over with a note (a loaded
    sample of a few HS6 lines must not empty the ranking).
    """
    order = {"auto": ("datamexico", "comtrade", "se_siavi"), "datamexico": ("datamexico",),
             "comtrade": ("comtrade",), "siavi": ("se_siavi",)}[request.source]
    wanted = set(mapping.headings())
    notes: list[Msg] = []
    for source in order:
        reporter = state_reporter if source == "datamexico" else "MEX"
        by_year = wq.imports_by_year(con, source, reporter, origins)
        if not by_year:
            continue
        year = request.year if request.year is not None else max(by_year)
        if year not in by_year:
            notes.append(Msg("supply.error.import_year", year=year, source=source,
                             years=", ".join(map(str, sorted(by_year)))))
            continue
        if not wanted & set(by_year[year]):
            notes.append(Msg("supply.note.source_passed_over", source=source, year=year))
            continue
        base_year = year - request.span
        basis = ImportBasis(source, "state" if source == "datamexico" else "national", "hs4",
                            year, base_year, wq.partners(con, source, reporter, origins),
                            _CAVEATS[source])
        return basis, by_year[year], by_year.get(base_year, {}), notes
    if request.year is not None and notes:
        raise InputError(Msg("supply.error.import_year_none", year=request.year),
                         field="year", value=request.year,
                         problems=[Problem.of(n, field="year") for n in notes])
    raise NotFoundError(Msg("supply.error.no_imports", origins=", ".join(origins)))


def _mapping_subsector(hs4: str) -> str | None:
    """Fallback HS4 → subsector: the most frequent SCIAN subsector of its processes' classes."""
    counts: dict[str, int] = defaultdict(int)
    for process in mapping.processes_of_hs4(hs4):
        for code in mapping.scian_of_process(process):
            counts[code[:3]] += 1
    return max(sorted(counts), key=lambda k: counts[k]) if counts else None


def _buyers(session: Session, state_code: str, sector: str) -> tuple[Buyer, ...]:
    prefixes = BUYER_SCIAN.get(sector, ())
    if not prefixes:
        return ()
    plants = session.scalars(select(SourcePlant).where(
        SourcePlant.state_code == state_code,
        or_(*(SourcePlant.scian.startswith(p) for p in prefixes)),
        SourcePlant.latitude.is_not(None)).order_by(SourcePlant.legal_name))
    return tuple(Buyer(p.source_ref, p.plant_name or p.legal_name, p.municipality,
                       p.latitude, p.longitude) for p in plants
                 if p.latitude is not None and p.longitude is not None)


def _nearest(lat: float | None, lon: float | None, buyers: Sequence[Buyer]
             ) -> tuple[float | None, str | None]:
    if lat is None or lon is None or not buyers:
        return None, None
    best = min(buyers, key=lambda b: distance_km(lat, lon, b.latitude, b.longitude))
    return distance_km(lat, lon, best.latitude, best.longitude), best.name


@dataclass
class _Pool:
    """Local suppliers by process: registry firms of the state and RETC plants near it."""

    firms: dict[str, list[Firm]]
    plants: dict[str, list[SourcePlant]]

    def for_processes(self, processes: Iterable[str]) -> tuple[list[Firm], list[SourcePlant]]:
        firms: dict[int, Firm] = {}
        plants: dict[int, SourcePlant] = {}
        for p in processes:
            firms.update((f.id, f) for f in self.firms.get(p, []))
            plants.update((s.id, s) for s in self.plants.get(p, []))
        return list(firms.values()), list(plants.values())


def _pool(session: Session, state_code: str, buyers: Sequence[Buyer], radius_km: float
          ) -> _Pool:
    firms: dict[str, list[Firm]] = defaultdict(list)
    query = (select(Firm).join(FirmProcess).where(Firm.state_code == state_code).distinct()
             .options(selectinload(Firm.processes), selectinload(Firm.certifications),
                      selectinload(Firm.enrolments)))
    for firm in session.scalars(query):
        for fp in firm.processes:
            firms[fp.process].append(firm)
    by_scian: dict[str, list[str]] = defaultdict(list)
    for link in mapping.links():
        if link.kind == "scian6":
            by_scian[link.code].append(link.process)
    plants: dict[str, list[SourcePlant]] = defaultdict(list)
    for plant in session.scalars(select(SourcePlant).where(
            SourcePlant.scian.in_(list(by_scian)))):
        near = _nearest(plant.latitude, plant.longitude, buyers)[0]
        if plant.state_code == state_code or (near is not None and near <= radius_km):
            for process in by_scian[plant.scian]:
                plants[process].append(plant)
    return _Pool(dict(firms), dict(plants))


def _programs(firm: Firm) -> tuple[tuple[str, str, date], ...]:
    return tuple((e.program.code, e.status, e.status_on)
                 for e in sorted(firm.enrolments, key=lambda e: e.status_on))


def _firm_supplier(session: Session, firm: Firm, processes: Sequence[str],
                   request: OpportunitiesRequest, buyers: Sequence[Buyer]) -> Supplier:
    gap = firm_gap(session, firm.rfc, request.buyer_sector, today=request.today)
    linked = list(session.scalars(select(SourcePlant).where(SourcePlant.firm_id == firm.id)))
    dist, buyer = _nearest(linked[0].latitude if linked else None,
                           linked[0].longitude if linked else None, buyers)
    return Supplier("registry", firm.rfc, firm.legal_name, firm.municipality_code,
                    tuple(sorted({fp.process for fp in firm.processes} & set(processes))),
                    firm.is_demo, gap.missing, True, dist, buyer, _programs(firm))


def _plant_supplier(session: Session, plant: SourcePlant, processes: Sequence[str],
                    request: OpportunitiesRequest, buyers: Sequence[Buyer]) -> Supplier:
    programs: tuple[tuple[str, str, date], ...] = ()
    if plant.firm is not None:  # the agency linked the plant to a registry firm: its record
        linked = _firm_supplier(session, plant.firm, processes, request, buyers)
        missing, on_record, programs = linked.missing, True, linked.programs
    else:
        gap = certification_gap(request.buyer_sector, reference.requirements(), {},
                                reference.includes())
        missing, on_record = gap.missing, False
    dist, buyer = _nearest(plant.latitude, plant.longitude, buyers)
    own = set(mapping.processes_of_scian(plant.scian)) & set(processes)
    name = f"{plant.legal_name} — {plant.plant_name}" if plant.plant_name else plant.legal_name
    return Supplier(RETC, plant.source_ref, name,
                    plant.municipality, tuple(sorted(own)), False, missing, on_record, dist,
                    buyer, programs)


def _suppliers(session: Session, pool: _Pool, processes: Sequence[str],
               request: OpportunitiesRequest, buyers: Sequence[Buyer]) -> tuple[Supplier, ...]:
    firms, plants = pool.for_processes(processes)
    out = [_firm_supplier(session, f, processes, request, buyers) for f in firms]
    out += [_plant_supplier(session, p, processes, request, buyers) for p in plants]
    return tuple(sorted(out, key=lambda s: (len(s.missing), s.distance_km is None,
                                            s.distance_km or 0.0, s.name)))


def heading_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """HS4 → English description: WCO HS 2022 file, else the latest loaded HTS edition."""
    try:
        return {k: v for k, v in hs_descriptions().items() if len(k) == 4}
    except DataFileMissingError:
        return wq.hts_heading_names(con)


def _by_state(values: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    """Reporter codes ('MX-GTO') → INEGI state codes ('11'), values summed."""
    out: dict[tuple[str, str], float] = defaultdict(float)
    for (reporter, product), value in values.items():
        out[(find_state(reporter).inegi, product)] += value
    return dict(out)


def _density(con: duckdb.DuckDBPyConnection, state_code: str, year: int | None
             ) -> tuple[str | None, int | None, dict[str, float]]:
    try:
        source, chosen, _years, c = year_complexity(con, year)
    except NotFoundError:
        return None, None, {}
    if state_code not in c.places:
        return source, chosen, {}
    row = c.place_index(state_code)
    return source, chosen, {p: float(c.density[row, j]) for j, p in enumerate(c.products)}


def _complexity_year(con: duckdb.DuckDBPyConnection, import_year: int) -> int | None:
    """The complexity year closest to the imports' year (same year if loaded)."""
    years = wq.complexity_years(con, COMPLEXITY_SOURCES)
    if not years:
        return None
    return min(years, key=lambda y: (abs(y - import_year), -y))


def opportunities(con: duckdb.DuckDBPyConnection, engine: Engine,
                  request: OpportunitiesRequest) -> OpportunitiesResult:
    """Rank the headings the local chain could make by imports, growth, feasibility, suppliers."""
    try:
        st = find_state(request.state)
    except ValueError:
        raise InputError(Msg("supply.error.unknown_state_option"), field="state",
                         value=request.state) from None
    try:
        origins = origin_codes(request.origin)
    except ValueError as exc:
        raise InputError(Msg("supply.error.origin"), field="origin", value=str(exc)) from None
    if request.buyer_sector not in reference.sectors():
        raise InputError(Msg("error.unknown_sector", known=", ".join(reference.sectors())),
                         field="sector", value=request.buyer_sector)
    if request.top < 1 or request.span < 1 or request.radius_km < 0:
        raise InputError(Msg("supply.error.positive"), field="top/span/radius",
                         value=f"{request.top}/{request.span}/{request.radius_km}")
    basis, latest, base, passed = import_basis(con, request, st.reporter, origins)
    dens_source, dens_year, density = _density(con, st.inegi,
                                               _complexity_year(con, basis.year))
    subsectors = wq.heading_subsectors(con)
    names = heading_names(con)
    notes: list[Msg] = [Msg(basis.caveat), *passed]
    with reading(engine) as session:
        buyers = _buyers(session, st.inegi, request.buyer_sector)
        pool = _pool(session, st.inegi, buyers, request.radius_km)
        candidates = []
        for hs4 in mapping.headings():
            if latest.get(hs4, 0.0) <= 0:
                continue
            procs = mapping.processes_of_hs4(hs4)
            firms, plants = pool.for_processes(procs)
            scian3 = subsectors.get(hs4) or _mapping_subsector(hs4)
            candidates.append(Candidate(hs4, latest[hs4], base.get(hs4), request.span, scian3,
                                        density.get(scian3) if scian3 else None,
                                        len(firms) + len(plants), procs))
        ranked = rank(candidates, request.weights)[: request.top]
        result = tuple(
            Opportunity(i, s, names.get(s.candidate.hs4, ""),
                        _suppliers(session, pool, s.candidate.processes, request, buyers)
                        if i <= request.detail else ())
            for i, s in enumerate(ranked, start=1))
    if not buyers:
        prefixes = BUYER_SCIAN.get(request.buyer_sector, ())
        notes.append(Msg("supply.note.no_buyers", state=st.abbr,
                         scian=", ".join(f"{p}xx" for p in prefixes)))
    if dens_source is None:
        notes.append(Msg("supply.note.no_density"))
    return OpportunitiesResult(st.inegi, st.name, origins, basis, dens_source, dens_year,
                               request.weights, buyers, result, len(candidates), tuple(notes))


# --------------------------------------------------------------------------- RETC → registry
@dataclass(frozen=True)
class ImportPlantsRequest:
    """Import the RETC establishments of ``year`` (latest loaded if None) of ``states``."""

    year: int | None = None
    states: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportPlantsResult:
    """Per state: imported, updated, refused by reason, without location."""

    year: int
    counts: tuple[source_plants.StateCount, ...]


def import_retc_plants(con: duckdb.DuckDBPyConnection, engine: Engine,
                       request: ImportPlantsRequest) -> ImportPlantsResult:
    """Copy RETC establishments from the warehouse into the registry as source plants."""
    years = wq.retc_years(con)
    if not years:
        raise NotFoundError(Msg("supply.error.no_retc"))
    year = request.year if request.year is not None else max(years)
    if year not in years:
        raise InputError(Msg("supply.error.retc_year", year=year,
                             years=", ".join(map(str, years))), field="year", value=year)
    try:
        states = frozenset(find_state(s).inegi for s in request.states)
    except ValueError as exc:
        raise InputError(Msg("supply.error.unknown_state_option"), field="state",
                         value=str(exc)) from None
    rows = wq.retc_rows(con, year)
    with transaction(engine) as session:
        counts = source_plants.import_plants(session, rows, source=RETC, states=states)
    return ImportPlantsResult(year, tuple(counts.values()))


# --------------------------------------------------------------------------- source plants
@dataclass(frozen=True)
class PlantsRequest:
    """Plants from public registers in the registry, of one state (all states if None)."""

    state: str | None = None


@dataclass(frozen=True)
class PlantRow:
    """A plant as the agency sees it: its register, SCIAN class, the processes that implies."""

    source: str
    ref: str
    year: int
    legal_name: str
    plant_name: str | None
    scian: str
    processes: tuple[str, ...]
    state: str
    municipality: str | None
    industrial_park: str | None
    latitude: float | None
    longitude: float | None
    firm_rfc: str | None  # the registry firm it was linked to, if any


def list_source_plants(engine: Engine, request: PlantsRequest) -> tuple[PlantRow, ...]:
    """The registry's plants from public registers (RETC), labelled with their source."""
    code = None
    if request.state:
        try:
            code = find_state(request.state).inegi
        except ValueError:
            raise InputError(Msg("supply.error.unknown_state_option"), field="state",
                             value=request.state) from None
    with reading(engine) as session:
        return tuple(PlantRow(p.source, p.source_ref, p.source_year, p.legal_name, p.plant_name,
                              p.scian, mapping.processes_of_scian(p.scian), p.state_code,
                              p.municipality, p.industrial_park, p.latitude, p.longitude,
                              p.firm.rfc if p.firm else None)
                     for p in source_plants.source_plants(session, state_code=code))
