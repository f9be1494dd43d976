"""A small SVG map of a site: state outlines, rings at the radii, OEM and Tier-1 plants, parks.

Offline tiles are not available: state and country boundaries and the coastline are Natural
Earth 10m lines (public domain), clipped to Mexico's box and simplified once by
``scripts/build_mx_outlines.py`` into ``sitesheet/data/mx_outlines.json`` (its source and
licence are inside the file). State abbreviations sit at the median of their plants in view.
The projection is
equirectangular scaled by cos(latitude of the site): at these scales (≤ 600 km) shapes and
distances are right to a few percent, and the rings are drawn true to the km.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from functools import lru_cache
from html import escape
from importlib import resources
from statistics import median

from comexlab.nomenclature.states import state as find_state
from comexlab.services.sites import SiteProfile
from comexlab.sites.profile import role

KM_PER_DEG = 111.195  # mean km per degree of latitude (R = 6371.0088 km)
WIDTH, HEIGHT = 520, 420


def _projector(lat0: float, lon0: float, half_km: float):  # type: ignore[no-untyped-def]
    scale = (min(WIDTH, HEIGHT) / 2 - 12) / half_km  # px per km
    coslat = math.cos(math.radians(lat0))

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (WIDTH / 2 + (lon - lon0) * KM_PER_DEG * coslat * scale,
                HEIGHT / 2 - (lat - lat0) * KM_PER_DEG * scale)
    return xy, scale


#: layer → (stroke colour, width)
STYLE = {"coast": ("#7a9cb8", 0.9), "countries": ("#555", 1.1), "states": ("#9a9a9a", 0.7)}


@lru_cache(maxsize=1)
def outlines() -> dict[str, list[list[list[float]]]]:
    """The shipped Natural Earth lines by layer ([[lon, lat], …] per part)."""
    path = resources.files("comexlab.sitesheet") / "data" / "mx_outlines.json"
    body = json.loads(path.read_text(encoding="utf-8"))
    layers: dict[str, list[list[list[float]]]] = body["layers"]
    return layers


def _lines(xy, half_deg: tuple[float, float], lat0: float, lon0: float  # type: ignore[no-untyped-def]
           ) -> list[str]:
    out = []
    for layer, parts in outlines().items():
        colour, width = STYLE[layer]
        paths = []
        for part in parts:
            if not any(abs(lat - lat0) <= half_deg[0] and abs(lon - lon0) <= half_deg[1]
                       for lon, lat in part):
                continue
            pts = [xy(lat, lon) for lon, lat in part]
            paths.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts))
        if paths:
            out.append(f'<path d="{" ".join(paths)}" fill="none" stroke="{colour}" '
                       f'stroke-width="{width}" stroke-linejoin="round"/>')
    return out


def site_map(prof: SiteProfile, lang: str, rings_km: tuple[float, ...] = ()) -> str:
    """The SVG text (escaped labels) of the profile's map."""
    rings = tuple(sorted({prof.radius_km, *rings_km}))
    s = prof.site
    xy, scale = _projector(s.latitude, s.longitude, max(rings) * 1.05)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'width="{WIDTH}" height="{HEIGHT}" role="img" class="site-map" '
           'style="overflow:hidden">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f7f7f4" stroke="#bbb"/>']
    half_km = (WIDTH / 2) / scale * 1.3  # a margin: lines leaving the frame are still drawn
    out += _lines(xy, (half_km / KM_PER_DEG,
                       half_km / (KM_PER_DEG * math.cos(math.radians(s.latitude)))),
                  s.latitude, s.longitude)
    cx, cy = xy(s.latitude, s.longitude)
    for km in rings:
        out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{km * scale:.1f}" fill="none" '
                   f'stroke="#999" stroke-dasharray="4 3"/>')
        out.append(f'<text x="{cx + 3:.1f}" y="{cy - km * scale + 12:.1f}" font-size="10" '
                   f'fill="#666">{int(km)} km</text>')
    by_state: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for n in prof.reach:
        by_state[n.plant.state_code].append(xy(n.plant.latitude, n.plant.longitude))
    for code, pts in sorted(by_state.items()):
        x, y = median(p[0] for p in pts), median(p[1] for p in pts)
        out.append(f'<text x="{x:.1f}" y="{y + 16:.1f}" font-size="13" fill="#bbb" '
                   f'text-anchor="middle" font-weight="bold">{escape(find_state(code).abbr)}'
                   f'</text>')
    for n in sorted(prof.reach, key=lambda n: role(n.plant.scian) == "oem"):
        x, y = xy(n.plant.latitude, n.plant.longitude)
        title = escape(f"{n.plant.name} — {n.km:.0f} km")
        if role(n.plant.scian) == "oem":
            out.append(f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" '
                       f'fill="#c0392b" stroke="#fff"><title>{title}</title></rect>')
        else:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="#2e6da4" '
                       f'fill-opacity="0.7"><title>{title}</title></circle>')
    for p in prof.parks:
        x, y = xy(p.latitude, p.longitude)
        out.append(f'<path d="M{x:.1f},{y - 4:.1f} l3.5,6 h-7 z" fill="#27ae60" '
                   f'fill-opacity="0.55"><title>{escape(p.name)}</title></path>')
    out.append(f'<path d="M{cx:.1f},{cy - 9:.1f} l2.6,6 6.4,0.6 -4.8,4.2 1.4,6.3 -5.6,-3.3 '
               f'-5.6,3.3 1.4,-6.3 -4.8,-4.2 6.4,-0.6 z" fill="#f1c40f" stroke="#333"/>')
    out.append(f'<text x="{cx + 11:.1f}" y="{cy + 4:.1f}" font-size="12" font-weight="bold">'
               f'{escape(s.label)}</text>')
    out.append("</svg>")
    return "\n".join(out)
