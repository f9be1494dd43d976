"""SCIAN (Mexico's NAICS) 3-digit subsectors of the goods-producing sectors, EN/ES names.

SCIAN México shares its 2–3 digit structure with NAICS, so a NAICS6 code's first three digits
are its SCIAN subsector for agriculture (11), mining (21) and manufacturing (31–33). Census's
special trade codes (9xx: scrap, returned goods, special provisions) have no SCIAN subsector.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from comexlab.nomenclature._data import BilingualNames, table


@dataclass(frozen=True, slots=True)
class Subsector(BilingualNames):
    """A SCIAN subsector ('336') with its sector and names."""

    code: str
    sector: str
    short_en: str
    short_es: str
    name_en: str
    name_es: str


@cache
def subsectors() -> dict[str, Subsector]:
    """All goods-producing subsectors keyed by 3-digit code."""
    return {
        r["scian3"]: Subsector(r["scian3"], r["sector"], r["short_en"], r["short_es"],
                               r["name_en"], r["name_es"])
        for r in table("scian3")
    }


def subsector(code: str) -> Subsector:
    """The subsector with this 3-digit code; unknown codes raise."""
    try:
        return subsectors()[code]
    except KeyError:
        raise ValueError(f"unknown SCIAN subsector: {code!r}") from None


def scian3_of_naics(naics6: str) -> str | None:
    """SCIAN subsector of a NAICS6 code, or ``None`` for codes outside goods sectors (9xx)."""
    code = naics6[:3]
    return code if code in subsectors() else None
