"""How the measures active on a date combine on each line: a dispatch table of rules.

Every line has two tracks (value that claimed USMCA pays the preferential rate, the rest pays
MFN), and each track gets a rate per authority. The rules run in the order of :data:`RULES`,
one per stacking role, because later ones read what earlier ones decided:

1. ``carve_out`` — lines leaving the metal programmes (2026 annex II): no metal duty, and
   IEEPA/Section 122 on their full value.
2. ``heading`` — Section 232 heading programmes (autos, parts, trucks, buses, wood). They
   **replace** the metal programmes on their lines (U.S. notes 33, 37, 38) and, when several
   match, the one with the **highest rate** applies (a modelling rule for overlaps the notes
   leave to the importer's entry; see docs/methods/regime.md).
3. ``metal`` — steel, aluminium, copper: full value (articles, 2026 annexes), metal content
   (derivatives: the line's BEA share of that metal, clamped to [0, 1]) or a floor (annex III:
   tops the line's rate up to 15%, never lowers it). Content duties of different metals add
   (each on its own share); full-value ones take the highest.
4. ``residual`` — IEEPA and Section 122 do not fall on the value a Section 232 programme
   covers (EO 14289; Proclamation 10947; Section 122 heading 9903.03.06): the whole line for
   heading and full-value programmes, the non-metal share for derivatives.
5. ``additive`` — Section 201/301: on top of everything.

USMCA treatment (:data:`USMCA_FACTOR`) scales each measure on the claimed track: 0 when
``exempt_claimed``, the non-US content share when ``non_us_content``, 1 when ``none``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from comexlab.tariffs.regime.timeline import (
    Authority,
    Measure,
    Role,
    Usmca,
    ValueBasis,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Hit:
    """An active measure and the lines it reaches."""

    measure: Measure
    mask: BoolArray


@dataclass(slots=True)
class StackState:
    """Per-line state the rules read and write (two tracks: ``claimed`` and ``rest``)."""

    base_claimed: FloatArray          # preferential (USMCA) rate, ≤ MFN
    base_rest: FloatArray             # MFN rate
    shares: Mapping[str, FloatArray]  # metal content shares, in [0, 1]
    us_content: float                 # USMCA vehicles: US share of value (duty-free part)
    claimed: dict[Authority, FloatArray] = field(default_factory=dict)
    rest: dict[Authority, FloatArray] = field(default_factory=dict)
    removed: BoolArray | None = None   # carve-out: out of the metal programmes
    heading: BoolArray | None = None   # a heading programme applies
    covered: FloatArray | None = None  # share of value a Section 232 programme covers

    @property
    def size(self) -> int:
        """Number of lines."""
        return len(self.base_rest)

    def add(self, authority: Authority, claimed: FloatArray, rest: FloatArray) -> None:
        """Add a contribution to an authority's rate on both tracks."""
        zero = np.zeros(self.size)
        self.claimed[authority] = self.claimed.get(authority, zero) + claimed
        self.rest[authority] = self.rest.get(authority, zero) + rest


USMCA_FACTOR: Mapping[Usmca, Callable[[float], float]] = {
    Usmca.exempt_claimed: lambda us: 0.0,
    Usmca.non_us_content: lambda us: 1.0 - us,
    Usmca.none: lambda us: 1.0,
}
"""Share of a measure's rate the USMCA-claimed track pays, given the US content share."""


def _factor(measure: Measure, st: StackState) -> float:
    return USMCA_FACTOR[measure.usmca](st.us_content)


def _falsy(st: StackState) -> BoolArray:
    return np.zeros(st.size, dtype=bool)


def rule_carve_out(st: StackState, hits: Sequence[Hit]) -> None:
    """Lines of a carve-out leave the metal programmes (and are not Section 232-covered)."""
    removed = _falsy(st)
    for h in hits:
        removed |= h.mask
    st.removed = removed


def rule_heading(st: StackState, hits: Sequence[Hit]) -> None:
    """The highest heading programme that matches a line applies, with its USMCA treatment."""
    claimed = np.zeros(st.size)
    rest = np.zeros(st.size)
    hit_any = _falsy(st)
    for h in sorted(hits, key=lambda h: -h.measure.rate):  # highest first; ties: file order
        take = h.mask & ~hit_any
        rest = np.where(take, h.measure.rate, rest)
        claimed = np.where(take, h.measure.rate * _factor(h.measure, st), claimed)
        hit_any |= h.mask
    st.heading = hit_any
    st.add(Authority.s232, claimed, rest)


