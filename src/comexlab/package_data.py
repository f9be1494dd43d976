"""Reading comexlab's package data tables (shipped CSVs, not official data files).

Reference tables written for comexlab — HS sections, states, SCIAN names, program codes, the
process taxonomy, certification standards — live as CSV files in a ``data`` folder of the
package that owns them, so an agency can review them (DESIGN.md, pattern 5). They are read
through ``importlib.resources`` (so they work from a wheel too), once each.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources


@cache
def csv_table(package: str, name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``<package>/data/<name>.csv`` as dicts of strings, in file order."""
    path = resources.files(package) / "data" / f"{name.removesuffix('.csv')}.csv"
    text = path.read_text(encoding="utf-8")
    return tuple(dict(row) for row in csv.DictReader(io.StringIO(text, newline="")))
