"""Great-circle distance between two points on a sphere (haversine), in kilometres.

The Earth is taken as a sphere of mean radius 6,371.0088 km (IUGG mean radius R1), as CEPII's
GeoDist does with the great-circle formula; the error against the ellipsoid is under 0.5 %.
"""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between (lat, lon) points ``a`` and ``b`` in degrees, along the sphere."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
