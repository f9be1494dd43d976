"""Product, country, state and industry nomenclatures: pure lookups over shipped tables.

Nothing here opens official data files, databases or sockets; package data tables under
``nomenclature/data`` are reference tables written for comexlab (see docs/methods/flows.md).
"""

from comexlab.nomenclature.countries import (
    WORLD,
    census_to_iso3,
    country_name,
    datamexico_to_iso3,
    m49_to_iso3,
)
from comexlab.nomenclature.hs import (
    ROLLUP_LEVELS,
    Section,
    chapter,
    heading,
    rollup,
    section_of,
    sections,
    subheading,
)
from comexlab.nomenclature.scian import scian3_of_naics, subsector
from comexlab.nomenclature.states import State, state

__all__ = [
    "ROLLUP_LEVELS",
    "WORLD",
    "Section",
    "State",
    "census_to_iso3",
    "chapter",
    "country_name",
    "datamexico_to_iso3",
    "heading",
    "m49_to_iso3",
    "rollup",
    "scian3_of_naics",
    "section_of",
    "sections",
    "state",
    "subheading",
    "subsector",
]
