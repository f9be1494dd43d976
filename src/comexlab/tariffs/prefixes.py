"""Selecting rows by HTS code prefix, shared by the scenario engine and the regime.

A leaf module (numpy and pandas only) so that :mod:`comexlab.tariffs.regime.compute` can use it
without importing the scenario engine, which imports the scenario parser, which imports the
regime timeline.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

BoolArray = npt.NDArray[np.bool_]


def prefix_mask(codes: pd.Series, prefixes: Sequence[str]) -> BoolArray:
    """Rows whose product code starts with any prefix, evaluated once per distinct code.

    Factorising first makes the cost depend on the distinct codes (thousands), not on the
    rows (hundreds of thousands of line × flow rows).
    """
    if not prefixes:
        return np.zeros(len(codes), dtype=bool)
    idx, uniques = pd.factorize(codes, sort=False)
    uniq = pd.Series(np.asarray(uniques, dtype=object)).astype(str)
    hit = np.zeros(len(uniq), dtype=bool)
    for length in sorted({len(p) for p in prefixes}):
        wanted = {p for p in prefixes if len(p) == length}
        hit |= uniq.str[:length].isin(wanted).to_numpy() & (uniq.str.len() >= length).to_numpy()
    return hit[idx]
