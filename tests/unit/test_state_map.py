"""The dashboard's state map: quantile classes, the vendored outlines and their INEGI mapping.

The outlines (web/static/vendor/mx_states.svg) come from the npm package @svg-maps/mexico
2.0.0 through scripts/build_mx_states.py, which maps the package's ids to INEGI codes. These
tests check that mapping three ways: 32 states, each INEGI code once; the package's own state
name for each path is INEGI's name for the code (tc_entidad.csv, INEGI's catalogue in the EEF
package); and each state capital, placed on the map by a Mercator fit, falls on (or within 3
units of) its own state's outline — a swapped pair of neighbours puts capitals in the wrong
state (checked by swapping 09/17, 02/03, 21/29, 01/32 and 06/14: each fails).
"""

from __future__ import annotations

import csv
import json
import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import pytest

from comexlab.presentation.choropleth import class_of, classify, quantile_uppers
from comexlab.services.reports import StateExports
from comexlab.web import state_map

VENDOR = Path(str(resources.files("comexlab.web").joinpath("static/vendor")))
SVG = "{http://www.w3.org/2000/svg}"


def _doc() -> dict:
    """The vendored SVG as {source, viewBox, states: {INEGI code: package id, name, path}}."""
    root = ET.fromstring((VENDOR / "mx_states.svg").read_bytes())
    states = {p.attrib["id"].removeprefix("s"): {"package_id": p.attrib["data-package-id"],
                                                 "package_name": p.attrib["data-package-name"],
                                                 "d": p.attrib["d"], "fill": p.get("fill")}
              for p in root.iter(f"{SVG}path")}
    meta = root.find(f"{SVG}metadata")
    assert meta is not None and meta.text
    return {"source": json.loads(meta.text), "viewBox": root.attrib["viewBox"], "states": states}


# ----------------------------------------------------------------------------- classes


def test_quintiles_of_32_values_are_ranks_7_13_20_26_32() -> None:
    values = [float(v) for v in range(1, 33)]
    uppers = quantile_uppers(values)
    assert uppers == (7.0, 13.0, 20.0, 26.0, 32.0)  # ⌈32·i/5⌉ = 7, 13, 20, 26, 32
    classes = classify({str(v): v for v in values})
    assert [c.count for c in classes.classes] == [7, 6, 7, 6, 6]
    assert [(c.low, c.high) for c in classes.classes] == [
        (1, 7), (8, 13), (14, 20), (21, 26), (27, 32)]


def test_a_value_on_a_bound_is_in_that_class_and_above_it_in_the_next() -> None:
    uppers = (7.0, 13.0, 20.0, 26.0, 32.0)
    assert class_of(7.0, uppers) == 0
    assert class_of(7.000001, uppers) == 1
    assert class_of(32.0, uppers) == 4
    assert class_of(0.0, uppers) == 0


def test_ties_share_one_class_and_few_values_give_few_classes() -> None:
    assert quantile_uppers([5.0, 5.0, 5.0, 5.0, 9.0]) == (5.0, 9.0)
    classes = classify({"a": 5.0, "b": 5.0, "c": 5.0, "d": 5.0, "e": 9.0})
    assert classes.of == {"a": 0, "b": 0, "c": 0, "d": 0, "e": 1}
    assert quantile_uppers([3.0, 1.0]) == (1.0, 3.0)
    assert quantile_uppers([]) == ()


def test_real_2025_spread_puts_quintana_roo_lowest_and_chihuahua_highest() -> None:
    # INEGI EEF 2025 (thousands of US$, sums of the file's 'Disponible' rows): Chihuahua
    # 109,505,005, Quintana Roo 19,512 — four orders of magnitude apart, yet quintiles keep
    # 6–7 states per colour.
    values = {"MX-CHIH": 109_505_005e3, "MX-COAH": 65_505_116e3, "MX-GTO": 37_988_315e3,
              "MX-ZAC": 4_932_024e3, "MX-CDMX": 3_323_334e3, "MX-NAY": 355_369e3,
              "MX-QROO": 19_512e3, "MX-BCS": 396_712e3, "MX-OAX": 1_361_209e3,
              "MX-TLAX": 2_007_737e3}
    classes = classify(values)
    assert classes.of["MX-QROO"] == 0 and classes.of["MX-CHIH"] == len(classes.uppers) - 1
    assert sum(c.count for c in classes.classes) == len(values)


# ----------------------------------------------------------------------------- outlines


def _key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


