"""A site's reach: OEM and Tier-1 plants by distance band, state and brand; supply depth.

Distances are great-circle (``supply.geo.distance_km``); road distance is not available
offline, so each is also shown as an estimated road distance = great-circle × DETOUR_FACTOR.
Bands and radii apply to the great-circle distance (the figure that can be checked by hand);
the road estimate is for reading only. See docs/methods/site-profile.md.

Roles come from the SCIAN class a plant reports (SCIAN 2018): OEM = 336110 (automobiles and
light trucks) and 336120 (heavy trucks and tractor-trailers); Tier 1 = 3363xx (motor vehicle
parts: engines, electrical, steering, brakes, transmission, seats and trim, stampings, other).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median
from typing import Literal

from comexlab.sites.brands import brand
from comexlab.supply.geo import distance_km

#: road km ≈ great-circle km × 1.3 — see docs/methods/site-profile.md for the source
DETOUR_FACTOR = 1.3
OEM_SCIAN = ("336110", "336120")
TIER1_PREFIX = "3363"
BANDS_KM = (50.0, 100.0, 150.0, 250.0)
Role = Literal["oem", "tier1"]


@dataclass(frozen=True, slots=True)
class Site:
    """Where the investor would be: a label and a point, and how the point was obtained."""

    label: str
    state_code: str | None
    latitude: float
    longitude: float
    located_by: str  # 'coordinates' | 'park_registry' | 'park_retc' | 'municipality_retc'
    basis: int = 0  # plants the point was derived from (0 when given)


@dataclass(frozen=True, slots=True)
class Plant:
    """A plant of a public register (RETC) with what the profile needs."""

    ref: str
    name: str  # as published: legal name, establishment name after a comma
    legal_name: str
    scian: str
    state_code: str
    municipality: str | None
    latitude: float
    longitude: float
    processes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NearPlant:
    """A plant and its distance to the site."""

    plant: Plant
    km: float  # great-circle

    @property
    def road_km(self) -> float:
        """Estimated road distance (great-circle × DETOUR_FACTOR)."""
        return self.km * DETOUR_FACTOR


@dataclass(frozen=True, slots=True)
class Band:
    """Plants of a role within ``km`` of the site (cumulative: 150 includes 100)."""

    km: float
    oem: int
    tier1: int


@dataclass(frozen=True, slots=True)
class Firm:
    """A registry firm that declares processes, placed where its linked plant is."""

    rfc: str
    name: str
    state_code: str
    processes: tuple[str, ...]
    certifications: tuple[str, ...]  # standards currently valid
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True, slots=True)
class Depth:
    """Local supply depth of one process within the radius."""

    process: str
    plants: int
    firms: int
    certified_firms: int  # firms with at least one valid certification
    certifications: tuple[tuple[str, int], ...]  # (standard, firms holding it), most first
    unplaced_firms: int  # firms with the process but no location: not counted in ``firms``
    nearest: tuple[NearPlant, ...]  # up to 5 plants, nearest first


def role(scian: str) -> Role | None:
    """'oem', 'tier1' or None for a SCIAN 6-digit class."""
    if scian in OEM_SCIAN:
        return "oem"
    if scian.startswith(TIER1_PREFIX):
        return "tier1"
    return None


def near(site: Site, plants: Iterable[Plant], radius_km: float) -> tuple[NearPlant, ...]:
    """Plants within ``radius_km`` great-circle of the site, nearest first."""
    out = [NearPlant(p, distance_km(site.latitude, site.longitude, p.latitude, p.longitude))
           for p in plants]
    return tuple(sorted((n for n in out if n.km <= radius_km),
                        key=lambda n: (n.km, n.plant.ref)))


def bands(nearby: Sequence[NearPlant], limits: Sequence[float] = BANDS_KM) -> tuple[Band, ...]:
    """OEM and Tier-1 counts within each limit (cumulative)."""
    return tuple(Band(lim, sum(1 for n in nearby if n.km <= lim and role(n.plant.scian) == "oem"),
                      sum(1 for n in nearby if n.km <= lim and role(n.plant.scian) == "tier1"))
                 for lim in limits)


def by_state(nearby: Sequence[NearPlant], which: Role, within_km: float
             ) -> tuple[tuple[str, int], ...]:
    """(state code, plants of the role within ``within_km``), most first."""
    counts = Counter(n.plant.state_code for n in nearby
                     if n.km <= within_km and role(n.plant.scian) == which)
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass(frozen=True, slots=True)
class BrandReach:
    """A vehicle brand's OEM plants within the radius and the nearest one."""

    brand: str
    known: bool
    plants: int
    nearest_km: float
    states: tuple[str, ...]


def by_brand(nearby: Sequence[NearPlant]) -> tuple[BrandReach, ...]:
    """OEM plants grouped by brand, nearest brand first."""
    groups: dict[tuple[str, bool], list[NearPlant]] = defaultdict(list)
    for n in nearby:
        if role(n.plant.scian) == "oem":
            groups[brand(n.plant.legal_name)].append(n)
    out = [BrandReach(name, known, len(items), min(i.km for i in items),
                      tuple(sorted({i.plant.state_code for i in items})))
           for (name, known), items in groups.items()]
    return tuple(sorted(out, key=lambda b: (b.nearest_km, b.brand)))


def depth(site: Site, plants: Iterable[Plant], firms: Iterable[Firm], processes: Sequence[str],
          radius_km: float) -> tuple[Depth, ...]:
    """Per process: plants and firms within ``radius_km`` that practise it, and certificates."""
    plant_list = near(site, plants, radius_km)
    firm_list = list(firms)
    out = []
    for process in processes:
        ps = [n for n in plant_list if process in n.plant.processes]
        with_process = [f for f in firm_list if process in f.processes]
        placed = [f for f in with_process if f.latitude is not None and f.longitude is not None]
        local = [f for f in placed if distance_km(site.latitude, site.longitude,
                                                  f.latitude, f.longitude) <= radius_km]  # type: ignore[arg-type]
        certs = Counter(c for f in local for c in set(f.certifications))
        out.append(Depth(process, len(ps), len(local), sum(1 for f in local if f.certifications),
                         tuple(sorted(certs.items(), key=lambda kv: (-kv[1], kv[0]))),
                         len(with_process) - len(placed), tuple(ps[:5])))
    return tuple(out)


def centre(points: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """Median latitude and longitude of points (robust to one plant far out of town)."""
    if not points:
        return None
    return median(p[0] for p in points), median(p[1] for p in points)
