"""Industrial parks from RETC's free-text PARQUE INDUSTRIAL cells: normalised and grouped.

RETC writes the same park many ways ("PARQUE INDUSTRIAL QUERÉTARO", "PARQUE INDUSTRIAL
QUERETARO", "P.I. Querétaro"). A name is normalised (accents, case, punctuation, the generic
words PARQUE / INDUSTRIAL / P.I. / PARK removed) and plants with the same key in the same state
form one park, placed at the mean of its plants' coordinates. Names that say no park or only a
kind of zone ("ZONA INDUSTRIAL", "CIUDAD INDUSTRIAL", "NINGUNO", a bare number) cannot be
grouped: they are returned as such, with their plants, so the agency can see what was left out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from comexlab.sites.brands import normalise

_GENERIC = re.compile(r"\b(PARQUES?|INDUSTRIAL(ES)?|IND|P I|PI|PARK|INDUSTRIAL PARK|DEL?|LA|LAS|"
                      r"LOS|EL|S A DE C V|SA DE CV)\b")
#: whole names (after normalising) that name no park
NOT_A_PARK = frozenset({"", "NINGUNO", "NINGUNA", "N A", "NA", "NO APLICA", "S N", "SN",
                        "ZONA INDUSTRIAL", "PARQUE INDUSTRIAL",
                        "CORREDOR INDUSTRIAL", "COMPLEJO INDUSTRIAL", "FRACCIONAMIENTO INDUSTRIAL",
                        "SIN PARQUE", "NO", "NO ESTA EN PARQUE INDUSTRIAL", "CENTRO"})


@dataclass(frozen=True, slots=True)
class ParkPlant:
    """A plant as the park grouping sees it."""

    ref: str
    state_code: str
    municipality: str | None
    park_text: str | None
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True, slots=True)
class Park:
    """One grouped park: its key, the spellings found, its plants and their mean position."""

    key: str
    state_code: str
    name: str  # the most frequent spelling
    spellings: tuple[str, ...]
    municipalities: tuple[str, ...]
    refs: tuple[str, ...]
    latitude: float | None
    longitude: float | None


def park_key(text: str | None) -> str | None:
    """The grouping key of a park name, or None when the text names no particular park."""
    full = normalise(text or "")
    if full in NOT_A_PARK or full.isdigit():
        return None
    key = " ".join(_GENERIC.sub(" ", full).split())
    return key or None


def group(plants: Iterable[ParkPlant]) -> tuple[tuple[Park, ...], tuple[ParkPlant, ...]]:
    """(parks, plants whose park text could not be grouped); blanks are neither."""
    members: dict[tuple[str, str], list[ParkPlant]] = defaultdict(list)
    ungrouped = []
    for p in plants:
        if not (p.park_text or "").strip():
            continue
        key = park_key(p.park_text)
        if key is None:
            ungrouped.append(p)
        else:
            members[(p.state_code, key)].append(p)
    parks = []
    for (state_code, key), items in sorted(members.items()):
        spellings: dict[str, int] = defaultdict(int)
        for p in items:
            spellings[" ".join((p.park_text or "").split())] += 1
        placed = [p for p in items if p.latitude is not None and p.longitude is not None]
        lat = sum(p.latitude for p in placed) / len(placed) if placed else None  # type: ignore[misc]
        lon = sum(p.longitude for p in placed) / len(placed) if placed else None  # type: ignore[misc]
        parks.append(Park(key, state_code, max(sorted(spellings), key=lambda s: spellings[s]),
                          tuple(sorted(spellings)),
                          tuple(sorted({p.municipality for p in items if p.municipality})),
                          tuple(p.ref for p in items), lat, lon))
    return tuple(parks), tuple(ungrouped)


def find(parks: Iterable[Park], name: str) -> list[Park]:
    """Parks whose key equals, or contains every word of, the key of ``name``."""
    wanted = park_key(name)
    if wanted is None:
        return []
    words = set(wanted.split())
    exact = [p for p in parks if p.key == wanted]
    return exact or [p for p in parks if words <= set(p.key.split())]
