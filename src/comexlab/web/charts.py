"""ECharts options for the pages' charts (plain dicts rendered as JSON next to each chart)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

from comexlab.i18n import label, t
from comexlab.web.views import AggRow, ClusterGraph, Cut, SeriesPoint

_PALETTE = ["#0b6e4f", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#577590", "#90be6d"]
# No animation: charts are final as soon as they are drawn (screenshots, slow machines).
_BASE: dict[str, Any] = {"color": _PALETTE, "animation": False}
_VALUE_AXIS: dict[str, Any] = {"type": "value", "name": "US$ M", "splitNumber": 3,
                               "axisLabel": {"hideOverlap": True}}


def _millions(v: float | None) -> float | None:
    return None if v is None else round(v / 1e6, 2)


def hbar(rows: Sequence[Cut], title: str, *, lang: str = "es",
         limit: int = 12) -> dict[str, Any]:
    """Horizontal bars: value now and in the prior window, in US$ millions."""
    top = list(rows[:limit])[::-1]
    series: list[dict[str, Any]] = [
        {"name": title, "type": "bar", "data": [_millions(r.value_usd) for r in top]}
    ]
    if any(r.prior_usd is not None for r in top):
        series.insert(0, {"name": t("common.prior", lang), "type": "bar",
                          "data": [_millions(r.prior_usd) for r in top],
                          "itemStyle": {"color": "#b7c4be"}})
    return {
        **_BASE,
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 10, "right": 30, "top": 10, "bottom": 20, "containLabel": True},
        "xAxis": _VALUE_AXIS,
        "yAxis": {"type": "category", "data": [r.label[:40] for r in top]},
        "series": series,
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


def line(points: Sequence[SeriesPoint]) -> dict[str, Any]:
    """Line of the total by period."""
    return {
        **_BASE,
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 10, "right": 20, "top": 20, "bottom": 20, "containLabel": True},
        "xAxis": {"type": "category", "data": [p.period for p in points]},
        "yAxis": {"type": "value", "name": "US$ M"},
        "series": [{"type": "line", "data": [_millions(p.value_usd) for p in points]}],
    }


def exposure_bars(rows: Sequence[AggRow], *, lang: str = "es",
                  limit: int = 15) -> dict[str, Any]:
    """Exposed vs not exposed exports per group (US$ M), largest groups first."""
    top = sorted(rows, key=lambda r: r.exports_usd, reverse=True)[:limit][::-1]
    exposed = [_millions(r.exposed_usd or 0.0) for r in top]
    rest = [_millions(r.exports_usd - (r.exposed_usd or 0.0)) for r in top]
    exposed_name, rest_name = t("web.chart.exposed", lang), t("web.chart.not_exposed", lang)
    return {
        **_BASE,
        "color": ["#e76f51", "#b7c4be"],
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [exposed_name, rest_name]},
        "grid": {"left": 10, "right": 30, "top": 30, "bottom": 20, "containLabel": True},
        "xAxis": _VALUE_AXIS,
        "yAxis": {"type": "category", "data": [r.label[:40] for r in top]},
        "series": [
            {"name": exposed_name, "type": "bar", "stack": "t", "data": exposed},
            {"name": rest_name, "type": "bar", "stack": "t", "data": rest},
        ],
    }


def cluster_graph(graph: ClusterGraph, lang: str = "es") -> dict[str, Any]:
    """Circular graph of clusters (node size by members, colour by state) and typed links.

    Links are labelled with their kinds in the reader's language (``enum.cluster_link.*``).

    Circular rather than force-directed: a handful of clusters reads better on a fixed circle,
    and the picture is the same on every load.
    """
    states = sorted({n.state for n in graph.nodes})
    nodes = [
        {"id": n.id, "name": n.name, "value": n.members,
         "symbolSize": 18 + min(n.members, 40), "category": states.index(n.state)}
        for n in graph.nodes
    ]
    links = [{"source": lk.source, "target": lk.target, "label": {
              "show": True, "fontSize": 10,
              "formatter": ", ".join(label("cluster_link", k, lang) for k in lk.kinds)}}
             for lk in graph.links]
    return {
        **_BASE,
        "tooltip": {},
        "legend": {"data": states},
        "series": [{
            "type": "graph", "layout": "circular", "roam": True,
            "circular": {"rotateLabel": False},
            "categories": [{"name": s} for s in states],
            "data": nodes, "links": links,
            "label": {"show": True, "position": "right"},
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
        "grid": {"left": 10, "right": 20, "top": 20, "bottom": 20, "containLabel": True},
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
    return {
        **_BASE,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 10, "right": 30, "top": 30, "bottom": 20, "containLabel": True},
        "xAxis": _VALUE_AXIS,
        "yAxis": {"type": "category", "data": [str(r["market"]) for r in top]},
        "series": [
            {"name": t("web.markets.actual", lang), "type": "bar",
             "data": [_millions(r["actual_usd"]) for r in top],
             "itemStyle": {"color": "#b7c4be"}},
            {"name": t("web.markets.potential", lang), "type": "bar",
             "data": [_millions(r["potential_usd"]) for r in top]},
        ],
    }


def program_quarters(rows: Sequence[dict[str, Any]], lang: str = "es") -> dict[str, Any]:
    """Per quarter: firms enrolled, firms with a first sale abroad, new countries."""
    keys = ("firms_enrolled", "firms_first_sale", "new_countries")
    return {
        **_BASE,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 10, "right": 20, "top": 30, "bottom": 20, "containLabel": True},
        "xAxis": {"type": "category", "data": [str(r["quarter"]) for r in rows]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": t(f"web.program.{k}", lang), "type": "bar",
                    "data": [int(r[k]) for r in rows]} for k in keys],
    }
