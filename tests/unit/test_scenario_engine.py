"""The pure scenario engine on hand-built lines: duties, exposure, cut, aggregates, audit."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.tariffs.engine import aggregate, apply
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


def line(code: str, value: float, claimed: float | None, mfn: float | None, *,
         origin: str = "MEX", kind: str = "ad_valorem", pref: float | None = 0.0,
         **extra: object) -> dict[str, object]:
    return {
        "reporter": origin, "origin": origin, "partner": "USA", "period": "2025",
        "product_code": code, "value_usd": value, "preference_value_usd": claimed,
        "mfn_kind": kind if mfn is not None or kind != "ad_valorem" else None,
        "mfn_ad_valorem": mfn, "mfn_rate_text": "" if mfn is None else f"{mfn:.1%}",
        "pref_kind": None if pref is None else ("free" if pref == 0 else "ad_valorem"),
        "pref_ad_valorem": pref, **extra,
    }


def frame(*rows: dict[str, object]) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def test_usmca_ends_hits_only_claimed_value() -> None:
    # passenger cars: MFN 2.5 %, $1000 of which $800 claimed USMCA (free)
    res = apply(parse_scenario(USMCA_ENDS), frame(line("8703230140", 1000.0, 800.0, 0.025)))
    row = res.lines.iloc[0]
    assert math.isclose(row.duty_before, 0.025 * 200)      # only the non-claimed part paid
    assert math.isclose(row.duty_after, 0.025 * 1000)
    assert math.isclose(row.duty_after - row.duty_before, 0.025 * 800)
    assert row.exposed_value_usd == 800.0
    # the claimed part needs 2.439 % off; the rest nothing: weighted 0.8 × 0.024390
    assert math.isclose(row.neutralising_cut, 0.8 * 0.025 / 1.025)


def test_free_mfn_line_is_not_exposed() -> None:
    res = apply(parse_scenario(USMCA_ENDS), frame(line("8471500150", 500.0, 500.0, 0.0,
                                                       kind="free")))
    assert res.lines.iloc[0].exposed_value_usd == 0.0
    assert res.lines.iloc[0].duty_after == 0.0


def test_additional_duty_stacking_rules() -> None:
    def run(stacking: str, exempt: bool = False) -> pd.Series:
        text = HEAD + f"""
overlays:
  - type: additional
    rate: 25%
    stacking: {stacking}
    preference_exempt: {str(exempt).lower()}
    partners: [MEX]
    products: {{prefixes: ["8703"]}}
"""
        lines = frame(line("8703230140", 100.0, 50.0, 0.025),
                      line("8703230140", 100.0, 50.0, 0.025, origin="CAN"),
                      line("8708000000", 100.0, 50.0, 0.025))
        return apply(parse_scenario(text), lines).lines.duty_after

    add = run("add")
    assert math.isclose(add[0], 50 * 0.25 + 50 * 0.275)
    assert math.isclose(add[1], 50 * 0.025)  # Canada not hit
    assert math.isclose(add[2], 50 * 0.025)  # not an 8703 line
    assert math.isclose(run("max")[0], 100 * 0.25)
    assert math.isclose(run("replace")[0], 100 * 0.25)
    assert math.isclose(run("add", exempt=True)[0], 50 * 0.275)


def test_product_lists_and_exclusions() -> None:
    text = HEAD + """
overlays:
  - type: set_rate
    rate: 0.1
    products: {lists: [budgetlab:s232_copper], exclude_prefixes: ["740610"]}
