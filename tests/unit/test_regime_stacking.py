"""One test per stacking rule, each on a hand-worked line.

Lines are 1 USD of value; rates in the comments are worked by hand from the rule.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from comexlab.tariffs.regime.stacking import RULES, Hit, TrackRates, stack
from comexlab.tariffs.regime.timeline import (
    Authority,
    Measure,
    ProductScope,
    Role,
    Usmca,
    ValueBasis,
)

DAY = dt.date(2025, 6, 15)


def measure(mid: str, authority: Authority, rate: float, role: Role, *,
            usmca: Usmca = Usmca.none, basis: ValueBasis = ValueBasis.full,
            metal: str | None = None) -> Measure:
    return Measure(id=mid, title=mid, authority=authority, headings=(), legal=("x",),
                   rate=rate, effective_from=DAY, effective_to=None, partners=("*",),
                   products=ProductScope(everything=True), usmca=usmca, stacking=role,
                   value_basis=basis, metal=metal)


IEEPA = measure("ieepa", Authority.ieepa_fentanyl, 0.25, Role.residual,
                usmca=Usmca.exempt_claimed)
STEEL = measure("steel", Authority.s232, 0.50, Role.metal, metal="steel")
ALU_DERIV = measure("alu-deriv", Authority.s232, 0.50, Role.metal,
                    basis=ValueBasis.metal_content, metal="aluminum")
COPPER = measure("copper", Authority.s232, 0.50, Role.metal,
                 basis=ValueBasis.metal_content, metal="copper")
AUTOS = measure("autos", Authority.s232, 0.25, Role.heading, usmca=Usmca.non_us_content)
PARTS = measure("parts", Authority.s232, 0.25, Role.heading, usmca=Usmca.exempt_claimed)
BUSES = measure("buses", Authority.s232, 0.10, Role.heading)
ANNEX3 = measure("annex3", Authority.s232, 0.15, Role.metal, basis=ValueBasis.floor)
ANNEX2 = measure("annex2", Authority.s232, 0.0, Role.carve_out)
SOLAR = measure("solar", Authority.s201, 0.14, Role.additive)


def run(*measures: Measure, mfn: float = 0.0, pref: float = 0.0, steel: float = 0.0,
        aluminum: float = 0.0, copper: float = 0.0) -> TrackRates:
    """One line hit by every measure given."""
    hits = [Hit(m, np.array([True])) for m in measures]
    return stack(hits, base_claimed=np.array([pref]), base_rest=np.array([mfn]),
                 shares={"steel": np.array([steel]), "aluminum": np.array([aluminum]),
                         "copper": np.array([copper])}, us_content=0.40)


def rate(r: TrackRates, track: str, authority: Authority | None = None) -> float:
    if authority is None:
        return float(r.total(track)[0])
    rates = r.claimed if track == "claimed" else r.rest
    return float(rates.get(authority, np.zeros(1))[0])


def test_the_dispatch_table_runs_carve_outs_then_headings_then_metals_then_the_rest() -> None:
    assert [role for role, _ in RULES] == [Role.carve_out, Role.heading, Role.metal,
                                           Role.residual, Role.additive]


def test_ieepa_does_not_fall_on_a_full_value_232_good() -> None:
    # steel sheet, MFN free: 50% steel, no IEEPA on either track (EO 14289)
    r = run(STEEL, IEEPA, steel=1.0)
    assert rate(r, "rest") == pytest.approx(0.50)
    assert rate(r, "rest", Authority.ieepa_fentanyl) == 0.0
    assert rate(r, "claimed") == pytest.approx(0.50)  # metals give USMCA goods no relief


def test_ieepa_falls_on_the_non_metal_share_of_a_derivative() -> None:
    # aluminium share 0.4, MFN 2.5%: 232 = 0.5 * 0.4 = 0.20; IEEPA = 0.25 * 0.6 = 0.15
    r = run(ALU_DERIV, IEEPA, mfn=0.025, aluminum=0.4)
    assert rate(r, "rest", Authority.s232) == pytest.approx(0.20)
    assert rate(r, "rest", Authority.ieepa_fentanyl) == pytest.approx(0.15)
    assert rate(r, "rest") == pytest.approx(0.375)
    # claimed USMCA: the IEEPA part goes (exempt_claimed), the metal part stays
    assert rate(r, "claimed") == pytest.approx(0.20)


def test_content_duties_of_different_metals_add_each_on_its_share() -> None:
    # aluminium 0.3 and copper 0.2: 232 = 0.5*0.3 + 0.5*0.2 = 0.25; IEEPA on 0.5 = 0.125
    r = run(ALU_DERIV, COPPER, IEEPA, aluminum=0.3, copper=0.2)
    assert rate(r, "rest", Authority.s232) == pytest.approx(0.25)
    assert rate(r, "rest", Authority.ieepa_fentanyl) == pytest.approx(0.125)


def test_a_heading_programme_replaces_the_metal_rates() -> None:
    # an auto part on the aluminium derivative list: 25% parts duty only, no content duty,
    # and no IEEPA (the heading programme covers the whole value)
    r = run(PARTS, ALU_DERIV, IEEPA, mfn=0.025, aluminum=0.6)
    assert rate(r, "rest", Authority.s232) == pytest.approx(0.25)
    assert rate(r, "rest") == pytest.approx(0.275)
    assert rate(r, "claimed") == pytest.approx(0.0)  # USMCA parts exempt, pref free


def test_the_highest_heading_programme_applies_when_several_match() -> None:
    r = run(BUSES, PARTS, mfn=0.02)
    assert rate(r, "rest", Authority.s232) == pytest.approx(0.25)
    # its USMCA treatment too: parts are exempt on the claimed track
    assert rate(r, "claimed", Authority.s232) == 0.0


def test_usmca_vehicles_pay_on_the_non_us_content() -> None:
    # passenger car: MFN 2.5%, USMCA free; claimed: 25% * (1 - 0.40) = 15%
    r = run(AUTOS, IEEPA, mfn=0.025, pref=0.0)
    assert rate(r, "claimed") == pytest.approx(0.15)
    assert rate(r, "rest") == pytest.approx(0.275)
    assert rate(r, "rest", Authority.ieepa_fentanyl) == 0.0


def test_exempt_claimed_spares_only_the_claimed_track() -> None:
    r = run(IEEPA, mfn=0.05, pref=0.0)
    assert rate(r, "claimed") == 0.0
    assert rate(r, "rest") == pytest.approx(0.30)


def test_a_floor_tops_the_rate_up_and_never_lowers_it() -> None:
    assert rate(run(ANNEX3, mfn=0.05), "rest", Authority.s232) == pytest.approx(0.10)
    assert rate(run(ANNEX3, mfn=0.20), "rest", Authority.s232) == 0.0
    assert rate(run(ANNEX3, mfn=0.20), "rest") == pytest.approx(0.20)


def test_a_carve_out_removes_the_metal_duty_and_lets_ieepa_apply_in_full() -> None:
    r = run(ANNEX2, STEEL, IEEPA, steel=1.0)
    assert rate(r, "rest", Authority.s232) == 0.0
    assert rate(r, "rest", Authority.ieepa_fentanyl) == pytest.approx(0.25)


def test_additive_duties_stack_on_top_of_232() -> None:
    r = run(STEEL, SOLAR, mfn=0.0, steel=1.0)
    assert rate(r, "rest") == pytest.approx(0.64)
    assert rate(r, "claimed", Authority.s201) == pytest.approx(0.14)  # USMCA: none


def test_lines_not_hit_keep_their_base_rate() -> None:
    hits = [Hit(IEEPA, np.array([True, False]))]
    r = stack(hits, base_claimed=np.zeros(2), base_rest=np.array([0.05, 0.05]),
              shares={m: np.zeros(2) for m in ("steel", "aluminum", "copper")},
              us_content=0.4)
    assert r.total("rest").tolist() == pytest.approx([0.30, 0.05])


# --- several lines, several measures of one role (mutation testing, issue 11) ----------------

def run_lines(hits: list[Hit], *, mfn: list[float], pref: list[float] | None = None,
              **shares: list[float]) -> TrackRates:
    n = len(mfn)
    metals = {m: np.array(shares.get(m, [0.0] * n)) for m in ("steel", "aluminum", "copper")}
    return stack(hits, base_claimed=np.array(pref if pref is not None else [0.0] * n),
                 base_rest=np.array(mfn), shares=metals, us_content=0.40)


def rates(r: TrackRates, track: str, authority: Authority | None = None) -> list[float]:
    if authority is None:
        return r.total(track).tolist()
    got = r.claimed if track == "claimed" else r.rest
    return got.get(authority, np.zeros(len(r.total(track)))).tolist()


YES, NO = True, False


def test_two_carve_outs_each_free_their_own_lines() -> None:
    carve_b = measure("annex2b", Authority.s232, 0.0, Role.carve_out)
    r = run_lines([Hit(ANNEX2, np.array([YES, NO, NO])), Hit(carve_b, np.array([NO, YES, NO])),
                   Hit(STEEL, np.array([YES, YES, YES]))], mfn=[0.0] * 3)
    assert rates(r, "rest", Authority.s232) == pytest.approx([0.0, 0.0, 0.50])


def test_a_heading_line_keeps_its_heading_when_a_lower_one_hits_other_lines() -> None:
    # line 0: parts (25%); line 1: buses (10%); both on the steel list and under IEEPA
    hits = [Hit(PARTS, np.array([YES, NO])), Hit(BUSES, np.array([NO, YES])),
            Hit(STEEL, np.array([YES, YES])), Hit(IEEPA, np.array([YES, YES]))]
    r = run_lines(hits, mfn=[0.0, 0.0], steel=[1.0, 1.0])
    assert rates(r, "rest", Authority.s232) == pytest.approx([0.25, 0.10])
    assert rates(r, "rest", Authority.ieepa_fentanyl) == pytest.approx([0.0, 0.0])


def test_full_value_metals_on_different_lines_both_count() -> None:
    alu = measure("alu", Authority.s232, 0.25, Role.metal, metal="aluminum")
    r = run_lines([Hit(STEEL, np.array([YES, NO])), Hit(alu, np.array([NO, YES]))],
                  mfn=[0.0, 0.0])
    assert rates(r, "rest", Authority.s232) == pytest.approx([0.50, 0.25])
    assert rates(r, "claimed", Authority.s232) == pytest.approx([0.50, 0.25])


def test_content_duties_add_on_the_claimed_track_too_and_only_where_they_hit() -> None:
    # line 0: aluminium 0.3 and copper 0.2 → 0.25 on both tracks, IEEPA 25% on the other 0.5;
    # line 1: no metal programme → IEEPA on the whole value
    hits = [Hit(ALU_DERIV, np.array([YES, NO])), Hit(COPPER, np.array([YES, NO])),
            Hit(IEEPA, np.array([YES, YES]))]
    r = run_lines(hits, mfn=[0.0, 0.0], aluminum=[0.3, 0.3], copper=[0.2, 0.2])
    assert rates(r, "claimed", Authority.s232) == pytest.approx([0.25, 0.0])
    assert rates(r, "rest", Authority.ieepa_fentanyl) == pytest.approx([0.125, 0.25])


def test_metal_shares_over_one_leave_no_negative_ieepa() -> None:
    # aluminium 0.7 + copper 0.6 of the value: the 232 programmes cover it all, IEEPA is 0
    r = run(ALU_DERIV, COPPER, IEEPA, aluminum=0.7, copper=0.6)
    assert rate(r, "rest", Authority.s232) == pytest.approx(0.65)
    assert rate(r, "rest", Authority.ieepa_fentanyl) == 0.0


def test_metal_usmca_exemptions_give_the_claimed_track_nothing() -> None:
    # exempt_claimed metal measures (content, full value, floor): the claimed track pays none
    content = measure("c", Authority.s232, 0.5, Role.metal, basis=ValueBasis.metal_content,
                      metal="copper", usmca=Usmca.exempt_claimed)
    full = measure("f", Authority.s232, 0.5, Role.metal, metal="steel",
                   usmca=Usmca.exempt_claimed)
    floor = measure("fl", Authority.s232, 0.15, Role.metal, basis=ValueBasis.floor,
                    usmca=Usmca.exempt_claimed)
    for m, rest in ((content, 0.25), (full, 0.5), (floor, 0.10)):
        r = run(m, mfn=0.05, pref=0.0, copper=0.5)
        assert rate(r, "claimed", Authority.s232) == 0.0, m.id
        assert rate(r, "rest", Authority.s232) == pytest.approx(rest), m.id


def test_a_floor_on_the_claimed_track_tops_up_from_the_preferential_rate() -> None:
    # annex III floor 15%: MFN 8% → +7% on the rest; USMCA rate 5% → +10% on the claimed part;
    # a claimed rate already above 15% gets nothing
    r = run(ANNEX3, mfn=0.08, pref=0.05)
    assert rate(r, "rest", Authority.s232) == pytest.approx(0.07)
    assert rate(r, "claimed", Authority.s232) == pytest.approx(0.10)
    assert rate(run(ANNEX3, mfn=0.20, pref=0.18), "claimed", Authority.s232) == 0.0


def test_additive_duties_only_on_their_lines_with_their_usmca_share() -> None:
    vehicles_301 = measure("s301", Authority.s301, 0.25, Role.additive,
                           usmca=Usmca.non_us_content)
    r = run_lines([Hit(vehicles_301, np.array([YES, NO]))], mfn=[0.0, 0.0])
    assert rates(r, "rest", Authority.s301) == pytest.approx([0.25, 0.0])
    assert rates(r, "claimed", Authority.s301) == pytest.approx([0.25 * 0.6, 0.0])


def test_each_rule_also_runs_on_its_own() -> None:
    # a metal or residual rule with no heading/metal rule before it: nothing is covered
    from comexlab.tariffs.regime.stacking import StackState, rule_metal, rule_residual

    def state() -> StackState:
        return StackState(base_claimed=np.zeros(1), base_rest=np.zeros(1),
                          shares={"steel": np.ones(1), "aluminum": np.zeros(1),
                                  "copper": np.zeros(1)}, us_content=0.4)

    st = state()
    rule_metal(st, [Hit(STEEL, np.array([YES]))])
    assert st.rest[Authority.s232].tolist() == [0.5]
    assert st.covered is not None and st.covered.tolist() == [1.0]
    st = state()
    rule_residual(st, [Hit(IEEPA, np.array([YES]))])
    assert st.rest[Authority.ieepa_fentanyl].tolist() == [0.25]
