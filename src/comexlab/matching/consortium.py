"""Export consortia: the fewest complementary SMEs whose processes cover a buyer's bill.

A buyer wants a part that needs, say, stamping, welding, painting, machining and heat
treatment; no single SME runs all five, a group of them can. The smallest group is a minimum
set cover, solved exactly as an integer programme with HiGHS (``scipy.optimize.milp``):

    min Σ x_f   s.t.  Σ_{f runs p} x_f ≥ 1 for every process p of the bill,  x_f ∈ {0, 1}.

The proof reported with the answer: the LP relaxation's optimum (a lower bound on any cover)
and HiGHS' own dual bound; the group is optimal when the solver says so or when its size
equals the LP bound rounded up. Among the smallest groups the one with the highest summed
firm score is taken (second stage, same size fixed), ties by RFC order: deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from comexlab.matching.suppliers import Supplier


@dataclass(frozen=True, slots=True)
class Consortium:
    """A covering group with its proof of minimality."""

    bill: tuple[str, ...]
    members: tuple[str, ...]  # RFCs, sorted
    covers: Mapping[str, tuple[str, ...]]  # process → members running it
    uncovered: tuple[str, ...]  # processes no eligible firm runs (left out of the cover)
    size: int
    lp_bound: float  # LP relaxation optimum: no cover is smaller than ⌈lp_bound⌉
    dual_bound: float | None  # HiGHS' bound at the end of the search
    status: str  # "optimal", "time_limit", "infeasible" (nothing to cover with)
    proven_optimal: bool
    gap: float  # (size − ⌈bound⌉) / size
    eligible: int  # firms that could take part


def _matrix(bill: Sequence[str], firms: Sequence[Supplier]) -> np.ndarray:
    return np.array([[1.0 if p in f.processes else 0.0 for f in firms] for p in bill])


def minimum_cover(bill: Sequence[str], firms: Sequence[Supplier], *,
                  scores: Mapping[str, float] | None = None,
                  time_limit: float = 10.0) -> Consortium:
    """The smallest group of ``firms`` covering ``bill`` (processes nobody runs are reported).

    ``scores`` (RFC → 0–1) break ties between groups of the minimum size; firms that run none
    of the bill's processes are ignored.
    """
    wanted = tuple(dict.fromkeys(bill))
    useful = sorted((f for f in firms if f.processes & set(wanted)), key=lambda f: f.rfc)
    coverable = tuple(p for p in wanted if any(p in f.processes for f in useful))
    uncovered = tuple(p for p in wanted if p not in coverable)
    if not coverable:
        return Consortium(wanted, (), {}, uncovered, 0, 0.0, 0.0, "infeasible", True, 0.0,
                          len(useful))
    a = _matrix(coverable, useful)
    n = len(useful)
    ones = np.ones(n)
    lp = linprog(ones, A_ub=-a, b_ub=-np.ones(len(coverable)), bounds=(0, 1), method="highs")
    lp_bound = float(lp.fun)
    cover = LinearConstraint(a, lb=np.ones(len(coverable)), ub=np.inf)
    first = milp(ones, constraints=[cover], integrality=ones, bounds=Bounds(0, 1),
                 options={"time_limit": time_limit})
    if first.x is None:  # cannot happen: taking every useful firm covers the bill
        raise RuntimeError(f"set cover failed: {first.message}")
    size = round(first.fun)
    chosen = first.x
    if scores:  # among groups of this size, the best-scored
        weight = np.array([scores.get(f.rfc, 0.0) for f in useful])
        same = LinearConstraint(ones.reshape(1, -1), lb=size, ub=size)
        second = milp(-weight, constraints=[cover, same], integrality=ones,
                      bounds=Bounds(0, 1), options={"time_limit": time_limit})
        if second.x is not None:
            chosen = second.x
    members = tuple(f.rfc for f, v in zip(useful, chosen, strict=True) if v > 0.5)
    covers = {p: tuple(f.rfc for f, v in zip(useful, chosen, strict=True)
                       if v > 0.5 and p in f.processes) for p in coverable}
    dual = getattr(first, "mip_dual_bound", None)
    best_bound = max(math.ceil(lp_bound - 1e-9), math.ceil((dual or 0) - 1e-9))
    status = "optimal" if first.status == 0 else "time_limit"
    proven = status == "optimal" or size <= best_bound
    gap = 0.0 if proven else (size - best_bound) / size
    return Consortium(wanted, members, covers, uncovered, size, lp_bound,
                      None if dual is None else float(dual), status, proven, gap, len(useful))
