"""Figures that say what they are (issue 9): hand-built lines through the pure engine.

* content-basis rates ("2.5% on the value of the lead content") are not ``exact``;
* a withdrawn preference on a specific-duty line without quantities is *unmeasured* exposure
  (exposure is a lower bound), counted in value and lines;
* the share of value whose SMART figures rest on the default elasticity is a headline field.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from comexlab.i18n import Msg
from comexlab.tariffs.ave import AveMethod, ave_of, is_content_basis
from comexlab.tariffs.engine import apply
from comexlab.tariffs.rate_parser import parse_rate
from comexlab.tariffs.scenario import parse_scenario
from comexlab.tariffs.smart import ElasticityTables

HEAD = """
name: t
title: test
base: {edition: 2026r10, programs: [S, S+], source: usitc_dataweb, years: [2025],
       reporters: [MEX, CAN]}
"""
USMCA_ENDS = HEAD + """
overlays:
  - {type: withdraw_program, programs: [S, S+], partners: [MEX, CAN]}
"""
ADD_25 = HEAD + """
overlays:
  - {type: additional, rate: 0.25, stacking: add, products: {prefixes: ["0804"]},
     partners: [MEX]}
"""


@pytest.mark.parametrize(("text", "method"), [
    ("2.5% on the value of the lead content", AveMethod.content_basis),
    ("3.9% on the apparatus + 5.3% on the battery", AveMethod.content_basis),
    ("6% upon the value of the non-U.S. content", AveMethod.content_basis),
    ("6.5% on the entire set", AveMethod.exact),
    ("2.5%", AveMethod.exact),
])
def test_content_basis_is_not_exact(text: str, method: AveMethod) -> None:
    rate = parse_rate(text)
    ave, got = ave_of(rate, value=100.0)
    assert got is method
    assert math.isclose(ave, rate.ad_valorem or 0.0)


def test_whole_value_wording_is_not_content() -> None:
    assert not is_content_basis(None)
    assert not is_content_basis("on the full value of the imported article")
    assert is_content_basis("on the value of the lead content")


def _line(code: str, value: float, claimed: float, mfn_text: str,
          pref_text: str | None = "Free") -> dict[str, object]:
    mfn, pref = parse_rate(mfn_text), parse_rate(pref_text) if pref_text else None
    spec = mfn.specific[0] if mfn.specific else None
    return {
        "reporter": "MEX", "origin": "MEX", "partner": "USA", "period": "2025",
        "product_code": code, "value_usd": value, "preference_value_usd": claimed,
        "mfn_kind": mfn.kind.value, "mfn_ad_valorem": mfn.ad_valorem,
        "mfn_specific_amount": spec.amount if spec else None,
        "mfn_specific_unit": spec.unit if spec else None, "mfn_rate_text": mfn_text,
        "mfn_ad_valorem_basis": (mfn.ad_valorem_parts[0].basis if mfn.ad_valorem_parts
                                 else None),
        "pref_kind": pref.kind.value if pref else None,
        "pref_ad_valorem": pref.ad_valorem if pref else None, "pref_rate_text": pref_text,
    }


LINES = pd.DataFrame([
    _line("2709001000", 1000.0, 600.0, "5.25¢/bbl"),        # crude: specific only
    _line("0804400040", 500.0, 500.0, "11.2¢/kg"),          # avocados: specific only
    _line("0709510100", 200.0, 100.0, "8.8¢/kg + 20%"),     # compound: the 20% rises
    _line("8703230140", 800.0, 800.0, "2.5%"),              # ad valorem: measured
    _line("0810201028", 50.0, 0.0, "0.18¢/kg"),             # claimed nothing
])


def test_withdrawn_preference_on_specific_duties_is_unmeasured() -> None:
    res = apply(parse_scenario(USMCA_ENDS), LINES)
    by_code = res.lines.set_index("product_code")
    assert by_code.loc["2709001000", "unmeasured_value_usd"] == 600.0
    assert by_code.loc["0804400040", "unmeasured_value_usd"] == 500.0
    assert by_code.loc["2709001000", "exposed_value_usd"] == 0.0
    assert by_code.loc["0709510100", "exposed_value_usd"] == 100.0
    assert by_code.loc["0709510100", "unmeasured_value_usd"] == 0.0
    assert by_code.loc["0810201028", "unmeasured_value_usd"] == 0.0
    total = res.aggregate().iloc[0]
    assert total.unmeasured_value_usd == 1100.0
    assert total.lines_unmeasured == 2
    assert total.exposed_value_usd == 900.0
    note = {n.kind: n for n in res.audit}["unmeasured_exposure"]
    assert note.count == 2


def test_an_added_duty_is_measured_even_on_specific_lines() -> None:
    res = apply(parse_scenario(ADD_25), LINES)
    row = res.lines.set_index("product_code").loc["0804400040"]
    assert row.exposed_value_usd == 500.0 and row.unmeasured_value_usd == 0.0


def test_content_basis_lines_are_counted_in_the_audit() -> None:
    lead = pd.DataFrame([_line("7801100000", 300.0, 0.0,
                               "2.5% on the value of the lead content", None)])
    res = apply(parse_scenario(USMCA_ENDS), lead)
    assert res.lines.iloc[0].mfn_ave_method == "content_basis"
    assert {n.kind: n.count for n in res.audit}["content_basis"] == 1


def test_share_of_value_on_the_default_elasticity() -> None:
    tables = ElasticityTables(hs6={"870323": 2.0}, default=1.082)
    res = apply(parse_scenario(USMCA_ENDS), LINES, elasticities=tables)
    total = res.aggregate().iloc[0]
    # 8703230140 (800 of 2,550) has its own HS6 elasticity; the rest uses the default
    assert math.isclose(total.share_default_elasticity, 1750 / 2550)
    assert np.isfinite(total.trade_creation)


# Unmeasured exposure through several overlays (mutation testing, issue 11). Neither line
# claims a program (no preferential rate: both tracks pay MFN). "8.8¢/kg + 20%" without
# quantities counts as 20 %, a lower bound: a "max" 10 % leaves it at 20 %, so whether the
# duty rose cannot be told — its value is unmeasured. "2.5%"/"15%" are exact: not unmeasured.
MIXED = pd.DataFrame([
    _line("0709510100", 200.0, 100.0, "8.8¢/kg + 20%", None),
    _line("8703230140", 800.0, 400.0, "2.5%", None),
    _line("0302110000", 100.0, 50.0, "15%", None),
])


def _unmeasured(overlays: str) -> list[float]:
    res = apply(parse_scenario(HEAD + "overlays:\n" + overlays), MIXED)
    return res.lines.unmeasured_value_usd.tolist()


def test_a_later_overlay_does_not_clear_an_earlier_ones_unmeasured_exposure() -> None:
    assert _unmeasured("""  - {type: additional, rate: 10%, stacking: max,
     products: {prefixes: ["0709"]}}
  - {type: additional, rate: 1%, stacking: max, products: {prefixes: ["8703", "0302"]}}