#: The package writes the capital's English name; every other name is INEGI's or its short form.
_PACKAGE_NAMES = {"Mexico City": "Ciudad de México"}


def test_outlines_hold_32_states_each_inegi_code_once() -> None:
    doc = _doc()
    assert list(doc["states"]) == [f"{i:02d}" for i in range(1, 33)]
    ids = [s["package_id"] for s in doc["states"].values()]
    assert len(set(ids)) == 32
    assert all(s["d"].startswith("M") and s["d"].endswith("z") for s in doc["states"].values())
    # no fill of their own: the page's <use fill=…> colours each state
    assert {s["fill"] for s in doc["states"].values()} == {None}
    assert state_map.outlines().codes == tuple(doc["states"])
    assert re.fullmatch(r"/static/vendor/mx_states\.svg\?v=[0-9a-f]{12}", state_map.outlines().url)


def test_package_names_are_inegi_catalogue_names(shared_file) -> None:
    catalogue = shared_file("inegi_eef_state_exports_2007_2025/tc_entidad.csv")
    with catalogue.open(encoding="utf-8", newline="") as fh:
        inegi = {r["CVE_ENT"]: r["NOM_ENTIDAD"] for r in csv.DictReader(fh)}
    for code, st in _doc()["states"].items():
        package = _key(_PACKAGE_NAMES.get(st["package_name"], st["package_name"]))
        official = _key(inegi[code])
        # INEGI's long forms: "Coahuila de Zaragoza", "Michoacán de Ocampo", "Veracruz de …"
        assert official == package or official.startswith(package + " de "), (code, st)
    # and the names the map shows are the project's INEGI names for the same codes
    shown = {s.inegi: s.name for s in state_map.build(_exports({})).states}
    assert shown == {c: n for c, n in inegi.items() if c != "33"}


def _rings(d: str) -> list[list[tuple[float, float]]]:
    """Rings of the compact paths the build script writes: 'Mx y l dx dy dx dy … z' each."""
    out = []
    for part in filter(None, d.split("z")):
        nums = [float(n) for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", part)]
        x, y = nums[0], nums[1]
        ring = [(x, y)]
        for dx, dy in zip(nums[2::2], nums[3::2], strict=True):
            x, y = x + dx, y + dy
            ring.append((x, y))
        out.append(ring)
    return out


def _edges(rings: list[list[tuple[float, float]]]):
    for ring in rings:
        yield from zip(ring, ring[1:] + ring[:1], strict=True)


def _distance(p: tuple[float, float], rings: list[list[tuple[float, float]]]) -> float:
    """0 inside the outline (even-odd rule), else the distance to its nearest edge."""
    x, y = p
    crossings = sum(1 for (x1, y1), (x2, y2) in _edges(rings)
                    if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    if crossings % 2:
        return 0.0
    best = math.inf
    for (x1, y1), (x2, y2) in _edges(rings):
        dx, dy = x2 - x1, y2 - y1
        t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / ((dx * dx + dy * dy) or 1e-12)))
        best = min(best, math.hypot(x - x1 - t * dx, y - y1 - t * dy))
    return best


def _area_centroid(rings: list[list[tuple[float, float]]]) -> tuple[float, float]:
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in _edges(rings):
        cross = x1 * y2 - x2 * y1
        a, cx, cy = a + cross, cx + (x1 + x2) * cross, cy + (y1 + y2) * cross
    return cx / (3 * a), cy / (3 * a)


def _fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = (sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
             / sum((x - mx) ** 2 for x in xs))
    return slope, my - slope * mx


def test_each_state_capital_falls_on_its_own_state() -> None:
    capitals_csv = resources.files("comexlab.matching").joinpath("data/state_capitals.csv")
    capitals = {r["inegi"]: (float(r["lon"]), float(r["lat"]))
                for r in csv.DictReader(capitals_csv.read_text("utf-8").splitlines())}
    shapes = {code: _rings(s["d"]) for code, s in _doc()["states"].items()}
    codes = sorted(shapes)

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    centroids = [_area_centroid(shapes[c]) for c in codes]
    ax = _fit([capitals[c][0] for c in codes], [p[0] for p in centroids])
    ay = _fit([merc(capitals[c][1]) for c in codes], [p[1] for p in centroids])
    off = {}
    for c in codes:
        lon, lat = capitals[c]
        point = (ax[0] * lon + ax[1], ay[0] * merc(lat) + ay[1])
        off[c] = _distance(point, shapes[c])
    # 28 capitals land inside their state; Mexicali, CDMX, Cuernavaca and Puebla sit within
    # 3 units (0.4 % of the map's width) of their state's edge. A swapped pair fails this.
    assert max(off.values()) <= 3.0, off
    assert sum(v == 0.0 for v in off.values()) >= 28, off


