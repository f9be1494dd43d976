"""The regime on a date, the ETR, the series and the chapter-99 check, on hand-built lines."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from comexlab.errors import InputError
from comexlab.tariffs.regime import compute as C
from comexlab.tariffs.regime.timeline import parse_timeline

TIMELINE = """
version: 1
parameters:
  usmca_us_content_share: {value: 0.4, description: d, source: s}
editions:
  - {edition: "2025", effective_from: 2025-01-01, source: s}
  - {edition: "2026r10", effective_from: 2026-06-08, source: s}
lists:
  regime:steel: {description: d, prefixes: ["7208"]}
measures:
  - id: fent
    title: t
    authority: ieepa_fentanyl
    headings: ["9903.01.01"]
    legal: [x]
    rate: 25%
    effective_from: 2025-03-07
    effective_to: 2026-02-23
    partners: [MEX]
    products: {everything: true, exclude_lists: ["potash"]}
    usmca: exempt_claimed
    stacking: residual
  - id: fent-potash
    title: t
    authority: ieepa_fentanyl
    headings: ["9903.01.05"]
    legal: [x]
    rate: 10%
    effective_from: 2025-03-07
    effective_to: 2026-02-23
    partners: [MEX]
    products: {lists: ["potash"]}
    usmca: exempt_claimed
    stacking: residual
  - id: steel
    title: t
    authority: s232
    headings: ["9903.81.87"]
    legal: [x]
    rate: 50%
    effective_from: 2025-06-04
    effective_to: null
    partners: ["*"]
    products: {lists: ["regime:steel"]}
    usmca: none
    stacking: metal
  - id: canada-only
    title: t
    authority: other
    headings: []
    legal: [x]
    rate: 35%
    effective_from: 2025-03-07
    effective_to: null
    partners: [CAN]
    products: {everything: true}
    usmca: none
    stacking: additive
