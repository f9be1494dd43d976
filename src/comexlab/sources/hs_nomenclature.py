"""English HS 2022 descriptions from the WCO nomenclature file (``hs_nomenclature/``).

The hierarchy itself is computed from the codes (see :mod:`comexlab.nomenclature.hs`); this
module only reads the descriptions, at runtime, from the data directory.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from comexlab.sources.files import data_path

HS_FILE = "hs_nomenclature/harmonized-system.csv"


@cache
def hs_descriptions(data_dir: Path | None = None) -> dict[str, str]:
    """HS2/HS4/HS6 code → English description (HS 2022)."""
    path = data_path(HS_FILE, data_dir=data_dir)
    df = pd.read_csv(path, dtype=str, usecols=["hscode", "description"], encoding="utf-8-sig")
    return dict(zip(df["hscode"], df["description"], strict=True))


def describe(code: str, data_dir: Path | None = None) -> str | None:
    """Description of the code, or of its nearest HS6/HS4/HS2 parent; ``None`` if unknown."""
    descriptions = hs_descriptions(data_dir)
    for digits in (6, 4, 2):
        if len(code) >= digits and code[:digits] in descriptions:
            return descriptions[code[:digits]]
    return None