def _metal_share(h: Hit, st: StackState) -> FloatArray:
    assert h.measure.metal is not None  # validated: metal_content names its metal
    return st.shares[h.measure.metal]


def rule_metal(st: StackState, hits: Sequence[Hit]) -> None:
    """Metal duties where no heading programme or carve-out applies."""
    free = ~(st.heading if st.heading is not None else _falsy(st))
    if st.removed is not None:
        free &= ~st.removed
    full_c, full_r = np.zeros(st.size), np.zeros(st.size)
    cont_c, cont_r = np.zeros(st.size), np.zeros(st.size)
    full_hit = _falsy(st)
    content_share = np.zeros(st.size)
    for h in hits:
        m, f = h.measure, _factor(h.measure, st)
        mask = h.mask & free
        if m.value_basis is ValueBasis.metal_content:
            share = _metal_share(h, st)
            cont_r += np.where(mask, m.rate * share, 0.0)
            cont_c += np.where(mask, m.rate * share * f, 0.0)
            content_share += np.where(mask, share, 0.0)
            continue
        if m.value_basis is ValueBasis.floor:
            r_rest = np.maximum(m.rate - st.base_rest, 0.0)
            r_claimed = np.maximum(m.rate - st.base_claimed, 0.0) * f
        else:
            r_rest = np.full(st.size, m.rate)
            r_claimed = np.full(st.size, m.rate * f)
        full_r = np.where(mask, np.fmax(full_r, r_rest), full_r)
        full_c = np.where(mask, np.fmax(full_c, r_claimed), full_c)
        full_hit |= mask
    st.add(Authority.s232, np.where(full_hit, np.fmax(full_c, cont_c), cont_c),
           np.where(full_hit, np.fmax(full_r, cont_r), cont_r))
    covered = np.where(full_hit, 1.0, np.minimum(content_share, 1.0))
    if st.heading is not None:
        covered = np.where(st.heading, 1.0, covered)
    st.covered = covered


def rule_residual(st: StackState, hits: Sequence[Hit]) -> None:
    """IEEPA / Section 122 on the value no Section 232 programme covers."""
    covered = st.covered if st.covered is not None else np.zeros(st.size)
    left = 1.0 - covered
    for h in hits:
        rate = np.where(h.mask, h.measure.rate * left, 0.0)
        st.add(h.measure.authority, rate * _factor(h.measure, st), rate)


def rule_additive(st: StackState, hits: Sequence[Hit]) -> None:
    """Duties on top of everything else, on the full value."""
    for h in hits:
        rate = np.where(h.mask, h.measure.rate, 0.0)
        st.add(h.measure.authority, rate * _factor(h.measure, st), rate)


Rule = Callable[[StackState, Sequence[Hit]], None]
RULES: tuple[tuple[Role, Rule], ...] = (
    (Role.carve_out, rule_carve_out),
    (Role.heading, rule_heading),
    (Role.metal, rule_metal),
    (Role.residual, rule_residual),
    (Role.additive, rule_additive),
)
"""The dispatch table: each stacking role and its rule, in the order they must run."""


@dataclass(frozen=True, slots=True)
class TrackRates:
    """Each line's rate by authority on the claimed and the non-claimed track."""

    claimed: Mapping[Authority, FloatArray]
    rest: Mapping[Authority, FloatArray]

    def total(self, track: str) -> FloatArray:
        """Sum over authorities of one track (``claimed`` or ``rest``)."""
        rates = self.claimed if track == "claimed" else self.rest
        return np.sum(np.vstack(list(rates.values())), axis=0)


def stack(hits: Sequence[Hit], *, base_claimed: FloatArray, base_rest: FloatArray,
          shares: Mapping[str, FloatArray], us_content: float) -> TrackRates:
    """Run the rules over the lines: the rate by authority of each track (MFN included)."""
    st = StackState(base_claimed=base_claimed, base_rest=base_rest, shares=shares,
                    us_content=us_content)
    st.add(Authority.mfn, base_claimed, base_rest)
    for role, rule in RULES:
        rule(st, [h for h in hits if h.measure.stacking is role])
    return TrackRates(dict(st.claimed), dict(st.rest))
