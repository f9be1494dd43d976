"""Chapter (HS2) and heading (HS4) names in English and Spanish, for the packaged label table.

English: the WCO HS 2022 file (``hs_nomenclature/harmonized-system.csv``, public domain).
Spanish: the Comtrade-Mexico side files ``comtrade_mexico_hs4/sa2_descriptions_es.csv`` and
``sa4_descriptions_es.csv`` (codes without their leading zero, a BOM on the HS4 file).
Why a build step: pages and reports name products on every request, so the names ship with
the package (``nomenclature/data/hs_names.csv``) like the section and SCIAN names; this module
rebuilds that table from the official files (``python -m comexlab.sources.hs_names``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from comexlab.sources.files import data_path
from comexlab.sources.hs_nomenclature import hs_descriptions

SPANISH_FILES = {2: ("comtrade_mexico_hs4/sa2_descriptions_es.csv", "sa2", "sa2_description"),
                 4: ("comtrade_mexico_hs4/sa4_descriptions_es.csv", "SA_4", "sa4_description")}


def spanish_names(digits: int, data_dir: Path | None = None) -> dict[str, str]:
    """HS2 or HS4 code (zero-padded) → Spanish name, from the Comtrade side file."""
    relative, code_col, name_col = SPANISH_FILES[digits]
    df = pd.read_csv(data_path(relative, data_dir=data_dir), dtype=str, encoding="utf-8-sig")
    codes = df[code_col].str.strip().str.zfill(digits)
    return dict(zip(codes, df[name_col].str.strip(), strict=True))


def name_table(data_dir: Path | None = None) -> pd.DataFrame:
    """One row per HS2/HS4 code: ``code, name_en, name_es`` (empty when a file lacks it)."""
    english = hs_descriptions(data_dir)
    rows = []
    for digits in (2, 4):
        spanish = spanish_names(digits, data_dir)
        codes = sorted({c for c in english if len(c) == digits} | set(spanish))
        rows += [{"code": c, "name_en": english.get(c, ""), "name_es": spanish.get(c, "")}
                 for c in codes]
    return pd.DataFrame(rows, columns=["code", "name_en", "name_es"])


def main() -> None:  # pragma: no cover - a build step, run by hand
    """Rewrite the packaged table from the official files."""
    out = Path(__file__).resolve().parents[1] / "nomenclature" / "data" / "hs_names.csv"
    name_table().to_csv(out, index=False)


if __name__ == "__main__":  # pragma: no cover
    main()
