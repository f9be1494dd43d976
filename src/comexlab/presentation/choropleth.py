"""Colour classes of a choropleth: quantile classes, so each colour holds about as many areas.

Why quantiles: state exports span four orders of magnitude (Quintana Roo US$20 M, Chihuahua
US$110 bn in 2025); equal-width classes would paint 28 states in the first colour. Quintiles
put about a fifth of the states with figures in each colour, whatever the spread, so the
map reads as a ranking; the legend gives each class's range in dollars.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping
from dataclasses import dataclass

QUINTILES = 5


@dataclass(frozen=True, slots=True)
class ValueClass:
    """One colour class: the smallest and largest value in it and how many areas it holds."""

    low: float
    high: float
    count: int


@dataclass(frozen=True, slots=True)
class Classes:
    """Upper bounds of the classes (ascending), each class's range and each key's class."""

    uppers: tuple[float, ...]
    classes: tuple[ValueClass, ...]
    of: Mapping[str, int]


def quantile_uppers(values: list[float], k: int = QUINTILES) -> tuple[float, ...]:
    """Upper bound of each of ``k`` quantile classes: the value at rank ⌈n·(i+1)/k⌉ (1-based).

    With 32 values and k = 5 the bounds are the 7th, 13th, 20th, 26th and 32nd smallest (classes
    of 7, 6, 7, 6, 6 states). Equal values share a class, so ties can leave fewer classes than
    ``k``; fewer values than ``k`` give one class per distinct value.
    """
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return ()
    k = max(1, min(k, n))
    uppers = [ordered[math.ceil(n * (i + 1) / k) - 1] for i in range(k)]
    return tuple(sorted(set(uppers)))


def class_of(value: float, uppers: tuple[float, ...]) -> int:
    """Index of the first class whose upper bound is at least ``value`` (0 = lowest class)."""
    return min(bisect.bisect_left(uppers, value), len(uppers) - 1)


def classify(values: Mapping[str, float], k: int = QUINTILES) -> Classes:
    """Quantile classes of ``values`` (key → value): bounds, ranges and each key's class."""
    uppers = quantile_uppers(list(values.values()), k)
    of = {key: class_of(v, uppers) for key, v in values.items()}
    members: list[list[float]] = [[] for _ in uppers]
    for key, v in values.items():
        members[of[key]].append(v)
    classes = tuple(ValueClass(low=min(m), high=max(m), count=len(m)) for m in members)
    return Classes(uppers=uppers, classes=classes, of=of)
