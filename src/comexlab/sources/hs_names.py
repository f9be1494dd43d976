"""Chapter (HS2) and heading (HS4) names in English and Spanish, read from the official files.

English: the WCO HS 2022 file (``hs_nomenclature/harmonized-system.csv``, public domain).
Spanish: the Comtrade-Mexico side files ``comtrade_mexico_hs4/sa2_descriptions_es.csv`` and
``sa4_descriptions_es.csv`` (codes without their leading zero, a BOM on the HS4 file).
The table is read once per process from the data folder (``COMEXLAB_DATA``) and kept in
memory: pages name products on every request, and the official files are never copied into
the package.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from comexlab.nomenclature.hs import clean
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


@cache
def _names() -> dict[str, tuple[str, str]]:
    """HS2/HS4 code → (English, Spanish) name from the default data folder (read once)."""
    df = name_table().fillna("")
    return {code: (en, " ".join(es.split()))
            for code, en, es in df[["code", "name_en", "name_es"]].itertuples(index=False)}


@cache
def hs_name_maps() -> tuple[dict[str, str], dict[str, str]]:
    """English HS2/HS4/HS6 names (WCO) and Spanish HS2/HS4 names (Comtrade), read once.

    The inputs of :class:`comexlab.nomenclature.products.ProductNames`, from the default data
    folder.
    """
    english = {code: " ".join(str(text).split()) for code, text in hs_descriptions().items()}
    spanish = {code: es for code, (_en, es) in _names().items() if es}
    return english, spanish


def product_name(code: str, lang: str = "es") -> str | None:
    """The chapter (2 digits) or heading (4 digits) name in ``lang``; None when unknown.

    The other language stands in when ``lang`` has no name (a name beats a bare code).
    """
    try:
        names = _names().get(clean(code))
    except ValueError:
        return None
    if names is None:
        return None
    en, es = names
    first, other = (es, en) if lang == "es" else (en, es)
    return first or other or None


def product_path(code: str, lang: str = "es") -> str:
    """'chapter name › heading name' of a product code (the part that is named), '' if none."""
    try:
        digits = clean(code)
    except ValueError:
        return ""
    parts = [product_name(digits[:n], lang) for n in (2, 4) if len(digits) >= n]
    return " › ".join(p for p in parts if p)
