"""The ECharts options of web/charts.py and web/supply_charts.py (issue 13: tables and charts).

What a reader saw: bars in two colours with no legend (which one is the prior period?), the
exposure chart's legend drawn over the value axis (ECharts 6 puts legends at the bottom by
default), cluster link labels printed over the clusters' names, axes running to "300,000"
US$ M. The specs are plain dicts, so these are checked here without a browser.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from comexlab.web import charts, supply_charts
from comexlab.web.render import sort_value, usd_nowrap
from comexlab.web.views import (
    AggRow,
    ClusterGraph,
    Cut,
    Dashboard,
    GraphLink,
    GraphNode,
    SeriesPoint,
)


def _legend_clear_of_the_plot(option: dict[str, Any]) -> None:
    """The legend is on top and the plot starts below it; nothing at the bottom to cover."""
    legend = option["legend"]
    assert legend["top"] == 0 and "bottom" not in legend
    if "grid" in option:
        assert option["grid"]["top"] >= charts.GRID_TOP_WITH_LEGEND >= 30
        assert option["grid"]["containLabel"] is True  # axis labels inside the grid
        axis = option.get("xAxis", {})
        if axis.get("type") == "value" and axis.get("name"):
            # the unit is written under the axis' middle, with room for it below the grid
            assert axis["nameLocation"] == "middle"
            assert option["grid"]["bottom"] >= axis["nameGap"] >= 20


def _dashboard(**kw: Any) -> Dashboard:
    sectors = [Cut(code="336", label="Equipo de transporte", value_usd=14.2e9, prior_usd=13.1e9,
                   change=0.084, share=0.57),
               Cut(code="311", label="Alimentos", value_usd=1.1e9, prior_usd=1.2e9,
                   change=-0.083, share=0.04)]
    base = {"reporter": "MX-GTO", "reporter_label": "Guanajuato", "start": "2018",
            "end": "2018", "prior_start": "2017", "prior_end": "2017", "total_usd": 24.7e9,
            "sectors": sectors, "destinations": [],
            "series": [SeriesPoint(period="2017", value_usd=24.4e9),
                       SeriesPoint(period="2018", value_usd=24.7e9)]}
    return Dashboard(**{**base, **kw})


def test_dashboard_bars_have_a_legend_naming_both_periods() -> None:
    option = charts.dashboard_charts(_dashboard(), "es")["sectors"]
    names = [s["name"] for s in option["series"]]
    assert names == ["Periodo anterior 2017", "2018"]
    assert option["legend"]["data"] == names
    _legend_clear_of_the_plot(option)
    prior, current = option["series"]
    assert prior["itemStyle"]["color"] != charts._PALETTE[0]  # grey prior, green current
    # 14.2 bn = 14,200 M: the axis switches to billions ("mil M") instead of 14,200
    assert option["xAxis"]["name"] == "US$ mil M" and current["data"] == [1.1, 14.2]
    english = charts.dashboard_charts(_dashboard(), "en")["sectors"]
    assert [s["name"] for s in english["series"]] == ["Prior period 2017", "2018"]
    assert english["xAxis"]["name"] == "US$ bn"


def test_window_of_several_years_is_named_as_a_range() -> None:
    data = _dashboard(start="2016", end="2018", prior_start="2013", prior_end="2015")
    names = [s["name"] for s in charts.dashboard_charts(data, "es")["sectors"]["series"]]
    assert names == ["Periodo anterior 2013–2015", "2016–2018"]


def test_bars_without_prior_values_have_one_named_series() -> None:
    rows = [Cut(code="336", label="Transporte", value_usd=5e6)]
    option = charts.hbar(rows, current="2026-01–2026-02", prior=None)
    assert [s["name"] for s in option["series"]] == ["2026-01–2026-02"]
    assert option["legend"]["data"] == ["2026-01–2026-02"]
    assert option["xAxis"]["name"] == "US$ M" and option["series"][0]["data"] == [5.0]


def test_exposure_legend_does_not_cover_the_value_axis() -> None:
    rows = [AggRow(code="XVII", label="XVII Material de transporte", exports_usd=180e9,
                   exposed_usd=140e9),
            AggRow(code="XVI", label="XVI Máquinas", exports_usd=280e9, exposed_usd=30e9)]
    option = charts.exposure_bars(rows, lang="es")
    _legend_clear_of_the_plot(option)
    assert option["legend"]["data"] == ["expuesto", "no expuesto"]
    assert option["xAxis"]["name"] == "US$ mil M"
    exposed, rest = option["series"]
    # largest group on top (ECharts draws categories bottom-up): XVI last
    assert option["yAxis"]["data"][-1].startswith("XVI ")
    assert exposed["data"] == [140.0, 30.0] and rest["data"] == [40.0, 250.0]


def test_cluster_link_labels_show_on_hover_only() -> None:
    graph = ClusterGraph(
        nodes=[GraphNode(id="a", name="Clúster de Nuevo León", state="Nuevo León", members=4),
               GraphNode(id="b", name="Clúster de Querétaro", state="Querétaro", members=9)],
        links=[GraphLink(source="a", target="b", kind="training", kinds=["training"])])
    option = charts.cluster_graph(graph, "es")
    series = option["series"][0]
    link = series["links"][0]
    assert link["label"]["show"] is False and link["emphasis"]["label"]["show"] is True
    assert link["label"]["formatter"]  # the kind in words, shown when pointed at
    assert series["edgeLabel"]["show"] is False and series["emphasis"]["edgeLabel"]["show"]
    assert series["label"]["show"] is True  # the names always
    _legend_clear_of_the_plot(option)
    assert series["top"] > option["legend"]["top"]  # the circle starts under the legend


def test_regime_series_legend_names_the_dots() -> None:
    seg = [SimpleNamespace(start=dt.date(2025, 1, 1),
                           end=dt.date(2025, 1, 3), etr=0.01),
           SimpleNamespace(start=dt.date(2025, 1, 4),
                           end=dt.date(2025, 1, 5), etr=0.05)]
    option = charts.regime_series(seg, "Cambios de medidas")
    assert option["legend"]["data"] == ["ETR %", "Cambios de medidas"]
    _legend_clear_of_the_plot(option)
    assert option["series"][1]["data"] == [None, None, None, 5.0, None]


def test_market_and_program_charts_keep_room_for_their_legend() -> None:
    rows = [{"market": "USA", "actual_usd": 280.9e6, "potential_usd": 310e6}]
    _legend_clear_of_the_plot(charts.market_bars(rows, "es"))
    quarters = [{"quarter": "2025Q1", "firms_enrolled": 3, "firms_first_sale": 1,
                 "new_countries": 2}]
    _legend_clear_of_the_plot(charts.program_quarters(quarters, "es"))


def _complexity(state: str | None) -> Any:
    states = tuple(SimpleNamespace(state=code, abbr=abbr, name=name, eci=eci)
                   for code, abbr, name, eci in [("11", "GTO", "Guanajuato", 0.8),
                                                 ("14", "JAL", "Jalisco", 1.1)])
    return SimpleNamespace(states=states, state=state, subsectors=(), edges=())


def test_eci_legend_names_the_chosen_state() -> None:
    option = supply_charts.eci_bars(_complexity("11"), "es")
    assert option["legend"]["data"] == ["otras entidades", "Guanajuato"]
    _legend_clear_of_the_plot(option)
    others, chosen = option["series"]
    assert chosen["data"] == [None, 0.8] and others["data"] == [1.1, None]  # JAL top
    assert others["stack"] == chosen["stack"]  # one bar per state
    assert [s["name"] for s in supply_charts.eci_bars(_complexity(None), "es")["series"]] == \
        ["otras entidades"]


def test_product_space_legend_on_top() -> None:
    option = supply_charts.product_space(_complexity("11"), "es")
    assert option["legend"]["top"] == 0
    assert option["series"][0]["top"] >= charts.GRID_TOP_WITH_LEGEND


@pytest.mark.parametrize(("value", "lang", "text"), [
    (41.52e9, "es", "US$41.52\u00a0mil\u00a0M"),
    (41.52e9, "en", "US$41.52\u00a0bn"),
    (280.9e6, "es", "US$280.9\u00a0M"),
    (None, "es", "—"),
])
def test_amounts_on_pages_never_break(value, lang, text) -> None:
    assert usd_nowrap(value, lang) == text and " " not in usd_nowrap(value, lang)


@pytest.mark.parametrize(("value", "key"), [
    (24712286000.0, "24712286000.0"), (-0.083, "-0.083"), (12, "12"), (None, ""),
    (float("nan"), ""), (True, "1"), (dt.date(2026, 5, 1), "2026-05-01"),
])
def test_sort_values_are_raw(value, key) -> None:
    assert sort_value(value) == key
