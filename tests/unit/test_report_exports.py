"""The S1 export report on small hand-built tables: totals, changes, shares, missing cuts."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from comexlab.reports.exports import (
    OTHERS,
    UNASSIGNED,
    Reporter,
    ReportInput,
    SourceProfile,
    build_report,
    compare,
    cuts_to_build,
    missing_cuts,
    pct_change,
    share,
)
from comexlab.reports.windows import Window

INEGI = SourceProfile("inegi_eaef", "SCIAN", "scian3", "year", "state", "world_only",
                      caveats=("report.caveat.inegi_scope",))
DATAWEB = SourceProfile("usitc_dataweb", "HTS", "hts10", "month", "country", "us_only")
COMTRADE = SourceProfile("comtrade", "HS", "hs4", "year", "country", "by_partner",
                         caveats=("report.caveat.comtrade_incomplete",))
GTO = Reporter("MX-GTO", "state", "Guanajuato")


def _scian_rows(values: dict[tuple[str, str], float], total: dict[str, float]) -> pd.DataFrame:
    rows = [{"window": w, "product_code": code, "partner": "WLD", "value_usd": v,
             "is_total": False, "subsector": code, "sector": "31-33"}
            for (w, code), v in values.items()]
    rows += [{"window": w, "product_code": "TOTAL", "partner": "WLD", "value_usd": v,
              "is_total": True, "subsector": None, "sector": None} for w, v in total.items()]
    return pd.DataFrame(rows)


def test_pct_change_and_share_edge_cases() -> None:
    assert pct_change(106.0, 100.0) == pytest.approx(0.06)
    assert pct_change(94.0, 100.0) == pytest.approx(-0.06)
    assert pct_change(5.0, 0.0) is None
    assert pct_change(5.0, None) is None
    assert share(25.0, 100.0) == 0.25
    assert share(1.0, 0.0) is None


def test_compare_adds_residual_so_cut_sums_to_total() -> None:
    rows = _scian_rows({("current", "336"): 80.0, ("current", "326"): 10.0,
                        ("prior", "336"): 70.0, ("prior", "326"): 10.0},
                       {"current": 100.0, "prior": 85.0})
    table = compare(rows, "subsector", current_total=100.0, prior_total=85.0,
                    labels={"336": "Transport equipment"})
    assert list(table["code"]) == ["336", "326", UNASSIGNED]
    assert table.loc[0, "label"] == "Transport equipment"
    assert table.loc[0, "change_pct"] == pytest.approx(80 / 70 - 1)
    assert table.loc[0, "share"] == pytest.approx(0.8)
    assert table["value_usd"].sum() == pytest.approx(100.0)
    assert table["prior_value_usd"].sum() == pytest.approx(85.0)
    assert table["share"].sum() == pytest.approx(1.0)


def test_compare_folds_tail_into_others() -> None:
    rows = pd.DataFrame({"window": ["current"] * 5, "product": list("abcde"),
                         "value_usd": [50.0, 20.0, 15.0, 10.0, 5.0], "partner": "USA",
                         "is_total": False})
    table = compare(rows, "product", current_total=100.0, prior_total=0.0, top=2)
    assert list(table["code"]) == ["a", "b", OTHERS]
    assert table.loc[2, "value_usd"] == 30.0
    assert table["change_pct"].isna().all()  # prior is zero: no % change, never infinity


def test_national_share_per_group() -> None:
    rows = _scian_rows({("current", "336"): 20.0}, {"current": 20.0})
    national = _scian_rows({("current", "336"): 80.0}, {"current": 80.0})
    table = compare(rows, "subsector", current_total=20.0, prior_total=None, national=national)
    assert table.loc[0, "national_share"] == pytest.approx(0.25)
    assert math.isnan(table.loc[0, "prior_value_usd"])


def test_inegi_report_cannot_give_products_or_destinations() -> None:
    rows = _scian_rows({("current", "336"): 80.0, ("prior", "336"): 60.0},
                       {"current": 100.0, "prior": 80.0})
    national = _scian_rows({("current", "336"): 400.0, ("prior", "336"): 300.0},
                           {"current": 1000.0, "prior": 800.0})
    report = build_report(GTO, Window.parse("2018"), INEGI,
                          ReportInput(rows=rows, national=national))
    assert report.total.value_usd == 100.0
    assert report.total.change_pct == pytest.approx(0.25)
    assert report.total.national_share == pytest.approx(0.10)
    assert report.total.prior_national_share == pytest.approx(0.10)
    assert [c.cut for c in report.cuts] == ["sector", "subsector"]
    missing = {m.cut: m.reason.key for m in report.missing}
    assert missing == {"product": "report.why.product_scian",
                       "partner": "report.why.partner_world_only"}
    assert report.prior.codes() == ("2017",)
    assert "report.caveat.inegi_scope" in [n.key for n in report.notes]


def test_asking_inegi_for_sections_lists_the_cut_as_missing() -> None:
    assert cuts_to_build(INEGI, by="section", partner=None) == ("sector", "subsector")
    reasons = {m.cut: m.reason.key for m in missing_cuts(INEGI, partner=None, wanted=["section"])}
    assert reasons["section"] == "report.why.section_not_in_SCIAN"


def test_dataweb_report_by_section_has_no_destinations() -> None:
    assert cuts_to_build(DATAWEB, by="section", partner="USA") == ("section", "product")
    reasons = {m.cut: m.reason.key for m in missing_cuts(DATAWEB, partner="USA", wanted=[])}
    assert reasons == {"partner": "report.why.partner_filtered"}
    reasons = {m.cut: m.reason.key for m in missing_cuts(DATAWEB, partner=None, wanted=[])}
    assert reasons == {"partner": "report.why.partner_us_only"}


def test_comtrade_world_rows_are_not_added_to_partner_rows() -> None:
    rows = pd.DataFrame({
        "window": ["current"] * 3, "product_code": ["0101"] * 3,
        "partner": ["WLD", "USA", "DEU"], "value_usd": [100.0, 60.0, 30.0],
        "is_total": False, "section": "1", "chapter": "01",
    })
    report = build_report(Reporter("MEX", "country", "México"), Window.parse("2019"),
                          COMTRADE, ReportInput(rows=rows, prior_loaded=False))
    assert report.total.value_usd == 90.0
    assert report.total.prior_value_usd is None and report.total.change_pct is None
    assert list(report.cut("partner")["code"]) == ["USA", "DEU"]
    keys = [n.key for n in report.notes]
    assert "report.caveat.comtrade_incomplete" in keys
    assert "report.note.prior_not_loaded" in keys


@given(st.lists(st.tuples(st.sampled_from(["311", "326", "336", "999"]),
                          st.sampled_from(["current", "prior"]),
                          st.floats(0, 1e9, allow_subnormal=False)), min_size=1, max_size=30))
def test_every_cut_adds_up_to_the_total(entries: list[tuple[str, str, float]]) -> None:
    values: dict[tuple[str, str], float] = {}
    for code, window, value in entries:
        values[(window, code)] = values.get((window, code), 0.0) + value
    rows = _scian_rows(values, {})
    report = build_report(GTO, Window.parse("2018"), INEGI, ReportInput(rows=rows))
    for cut in report.cuts:
        assert cut.rows["value_usd"].sum() == pytest.approx(report.total.value_usd, abs=1.0)
