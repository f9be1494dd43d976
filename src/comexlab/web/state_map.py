"""The dashboard's map of exports by state: outlines + quantile classes → what the page draws.

Drawn as SVG in the page (``_state_map.html``): no script, so it works under the CSP and with
JavaScript off, and each state is a plain link to its own dashboard. The page holds only a
``<use>`` per state pointing into ``static/vendor/mx_states.svg`` (built from the npm package
``@svg-maps/mexico``, CC BY 4.0, by ``scripts/build_mx_states.py``; ids ``s01``–``s32`` = INEGI
codes): the 43 KB of outlines are fetched and cached once by the browser instead of being
sent, and compressed, with every dashboard (gzip -9 of the paths alone cost ~10–30 ms a page).
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from urllib.parse import urlencode

from comexlab.i18n import t
from comexlab.nomenclature.states import is_state_reporter, states
from comexlab.presentation.choropleth import classify
from comexlab.services.reports import StateExports
from comexlab.web.adapters.report import DEFAULT_REPORTER
from comexlab.web.render import usd_nowrap as fmt_usd

#: ColorBrewer "Greens" (sequential, colour-blind safe, prints in grey): the 6-class ramp less
#: its near-white first step, so the lowest class still stands out from the page.
COLOURS = ("#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c")
#: States without a figure: a grey hatch (an SVG pattern defined in the template).
NO_DATA_FILL = "url(#smap-hatch)"
OUTLINES = "static/vendor/mx_states.svg"
_SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True, slots=True)
class Outlines:
    """The vendored outlines: view box, URL (versioned by content), ids, and their source."""

    view_box: str
    url: str
    codes: tuple[str, ...]
    source: dict[str, str]


@cache
def outlines() -> Outlines:
    """Read ``static/vendor/mx_states.svg`` once per process."""
    raw = resources.files("comexlab.web").joinpath(OUTLINES).read_bytes()
    root = ET.fromstring(raw)
    codes = tuple(p.attrib["id"].removeprefix("s") for p in root.iter(f"{_SVG}path"))
    version = hashlib.sha256(raw).hexdigest()[:12]  # a new file is a new URL for every cache
    return Outlines(view_box=root.attrib["viewBox"], url=f"/{OUTLINES}?v={version}",
                    codes=codes, source=json.loads(root.findtext(f"{_SVG}metadata") or ""))


@dataclass(frozen=True, slots=True)
class MapState:
    """One state on the map and in the table beside it.

    Texts come already in the reader's language: formatting its 70 amounts with Babel took
    ~8 ms per page view, so they are made once per year and language (and cached).
    """

    inegi: str
    reporter: str
    name: str
    value_usd: float | None
    value_text: str
    tooltip: str
    fill: str
    href: str
    current: bool = False


@dataclass(frozen=True, slots=True)
class LegendClass:
    """A colour and the range of values (US$) it stands for, in words."""

    fill: str
    low: float
    high: float
    count: int
    text: str


@dataclass(frozen=True, slots=True)
class StateMap:
    """What ``_state_map.html`` draws.

    ``states``: drawing order (the current state last, so its outline is on top); ``ranked``:
    the table, largest first, states without data last.
    """

    year: str
    source: str | None
    view_box: str
    outlines_url: str
    states: tuple[MapState, ...]
    ranked: tuple[MapState, ...]
    legend: tuple[LegendClass, ...]
    no_data: int
    latest_year: str | None
    latest_href: str | None
    credit: dict[str, str]
    current_name: str | None = None


def _palette(k: int) -> tuple[str, ...]:
    """``k`` colours spread over the 5-class ramp (ties may leave fewer classes)."""
    if k <= 1:
        return COLOURS[-1:] * k
    last = len(COLOURS) - 1
    return tuple(COLOURS[round(i * last / (k - 1))] for i in range(k))


def dashboard_href(reporter: str, year: str) -> str:
    """The state's dashboard for the map's year (the page's own reporter/period selector)."""
    return "/dashboard?" + urlencode({"reporter": reporter, "start": year, "end": year})


def build(exports: StateExports, *, lang: str = "es") -> StateMap:
    """The map of ``exports``: each state's fill by quintile class, hatched without data.

    The same for every reader of a year and language (the page caches it);
    :func:`for_reporter` marks the state being shown.
    """
    shapes = outlines()
    classes = classify(exports.values)
    colours = _palette(len(classes.uppers))
    drawn = []
    for st in states():
        value = exports.values.get(st.reporter)
        text = t("web.map.no_data", lang) if value is None else fmt_usd(value, lang)
        drawn.append(MapState(
            inegi=st.inegi, reporter=st.reporter, name=st.name,
            value_usd=value, value_text=text,
            tooltip=t("web.map.tooltip", lang, name=st.name, value=text, year=exports.year),
            fill=NO_DATA_FILL if value is None else colours[classes.of[st.reporter]],
            href=dashboard_href(st.reporter, exports.year)))
    latest = exports.years[0] if exports.years else None
    ranked = sorted(drawn, key=lambda s: (s.value_usd is None, -(s.value_usd or 0.0), s.inegi))
    legend = tuple(
        LegendClass(fill=colours[i], low=c.low, high=c.high, count=c.count,
                    text=t("web.map.class_range", lang, low=fmt_usd(c.low, lang),
                           high=fmt_usd(c.high, lang), n=c.count))
        for i, c in enumerate(classes.classes))
    return StateMap(
        year=exports.year, source=exports.source, view_box=shapes.view_box,
        outlines_url=shapes.url,
        states=tuple(drawn), ranked=tuple(ranked), legend=legend[::-1],
        no_data=sum(s.value_usd is None for s in drawn), latest_year=latest,
        latest_href=_latest_href(latest, None), credit=shapes.source)


def for_reporter(base: StateMap, current: str | None) -> StateMap:
    """``base`` with ``current`` (the dashboard's reporter) outlined and drawn last."""
    def mark(rows: tuple[MapState, ...]) -> tuple[MapState, ...]:
        return tuple(replace(s, current=True) if s.reporter == current else s for s in rows)

    drawn = mark(base.states)
    name = next((s.name for s in drawn if s.current), None)
    return replace(base, states=tuple(sorted(drawn, key=lambda s: s.current)),
                   ranked=mark(base.ranked), current_name=name,
                   latest_href=_latest_href(base.latest_year, current))


def _latest_href(latest: str | None, current: str | None) -> str | None:
    """Where "show the latest map" goes: this state's (or the default state's) latest year."""
    if latest is None:
        return None
    who = current if current and is_state_reporter(current) else DEFAULT_REPORTER
    return dashboard_href(who, latest)
