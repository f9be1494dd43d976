"""ECharts options for the pages' charts (plain dicts rendered as JSON next to each chart)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

from comexlab.i18n import label, t
from comexlab.web.views import AggRow, ClusterGraph, Cut, Dashboard, SeriesPoint

_PALETTE = ["#0b6e4f", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#577590", "#90be6d"]
_PRIOR_COLOUR = "#b7c4be"
# No animation: charts are final as soon as they are drawn (screenshots, slow machines).
_BASE: dict[str, Any] = {"color": _PALETTE, "animation": False}
# ECharts 6 puts the legend at the bottom by default, over the value axis' labels: every
# legend here sits on top, and the grid of a chart with a legend starts below it.
LEGEND_TOP: dict[str, Any] = {"top": 0, "left": "center", "type": "scroll"}
GRID_TOP_WITH_LEGEND = 34
_NAME_BELOW = 24  # room under the axis labels for a value axis' name
_BILLION_FROM = 10_000.0  # an axis reaching US$10,000 M reads better in US$ billions


def _millions(v: float | None) -> float | None:
    return None if v is None else round(v / 1e6, 2)


def usd_axis(values: Sequence[float | None], lang: str = "es") -> tuple[float, str]:
    """Divisor and axis name for amounts in US$ millions, compact when they run to billions.

    Why: an axis of "US$ M" running to 300,000 reads badly; from US$10,000 M up the axis is in
    billions ("US$ mil M" in Spanish, "US$ bn" in English), like fmt_usd's labels.
    """
    top = max((abs(v) for v in values if v is not None), default=0.0)
    if top >= _BILLION_FROM:
        return 1000.0, "US$ mil M" if lang == "es" else "US$ bn"
    return 1.0, "US$ M" if lang == "es" else "US$ m"


def _scaled(values: Sequence[float | None], divisor: float) -> list[float | None]:
    return [None if v is None else round(v / divisor, 2) for v in values]


def _value_axis(name: str) -> dict[str, Any]:
    """A horizontal value axis named under its middle (at its end the name was cut off)."""
    return {"type": "value", "name": name, "splitNumber": 3, "nameLocation": "middle",
            "nameGap": 24, "axisLabel": {"hideOverlap": True}}


def period_label(start: str | None, end: str | None) -> str:
    """``2018`` or ``2016–2018``: the window as the page's headings write it."""
    if not start:
        return ""
    return start if not end or end == start else f"{start}–{end}"


def hbar(rows: Sequence[Cut], *, current: str, prior: str | None = None, lang: str = "es",
         limit: int = 12) -> dict[str, Any]:
    """Horizontal bars: value in the window and in the prior window, with a legend naming both.

    ``current``/``prior`` are the windows' labels (``2018``, ``2017``): the legend says which
    colour is which period, in the reader's language.
    """
    top = list(rows[:limit])[::-1]
    now = [_millions(r.value_usd) for r in top]
    before = [_millions(r.prior_usd) for r in top]
    has_prior = any(v is not None for v in before)
    divisor, unit = usd_axis(now + (before if has_prior else []), lang)
    current_name = current
    series: list[dict[str, Any]] = [
        {"name": current_name, "type": "bar", "data": _scaled(now, divisor)}
    ]
    if has_prior:
        prior_name = f"{t('common.prior', lang)} {prior}".strip() if prior else \
            t("common.prior", lang)
        series.insert(0, {"name": prior_name, "type": "bar", "data": _scaled(before, divisor),
                          "itemStyle": {"color": _PRIOR_COLOUR}})
    return {
        **_BASE,
        "tooltip": {"trigger": "axis"},
        "legend": {**LEGEND_TOP, "data": [s["name"] for s in series]},
        "grid": {"left": 10, "right": 40, "top": GRID_TOP_WITH_LEGEND,
                 "bottom": _NAME_BELOW, "containLabel": True},
        "xAxis": _value_axis(unit),
        "yAxis": {"type": "category", "data": [r.label[:40] for r in top]},
        "series": series,
    }


def dashboard_charts(data: Dashboard, lang: str = "es") -> dict[str, dict[str, Any]]:
    """The dashboard's four charts (sectors, products, destinations, series)."""
    current = period_label(data.start, data.end)
    prior = period_label(data.prior_start, data.prior_end) or None
    return {
        "sectors": hbar(data.sectors, current=current, prior=prior, lang=lang),
        "products": treemap(data.products),
        "destinations": hbar(data.destinations, current=current, prior=prior, lang=lang),
        "series": line(data.series, lang=lang),
    }


