"""Coordinates: DMS text to decimal degrees, Mexico's bounding box, great-circle distance.

SEMARNAT's RETC prints coordinates as degrees-minutes-seconds text (``20°56'58"``) under the
headers LATITUD NORTE / LONGITUD OESTE, so west longitudes are written positive: the decimal
longitude is the negative of the printed one. A value that does not read as DMS is returned as
``None`` with its reason — it is reported, never guessed.
"""

from __future__ import annotations

import math
import re

#: Mexico's extent with a margin (islands included): latitude N, longitude W as negatives.
LAT_RANGE = (14.0, 33.5)
LON_RANGE = (-118.5, -86.0)
_DMS = re.compile(r"""^\s*(\d{1,3})\s*°\s*(\d{1,2})\s*['’′]\s*"""
                  r"""(\d{1,2}(?:[.,]\d+)?)\s*(?:"|''|”|″)?\s*$""")
EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def dms_to_degrees(text: str) -> tuple[float | None, str | None]:
    """(decimal degrees, None) or (None, reason) for a DMS text such as ``20°41'27"``."""
    match = _DMS.match(text or "")
    if not match:
        return None, "not_dms" if (text or "").strip() else "blank"
    degrees, minutes = int(match.group(1)), int(match.group(2))
    seconds = float(match.group(3).replace(",", "."))
    if minutes >= 60 or seconds >= 60:
        return None, "minutes_or_seconds_over_59"
    return degrees + minutes / 60 + seconds / 3600, None


def retc_point(lat_text: str, lon_west_text: str) -> tuple[float | None, float | None, str | None]:
    """(latitude, longitude, problem) from RETC's LATITUD NORTE / LONGITUD OESTE texts."""
    lat, why = dms_to_degrees(lat_text)
    if why:
        return None, None, f"latitude_{why}"
    lon_west, why = dms_to_degrees(lon_west_text)
    if why:
        return None, None, f"longitude_{why}"
    assert lat is not None and lon_west is not None
    return check_point(lat, -lon_west)


def check_point(lat: float, lon: float) -> tuple[float | None, float | None, str | None]:
    """The point, or (None, None, reason) when it falls outside Mexico's extent."""
    if not LAT_RANGE[0] <= lat <= LAT_RANGE[1]:
        return None, None, "latitude_outside_mexico"
    if not LON_RANGE[0] <= lon <= LON_RANGE[1]:
        return None, None, "longitude_outside_mexico"
    return lat, lon, None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km: road distance is longer, by ~20–40 %."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))
