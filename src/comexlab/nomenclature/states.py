"""The 32 Mexican states (entidades federativas) with INEGI codes and agency abbreviations.

Reporters in the warehouse are written ``'MX-GTO'``; names are INEGI's official ones
("Coahuila de Zaragoza", "Michoacán de Ocampo", "Veracruz de Ignacio de la Llave"), with aliases
for the spellings found in published files (e.g. "Quinta Roo" in the EAEF long file).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from comexlab.nomenclature._data import table

REPORTER_PREFIX = "MX-"


@dataclass(frozen=True, slots=True)
class State:
    """A Mexican state: INEGI code '01'–'32', abbreviation ('GTO'), official and short name."""

    inegi: str
    abbr: str
    name: str
    short_name: str
    aliases: tuple[str, ...]

    @property
    def reporter(self) -> str:
        """Warehouse reporter code of this state ('MX-GTO')."""
        return REPORTER_PREFIX + self.abbr


def _key(text: str) -> str:
    """Case- and accent-insensitive key so 'Michoacan' and 'MICHOACÁN' match."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def states() -> tuple[State, ...]:
    """All 32 states in INEGI code order."""
    return tuple(
        State(
            inegi=r["inegi"],
            abbr=r["abbr"],
            name=r["name"],
            short_name=r["short_name"],
            aliases=tuple(a for a in r["aliases"].split("|") if a),
        )
        for r in table("mx_states")
    )


@cache
def _index() -> dict[str, State]:
    out: dict[str, State] = {}
    for st in states():
        keys = (st.inegi, str(int(st.inegi)), st.abbr, st.reporter, st.name, st.short_name,
                *st.aliases)
        for key in keys:
            out[_key(key)] = st
    return out


def state(ref: str | int) -> State:
    """Find a state by INEGI code (11 or '11'), abbreviation ('GTO'), 'MX-GTO' or name."""
    found = _index().get(_key(str(ref)))
    if found is None:
        raise ValueError(f"unknown Mexican state: {ref!r}")
    return found


def is_state_reporter(reporter: str) -> bool:
    """True for warehouse reporter codes of states ('MX-GTO'), false for countries ('MEX')."""
    return reporter.startswith(REPORTER_PREFIX)
