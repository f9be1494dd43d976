"""Closed-form tariff formulas used by the scenario engine.

Every function works on Python floats and on numpy arrays alike (element-wise), because the
engine applies them to whole columns at once. Rates are fractions (0.025 = 2.5 %).

References: the neutralising price cut follows from holding the landed price constant
(``docs/methods/scenarios.md``); the Swiss formula is the WTO/Doha harmonising formula
``t1 = a·t0 / (a + t0)`` (WTO TN/MA/W/103, 2008), with the coefficient ``a`` quoted in percentage
points (a = 16 means 0.16 as a fraction).
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

FloatLike = TypeVar("FloatLike", float, npt.NDArray[np.float64])

SWISS_A_DEFAULT = 16.0
"""Swiss coefficient in percentage points (WTO non-agricultural market access drafts used 8–25)."""


def neutralising_cut(t0: FloatLike, t1: FloatLike) -> FloatLike:
    """Share by which the exporter's price must fall so the buyer's landed price is unchanged.

    Landed price before = p0·(1 + t0); after = p1·(1 + t1). Setting them equal gives
    p1/p0 = (1 + t0)/(1 + t1), so the cut is ``1 − p1/p0 = (t1 − t0)/(1 + t1)``.
    Negative when the tariff falls (room to raise the price). 0 → 25 % gives 20 %.
    """
    return (t1 - t0) / (1.0 + t1)


def swiss(t0: FloatLike, a: float = SWISS_A_DEFAULT) -> FloatLike:
    """Swiss formula cut: ``t1 = a·t0/(a + t0)``, with ``a`` in percentage points.

    High tariffs are cut proportionally more than low ones and no result exceeds ``a``
    (a = 16: 25 % → 9.756 %).
    """
    a_frac = a / 100.0
    return a_frac * t0 / (a_frac + t0)


def linear_cut(t0: FloatLike, cut: float) -> FloatLike:
    """Cut every rate by the same proportion ``cut`` (0.5 halves each rate)."""
    return t0 * (1.0 - cut)