"""
    lines = frame(line("7406100000", 10.0, 0.0, 0.0, kind="free"),
                  line("7406200000", 10.0, 0.0, 0.0, kind="free"))
    res = apply(parse_scenario(text), lines, product_lists={"budgetlab:s232_copper": ["7406"]})
    assert res.lines.rate_after.tolist() == [0.0, 0.1]
    with pytest.raises(InputError, match="not resolved"):
        apply(parse_scenario(text), lines)


def test_swiss_and_linear_cut_overlays() -> None:
    swiss = parse_scenario(HEAD + "overlays:\n  - {type: swiss, a: 16}\n")
    res = apply(swiss, frame(line("0101", 100.0, 0.0, 0.25)))
    assert round(res.lines.rate_after[0], 5) == 0.09756
    cut = parse_scenario(HEAD + "overlays:\n  - {type: linear_cut, cut: 50%}\n")
    res = apply(cut, frame(line("0101", 100.0, 0.0, 0.25)))
    assert math.isclose(res.lines.rate_after[0], 0.125)
    assert res.lines.neutralising_cut[0] < 0  # a cut leaves room to raise prices


def test_audit_counts_unparsed_missing_and_defaults() -> None:
    lines = frame(
        line("0101", 100.0, None, None, kind="unparsed", mfn_rate_text="see note"),
        line("0202", 50.0, 10.0, None, kind="ad_valorem"),
        line("0303", 25.0, 0.0, 0.1, estimated=True),
    )
    lines.loc[1, "mfn_kind"] = None
    res = apply(parse_scenario(USMCA_ENDS), lines)
    kinds = {n.kind: n for n in res.audit}
    assert kinds["unparsed_rate"].count == 1
    assert kinds["unparsed_rate"].examples == ("0101: see note",)
    assert kinds["no_tariff_line"].count == 1
    assert kinds["utilisation_default"].count == 1
    assert kinds["allocation_estimate"].count == 1
    total = res.aggregate()
    assert total.value_usd[0] == 175.0
    assert total.value_unknown_rate[0] == 150.0  # kept in value, flagged unknown
    assert bool(total.estimated[0])


def test_ave_fallback_is_audited() -> None:
    lines = frame(line("0402", 100.0, 0.0, 0.1, kind="compound", mfn_specific_amount=0.5,
                       mfn_specific_unit="kg"))
    res = apply(parse_scenario(USMCA_ENDS), lines)
    assert res.lines.mfn_ave[0] == 0.1
    assert [n.kind for n in res.audit] == ["ave_fallback"]


def test_smart_columns_when_elasticities_given() -> None:
    lines = frame(line("8703230140", 100.0, 100.0, 0.025, rest_value_usd=300.0))
    res = apply(parse_scenario(USMCA_ENDS), lines,
                elasticities=ElasticityTables(hts10={"8703230140": 1.47}))
    row = res.lines.iloc[0]
    assert math.isclose(row.trade_creation, -3.675)
    assert round(row.trade_diversion, 3) == -2.839
    assert row.elasticity_level == "hts10"


def test_missing_columns_are_an_input_error() -> None:
    with pytest.raises(InputError, match="product_code"):
        apply(parse_scenario(USMCA_ENDS), pd.DataFrame({"value_usd": [1.0]}))


# Values are 0 or at least one cent, shares and rates are normal floats: with a subnormal value
# (5e-324 USD) the products claimed × cut round up to the value itself and the cut comes out as
# exactly 1 — an artefact of float underflow, not of the engine (no flow is worth 1e-308 USD).
_fraction = st.floats(0, 1, allow_subnormal=False)
def test_headline_cut_is_over_value_with_a_known_rate() -> None:
    # Two $100 lines. 8703: MFN 25 %, all $100 claimed USMCA (free) → after 25 %: cut
    # 0.25/1.25 = 0.2. 0101: rate unparsed, duty unknown. The headline cut and rates are over the
    # $100 whose rate is known: cut 0.2, rate after 25/100 = 0.25 (over $200 they would halve).
    lines = frame(line("8703230140", 100.0, 100.0, 0.25),
                  line("0101210010", 100.0, 0.0, None, kind="unparsed", pref=None,
                       mfn_rate_text="see note 3"))
    total = apply(parse_scenario(USMCA_ENDS), lines).aggregate()
    assert total.value_usd[0] == 200.0
    assert total.value_unknown_rate[0] == 100.0
    assert math.isclose(total.neutralising_cut[0], 0.2)
    assert math.isclose(total.neutralising_cut_exposed[0], 0.2)
    assert math.isclose(total.rate_before_tw[0], 0.0)
    assert math.isclose(total.rate_after_tw[0], 0.25)
    assert total.lines[0] == 1


def test_smart_in_the_engine_starts_from_the_rate_before() -> None:
    # MFN 10 % → set to 20 %, ε = 2, $300 from the rest: TC = −200/11, TD = −45000/4250
    # (worked in test_scenario_formulas: the t0 terms matter, t0 = 0 would give −20).
    text = HEAD + "overlays:\n  - {type: set_rate, rate: 0.2}\n"
    lines = frame(line("8703230140", 100.0, 0.0, 0.1, pref=None, rest_value_usd=300.0))
    res = apply(parse_scenario(text), lines,
                elasticities=ElasticityTables(hts10={"8703230140": 2.0}))
    row = res.lines.iloc[0]
    assert math.isclose(row.trade_creation, -200 / 11)
    assert math.isclose(row.trade_diversion, -45000 / 4250)
    assert math.isclose(row.welfare, -30 / 11)


def test_smart_audit_trail_names_each_fallback() -> None:
    # Three traded lines and one untraded: 8703230140 has an HS10 elasticity (2.0), 8708 falls
    # back to its NAICS6 (3.0), 0101 to the default (1.5); no rest-of-world values are given.
    lines = frame(line("8703230140", 100.0, 0.0, 0.1, pref=None, naics6="336111"),
                  line("8708100000", 50.0, 0.0, 0.1, pref=None, naics6="336390"),
                  line("0101210010", 25.0, 0.0, 0.1, pref=None, naics6="112920"),
                  line("0101290000", 0.0, 0.0, 0.1, pref=None, naics6="112920"))
    tables = ElasticityTables(hts10={"8703230140": 2.0}, naics6={"336390": 3.0}, default=1.5)
    res = apply(parse_scenario(HEAD + "overlays:\n  - {type: set_rate, rate: 0.2}\n"), lines,
                elasticities=tables)
    out = res.lines
    assert out.import_demand_elasticity.tolist() == [2.0, 3.0, 1.5, 1.5]
    assert out.elasticity_level.tolist() == ["hts10", "naics6", "default", "default"]
    assert out.trade_diversion.isna().all()  # no rest of world: unknown, not zero
    notes = {n.kind: n for n in res.audit}
    assert notes["no_rest_of_world"].count == 3  # the traded lines only
    assert notes["no_rest_of_world"].detail == Msg("audit.detail.no_rest_of_world")
    fallbacks = [n for n in res.audit if n.kind == "elasticity_fallback"]
    assert [n.count for n in fallbacks] == [1, 1]  # naics6: 8708; default: 0101 (traded only)
    assert fallbacks[1].detail.params["detail"] == Msg("audit.detail.elasticity_default",
                                                       value="1.500")
    assert fallbacks[0].detail.params["value"] == "50"  # USD at the NAICS6 fallback


line_rows = st.lists(
    st.tuples(st.sampled_from(["8703230140", "8708000000", "0101210010", "7406100000"]),
              st.one_of(st.just(0.0), st.floats(0.01, 1e9)), _fraction,
              st.floats(0, 0.5, allow_subnormal=False), st.sampled_from(["MEX", "CAN"])),
    min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(rows=line_rows, extra=_fraction)
def test_engine_invariants(rows: list[tuple[str, float, float, float, str]],
                           extra: float) -> None:
    text = USMCA_ENDS + f"""  - type: additional
    rate: {extra}
    stacking: add
    products: {{prefixes: ["87"]}}