""") == [200.0, 0.0, 0.0]


def test_set_rate_on_some_lines_keeps_the_others_bounds() -> None:
    # all three raised by the max 10 % (8703 rises to 10 %), then 8703 set to 30 %:
    # 0709 stays unmeasured, 0302 (15 %, exact) stays measured at no change
    assert _unmeasured("""  - {type: additional, rate: 10%, stacking: max,
     products: {prefixes: ["0709", "8703", "0302"]}}
  - {type: set_rate, rate: 0.3, products: {prefixes: ["8703"]}}
""") == [200.0, 0.0, 0.0]


def test_a_replacing_duty_is_exact_and_clears_the_bound() -> None:
    # "replace" 10 %: the line pays 10 % instead of its rate, which is known exactly
    assert _unmeasured("""  - {type: additional, rate: 10%, stacking: replace,
     products: {prefixes: ["0709"]}}
""") == [0.0, 0.0, 0.0]


def test_a_rise_on_a_bounded_line_is_measured_not_unmeasured() -> None:
    # +5 % added: 20 % → 25 % is a rise whatever the specific part, so the value is exposed
    res = apply(parse_scenario(HEAD + """overlays:
  - {type: additional, rate: 5%, stacking: add, products: {prefixes: ["0709"]}}
"""), MIXED)
    assert res.lines.unmeasured_value_usd.tolist() == [0.0, 0.0, 0.0]
    assert res.lines.exposed_value_usd.tolist() == [200.0, 0.0, 0.0]


def test_bounded_and_content_lines_are_audited_with_their_printed_text() -> None:
    # 0709 compound without quantities (lower bound), lead on its content with a free USMCA
    # rate: each note says what it counts and shows the rate text
    lines = pd.DataFrame([_line("0709510100", 200.0, 0.0, "8.8¢/kg + 20%"),
                          _line("7801100000", 300.0, 0.0, "2.5% on the value of the lead content")])
    notes = {n.kind: n for n in apply(parse_scenario(USMCA_ENDS), lines).audit}
    assert notes["ave_fallback"].detail.params["detail"] == Msg("audit.detail.ave_fallback")
    assert notes["ave_fallback"].examples == ("0709510100: 8.8¢/kg + 20%",)
    assert notes["content_basis"].detail.params["detail"] == Msg("audit.detail.content_basis")
    assert notes["content_basis"].examples == (
        "7801100000: 2.5% on the value of the lead content",)


def test_unmeasured_exposure_note_names_the_lines() -> None:
    notes = {n.kind: n for n in apply(parse_scenario(USMCA_ENDS), LINES).audit}
    note = notes["unmeasured_exposure"]
    assert note.detail.params["detail"] == Msg("audit.detail.unmeasured_exposure")
    assert note.examples == ("2709001000: 5.25¢/bbl", "0804400040: 11.2¢/kg")


def test_a_withdrawal_elsewhere_leaves_other_partners_measured() -> None:
    # Korea's specific-duty line keeps its preference: nothing is unmeasured there
    korea = pd.DataFrame([_line("2709001000", 1000.0, 600.0, "5.25¢/bbl")]).assign(origin="KOR")
    res = apply(parse_scenario(USMCA_ENDS), korea)
    assert res.lines.unmeasured_value_usd.tolist() == [0.0]