"""

LISTS = {"potash": ["31043000"]}


def lines() -> C.RegimeLines:
    """Potash ($100, none claimed), steel sheet ($200, half claimed), other ($700, 60%)."""
    frame = pd.DataFrame({
        "product_code": ["3104300000", "7208390090", "8501100000"],
        "period": ["2025-09"] * 3,
        "value_usd": [100.0, 200.0, 700.0],
        "claimed_value_usd": [0.0, 100.0, 420.0],
        "section": ["VI", "XV", "XVI"],
    })
    mfn = np.array([0.0, 0.0, 0.04])
    pref = np.array([np.nan, 0.0, 0.0])
    metals = C.clamp_shares({"steel": np.array([0.0, 1.19, 0.2]),
                             "aluminum": np.zeros(3), "copper": np.array([np.nan, 0, 0])})
    base = {"2025": (mfn, pref), "2026r10": (mfn * 2, pref)}
    return C.RegimeLines(frame, base, metals, "MEX", "MEX", ("2025-09", "2025-09"))


def prep() -> C.Prepared:
    return C.prepare(lines(), parse_timeline(TIMELINE, source="t.yaml"), LISTS)


def test_metal_shares_are_clamped_and_the_clamp_counted() -> None:
    m = lines().metals
    assert m.shares["steel"].tolist() == [0.0, 1.0, 0.2]
    assert m.clamped_lines == 1 and m.missing_lines == 1


def test_potash_pays_the_carved_out_rate_not_the_general_one() -> None:
    day = C.regime_on(prep(), dt.date(2025, 3, 15), ["2025", "2026r10"])
    potash = day.lines.iloc[0]
    assert potash["rate_ieepa_fentanyl"] == pytest.approx(0.10)
    assert potash["measures"] == "fent-potash"


def test_the_etr_is_duty_over_value_of_the_window_by_hand() -> None:
    # 2025-06-15: potash 100 * 10% = 10; steel 200 * 50% = 100 (no IEEPA);
    # other: 280 not claimed * (4% + 25%) + 420 claimed * 0 = 81.2 -> ETR 191.2 / 1000
    day = C.regime_on(prep(), dt.date(2025, 6, 15), ["2025", "2026r10"])
    assert day.etr == pytest.approx(0.1912)
    assert day.by_authority["mfn"] == pytest.approx(280 * 0.04 / 1000)
    assert day.by_authority["s232"] == pytest.approx(0.100)
    assert day.by_authority["ieepa_fentanyl"] == pytest.approx((10 + 70) / 1000)
    assert day.by_authority["other"] == 0.0  # the Canada-only measure never reaches Mexico
    assert sum(day.by_authority.values()) == pytest.approx(day.etr)
    by_section = day.aggregate("section").set_index("section")["etr"]
    assert by_section["XV"] == pytest.approx(0.5)


def test_the_edition_in_force_is_the_latest_loaded_on_or_before_the_date() -> None:
    eds = parse_timeline(TIMELINE, source="t.yaml").editions
    assert C.edition_on(eds, ["2025", "2026r10"], dt.date(2026, 6, 7)) == "2025"
    assert C.edition_on(eds, ["2025", "2026r10"], dt.date(2026, 6, 8)) == "2026r10"
    assert C.edition_on(eds, ["2025"], dt.date(2026, 11, 30)) == "2025"
    with pytest.raises(InputError, match="2024-12-31"):
        C.edition_on(eds, ["2025"], dt.date(2024, 12, 31))
    # the later edition's MFN is used after its date (base doubled in the fixture)
    after = C.regime_on(prep(), dt.date(2026, 7, 1), ["2025", "2026r10"])
    assert after.edition == "2026r10"
    assert after.by_authority["mfn"] == pytest.approx(280 * 0.08 / 1000)


def test_unknown_base_rates_are_left_out_and_reported() -> None:
    p = prep()
    mfn = p.lines.base["2025"][0].copy()
    mfn[2] = np.nan
    broken = C.RegimeLines(p.lines.frame, {"2025": (mfn, p.lines.base["2025"][1])},
                           p.lines.metals, "MEX", "MEX", p.lines.window)
    day = C.regime_on(C.prepare(broken, p.timeline, LISTS), dt.date(2025, 6, 15), ["2025"])
    assert day.value_unknown_rate == 700.0
    assert day.etr == pytest.approx(110 / 300)
    assert day.notes and "left out" in day.notes[0].text("en")
    assert "fuera de la tasa" in day.notes[0].text("es")


def test_the_series_is_computed_once_per_distinct_regime() -> None:
    p = prep()
    s = C.series(p, dt.date(2025, 1, 1), dt.date(2026, 11, 30), ["2025", "2026r10"])
    assert len(s.daily) == 699
    # regimes: before IEEPA, IEEPA, IEEPA+steel, steel only, steel on the 2026r10 edition
    assert s.computations == 5
    for day in ("2025-03-15", "2025-06-15", "2026-02-24", "2026-07-24"):
        d = dt.date.fromisoformat(day)
        row = s.daily[s.daily["date"] == d].iloc[0]
        assert row["etr"] == pytest.approx(C.regime_on(p, d, ["2025", "2026r10"]).etr)
    with pytest.raises(InputError):
        C.series(p, dt.date(2026, 1, 2), dt.date(2026, 1, 1), ["2025"])


@pytest.mark.parametrize(("text", "expected"), [
    ("The duty provided in the applicable subheading + 25%", 0.25),
    ("The duty provided in the applicable subheading +10%", 0.10),
    ("The duty provided in the applicable subheading + a duty of 25% upon the value of the "
     "non-U.S. content", 0.25),
    ("The duty provided in the applicable subheading", 0.0),
    ("No change", 0.0),
    ("15%", 0.15),
    ("see note", None),
])
def test_printed_rates_are_read(text: str, expected: float | None) -> None:
    assert C.printed_rate(text) == expected


def test_the_check_lists_missing_headings_and_rate_mismatches() -> None:
    tl = parse_timeline(TIMELINE, source="t.yaml")
    ch99 = {"2025": {"9903.01.05": "The duty provided in the applicable subheading + 10%"},
            "2026r10": {"9903.81.87": "The duty provided in the applicable subheading + 25%"}}
    rows = {(r.measure, r.heading, r.edition): r.status for r in C.check_timeline(tl, ch99)}
    assert rows[("fent-potash", "9903.01.05", "2025")] == "ok"
    assert rows[("fent", "9903.01.01", "2025")] == "missing"
    assert rows[("steel", "9903.81.87", "2026r10")] == "rate_mismatch"
    # the IEEPA measures ended before 2026r10 came into force: not checked against it
    assert ("fent", "9903.01.01", "2026r10") not in rows
    only_late = C.check_timeline(tl, {"2026r10": {}})
    assert {r.status for r in only_late if r.measure == "fent"} == {"no_edition"}


# --- line table, labels, errors and the check in detail (mutation testing, issue 11) ----------

DAY = dt.date(2025, 6, 15)
LOADED = ["2025", "2026r10"]


def test_each_line_gives_its_rate_per_track_and_per_authority_by_hand() -> None:
    # 2025-06-15 on the 2025 edition (fent, fent-potash and steel in force):
    #   potash $100, none claimed, MFN free, no USMCA rate: 10% potash IEEPA on the rest;
    #   steel $200 ($100 claimed): 50% on both tracks (metals give USMCA no relief), no IEEPA;
    #   motor $700 ($420 claimed): claimed free (USMCA, IEEPA exempt); rest 4% + 25% = 29%
    lines = C.regime_on(prep(), DAY, LOADED).lines
    assert lines["claimed_value_usd"].tolist() == [0.0, 100.0, 420.0]
    assert lines["rate_claimed"].tolist() == pytest.approx([0.0, 0.50, 0.0])
    assert lines["rate_not_claimed"].tolist() == pytest.approx([0.10, 0.50, 0.29])
    assert lines["duty"].tolist() == pytest.approx([10.0, 100.0, 81.2])
    # value-weighted: motor 280 × 29% / 700 = 11.6 % (4% → 1.6 %, 25% → 10 %)
    assert lines["rate_total"].tolist() == pytest.approx([0.10, 0.50, 0.116])
    assert lines["rate_mfn"].tolist() == pytest.approx([0.0, 0.0, 0.016])
    assert lines["rate_ieepa_fentanyl"].tolist() == pytest.approx([0.10, 0.0, 0.10])
    assert lines["rate_s232"].tolist() == pytest.approx([0.0, 0.50, 0.0])
    # which measures reach each line (file order), also where they add nothing
    assert lines["measures"].tolist() == ["fent-potash", "fent;steel", "fent"]


def test_no_measure_in_force_leaves_every_line_unlabelled() -> None:
    lines = C.regime_on(prep(), dt.date(2025, 1, 15), LOADED).lines
    assert lines["measures"].tolist() == ["", "", ""]
    assert lines["rate_total"].tolist() == pytest.approx([0.0, 0.0, 280 * 0.04 / 700])


def test_a_line_without_a_base_rate_has_no_rate_at_all() -> None:
    p = prep()
    mfn = p.lines.base["2025"][0].copy()
    mfn[2] = np.nan
    broken = C.RegimeLines(p.lines.frame, {"2025": (mfn, p.lines.base["2025"][1])},
                           p.lines.metals, "MEX", "MEX", p.lines.window)
    line = C.regime_on(C.prepare(broken, p.timeline, LISTS), DAY, ["2025"]).lines.iloc[2]
    # not 0 %: an unknown MFN makes every figure of the line unknown
    for col in ("duty", "rate_total", "rate_claimed", "rate_not_claimed", "rate_mfn"):
        assert np.isnan(line[col]), col


def _small_lines(values: list[float], claimed: list[float], mfn: list[float],
                 pref: list[float], sections: list[str]) -> C.RegimeLines:
    n = len(values)
    frame = pd.DataFrame({"product_code": ["8501100000"] * n, "period": ["2025-09"] * n,
                          "value_usd": values, "claimed_value_usd": claimed,
                          "section": pd.Categorical(sections, categories=["I", *sorted(
                              set(sections))])})
    metals = C.clamp_shares({m: np.zeros(n) for m in ("steel", "aluminum", "copper")})
    return C.RegimeLines(frame, {"2025": (np.array(mfn), np.array(pref))}, metals, "MEX",
                         "MEX", ("2025-09", "2025-09"))


def test_lines_with_little_or_no_value_still_show_their_rates() -> None:
    # $0.50 all claimed (free under USMCA, MFN 4%): its rate is the claimed one, 0 %;
    # a line with no value shows the not-claimed track's rate (4% + 25% IEEPA)
    small = _small_lines([0.5, 0.0], [0.5, 0.0], [0.04, 0.04], [0.0, 0.0], ["XVI", "XVI"])
    p = C.prepare(small, parse_timeline(TIMELINE, source="t.yaml"), LISTS)
    lines = C.regime_on(p, DAY, ["2025"]).lines
    assert lines["rate_mfn"].tolist() == pytest.approx([0.0, 0.04])
    assert lines["rate_ieepa_fentanyl"].tolist() == pytest.approx([0.0, 0.25])
    assert lines["rate_total"].tolist() == pytest.approx([0.0, 0.29])


def test_no_value_gives_no_etr_rather_than_an_error() -> None:
    empty = _small_lines([0.0], [0.0], [0.04], [0.0], ["XVI"])
    p = C.prepare(empty, parse_timeline(TIMELINE, source="t.yaml"), LISTS)
    etr, parts = C.etr_only(p, "2025", C.active_measures(p, DAY))
    assert np.isnan(etr) and all(np.isnan(v) for v in parts.values())


def test_aggregate_by_a_column_is_sorted_and_lists_only_groups_present() -> None:
    # XVII: $300, $100 claimed, MFN 2.5% → duty 200 × (2.5% + 25%) = 55 → ETR 55/300
    # XV: $100, none claimed, MFN 0 → 25 → 25 %
    two = _small_lines([300.0, 100.0], [100.0, 0.0], [0.025, 0.0], [0.0, 0.0], ["XVII", "XV"])
    p = C.prepare(two, parse_timeline(TIMELINE, source="t.yaml"), LISTS)
    agg = C.regime_on(p, DAY, ["2025"]).aggregate("section")
    assert agg["section"].tolist() == ["XV", "XVII"]  # the unused category "I" is not a row
    assert agg["etr"].tolist() == pytest.approx([0.25, 55 / 300])
    assert agg["claimed_share"].tolist() == pytest.approx([0.0, 1 / 3])
    assert agg["duty_usd"].tolist() == pytest.approx([25.0, 55.0])
    total = C.regime_on(p, DAY, ["2025"]).aggregate(None)
    assert total["claimed_share"].tolist() == pytest.approx([0.25])  # 100 / 400


def test_scope_exclusions_remove_lines_and_unknown_lists_name_the_list() -> None:
    from comexlab.tariffs.regime.timeline import ProductScope

    codes = pd.Series(["7208390090", "7216100000", "8501100000"])
    scope = ProductScope(prefixes=("72",), exclude_prefixes=("7216",))
    assert C.scope_mask(codes, scope, {}).tolist() == [True, False, False]
    with pytest.raises(InputError) as exc:
        C.scope_mask(codes, ProductScope(lists=("budgetlab:nowhere",)), {})
    assert (exc.value.field, exc.value.value) == ("products.lists", "budgetlab:nowhere")
    assert exc.value.text("en") == "product list budgetlab:nowhere was not resolved"


def test_no_edition_in_force_says_which_are_loaded() -> None:
    eds = parse_timeline(TIMELINE, source="t.yaml").editions
    with pytest.raises(InputError) as exc:
        C.edition_on(eds, ["2026r10", "2025"], dt.date(2024, 12, 31))
    assert (exc.value.field, exc.value.value) == ("on", "2024-12-31")
    assert "on 2024-12-31 (loaded: 2025, 2026r10)" in exc.value.text("en")
    with pytest.raises(InputError) as none:
        C.edition_on(eds, [], dt.date(2025, 6, 1))
    assert "(loaded: —)" in none.value.text("en")


def test_a_backwards_range_is_refused_naming_both_ends() -> None:
    with pytest.raises(InputError) as exc:
        C.series(prep(), dt.date(2026, 1, 2), dt.date(2026, 1, 1), ["2025"])
    assert (exc.value.field, exc.value.value) == ("end", "2026-01-01")
    assert exc.value.text("en") == "the range ends (2026-01-01) before it starts (2026-01-02)"
    one = C.series(prep(), DAY, DAY, LOADED)  # a one-day range is fine
    assert len(one.daily) == 1 and one.daily["etr"].iloc[0] == pytest.approx(0.1912)


def test_series_segments_and_daily_columns_by_hand() -> None:
    # 2025-06-01..06-05: IEEPA only until steel starts on 06-04 (its first day counts)
    s = C.series(prep(), dt.date(2025, 6, 1), dt.date(2025, 6, 5), LOADED)
    seg = s.segments
    assert seg["from"].tolist() == [dt.date(2025, 6, 1), dt.date(2025, 6, 4)]
    assert seg["to"].tolist() == [dt.date(2025, 6, 3), dt.date(2025, 6, 5)]
    assert seg["edition"].tolist() == ["2025", "2025"]
    assert seg["measures"].tolist() == ["fent, fent-potash", "fent, fent-potash, steel"]
    # before steel: potash 10 + steel sheet 100 × 25% (rest) + motor 81.2 = 116.2 / 1000
    assert seg["etr"].tolist() == pytest.approx([0.1162, 0.1912])
    daily = s.daily
    assert list(daily.columns) == ["date", "edition", "etr", *[a.value for a in C.AUTHORITIES],
                                   "regime"]
    assert daily["date"].tolist() == [dt.date(2025, 6, d) for d in range(1, 6)]
    assert daily["regime"].tolist() == [0, 0, 0, 1, 1]
    assert daily["etr"].tolist() == pytest.approx([0.1162] * 3 + [0.1912] * 2)
    assert list(daily.index) == [0, 1, 2, 3, 4]
    # a range ending on the day steel starts still sees steel on its last day
    last = C.series(prep(), dt.date(2025, 6, 1), dt.date(2025, 6, 4), LOADED)
    assert last.daily["etr"].tolist() == pytest.approx([0.1162] * 3 + [0.1912])


CHECK_TIMELINE = """
version: 1
editions:
  - {edition: "2025", effective_from: 2025-01-01, source: s}
  - {edition: "2025r20", effective_from: 2025-09-01, source: s}
  - {edition: "2026r10", effective_from: 2026-06-08, source: s}