"""
    lines = frame(*(line(c, v, v * s, t, origin=o) for c, v, s, t, o in rows))
    res = apply(parse_scenario(text), lines)
    out = res.lines
    exposed = out.exposed.to_numpy()
    assert (out.duty_after[exposed] >= out.duty_before[exposed] - 1e-6).all()
    cut = out.neutralising_cut[out.value_usd > 0]
    assert ((cut >= -1e-12) & (cut < 1)).all()  # rates only rise in this scenario
    by = aggregate(out, ["reporter"])
    total = aggregate(out)
    for col in ("value_usd", "exposed_value_usd", "duty_before", "duty_after"):
        assert np.isclose(by[col].sum(), total[col][0], rtol=1e-9, atol=1e-6)
        assert np.isclose(total[col][0], out[col].sum(), rtol=1e-9, atol=1e-6)
    assert (total.share_exposed.fillna(0) <= 1 + 1e-12).all()


# --- overlays, lines and baskets in detail (mutation testing, issue 11) -----------------------

def overlay(text: str) -> str:
    return HEAD + "overlays:\n" + text


def test_rate_overlays_change_both_tracks() -> None:
    # $100, $60 claimed at a 10 % preferential rate, MFN 20 %.
    # linear cut 50 %: 60 × 5 % + 40 × 10 % = 7; Swiss a = 16: 60 × 1.6·0.1/0.26 + 40 × 3.2/0.36
    lines = frame(line("8703230140", 100.0, 60.0, 0.20, pref=0.10))
    half = apply(parse_scenario(overlay("  - {type: linear_cut, cut: 50%}\n")), lines)
    assert math.isclose(half.lines.duty_before[0], 60 * 0.10 + 40 * 0.20)
    assert math.isclose(half.lines.duty_after[0], 60 * 0.05 + 40 * 0.10)
    sw = apply(parse_scenario(overlay("  - {type: swiss, a: 16}\n")), lines)
    assert math.isclose(sw.lines.duty_after[0], 60 * (0.16 * 0.10 / 0.26)
                        + 40 * (0.16 * 0.20 / 0.36))
    # set_rate 5 %: both tracks at 5 %
    five = apply(parse_scenario(overlay("  - {type: set_rate, rate: 0.05}\n")), lines)
    assert math.isclose(five.lines.duty_after[0], 5.0)


def test_overlays_leave_unknown_rates_unknown() -> None:
    # an unparsed rate stays unknown whatever is set or added "instead": no invented duty
    lines = frame(line("8703230140", 100.0, 0.0, None, kind="unparsed", pref=None,
                       mfn_rate_text="see note"))
    for text in ("  - {type: set_rate, rate: 0.05}\n",
                 "  - {type: additional, rate: 25%, stacking: replace,\n"
                 "     products: {prefixes: [87]}}\n"):
        res = apply(parse_scenario(overlay(text)), lines)
        assert math.isnan(res.lines.duty_after[0]), text
        assert math.isnan(res.lines.rate_after[0]), text


def test_a_preference_is_never_dearer_than_mfn_and_claims_are_clipped_to_value() -> None:
    # pref printed 8 % but MFN 5 %: the importer would pay MFN, so the claimed track pays 5 %;
    # $150 "claimed" of a $100 flow counts as $100, −$10 as $0
    lines = frame(line("8703230140", 100.0, 150.0, 0.05, pref=0.08),
                  line("8703230140", 100.0, -10.0, 0.05, pref=0.0))
    out = apply(parse_scenario(USMCA_ENDS), lines).lines
    assert out.claimed_value_usd.tolist() == [100.0, 0.0]
    assert out.pref_ave.tolist() == [0.05, 0.0]
    assert out.duty_before.tolist() == pytest.approx([5.0, 5.0])


def test_default_utilisation_is_the_scenario_share_of_value() -> None:
    # no claimed value given: utilisation 40 % of $200 claimed (free), the rest pays 10 %
    text = USMCA_ENDS.replace("overlays:", "utilisation: 40%\noverlays:")
    res = apply(parse_scenario(text), frame(line("8703230140", 200.0, None, 0.10)))
    row = res.lines.iloc[0]
    assert row.claimed_value_usd == 80.0
    assert math.isclose(row.duty_before, 120 * 0.10)
    assert math.isclose(row.duty_after, 200 * 0.10)
    note = {n.kind: n for n in res.audit}["utilisation_default"]
    assert note.detail.params["detail"] == Msg("audit.detail.utilisation_default", share="40%")


def test_prefixes_of_several_lengths_and_excluded_lists() -> None:
    text = overlay("""  - type: set_rate
    rate: 0.1
    products: {prefixes: ["87", "740610"], exclude_lists: [budgetlab:s232_auto_parts]}
