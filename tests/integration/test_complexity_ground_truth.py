"""Complexity equals the Growth Lab's Stata ``ecomplexity`` output, every column to 1e-6.

Ground truth: ``harvard_ecomplexity/stata_ground_truth_subset_1995_aut_blx_che_deu.csv`` —
the Stata command ``ecomplexity export_val, i(origin) p(hs92) t(year)`` run by the Growth Lab
on the **whole** ``trade_data_sample.csv`` (10 countries × 30 HS4, 1995); the subset keeps 4
countries. So we compute on all 10 countries of 1995 and compare those 4.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from comexlab.supply.complexity import Complexity, complexity, value_matrix

TRUTH = "harvard_ecomplexity/stata_ground_truth_subset_1995_aut_blx_che_deu.csv"
SAMPLE = "harvard_ecomplexity/trade_data_sample.csv"
# RCA: Stata stores export_val as float32, so its RCA differs from the exact one by ~1e-7.
COLUMNS = {"rca": "rca", "M": "m", "density": "density", "eci": "eci", "pci": "pci",
           "diversity": "diversity", "ubiquity": "ubiquity", "coi": "coi", "cog": "cog"}


@pytest.fixture(scope="module")
def result(shared_file: Callable[[str], Path]) -> Complexity:
    with shared_file(SAMPLE).open(encoding="utf-8") as fh:
        values = {(r["origin"], r["hs92"]): float(r["export_val"])
                  for r in csv.DictReader(fh) if r["year"] == "1995"}
    return complexity(*value_matrix(values))


@pytest.fixture(scope="module")
def truth(shared_file: Callable[[str], Path]) -> list[dict[str, str]]:
    with shared_file(TRUTH).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("column", list(COLUMNS))
def test_every_column_equals_stata_to_1e6(result: Complexity, truth: list[dict[str, str]],
                                          column: str) -> None:
    ours = {(r["place"], r["product"]): r for r in result.records()}
    assert len(truth) == 120
    worst = max(abs(float(row[column]) - float(ours[(row["origin"], row["hs92"])][COLUMNS[column]]))
                for row in truth)
    assert worst < 1e-6, f"{column}: max |ours - Stata| = {worst}"


def test_eci_sign_follows_diversity(result: Complexity) -> None:
    # Atlas convention: more diverse places have higher ECI.
    assert np.corrcoef(result.diversity, result.eci)[0, 1] > 0
    # hand-read from the Stata file: deu 1.2029 > aut 1.0750 > che 1.0695 > blx -0.3165
    order = sorted(("aut", "blx", "che", "deu"), key=lambda c: -result.eci[result.place_index(c)])
    assert order == ["deu", "aut", "che", "blx"]


def test_sign_and_scale_do_not_depend_on_row_order(result: Complexity) -> None:
    reversed_places = tuple(reversed(result.places))
    again = complexity(reversed_places, result.products, result.value[::-1])
    assert np.allclose(again.eci[::-1], result.eci, atol=1e-12)
    assert np.allclose(again.pci, result.pci, atol=1e-12)