measures:
  - {id: canada, title: t, authority: other, headings: ["9903.01.10"], legal: [x], rate: 35%,
     effective_from: 2025-03-07, effective_to: null, partners: [CAN],
     products: {everything: true}, usmca: none, stacking: additive}
  - {id: ends-day-before-r20, title: t, authority: other, headings: ["9903.01.20"],
     legal: [x], rate: 10%, effective_from: 2025-02-01, effective_to: 2025-08-31,
     partners: ["*"], products: {everything: true}, usmca: none, stacking: additive}
  - {id: ends-first-day-of-r20, title: t, authority: other, headings: ["9903.01.21"],
     legal: [x], rate: 10%, effective_from: 2025-02-01, effective_to: 2025-09-01,
     partners: ["*"], products: {everything: true}, usmca: none, stacking: additive}
  - {id: starts-last-day-of-2025, title: t, authority: other, headings: ["9903.01.22"],
     legal: [x], rate: 10%, effective_from: 2025-08-31, effective_to: 2025-12-31,
     partners: ["*"], products: {everything: true}, usmca: none, stacking: additive}
  - {id: starts-with-r20, title: t, authority: other, headings: ["9903.01.23"], legal: [x],
     rate: 10%, effective_from: 2025-09-01, effective_to: null, partners: ["*"],
     products: {everything: true}, usmca: none, stacking: additive}
  - {id: late, title: t, authority: s232, headings: ["9903.81.90", "9903.81.91"], legal: [x],
     rate: 50%, heading_rates: {"9903.81.91": 25%}, effective_from: 2026-07-01,
     effective_to: null, partners: ["*"], products: {prefixes: ["7208"]}, usmca: none,
     stacking: metal}