""")
    codes = ["8703230140", "8708100000", "7406100000", "7406200000", "0101", "74"]
    lines = frame(*(line(c, 10.0, 0.0, 0.0, kind="free") for c in codes))
    res = apply(parse_scenario(text), lines, product_lists={"budgetlab:s232_auto_parts": ["8708"]})
    # 8708 excluded; 740620 is not under 740610; "74" is shorter than the prefix 740610
    assert res.lines.rate_after.tolist() == [0.1, 0.0, 0.1, 0.0, 0.0, 0.0]
    everything = overlay("""  - type: set_rate
    rate: 0.1
    products: {exclude_prefixes: ["01"]}
""")
    res = apply(parse_scenario(everything), lines)
    assert res.lines.rate_after.tolist() == [0.1, 0.1, 0.1, 0.1, 0.0, 0.1]


def test_untraded_lines_show_the_mfn_rates_and_their_cut() -> None:
    # no value: the line still says what MFN was and becomes (2.5 % → 27.5 %), cut 0.25/1.275
    text = overlay("  - {type: additional, rate: 25%, stacking: add, products: {prefixes: [87]}}\n")
    row = apply(parse_scenario(text), frame(line("8703230140", 0.0, 0.0, 0.025))).lines.iloc[0]
    assert math.isclose(row.rate_before, 0.025) and math.isclose(row.rate_after, 0.275)
    assert math.isclose(row.neutralising_cut, 0.25 / 1.275)
    assert not row.exposed and row.exposed_value_usd == 0.0
    # below one dollar the rates are still duty / value (claimed 0.4 of 0.5 pays 0 % → 25 %)
    small = apply(parse_scenario(text), frame(line("8703230140", 0.5, 0.4, 0.025))).lines
    assert math.isclose(small.rate_before[0], 0.1 * 0.025 / 0.5)
    assert math.isclose(small.rate_after[0], (0.4 * 0.25 + 0.1 * 0.275) / 0.5)
    assert small.exposed[0]


def test_sorted_lines_follow_the_codes_not_the_input_order() -> None:
    lines = frame(line("8708100000", 1.0, 0.0, 0.1, origin="MEX"),
                  line("0101210010", 1.0, 0.0, 0.1, origin="CAN"),
                  line("0101210010", 1.0, 0.0, 0.1, origin="MEX"))
    lines["reporter"] = pd.Categorical(lines["reporter"], categories=["MEX", "CAN"])
    out = apply(parse_scenario(USMCA_ENDS), lines).sorted_lines()
    # categoricals sort by label (CAN before MEX), not by category order
    assert list(zip(out.reporter, out.product_code, strict=True)) == [
        ("CAN", "0101210010"), ("MEX", "0101210010"), ("MEX", "8708100000")]
    assert list(out.index) == [0, 1, 2]


def test_audit_examples_are_the_ten_largest_codes_with_their_text() -> None:
    # twelve unparsed lines worth 1..12 dollars; 0105 twice (5 + 7 = 12, ties with 0112)
    codes = [f"01{i:02d}" for i in range(1, 13)]
    codes[6] = "0105"
    rows = [line(c, float(i + 1), 0.0, None, kind="unparsed", pref=None,
                 mfn_rate_text=f"text of {c} " + "x" * 60) for i, c in enumerate(codes)]
    res = apply(parse_scenario(USMCA_ENDS), frame(*rows))
    note = {n.kind: n for n in res.audit}["unparsed_rate"]
    assert note.count == 12
    # largest first; 0105 (12, seen first) before 0112 (12); at most ten codes
    assert [e.split(":")[0] for e in note.examples] == [
        "0105", "0112", "0111", "0110", "0109", "0108", "0106", "0104", "0103", "0102"]
    # each with the text of its first row, cut to 60 characters with an ellipsis
    assert note.examples[0] == "0105: " + ("text of 0105 " + "x" * 60)[:59] + "…"
    # value and share of the note: all $78 of $78
    assert note.detail.params["value"] == "78" and note.detail.params["share"] == "100.00%"


def test_audit_value_and_share_are_formatted_for_people() -> None:
    lines = frame(line("0101", 1234.0, 0.0, None, kind="blank", pref=None),
                  line("0202", 8766.0, 0.0, 0.1),
                  line("0303", 0.0, 0.0, None, kind="blank", pref=None))
    notes = {n.kind: n for n in apply(parse_scenario(USMCA_ENDS), lines).audit}
    blank = notes["blank_rate"]
    assert blank.count == 1  # the untraded blank line is not counted
    assert blank.detail.params["value"] == "1,234"
    assert blank.detail.params["share"] == "12.34%"
    assert blank.examples == ("0101",)


def test_reference_and_range_rates_are_audited() -> None:
    lines = frame(line("9903010000", 10.0, 0.0, None, kind="reference", pref=None,
                       mfn_rate_text="The duty provided in the applicable subheading"),
                  line("0101", 30.0, 0.0, 0.0, kind="ad_valorem", mfn_range_high=0.05,
                       mfn_rate_text="Free-5%"))
    notes = {n.kind: n for n in apply(parse_scenario(USMCA_ENDS), lines).audit}
    assert notes["reference_rate"].examples == (
        "9903010000: The duty provided in the applicable subheading",)
    assert notes["range_rate"].count == 1
    assert notes["range_rate"].examples == ("0101: Free-5%",)


def test_baskets_by_two_keys_with_a_missing_key_last() -> None:
    # 87 MEX: $100 at 2.5 % → 27.5 % (all rest); 87 CAN: $300 at 2.5 % (not hit);
    # no chapter, MEX: $50 at 10 % → 35 %
    text = overlay("""  - type: additional
    rate: 25%
    stacking: add
    partners: [MEX]
    products: {prefixes: ["87", "01"]}
