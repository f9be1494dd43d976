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