"""


def test_the_check_uses_each_edition_only_while_it_was_in_force() -> None:
    tl = parse_timeline(CHECK_TIMELINE, source="t.yaml")
    loaded = {"2025": {}, "2025r20": {}, "2026r10": {}}
    pairs = {(r.measure, r.edition) for r in C.check_timeline(tl, loaded)}
    # 2025 is in force 2025-01-01..2025-08-31, 2025r20 2025-09-01..2026-06-07, 2026r10 after
    assert ("ends-day-before-r20", "2025") in pairs
    assert ("ends-day-before-r20", "2025r20") not in pairs
    assert ("ends-first-day-of-r20", "2025r20") in pairs
    assert ("starts-last-day-of-2025", "2025") in pairs
    assert ("starts-last-day-of-2025", "2026r10") not in pairs
    assert {e for m, e in pairs if m == "late"} == {"2026r10"}
    assert {e for m, e in pairs if m == "starts-with-r20"} == {"2025r20", "2026r10"}
    assert {e for m, e in pairs if m == "canada"} == {"2025", "2025r20", "2026r10"}


def test_check_rows_carry_the_expected_and_printed_rates_and_a_hint() -> None:
    tl = parse_timeline(CHECK_TIMELINE, source="t.yaml")
    ch99 = {"2026r10": {
        "9903.81.90": "The duty provided in the applicable subheading + 50%",
        "9903.81.91": "The duty provided in the applicable subheading + 50% [expired]",
    }}
    rows = {(r.measure, r.heading): r for r in C.check_timeline(tl, ch99)}
    ok = rows[("late", "9903.81.90")]
    assert (ok.edition, ok.status, ok.timeline_rate, ok.printed_rate, ok.hint) == (
        "2026r10", "ok", 0.50, 0.50, "")
    assert ok.printed == "The duty provided in the applicable subheading + 50%"
    # the heading's own rate (25%) is what it should print, not the measure's 50%
    odd = rows[("late", "9903.81.91")]
    assert (odd.status, odd.timeline_rate, odd.printed_rate) == ("rate_mismatch", 0.25, 0.50)
    assert odd.hint == "the edition's compiler's note says the heading expired"
    # measures before 2026r10: no loaded edition was in force during them
    gone = rows[("ends-day-before-r20", "9903.01.20")]
    assert (gone.edition, gone.status, gone.timeline_rate, gone.printed, gone.printed_rate) == (
        "—", "no_edition", 0.10, None, None)
    # a heading missing from an edition that came in before the measure started: the revision
    # that added it is not loaded
    missing = C.check_timeline(tl, {"2025r20": {}})  # runs open-ended: the last loaded
    late = [r for r in missing if r.measure == "late"]
    assert [(r.heading, r.status, r.timeline_rate) for r in late] == [
        ("9903.81.90", "missing", 0.50), ("9903.81.91", "missing", 0.25)]
    assert late[0].hint == ("the measure starts after this edition came into force: the "
                            "revision that added the heading is not loaded")
    same_day = next(r for r in missing if r.measure == "starts-with-r20")
    assert (same_day.status, same_day.hint) == ("missing", "")  # in force from the same day
    canada = next(r for r in missing if r.measure == "canada")
    assert (canada.status, canada.printed, canada.printed_rate) == ("missing", None, None)
    assert canada.hint == ""  # canada started before 2025r20 came in: no revision to blame
    garbled = C.check_timeline(tl, {"2026r10": {"9903.81.90": "see note 20"}})
    row = next(r for r in garbled if r.heading == "9903.81.90")
    assert (row.status, row.printed, row.printed_rate) == ("not_understood", "see note 20", None)


def test_change_days_skip_measures_that_do_not_reach_the_partner() -> None:
    tl = parse_timeline(CHECK_TIMELINE, source="t.yaml")
    frame = pd.DataFrame({"product_code": ["7208390090"], "period": ["2025-09"],
                          "value_usd": [1.0], "claimed_value_usd": [0.0]})
    metals = C.clamp_shares({m: np.zeros(1) for m in ("steel", "aluminum", "copper")})
    lines = C.RegimeLines(frame, {"2025": (np.zeros(1), np.zeros(1))}, metals, "MEX", "MEX",
                          ("2025-09", "2025-09"))
    p = C.prepare(lines, tl, {})
    days = C.change_days(p, dt.date(2025, 1, 1), dt.date(2026, 12, 31))
    # canada (first in the file) does not apply to Mexico; the others' first days and the day
    # after their last do count, and so do the editions' first days
    assert dt.date(2025, 3, 7) not in days
    assert days == [dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 8, 31),
                    dt.date(2025, 9, 1), dt.date(2025, 9, 2), dt.date(2026, 1, 1),
                    dt.date(2026, 6, 8), dt.date(2026, 7, 1)]


def test_clamp_counts_each_line_once_and_missing_shares_in_any_metal() -> None:
    # steel missing on line 0, copper above 1 on line 1, aluminium negative on line 2, and a
    # share of exactly 1 (line 3) is a whole-metal article, not a clamp
    m = C.clamp_shares({"steel": np.array([np.nan, 0.5, 0.0, 1.0]),
                        "aluminum": np.array([0.0, 0.0, -0.2, 0.0]),
                        "copper": np.array([0.0, 1.3, 0.0, 0.0])})
    assert (m.missing_lines, m.clamped_lines) == (1, 2)
    assert m.shares["steel"].tolist() == [0.0, 0.5, 0.0, 1.0]
    assert m.shares["aluminum"].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert m.shares["copper"].tolist() == [0.0, 1.0, 0.0, 0.0]


def test_the_day_carries_its_date_measures_value_and_the_unknown_note() -> None:
    day = C.regime_on(prep(), DAY, LOADED)
    assert day.day == DAY and day.value_usd == 1000.0
    assert [m.id for m in day.measures] == ["fent", "fent-potash", "steel"]
    assert day.notes == () and day.value_unknown_rate == 0.0
    total = day.aggregate(None)
    assert list(total.columns) == ["value_usd", "claimed_share", "etr",
                                   *[a.value for a in C.AUTHORITIES], "duty_usd"]
    p = prep()
    mfn = p.lines.base["2025"][0].copy()
    mfn[2] = np.nan
    broken = C.RegimeLines(p.lines.frame, {"2025": (mfn, p.lines.base["2025"][1])},
                           p.lines.metals, "MEX", "MEX", p.lines.window)
    note = C.regime_on(C.prepare(broken, p.timeline, LISTS), DAY, ["2025"]).notes[0]
    assert note.params == {"lines": 1, "value": "700", "edition": "2025"}


def test_claims_above_the_value_are_clipped_in_the_line_table() -> None:
    over = _small_lines([100.0], [150.0], [0.04], [0.0], ["XVI"])
    p = C.prepare(over, parse_timeline(TIMELINE, source="t.yaml"), LISTS)
    line = C.regime_on(p, DAY, ["2025"]).lines.iloc[0]
    assert line["claimed_value_usd"] == 100.0
    assert line["duty"] == 0.0  # all claimed: free under USMCA, IEEPA exempt


def test_series_segment_ends_with_three_regimes() -> None:
    s = C.series(prep(), dt.date(2025, 3, 1), dt.date(2025, 6, 5), LOADED)
    assert s.segments["from"].tolist() == [dt.date(2025, 3, 1), dt.date(2025, 3, 7),
                                           dt.date(2025, 6, 4)]
    assert s.segments["to"].tolist() == [dt.date(2025, 3, 6), dt.date(2025, 6, 3),
                                         dt.date(2025, 6, 5)]


VEHICLES = """
version: 1
parameters:
  usmca_us_content_share: {value: 0.4, description: d, source: s}
