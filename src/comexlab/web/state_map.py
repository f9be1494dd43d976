"""The dashboard's map of exports by state: outlines + quantile classes → what the page draws.

Drawn on the server as inline SVG (``_state_map.html``): no script, so it works under the CSP
and with JavaScript off, and each state is a plain link to its own dashboard. The outlines are
``maps/mx_states.json``, built from the npm package ``@svg-maps/mexico`` (CC BY 4.0) by
``scripts/build_mx_states.py`` and keyed by INEGI state code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlencode

from comexlab.nomenclature.states import is_state_reporter, states
from comexlab.presentation.choropleth import classify
from comexlab.services.reports import StateExports
from comexlab.web.adapters.report import DEFAULT_REPORTER

#: ColorBrewer "Greens" (sequential, colour-blind safe, prints in grey): the 6-class ramp less
#: its near-white first step, so the lowest class still stands out from the page.
COLOURS = ("#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c")
#: States without a figure: a grey hatch (an SVG pattern defined in the template).
NO_DATA_FILL = "url(#smap-hatch)"


@dataclass(frozen=True, slots=True)
class Outlines:
    """The vendored outlines: view box, INEGI code → SVG path, and where they come from."""

    view_box: str
    paths: dict[str, str]
    source: dict[str, str]


@cache
def outlines() -> Outlines:
    """Read ``maps/mx_states.json`` once per process."""
    raw = resources.files("comexlab.web").joinpath("maps/mx_states.json").read_text("utf-8")
    doc = json.loads(raw)
    return Outlines(view_box=doc["viewBox"],
                    paths={code: s["d"] for code, s in doc["states"].items()},
                    source=doc["source"])


@dataclass(frozen=True, slots=True)
class MapState:
    """One state on the map and in the table beside it."""

    inegi: str
    reporter: str
    name: str
    d: str
    value_usd: float | None
    fill: str
    href: str
    current: bool


@dataclass(frozen=True, slots=True)
class LegendClass:
    """A colour and the range of values (US$) it stands for."""

    fill: str
    low: float
    high: float
    count: int


@dataclass(frozen=True, slots=True)
class StateMap:
    """What ``_state_map.html`` draws.

    ``states``: drawing order (the current state last, so its outline is on top); ``ranked``:
    the table, largest first, states without data last.
    """

    year: str
    source: str | None
    view_box: str
    states: tuple[MapState, ...]
    ranked: tuple[MapState, ...]
    legend: tuple[LegendClass, ...]
    no_data: int
    latest_year: str | None
    latest_href: str | None
    current_name: str | None
    credit: dict[str, str]


def _palette(k: int) -> tuple[str, ...]:
    """``k`` colours spread over the 5-class ramp (ties may leave fewer classes)."""
    if k <= 1:
        return COLOURS[-1:] * k
    last = len(COLOURS) - 1
    return tuple(COLOURS[round(i * last / (k - 1))] for i in range(k))


def dashboard_href(reporter: str, year: str) -> str:
    """The state's dashboard for the map's year (the page's own reporter/period selector)."""
    return "/dashboard?" + urlencode({"reporter": reporter, "start": year, "end": year})


def build(exports: StateExports, *, current: str | None = None) -> StateMap:
    """The map of ``exports``: each state's fill by quintile class, hatched without data."""
    shapes = outlines()
    classes = classify(exports.values)
    colours = _palette(len(classes.uppers))
    drawn = []
    for st in states():
        value = exports.values.get(st.reporter)
        fill = NO_DATA_FILL if value is None else colours[classes.of[st.reporter]]
        drawn.append(MapState(inegi=st.inegi, reporter=st.reporter, name=st.name,
                              d=shapes.paths[st.inegi], value_usd=value, fill=fill,
                              href=dashboard_href(st.reporter, exports.year),
                              current=st.reporter == current))
    latest = exports.years[0] if exports.years else None
    ranked = sorted(drawn, key=lambda s: (s.value_usd is None, -(s.value_usd or 0.0), s.inegi))
    legend = tuple(LegendClass(fill=colours[i], low=c.low, high=c.high, count=c.count)
                   for i, c in enumerate(classes.classes))
    return StateMap(
        year=exports.year, source=exports.source, view_box=shapes.view_box,
        states=tuple(sorted(drawn, key=lambda s: s.current)), ranked=tuple(ranked),
        legend=legend[::-1], no_data=sum(s.value_usd is None for s in drawn),
        latest_year=latest, latest_href=_latest_href(latest, current),
        current_name=next((s.name for s in drawn if s.current), None), credit=shapes.source)


def _latest_href(latest: str | None, current: str | None) -> str | None:
    """Where "show the latest map" goes: this state's (or the default state's) latest year."""
    if latest is None:
        return None
    who = current if current and is_state_reporter(current) else DEFAULT_REPORTER
    return dashboard_href(who, latest)
