"""ECharts options of the supply pages (plain dicts, rendered as JSON next to each chart).

The vendored ECharts build has bar, line, treemap and graph series only (see
static/vendor/echarts.BUILD.md); the feasibility × imports scatter is a line series with no
line (``lineStyle.width = 0``) on two value axes — the same picture without a new build.
"""

from __future__ import annotations

import math
from typing import Any

from comexlab.i18n import t
from comexlab.services.supply import ComplexityResult, OpportunitiesResult
from comexlab.sources.hs_names import product_name
from comexlab.web.charts import GRID_TOP_WITH_LEGEND, LEGEND_TOP

_BASE: dict[str, Any] = {"animation": False, "color": ["#0b6e4f", "#e76f51", "#577590"]}


def opportunity_scatter(result: OpportunitiesResult, lang: str) -> dict[str, Any]:
    """Feasibility (x) against imports in US$ M (y, log axis), one point per heading."""
    points = [{"value": [round(o.scored.feasibility or 0.0, 4),
                         round(o.scored.candidate.import_usd / 1e6, 2)],
               "name": f"{o.rank}. {o.scored.candidate.hs4} "
                       f"{product_name(o.scored.candidate.hs4, lang) or o.description}",
               "label": {"formatter": o.scored.candidate.hs4},
               "symbolSize": 8 + 18 * o.scored.coverage}
              for o in result.opportunities]
    return {
        **_BASE,
        "tooltip": {"trigger": "item", "formatter": "{b}"},
        "grid": {"left": 10, "right": 30, "top": 30, "bottom": 30, "containLabel": True},
        "xAxis": {"type": "value", "name": t("web.supply.axis_feasibility", lang),
                  "nameLocation": "middle", "nameGap": 25, "scale": True},
        "yAxis": {"type": "log", "name": t("web.supply.axis_imports", lang),
                  "logBase": 10},
        "series": [{"type": "line", "data": points, "showSymbol": True, "symbol": "circle",
                    "lineStyle": {"width": 0}, "emphasis": {"focus": "self"},
                    "label": {"show": True, "fontSize": 10, "position": "right"},
                    "labelLayout": {"hideOverlap": True}}],
    }


def eci_bars(result: ComplexityResult, lang: str) -> dict[str, Any]:
    """ECI by state, highest at the top; the chosen state in its own colour, named in the legend.

    Two stacked series (the chosen state, the other states) rather than one series with a
    colour per bar, so the legend can say what the orange bar is.
    """
    rows = list(result.states)[::-1]
    chosen = next((s.name for s in rows if s.state == result.state), None)
    others = t("web.supply.other_states", lang)

    def values(mine: bool) -> list[float | None]:
        return [round(s.eci, 3) if (s.state == result.state) == mine else None for s in rows]

    series = [{"type": "bar", "name": others, "stack": "eci", "data": values(False),
               "itemStyle": {"color": "#0b6e4f"}}]
    if chosen is not None:
        series.append({"type": "bar", "name": chosen, "stack": "eci", "data": values(True),
                       "itemStyle": {"color": "#e76f51"}})
    return {
        **_BASE,
        "tooltip": {"trigger": "axis"},
        "legend": {**LEGEND_TOP, "data": [s["name"] for s in series]},
        "grid": {"left": 10, "right": 30, "top": GRID_TOP_WITH_LEGEND, "bottom": 24,
                 "containLabel": True},
        "xAxis": {"type": "value", "name": "ECI", "nameLocation": "middle", "nameGap": 24},
        "yAxis": {"type": "category", "data": [s.abbr for s in rows],
                  "axisLabel": {"fontSize": 10}},
        "series": series,
    }


def product_space(result: ComplexityResult, lang: str, *, min_proximity: float = 0.5
                  ) -> dict[str, Any]:
    """Subsectors on a circle, linked where proximity ≥ ``min_proximity``.

    The chosen state's subsectors with RCA ≥ 1 in colour, node size by PCI.
    """
    present = t("web.supply.present", lang)
    absent = t("web.supply.absent", lang)
    nodes = [{"id": s.scian3, "name": s.scian3,
              "symbolSize": 14 + 6 * max(0.0, s.pci + 2),
              "category": 0 if s.present else 1,
              "value": round(s.pci, 2)} for s in result.subsectors]
    links = [{"source": a, "target": b, "value": round(p, 2),
              "lineStyle": {"width": 1 + 3 * p, "opacity": 0.25 + 0.5 * p}}
             for a, b, p in result.edges if p >= min_proximity and not math.isnan(p)]
    return {
        **_BASE,
        "color": ["#e76f51", "#9fb3ab"],
        "tooltip": {},
        "legend": {**LEGEND_TOP, "data": [present, absent]},
        "series": [{"type": "graph", "layout": "circular", "roam": True,
                    "top": GRID_TOP_WITH_LEGEND + 16, "bottom": 20,
                    "categories": [{"name": present}, {"name": absent}],
                    "data": nodes, "links": links,
                    "label": {"show": True, "position": "right"}}],
    }