editions:
  - {edition: "2025", effective_from: 2025-01-01, source: s}
measures:
  - {id: autos, title: t, authority: s232, headings: [], legal: [x], rate: 25%,
     effective_from: 2025-04-03, effective_to: null, partners: ["*"],
     products: {prefixes: ["8703"]}, usmca: non_us_content, stacking: heading}
  - {id: copper, title: t, authority: s232, headings: [], legal: [x], rate: 50%,
     effective_from: 2025-08-01, effective_to: null, partners: ["*"],
     products: {prefixes: ["8544"]}, usmca: none, stacking: metal,
     value_basis: metal_content, metal: copper}
"""


def test_vehicle_content_and_copper_content_reach_the_lines() -> None:
    # car $100 all claimed, MFN 2.5 %, USMCA free: 25 % × (1 − 0.40 US content) = 15 %;
    # cable $100 none claimed, copper share 0.6: 50 % × 0.6 = 30 %
    frame = pd.DataFrame({"product_code": ["8703230140", "8544429090"],
                          "period": ["2025-09"] * 2, "value_usd": [100.0, 100.0],
                          "claimed_value_usd": [100.0, 0.0]})
    metals = C.clamp_shares({"steel": np.zeros(2), "aluminum": np.zeros(2),
                             "copper": np.array([0.0, 0.6])})
    lines = C.RegimeLines(frame, {"2025": (np.array([0.025, 0.0]), np.array([0.0, 0.0]))},
                          metals, "MEX", "MEX", ("2025-09", "2025-09"))
    p = C.prepare(lines, parse_timeline(VEHICLES, source="v.yaml"), {})
    out = C.regime_on(p, DAY.replace(month=9), ["2025"]).lines
    assert out["rate_s232"].tolist() == pytest.approx([0.15, 0.30])
