"""Where a firm is when the registry has no plant coordinates: its state capital.

The registry records state and municipality codes, not coordinates, so distances are
computed between state capitals (``data/state_capitals.csv``: the 32 capitals, coordinates
rounded to 0.01°, about 1 km, from INEGI's Marco Geoestadístico localities). Two firms in
the same state are 0 km apart on this basis, and León–Guadalajara is measured as
Guanajuato city–Guadalajara (221 km in a straight line; great-circle distances throughout):
good for "within 300 km of Silao", not for a 20 km radius. Matches say which basis they used.
"""

from __future__ import annotations

from functools import cache

from comexlab.package_data import csv_table

BASIS = "state capital"


@cache
def state_points() -> dict[str, tuple[float, float]]:
    """INEGI state code → (lat, lon) of its capital."""
    return {r["inegi"]: (float(r["lat"]), float(r["lon"]))
            for r in csv_table("comexlab.matching", "state_capitals")}


def state_point(code: str) -> tuple[float, float] | None:
    """The capital's coordinates of state ``code`` (``"11"``), None if no such state."""
    return state_points().get(code.zfill(2))