""")
    lines = frame(line("8703230140", 100.0, 0.0, 0.025, chapter="87"),
                  line("8703230140", 300.0, 0.0, 0.025, origin="CAN", chapter="87"),
                  line("0101210010", 50.0, 0.0, 0.10, chapter=None))
    agg = apply(parse_scenario(text), lines).aggregate(["chapter", "origin"])
    assert agg.chapter.tolist()[:2] == ["87", "87"] and pd.isna(agg.chapter[2])
    assert agg.origin.tolist() == ["CAN", "MEX", "MEX"]
    assert agg.value_usd.tolist() == [300.0, 100.0, 50.0]
    assert agg.duty_change.tolist() == pytest.approx([0.0, 25.0, 12.5])
    assert agg.share_exposed.tolist() == [0.0, 1.0, 1.0]
    assert agg.rate_after_tw.tolist() == pytest.approx([0.025, 0.275, 0.35])
    assert agg.lines.tolist() == [1, 1, 1]
    one = apply(parse_scenario(text), lines).aggregate(["origin"])
    # simple average over MEX lines: (0.275 + 0.35) / 2; trade-weighted: 45 / 150
    assert one.origin.tolist() == ["CAN", "MEX"]
    assert one.rate_after_simple.tolist() == pytest.approx([0.025, (0.275 + 0.35) / 2])
    assert one.rate_before_simple.tolist() == pytest.approx([0.025, (0.025 + 0.10) / 2])
    assert one.rate_after_tw.tolist() == pytest.approx([0.025, (27.5 + 17.5) / 150])
    # the cut faced by exposed exporters: value-weighted over exposed value only
    cut_87 = 0.25 / 1.275
    cut_01 = 0.25 / 1.35
    assert one.neutralising_cut_exposed[1] == pytest.approx((100 * cut_87 + 50 * cut_01) / 150)
    assert one.neutralising_cut_exposed[0] != one.neutralising_cut_exposed[0]  # NaN: none


def test_baskets_of_an_empty_selection_are_empty_not_an_error() -> None:
    res = apply(parse_scenario(USMCA_ENDS), frame(line("8703230140", 1.0, 0.0, 0.1)))
    none = res.lines.iloc[0:0]
    assert len(aggregate(none, ["origin"])) == 0
    total = aggregate(none)
    assert total.value_usd.tolist() == [0.0] and total.lines.tolist() == [0]
    assert math.isnan(total.rate_before_tw[0])


def test_smart_sums_are_unknown_only_where_a_group_has_no_figure() -> None:
    # rest of world known for MEX ($300), not for CAN: diversion sums over MEX, NaN for CAN
    lines = frame(line("8703230140", 100.0, 0.0, 0.1, pref=None, rest_value_usd=300.0),
                  line("8703230140", 100.0, 0.0, 0.1, origin="CAN", pref=None,
                       rest_value_usd=None))
    text = overlay("  - {type: set_rate, rate: 0.2}\n")
    res = apply(parse_scenario(text), lines,
                elasticities=ElasticityTables(hts10={"8703230140": 2.0}, default=1.0))
    agg = res.aggregate(["origin"])
    assert agg.origin.tolist() == ["CAN", "MEX"]
    assert math.isnan(agg.trade_diversion[0])
    assert math.isclose(agg.trade_diversion[1], -45000 / 4250)  # worked above
    assert agg.trade_creation.tolist() == pytest.approx([-200 / 11, -200 / 11])
    assert agg.share_default_elasticity.tolist() == [0.0, 0.0]
    assert not res.estimated


def test_a_regime_base_starts_each_track_from_the_regime_rates() -> None:
    # $100, $60 claimed. The regime on its date: claimed 0 %, rest 27.5 % (2.5 % MFN + 25 %
    # IEEPA); with the scenario's regime changes: rest 2.5 % (IEEPA lifted). Duty 11 → 1.
    lines = frame(line("8703230140", 100.0, 60.0, 0.025, regime_before_claimed=0.0,
                       regime_before_rest=0.275, regime_after_claimed=0.0,
                       regime_after_rest=0.025))
    row = apply(parse_scenario(HEAD + "overlays: []\n"), lines).lines.iloc[0]
    assert math.isclose(row.duty_before, 40 * 0.275) and math.isclose(row.duty_after, 1.0)
    assert not row.exposed
    assert math.isclose(row.neutralising_cut, 40 * (0.025 - 0.275) / 1.025 / 100)
    # overlays apply on top of the regime after: +10 % on both tracks
    text = overlay("  - {type: additional, rate: 10%, stacking: add, products: {prefixes: [87]}}\n")
    row = apply(parse_scenario(text), lines).lines.iloc[0]
    assert math.isclose(row.duty_after, 60 * 0.10 + 40 * 0.125)
    assert row.exposed_value_usd == 60.0  # only the claimed track's rate rose (0 → 10 %)


def test_sorted_lines_order_by_reporter_then_period_then_code() -> None:
    rows = [line("0101210010", 1.0, 0.0, 0.1, origin="MEX"),
            line("0101210010", 1.0, 0.0, 0.1, origin="CAN"),
            line("0101210010", 1.0, 0.0, 0.1, origin="CAN")]
    rows[0]["period"], rows[1]["period"], rows[2]["period"] = "2025", "2026", "2025"
    out = apply(parse_scenario(USMCA_ENDS), frame(*rows)).sorted_lines()
    assert list(zip(out.reporter, out.period, strict=True)) == [
        ("CAN", "2025"), ("CAN", "2026"), ("MEX", "2025")]


def test_hs6_and_naics6_fallbacks_are_named_in_the_audit() -> None:
    lines = frame(line("8703230140", 100.0, 0.0, 0.1, pref=None, naics6="336111"),
                  line("8708100000", 50.0, 0.0, 0.1, pref=None, naics6="336390"))
    tables = ElasticityTables(hs6={"870323": 2.0}, naics6={"336390": 3.0})
    res = apply(parse_scenario(HEAD + "overlays:\n  - {type: set_rate, rate: 0.2}\n"), lines,
                elasticities=tables)
    assert res.lines.elasticity_level.tolist() == ["hs6", "naics6"]
    notes = [n for n in res.audit if n.kind == "elasticity_fallback"]
    assert [n.detail.params["detail"] for n in notes] == [
        Msg("audit.detail.elasticity_level", level="hs6"),
        Msg("audit.detail.elasticity_level", level="naics6")]
    assert [n.count for n in notes] == [1, 1]


def test_simple_averages_and_counts_leave_out_untraded_and_unknown_lines() -> None:
    # regime base, +25 % on top. Traded and known: 10 % → 35 % and 2.5 % → 27.5 %; the
    # untraded line (value 0) is not averaged; the 8708 line's rate after is missing in the
    # regime, so its $30 is value with an unknown rate, left out of duties and averages
    text = overlay("  - {type: additional, rate: 25%, stacking: add,\n"
                   "     products: {prefixes: ['01', '87']}}\n")

    def regime(code: str, value: float, before: float, after: float) -> dict[str, object]:
        return line(code, value, 0.0, 0.025, regime_before_claimed=before,
                    regime_before_rest=before, regime_after_claimed=after,
                    regime_after_rest=after)

    lines = frame(regime("0101210010", 50.0, 0.10, 0.10), regime("8703230140", 100.0, 0.025,
                                                                  0.025),
                  regime("8703230140", 0.0, 0.025, 0.025),
                  regime("8708100000", 30.0, 0.025, np.nan))
    total = apply(parse_scenario(text), lines).aggregate()
    assert total.lines[0] == 2
    assert total.rate_before_simple[0] == pytest.approx((0.10 + 0.025) / 2)
    assert total.rate_after_simple[0] == pytest.approx((0.35 + 0.275) / 2)
    assert total.value_unknown_rate[0] == 30.0
    assert total.duty_before[0] == pytest.approx(5.0 + 2.5)  # the unknown line's 0.75 left out
    # a line table saved before the unmeasured-exposure column existed still aggregates
    old = apply(parse_scenario(text), lines).lines.drop(columns="unmeasured_value_usd")
    assert aggregate(old).unmeasured_value_usd.tolist() == [0.0]


def test_audit_text_of_exactly_sixty_characters_is_shown_whole() -> None:
    text = "x" * 60
    res = apply(parse_scenario(USMCA_ENDS), frame(line("0101", 1.0, 0.0, None, kind="unparsed",
                                                       pref=None, mfn_rate_text=text)))
    assert {n.kind: n for n in res.audit}["unparsed_rate"].examples == (f"0101: {text}",)


def test_lines_without_a_claimed_value_column_use_the_utilisation() -> None:
    lines = frame(line("8703230140", 200.0, None, 0.10)).drop(columns="preference_value_usd")
    row = apply(parse_scenario(USMCA_ENDS), lines).lines.iloc[0]
    assert row.claimed_value_usd == 200.0  # default utilisation 100 %: an upper bound


def test_an_unresolved_list_names_the_products_field() -> None:
    text = overlay("  - {type: set_rate, rate: 0.1, products: {lists: [budgetlab:s232_copper]}}\n")
    with pytest.raises(InputError) as exc:
        apply(parse_scenario(text), frame(line("7406100000", 1.0, 0.0, 0.0, kind="free")))
    assert exc.value.field == "products"


def test_overlays_leave_the_lines_they_do_not_hit_alone() -> None:
    # Korea is not in the withdrawal: its claimed $50 keeps the 0 % preference; a linear cut
    # on 87 leaves 01 alone; a 0 % cut changes nothing
    lines = frame(line("8703230140", 100.0, 50.0, 0.10, origin="KOR"),
                  line("0101210010", 100.0, 0.0, 0.10))
    ends = apply(parse_scenario(USMCA_ENDS), lines).lines
    assert ends.duty_after.tolist() == pytest.approx([5.0, 10.0])
    cut = overlay("  - {type: linear_cut, cut: 50%, products: {prefixes: ['87']}}\n")
    assert apply(parse_scenario(cut), lines).lines.duty_after.tolist() == pytest.approx(
        [2.5, 10.0])
    none = overlay("  - {type: linear_cut, cut: 0}\n")
    assert apply(parse_scenario(none), lines).lines.duty_after.tolist() == pytest.approx(
        [5.0, 10.0])


def test_basket_columns_count_lines_and_flag_estimates() -> None:
    lines = frame(line("8703230140", 100.0, 80.0, 0.025), line("0101210010", 50.0, 0.0, 0.1))
    total = apply(parse_scenario(USMCA_ENDS), lines).aggregate()
    assert total.claimed_value_usd.tolist() == [80.0]
    assert total.lines.dtype.kind == "i" and total.lines_unmeasured.dtype.kind == "i"
    assert total.estimated.tolist() == [False]  # no allocated (state) value in the basket
    est = apply(parse_scenario(USMCA_ENDS), frame(
        line("8703230140", 100.0, 80.0, 0.025, estimated=True),
        line("8703230140", 100.0, 80.0, 0.025, origin="CAN", estimated=False)))
    assert est.aggregate(["origin"]).estimated.tolist() == [False, True]


def test_each_audit_note_says_what_it_counts() -> None:
    # one line per audit kind; the note's text is the catalog's "audit.valued" with its detail
    lines = frame(
        line("0101", 10.0, 0.0, None, kind="unparsed", pref=None, mfn_rate_text="see note"),
        line("0202", 10.0, 0.0, None, kind="blank", pref=None),
        line("0303", 10.0, 0.0, None, kind="reference", pref=None, mfn_rate_text="No change"),
        line("0404", 10.0, 0.0, 0.0, mfn_range_high=0.05, mfn_rate_text="Free-5%"),
        line("0505", 10.0, None, 0.1, estimated=True),
        line("0606", 10.0, 0.0, None),
    )
    lines.loc[5, "mfn_kind"] = None
    notes = {n.kind: n for n in apply(parse_scenario(USMCA_ENDS), lines).audit}
    expected = {"unparsed_rate": "audit.detail.unparsed_rate",
                "blank_rate": "audit.detail.blank_rate",
                "reference_rate": "audit.detail.reference_rate",
                "range_rate": "audit.detail.range_rate",
                "allocation_estimate": "audit.detail.allocation_estimate",
                "no_tariff_line": "audit.detail.no_tariff_line"}
    for kind, key in expected.items():
        assert notes[kind].detail.key == "audit.valued", kind
        assert notes[kind].detail.params["detail"] == Msg(key), kind
        assert notes[kind].count == 1, kind
    assert "ave_fallback" not in notes and "content_basis" not in notes


def test_a_clean_line_leaves_no_audit_note() -> None:
    assert apply(parse_scenario(USMCA_ENDS), frame(line("8703230140", 100.0, 80.0,
                                                        0.025))).audit == ()


def test_audit_examples_without_rate_texts_are_codes_only() -> None:
    lines = frame(line("0101", 10.0, 0.0, None, kind="unparsed", pref=None)).drop(
        columns="mfn_rate_text")
    notes = {n.kind: n for n in apply(parse_scenario(USMCA_ENDS), lines).audit}
    assert notes["unparsed_rate"].examples == ("0101",)


def test_missing_estimate_flags_mean_not_estimated() -> None:
    lines = frame(line("0101", 10.0, 0.0, 0.1, estimated=True),
                  line("0202", 10.0, 0.0, 0.1, estimated=None))
    out = apply(parse_scenario(USMCA_ENDS), lines).lines
    assert out.estimated.tolist() == [True, False]


def test_line_table_keeps_both_rate_texts_and_methods() -> None:
    lines = frame(line("8703230140", 100.0, 80.0, 0.025, pref_rate_text="Free"))
    row = apply(parse_scenario(USMCA_ENDS), lines).lines.iloc[0]
    assert (row.mfn_text, row.pref_text) == ("2.5%", "Free")
    assert (row.mfn_ave_method, row.pref_ave_method) == ("exact", "exact")


def test_missing_columns_are_named_in_the_error_field() -> None:
    with pytest.raises(InputError) as exc:
        apply(parse_scenario(USMCA_ENDS), pd.DataFrame({"value_usd": [1.0], "origin": ["MEX"]}))
    assert exc.value.field == "reporter, partner, period, product_code, mfn_kind"


def test_lines_the_program_does_not_list_pay_mfn_on_both_tracks() -> None:
    # no preferential rate for the line: the claimed track pays MFN, with MFN's method
    row = apply(parse_scenario(USMCA_ENDS),
                frame(line("8703230140", 100.0, 80.0, 0.025, pref=None))).lines.iloc[0]
    assert (row.pref_ave, row.pref_ave_method) == (0.025, "exact")
    no_columns = frame(line("8703230140", 100.0, 80.0, 0.025)).drop(
        columns=["pref_kind", "pref_ad_valorem"])
    row = apply(parse_scenario(USMCA_ENDS), no_columns).lines.iloc[0]
    assert (row.pref_ave, row.pref_ave_method) == (0.025, "exact")
    assert math.isclose(row.duty_before, 2.5)


def test_smart_keeps_the_base_audit_and_the_result_its_scenario() -> None:
    scenario = parse_scenario(USMCA_ENDS)
    lines = frame(line("8703230140", 100.0, 100.0, 0.025, rest_value_usd=300.0),
                  line("0101", 10.0, 0.0, None, kind="unparsed", pref=None,
                       mfn_rate_text="see note"))
    res = apply(scenario, lines, elasticities=ElasticityTables(hts10={"8703230140": 1.47}))
    kinds = {n.kind for n in res.audit}
    assert "unparsed_rate" in kinds and "elasticity_fallback" in kinds
    assert res.scenario is scenario


def test_a_list_resolved_to_no_codes_hits_no_line() -> None:
    text = overlay("  - {type: set_rate, rate: 0.1, products: {lists: [budgetlab:s232_copper]}}\n")
    res = apply(parse_scenario(text), frame(line("7406100000", 10.0, 0.0, 0.0, kind="free")),
                product_lists={"budgetlab:s232_copper": []})
    assert res.lines.rate_after.tolist() == [0.0]


def test_zero_rates_in_overlays_mean_zero() -> None:
    lines = frame(line("8703230140", 100.0, 60.0, 0.20, pref=0.10))
    add0 = overlay("  - {type: additional, rate: 0, stacking: add, products: {prefixes: ['87']}}\n")
    assert apply(parse_scenario(add0), lines).lines.duty_after[0] == pytest.approx(14.0)
    set0 = overlay("  - {type: set_rate, rate: 0}\n")
    assert apply(parse_scenario(set0), lines).lines.duty_after[0] == 0.0


def test_swiss_coefficient_is_the_scenarios() -> None:
    # a = 8: 20 % → 0.08·0.2/0.28, 10 % → 0.08·0.1/0.18 (not the default coefficient)
    lines = frame(line("8703230140", 100.0, 60.0, 0.20, pref=0.10))
    res = apply(parse_scenario(overlay("  - {type: swiss, a: 8}\n")), lines)
    assert res.lines.duty_after[0] == pytest.approx(60 * 0.008 / 0.18 + 40 * 0.016 / 0.28)
