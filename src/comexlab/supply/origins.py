"""Groups of origin countries a user can name (``--origin asia``), as ISO3 codes.

"asia" is East, South-East and South Asia — where Mexico's electronics and automotive
components come from — not the UN continent (it leaves out West Asia and Central Asia, whose
exports to Mexico are mostly oil and textiles). Any comma-separated list of ISO3 codes is
accepted as well (``--origin CHN,KOR``).
"""

from __future__ import annotations

import re

GROUPS: dict[str, tuple[str, ...]] = {
    "asia": ("CHN", "JPN", "KOR", "TWN", "HKG", "MAC", "IND", "IDN", "MYS", "THA", "VNM",
             "PHL", "SGP", "BGD", "PAK", "LKA", "KHM", "MMR", "LAO", "BRN", "MNG", "PRK"),
    "east_asia": ("CHN", "JPN", "KOR", "TWN", "HKG", "MAC", "MNG", "PRK"),
    "asean": ("IDN", "MYS", "THA", "VNM", "PHL", "SGP", "KHM", "MMR", "LAO", "BRN"),
    "china": ("CHN",),
    "greater_china": ("CHN", "HKG", "MAC", "TWN"),
    "japan": ("JPN",),
    "korea": ("KOR",),
    "taiwan": ("TWN",),
    "usa": ("USA",),
    "canada": ("CAN",),
    "germany": ("DEU",),
}
_ISO3 = re.compile(r"[A-Z]{3}")


def origin_codes(text: str) -> tuple[str, ...]:
    """ISO3 codes of a group name or a comma-separated ISO3 list (ValueError naming the bad part).

    Groups and codes may be mixed ('japan,KOR'); the result is sorted and unique.
    """
    codes: set[str] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if part.lower() in GROUPS:
            codes.update(GROUPS[part.lower()])
        elif _ISO3.fullmatch(part.upper()):
            codes.add(part.upper())
        else:
            raise ValueError(part)
    if not codes:
        raise ValueError(text)
    return tuple(sorted(codes))
