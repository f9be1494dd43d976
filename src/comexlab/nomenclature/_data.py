"""Reading the nomenclature's package data tables (shipped CSVs, not official data files).

These are small reference tables written for comexlab (section names, state codes, code
concordances), read once through ``importlib.resources`` so they work from a wheel too.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``nomenclature/data/<name>.csv`` as dicts of strings, in file order."""
    path = resources.files("comexlab.nomenclature") / "data" / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(dict(row) for row in csv.DictReader(fh))