def treemap(rows: Sequence[Cut], *, limit: int = 40) -> dict[str, Any]:
    """Treemap of the largest rows by value."""
    data = [{"name": _tile_name(r.full_label or r.label), "value": _millions(r.value_usd)}
            for r in rows[:limit]]
    return {
        **_BASE,
        "tooltip": {"formatter": "{b}: US$ {c} M"},
        "series": [{"type": "treemap", "data": data, "roam": False, "nodeClick": False,
                    "breadcrumb": {"show": False}, "label": {"show": True}}],
    }


def _tile_name(label: str, size: int = 50) -> str:
    """A product label short enough for a tile: the code, its heading and its own text.

    '8703.23.01.40 — Vehículo › Coches › … › Other' → '8703.23.01.40 Coches › Other'; the
    table beside the chart carries the whole path.
    """
    code, sep, path = label.partition(" — ")
    parts = path.split(" › ") if sep else []
    if len(parts) >= 3:
        short = f"{code} {parts[1]} › {parts[-1]}"
    elif parts:
        short = f"{code} {parts[-1]}"
    else:
        short = label
    return short if len(short) <= size else short[:size - 1].rstrip() + "…"


def line(points: Sequence[SeriesPoint], lang: str = "es") -> dict[str, Any]:
    """Line of the total by period."""
    values = [_millions(p.value_usd) for p in points]
    divisor, unit = usd_axis(values, lang)
    return {
        **_BASE,
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 10, "right": 20, "top": 30, "bottom": 10, "containLabel": True},
        "xAxis": {"type": "category", "data": [p.period for p in points]},
        "yAxis": {"type": "value", "name": unit},
        "series": [{"type": "line", "name": unit, "data": _scaled(values, divisor)}],
    }


def exposure_bars(rows: Sequence[AggRow], *, lang: str = "es",
                  limit: int = 15) -> dict[str, Any]:
    """Exposed vs not exposed exports per group (US$ M), largest groups first.

    The legend sits above the plot (grid top leaves room), not over the value axis' labels.
    """
    top = sorted(rows, key=lambda r: r.exports_usd, reverse=True)[:limit][::-1]
    exposed = [_millions(r.exposed_usd or 0.0) for r in top]
    rest = [_millions(r.exports_usd - (r.exposed_usd or 0.0)) for r in top]
    divisor, unit = usd_axis([_millions(r.exports_usd) for r in top], lang)
    exposed_name, rest_name = t("web.chart.exposed", lang), t("web.chart.not_exposed", lang)
    return {
        **_BASE,
        "color": ["#e76f51", _PRIOR_COLOUR],
        "tooltip": {"trigger": "axis"},
        "legend": {**LEGEND_TOP, "data": [exposed_name, rest_name]},
        "grid": {"left": 10, "right": 40, "top": GRID_TOP_WITH_LEGEND,
                 "bottom": _NAME_BELOW, "containLabel": True},
        "xAxis": _value_axis(unit),
        "yAxis": {"type": "category", "data": [r.label[:40] for r in top]},
        "series": [
            {"name": exposed_name, "type": "bar", "stack": "t", "data": _scaled(exposed, divisor)},
            {"name": rest_name, "type": "bar", "stack": "t", "data": _scaled(rest, divisor)},
        ],
    }


def cluster_graph(graph: ClusterGraph, lang: str = "es") -> dict[str, Any]:
    """Circular graph of clusters (node size by members, colour by state) and typed links.

    The links' kinds (``enum.cluster_link.*``, in the reader's language) show when a link or a
    cluster is pointed at, not all the time: drawn at every link's middle they fell on the
    cluster names of a small circle. The table under the chart lists every link in words.

    Circular rather than force-directed: a handful of clusters reads better on a fixed circle,
    and the picture is the same on every load.
    """
    states = sorted({n.state for n in graph.nodes})
    nodes = [
        {"id": n.id, "name": n.name, "value": n.members,
         "symbolSize": 18 + min(n.members, 40), "category": states.index(n.state)}
        for n in graph.nodes
    ]
    links = [{"source": lk.source, "target": lk.target,
              "label": {"show": False,
                        "formatter": ", ".join(label("cluster_link", k, lang) for k in lk.kinds)},
              "emphasis": {"label": {"show": True}}}
             for lk in graph.links]
    return {
        **_BASE,
        "tooltip": {},
        "legend": {**LEGEND_TOP, "data": states},
        "series": [{
            "type": "graph", "layout": "circular", "roam": True,
            "top": GRID_TOP_WITH_LEGEND + 16, "bottom": 30, "left": "20%", "right": "20%",
            "circular": {"rotateLabel": False},
            "categories": [{"name": s} for s in states],
            "data": nodes, "links": links,
            # names on a light box, readable where a link passes behind them
            "label": {"show": True, "position": "right", "backgroundColor": "#ffffffd9",
                      "padding": [1, 3]},
            "labelLayout": {"hideOverlap": True},
            "edgeLabel": {"show": False, "fontSize": 11, "backgroundColor": "#ffffffcc",
                          "padding": 2},
            "emphasis": {"focus": "adjacency", "edgeLabel": {"show": True}},
            "lineStyle": {"width": 2, "curveness": 0.1},
        }],
    }


