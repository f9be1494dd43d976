"""Cut keys and labels: which section/chapter/sector/subsector each product row falls in.

Pure helpers over the nomenclature package: the warehouse hands raw flow rows, these add one
column per group cut of the source's classification, and give the labels in the reader's
language. HS sections are keyed by their Roman numeral (what analysts quote: "sección XVII").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

import pandas as pd

from comexlab.i18n import t
from comexlab.nomenclature import hs, scian
from comexlab.nomenclature.countries import country_name
from comexlab.reports.exports import Classification, CutName

UNSPECIFIED = "UNSPECIFIED"
#: SCIAN sector of a subsector's first two digits (manufacturing 31, 32, 33 is one sector).
_SECTOR_OF_2: dict[str, str] = {"11": "11", "21": "21", "31": "31-33", "32": "31-33",
                                "33": "31-33"}


def sector_of(scian3: str) -> str:
    """SCIAN sector of a subsector ('336' → '31-33'); non-SCIAN codes map to themselves."""
    return _SECTOR_OF_2.get(scian3[:2], scian3) if scian3.isdigit() else scian3


@cache
def _section_roman(chapter: str) -> str:
    try:
        return hs.section_of(chapter).roman
    except ValueError:
        return UNSPECIFIED


def add_cut_keys(rows: pd.DataFrame, classification: Classification) -> pd.DataFrame:
    """Add the group-cut columns of ``classification`` (and ``product``) to flow rows.

    Rows flagged ``is_total`` get no keys (they carry the source's own total only).
    """
    code = rows["product_code"].astype(str)
    detail = ~rows["is_total"]
    out = rows.assign(product=code.where(detail))
    if classification == "SCIAN":
        return out.assign(subsector=code.where(detail),
                          sector=code.map(sector_of).where(detail))
    chapter = code.str[:2]
    return out.assign(chapter=chapter.where(detail),
                      section=chapter.map(_section_roman).where(detail))


def labels_for(cut: CutName, codes: Iterable[str], lang: str, *,
               products: Mapping[str, str] | None = None) -> dict[str, str]:
    """Labels of ``codes`` for ``cut`` in ``lang``.

    Products take descriptions from ``products`` (the warehouse's HTS/HS descriptions);
    everything else comes from the nomenclature package.
    """
    out: dict[str, str] = {}
    for code in codes:
        label = _label(cut, str(code), lang, products)
        if label:
            out[str(code)] = label
    return out


def _label(cut: CutName, code: str, lang: str, products: Mapping[str, str] | None) -> str:
    if code == UNSPECIFIED:
        return t("report.unspecified", lang)
    if cut == "subsector":
        known = scian.subsectors().get(code)
        return known.name(lang, short=True) if known else ""
    if cut == "sector":
        return t(f"report.sector.{code}", lang)
    if cut == "section":
        for sec in hs.sections():
            if sec.roman == code:
                return sec.name(lang, short=True)
        return ""
    if cut == "partner":
        try:
            return country_name(code, lang)
        except ValueError:
            return ""
    return (products or {}).get(code, "")


def residual_labels(lang: str) -> dict[str, str]:
    """Labels of the rows :func:`comexlab.reports.exports.compare` adds."""
    return {"OTHERS": t("report.others", lang), "UNASSIGNED": t("report.unassigned", lang)}