def test_vendored_files_are_small_licensed_and_traceable() -> None:
    doc = _doc()
    size = sum((VENDOR / f"mx_states.{ext}").stat().st_size
               for ext in ("svg", "LICENSE.txt", "BUILD.md"))
    assert size < 150_000, size  # 43 KB of outlines + the 17 KB licence
    src = doc["source"]
    assert (src["package"], src["version"], src["license"]) == (
        "@svg-maps/mexico", "2.0.0", "CC-BY-4.0")
    assert re.fullmatch(r"[0-9a-f]{64}", src["tarball_sha256"])
    licence = (VENDOR / "mx_states.LICENSE.txt").read_text(encoding="utf-8")
    assert "Attribution 4.0 International" in licence


# ----------------------------------------------------------------------------- the view


def _exports(values: dict[str, float], year: str = "2025") -> StateExports:
    return StateExports(year=year, source="inegi_eef" if values else None, values=values,
                        years=("2025", "2024"))


def test_build_hatches_states_without_figures_and_links_each_state() -> None:
    values = {f"MX-{abbr}": float(i) * 1e9 for i, abbr in enumerate(
        ["AGS", "BC", "BCS", "CAMP", "COAH", "COL", "CHIS", "CHIH", "CDMX", "DGO", "GTO",
         "GRO", "HGO", "JAL", "MEX", "MICH", "MOR", "NAY", "NL", "OAX", "PUE", "QRO", "QROO",
         "SLP", "SIN", "SON", "TAB", "TAMPS", "TLAX", "VER", "YUC"], start=1)}  # no Zacatecas
    m = state_map.for_reporter(state_map.build(_exports(values)), "MX-JAL")
    assert len(m.states) == 32 and m.no_data == 1
    zac = next(s for s in m.states if s.inegi == "32")
    assert zac.value_usd is None and zac.fill == state_map.NO_DATA_FILL
    assert m.ranked[-1].inegi == "32" and m.ranked[0].reporter == "MX-YUC"
    assert m.states[-1].reporter == "MX-JAL" and m.states[-1].current  # drawn last, on top
    assert m.current_name == "Jalisco"  # the legend explains the orange outline
    assert sum(c.count for c in m.legend) == 31
    assert m.legend[0].fill == state_map.COLOURS[-1]  # legend lists the darkest class first
    jal = m.states[-1]
    assert jal.href == "/dashboard?reporter=MX-JAL&start=2025&end=2025"
    assert {s.fill for s in m.states if s.value_usd is not None} == set(state_map.COLOURS)
    assert zac.tooltip == "Zacatecas: sin dato en 2025 — abrir su tablero"
    assert jal.tooltip == "Jalisco: US$14.00\u00a0mil\u00a0M en 2025 — abrir su tablero"
    # lowest class of 31 values: ranks 1 to ⌈31·1/5⌉ = 7
    assert m.legend[-1].text == "US$1.00\u00a0mil\u00a0M a US$7.00\u00a0mil\u00a0M (7 estados)"
    en = state_map.for_reporter(state_map.build(_exports(values), lang="en"), "MX-JAL")
    assert en.states[-1].tooltip == "Jalisco: US$14.00\u00a0bn in 2025 — open its dashboard"
    assert next(s for s in en.ranked if s.inegi == "32").value_text == "no figure"


def test_build_without_the_year_points_to_the_latest_year() -> None:
    m = state_map.for_reporter(state_map.build(_exports({}, year="2026")), "MEX")
    assert m.source is None and m.no_data == 32 and m.legend == ()
    assert m.current_name is None  # a country reporter has no state to outline
    assert m.latest_href == "/dashboard?reporter=MX-GTO&start=2025&end=2025"
    assert state_map.for_reporter(state_map.build(_exports({}, year="2026")),
                                  "MX-SON").latest_href == (
        "/dashboard?reporter=MX-SON&start=2025&end=2025")


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_palette_spreads_over_the_ramp(k: int) -> None:
    colours = state_map._palette(k)
    assert len(colours) == k and colours[-1] == state_map.COLOURS[-1]
    if k > 1:
        assert colours[0] == state_map.COLOURS[0]