def regime_series(segments: Sequence[Any], changes_label: str = "") -> dict[str, Any]:
    """Daily ETR (%) as a step line, with a dot on each day the set of measures changes.

    ``segments``: stretches of constant regime (``start``, ``end``, ``etr``). The dots are a
    second line series without a line (the trimmed ECharts build has no markLine component);
    the page lists what changed on each of those days.
    """
    days: list[str] = []
    values: list[float] = []
    dots: list[float | None] = []
    for k, seg in enumerate(segments):
        span = (seg.end - seg.start).days + 1
        for i in range(span):
            days.append((seg.start + _dt.timedelta(days=i)).isoformat())
            values.append(round(seg.etr * 100, 3))
            dots.append(round(seg.etr * 100, 3) if i == 0 and k else None)
    return {
        **_BASE,
        "tooltip": {"trigger": "axis"},
        "legend": {**LEGEND_TOP, "data": ["ETR %", changes_label] if changes_label else ["ETR %"]},
        "grid": {"left": 10, "right": 20, "top": GRID_TOP_WITH_LEGEND + 10, "bottom": 10,
                 "containLabel": True},
        "xAxis": {"type": "category", "data": days},
        "yAxis": {"type": "value", "name": "%", "splitNumber": 4},
        "series": [
            {"type": "line", "name": "ETR %", "step": "end", "showSymbol": False,
             "data": values},
            {"type": "line", "name": changes_label, "data": dots, "connectNulls": False,
             "showSymbol": True, "showAllSymbol": True, "symbolSize": 7,
             "lineStyle": {"width": 0}},
        ],
    }


def market_bars(rows: Sequence[dict[str, Any]], lang: str = "es",
                limit: int = 15) -> dict[str, Any]:
    """Markets' export potential against actual exports (US$ millions), best at the top."""
    top = list(rows[:limit])[::-1]
    actual = [_millions(r["actual_usd"]) for r in top]
    potential = [_millions(r["potential_usd"]) for r in top]
    divisor, unit = usd_axis(actual + potential, lang)
    return {
        **_BASE,
        "tooltip": {"trigger": "axis"},
        "legend": dict(LEGEND_TOP),
        "grid": {"left": 10, "right": 40, "top": GRID_TOP_WITH_LEGEND,
                 "bottom": _NAME_BELOW, "containLabel": True},
        "xAxis": _value_axis(unit),
        "yAxis": {"type": "category", "data": [str(r["market"]) for r in top]},
        "series": [
            {"name": t("web.markets.actual", lang), "type": "bar",
             "data": _scaled(actual, divisor), "itemStyle": {"color": _PRIOR_COLOUR}},
            {"name": t("web.markets.potential", lang), "type": "bar",
             "data": _scaled(potential, divisor)},
        ],
    }


def program_quarters(rows: Sequence[dict[str, Any]], lang: str = "es") -> dict[str, Any]:
    """Per quarter: firms enrolled, firms with a first sale abroad, new countries."""
    keys = ("firms_enrolled", "firms_first_sale", "new_countries")
    return {
        **_BASE,
        "tooltip": {"trigger": "axis"},
        "legend": dict(LEGEND_TOP),
        "grid": {"left": 10, "right": 20, "top": GRID_TOP_WITH_LEGEND, "bottom": 10,
                 "containLabel": True},
        "xAxis": {"type": "category", "data": [str(r["quarter"]) for r in rows]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": t(f"web.program.{k}", lang), "type": "bar",
                    "data": [int(r[k]) for r in rows]} for k in keys],
    }
