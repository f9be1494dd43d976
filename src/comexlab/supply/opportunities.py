"""Ranking import-substitution opportunities: what a state imports that its industry could make.

Each candidate is an HS heading (HS4) that some process of the taxonomy makes
(``process_products.csv``). Four components, each on 0–1 and each shown:

* **market** — value imported from the chosen origins in the latest year, on a log scale from
  the smallest to the largest candidate: ``(ln v − ln v_min) / (ln v_max − ln v_min)``. WHY log:
  imports span four orders of magnitude; a linear scale would make every heading but the top
  two look like zero, and ``ln v / ln v_max`` alone would squeeze them all into 0.75–1.
* **growth** — percentile rank (0–1, ties averaged) of the compound annual growth rate between
  the base and the latest year. WHY a rank: growth rates of small lines are extreme (+900 %).
* **feasibility** — density of the heading's SCIAN subsector in the state (economic complexity:
  the share of related subsectors the state already exports with RCA ≥ 1).
* **coverage** — local suppliers ``n`` able to make it (registry firms with the process in the
  state, RETC plants of the process's SCIAN classes in the state or near its buyers), saturating:
  ``n / (n + half)`` (default ``half = 2``: 2 suppliers → 0.5, 6 → 0.75).

Score = weighted geometric mean ``Π max(c_i, floor)^(w_i / Σw)``: "value × growth ×
feasibility × coverage" with weights as exponents, so a heading nobody can make or nobody buys
ranks low, but a missing component (``floor``, default 0.05) does not zero the rest. Defaults:
market 1, growth 0.5, feasibility 1, coverage 1 (growth counts half: three to five years of an
incomplete extract are a weak signal).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Weights:
    """Exponents of the score's components, the floor of a component and coverage's half point."""

    market: float = 1.0
    growth: float = 0.5
    feasibility: float = 1.0
    coverage: float = 1.0
    floor: float = 0.05
    coverage_half: float = 2.0

    def __post_init__(self) -> None:
        parts = (self.market, self.growth, self.feasibility, self.coverage)
        if any(w < 0 or not math.isfinite(w) for w in parts) or sum(parts) <= 0:
            raise ValueError("weights must be finite, >= 0, and not all 0")
        if not 0 < self.floor < 1 or self.coverage_half <= 0:
            raise ValueError("floor must be in (0, 1) and coverage_half > 0")


@dataclass(frozen=True)
class Candidate:
    """One HS heading with its inputs (USD; density None when the subsector is unknown)."""

    hs4: str
    import_usd: float
    import_usd_base: float | None
    years: int  # years between base and latest (0 = no growth measurable)
    scian3: str | None
    density: float | None
    suppliers: int
    processes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Scored:
    """A candidate with its components (0–1), growth rate, and score."""

    candidate: Candidate
    market: float
    growth_rate: float | None
    growth: float | None
    feasibility: float | None
    coverage: float
    score: float


def cagr(latest: float, base: float | None, years: int) -> float | None:
    """Compound annual growth rate; None when base is missing or 0 or no years elapsed."""
    if base is None or base <= 0 or years <= 0 or latest < 0:
        return None
    return float((latest / base) ** (1 / years) - 1)


def percentile_ranks(values: Sequence[float | None]) -> list[float | None]:
    """Rank of each value in (0, 1] among the known ones (ties share their average rank)."""
    known = sorted(v for v in values if v is not None)
    n = len(known)
    out: list[float | None] = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        below = sum(1 for k in known if k < v)
        equal = sum(1 for k in known if k == v)
        out.append((below + (equal + 1) / 2) / n)
    return out


def market_share(value: float, smallest: float, largest: float) -> float:
    """Log position of ``value`` between the smallest and largest positive imports (0–1)."""
    if value <= 0 or largest <= 0:
        return 0.0
    if largest <= smallest:
        return 1.0
    return (math.log(value) - math.log(smallest)) / (math.log(largest) - math.log(smallest))


def coverage(suppliers: int, half: float) -> float:
    """Saturating supplier coverage ``n / (n + half)``."""
    return suppliers / (suppliers + half)


def score(parts: Sequence[tuple[float | None, float]], floor: float) -> float:
    """Weighted geometric mean of (component, weight) pairs, components floored."""
    total = sum(w for _, w in parts)
    return math.exp(sum(w * math.log(max(c if c is not None else 0.0, floor))
                        for c, w in parts) / total)


def rank(candidates: Sequence[Candidate], weights: Weights = Weights()) -> list[Scored]:
    """Every candidate scored, best first (ties by import value, then heading)."""
    positive = [c.import_usd for c in candidates if c.import_usd > 0]
    smallest, largest = min(positive, default=0.0), max(positive, default=0.0)
    rates = [cagr(c.import_usd, c.import_usd_base, c.years) for c in candidates]
    growth = percentile_ranks(rates)
    out = []
    for c, rate, g in zip(candidates, rates, growth, strict=True):
        m = market_share(c.import_usd, smallest, largest)
        cov = coverage(c.suppliers, weights.coverage_half)
        s = score([(m, weights.market), (g, weights.growth), (c.density, weights.feasibility),
                   (cov, weights.coverage)], weights.floor)
        out.append(Scored(c, m, rate, g, c.density, cov, s))
    return sorted(out, key=lambda x: (-x.score, -x.candidate.import_usd, x.candidate.hs4))
