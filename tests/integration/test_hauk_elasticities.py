"""The Hauk (2012) elasticity loader against the raw CSV files, read here with the stdlib.

Hauk's files give an ``impliedelasticity`` and a ``positive`` flag per code; an estimate with the
wrong sign (a demand curve sloping up) must not reach SMART, so the HS10 → HS6 fallback uses the
next level instead. Expected values are recomputed from the published CSV with ``csv``, not with
the loader's pandas code.
"""

from __future__ import annotations

import csv
import statistics
from collections.abc import Callable
from pathlib import Path

import pytest

from comexlab.sources.scenario_inputs import HAUK_FILES, read_elasticities


def _right_signed(path: Path, code_column: str) -> tuple[dict[str, float], set[str]]:
    """Kept estimates (positive == 1 and elasticity > 0) and the codes left out."""
    kept: dict[str, float] = {}
    dropped: set[str] = set()
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            value, flag = row["impliedelasticity"], row["positive"]
            if value and flag and float(flag) == 1 and float(value) > 0:
                kept[row[code_column]] = float(value)
            else:
                dropped.add(row[code_column])
    return kept, dropped


def test_only_right_signed_estimates_are_kept(shared_file: Callable[[str], Path],
                                              data_dir: Path) -> None:
    tables = read_elasticities(data_dir=data_dir)
    loaded = {"hts10": tables.hts10, "hs6": tables.hs6, "naics6": tables.naics6}
    for level, (relative, column) in HAUK_FILES.items():
        kept, dropped = _right_signed(shared_file(relative), column)
        assert loaded[level] == pytest.approx(kept), level
        assert not dropped & set(loaded[level]), level
    # Counted in the published files: 6,789 of 8,556 HS10, 3,447 of 4,259 HS6 and 359 of 430
    # NAICS6 estimates have the right sign.
    assert (len(tables.hts10), len(tables.hs6), len(tables.naics6)) == (6789, 3447, 359)
    # First rows of the HS10 file: 0101110010 → 0.55071425 (kept); 0102100050 → −0.653357
    # (positive = 0: dropped).
    assert tables.hts10["0101110010"] == pytest.approx(0.55071425)
    assert "0102100050" not in tables.hts10
    # The default is the median of the kept HS6 estimates.
    hs6, _ = _right_signed(shared_file(HAUK_FILES["hs6"][0]), "hs6")
    assert tables.default == pytest.approx(statistics.median(hs6.values()))
    assert all(v > 0 for t in loaded.values() for v in t.values())
