"""Build ``static/vendor/mx_states.svg`` (state outlines, id = INEGI code) from an npm package.

Run once by a developer (not at install or run time); the output is committed:

    cd /tmp && npm pack @svg-maps/mexico@2.0.0       # → svg-maps-mexico-2.0.0.tgz
    python scripts/build_mx_states.py /tmp/svg-maps-mexico-2.0.0.tgz src/comexlab/web/static/vendor

Source: the npm package ``@svg-maps/mexico`` 2.0.0 by Victor Cazanave (github.com/VictorCazanave/
svg-maps), itself based on MapSVG's map of Mexico, licence CC BY 4.0 (the package's LICENSE.md is
copied beside the output as ``mx_states.LICENSE.txt``; the page credits it under the map). The
tarball must have the SHA-256 below: a new version needs its mapping reviewed before it is used.

What the script changes (CC BY asks to say so): the package's 3-letter ids become INEGI state
codes '01'–'32' (:data:`PACKAGE_ID_TO_INEGI`, checked by tests/unit/test_state_map.py against
INEGI's catalogue and against the state capitals' positions); every path is rewritten with
its coordinates rounded to 0.1 unit of the 793 × 498 view box (~0.1 px on the page) — rounded
in absolute terms, so no error accumulates along the relative path — and points closer than
:data:`TOLERANCE` to the line through their neighbours dropped (Douglas–Peucker). The shapes
are otherwise the package's.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import shutil
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

PACKAGE = "@svg-maps/mexico"
VERSION = "2.0.0"
TARBALL_SHA256 = "8150a066338844ce0acbcdea9a1cb445995d0ce033f5ccb21b4c90dc253010e3"
TOLERANCE = 0.25  # view-box units; the map is drawn ~700 px wide, so about 0.2 px
#: The package's ids (ISO 3166-2:MX subdivision codes, lower case) → INEGI CVE_ENT.
PACKAGE_ID_TO_INEGI: dict[str, str] = {
    "agu": "01", "bcn": "02", "bcs": "03", "cam": "04", "coa": "05", "col": "06",
    "chp": "07", "chh": "08", "cmx": "09", "dur": "10", "gua": "11", "gro": "12",
    "hid": "13", "jal": "14", "mex": "15", "mic": "16", "mor": "17", "nay": "18",
    "nle": "19", "oax": "20", "pue": "21", "que": "22", "roo": "23", "slp": "24",
    "sin": "25", "son": "26", "tab": "27", "tam": "28", "tla": "29", "ver": "30",
    "yuc": "31", "zac": "32",
}
_TOKEN = re.compile(r"[MmLlZz]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?")

Point = tuple[float, float]


def rings(d: str) -> list[list[Point]]:
    """Absolute closed rings of an SVG path made of M/m, L/l (implicit too) and Z/z only."""
    out: list[list[Point]] = []
    ring: list[Point] = []
    x = y = 0.0
    cmd = ""
    tokens = _TOKEN.findall(d)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in "MmLlZz":
            cmd, i = tok, i + 1
            if cmd in "Zz":
                if ring:
                    out.append(ring)
                    x, y = ring[0]
                ring = []
            continue
        dx, dy = float(tokens[i]), float(tokens[i + 1])
        i += 2
        relative = cmd in "ml"
        x, y = (x + dx, y + dy) if relative else (dx, dy)
        if cmd in "Mm" and ring:
            out.append(ring)
            ring = []
        ring.append((x, y))
        cmd = {"M": "L", "m": "l"}.get(cmd, cmd)  # coordinates after a moveto are linetos
    if ring:
        out.append(ring)
    return out


def _dp(points: list[Point]) -> list[Point]:
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    norm = math.hypot(x2 - x1, y2 - y1) or 1e-12
    far, index = 0.0, 0
    for k, (x, y) in enumerate(points[1:-1], start=1):
        dist = abs((y2 - y1) * x - (x2 - x1) * y + x2 * y1 - y2 * x1) / norm
        if dist > far:
            far, index = dist, k
    if far <= TOLERANCE:
        return [points[0], points[-1]]
    return _dp(points[: index + 1])[:-1] + _dp(points[index:])


def simplify_ring(ring: list[Point]) -> list[Point]:
    """Douglas–Peucker on a closed ring: split at the point farthest from the first one."""
    x0, y0 = ring[0]
    far = max(range(len(ring)), key=lambda k: math.hypot(ring[k][0] - x0, ring[k][1] - y0))
    if far == 0:
        return ring[:1]
    return _dp(ring[: far + 1])[:-1] + _dp([*ring[far:], ring[0]])[:-1]


def _num(v: int) -> str:
    """Tenths as the shortest SVG number ('-1.5', '.5', '3')."""
    text = f"{v / 10:.1f}".rstrip("0").rstrip(".")
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def _pair(a: int, b: int) -> str:
    second = _num(b)
    return _num(a) + ("" if second.startswith("-") else " ") + second


def compact(d: str) -> str:
    """The path simplified and written with absolute-rounded, relative tenths."""
    parts: list[str] = []
    for ring in rings(d):
        pts = [(round(x * 10), round(y * 10)) for x, y in simplify_ring(ring)]
        pts = [p for k, p in enumerate(pts) if k == 0 or p != pts[k - 1]]
        if len(pts) < 3:
            continue  # an islet smaller than the tolerance
        parts.append("M" + _pair(*pts[0]) + "l" + " ".join(
            _pair(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(pts)) + "z")
    return "".join(parts).replace(" -", "-")


def build(tarball: Path, out_dir: Path) -> Path:
    """Check the tarball, convert its SVG and write the SVG and licence to ``out_dir``."""
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != TARBALL_SHA256:
        sys.exit(f"{tarball.name}: SHA-256 {digest} is not {PACKAGE} {VERSION}'s {TARBALL_SHA256}")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(tarball) as tar:
        tar.extractall(tmp, filter="data")
        pkg = Path(tmp) / "package"
        meta = json.loads((pkg / "package.json").read_text(encoding="utf-8"))
        svg_bytes = (pkg / "mexico.svg").read_bytes()
        shutil.copyfile(pkg / "LICENSE.md", out_dir / "mx_states.LICENSE.txt")
    root = ET.fromstring(svg_bytes)
    states: dict[str, dict[str, str]] = {}
    for path in root.iter("{http://www.w3.org/2000/svg}path"):
        code = PACKAGE_ID_TO_INEGI[path.attrib["id"]]
        if code in states:
            sys.exit(f"two paths map to INEGI {code}")
        states[code] = {"package_id": path.attrib["id"], "package_name": path.attrib["aria-label"],
                        "d": compact(path.attrib["d"])}
    if sorted(states) != sorted(PACKAGE_ID_TO_INEGI.values()):
        sys.exit("the package does not hold the 32 states the mapping expects")
    source = {"package": meta["name"], "version": meta["version"], "license": meta["license"],
              "author": meta["author"], "repository": meta["repository"]["url"],
              "credit": "MapSVG (mapsvg.com/maps/mexico)", "tarball_sha256": digest,
              "svg_sha256": hashlib.sha256(svg_bytes).hexdigest(),
              "changes": f"ids → INEGI codes; coordinates rounded to 0.1; Douglas–Peucker "
                         f"{TOLERANCE}; no fill, so each page's <use> colours the state"}
    box = quoteattr(root.attrib["viewBox"])
    lines = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox={box}>',
             "<!-- Mexico's 32 states, id = 's' + INEGI code. Built by scripts/build_mx_states.py "
             f"from {PACKAGE} {VERSION} (CC BY 4.0, see mx_states.LICENSE.txt). -->",
             f"<metadata id=\"source\">{escape(json.dumps(source, ensure_ascii=False))}</metadata>"]
    lines += [f'<path id="s{code}" data-package-id={quoteattr(st["package_id"])} '
              f'data-package-name={quoteattr(st["package_name"])} d={quoteattr(st["d"])}/>'
              for code, st in sorted(states.items())]
    out = out_dir / "mx_states.svg"
    out.write_text("\n".join([*lines, "</svg>"]) + "\n", encoding="utf-8")
    return out

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    written = build(Path(sys.argv[1]), Path(sys.argv[2]))
    sys.stdout.write(f"{written}: {written.stat().st_size:,} bytes\n")
