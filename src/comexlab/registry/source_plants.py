"""Importing plants from public registers (RETC) into the registry, and reading them back.

An import upserts on (source, source_ref) in one transaction, so it can be re-run with a newer
year of the register; a plant's link to a firm (``firm_id``) set by the agency is kept. Rows
that are not manufacturing (SCIAN 31–33) are refused: the registry is about suppliers and their
buyers, and RETC also lists farms, dealers and waste handlers. Every refusal is counted by state
and reason; plants whose coordinates could not be read are imported and counted as such.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from comexlab.registry.models import SourcePlant

MANUFACTURING = ("31", "32", "33")


@dataclass
class StateCount:
    """What an import did in one state."""

    state_code: str
    imported: int = 0
    updated: int = 0
    without_location: int = 0
    refused: Counter[str] = field(default_factory=Counter)

    @property
    def refused_total(self) -> int:
        """All refused rows of the state, whatever the reason."""
        return sum(self.refused.values())


def refusal(row: Mapping[str, Any]) -> str | None:
    """Why a register row is not imported (None = imported)."""
    if not str(row["scian"]).startswith(MANUFACTURING):
        return "not_manufacturing"
    return None


def import_plants(session: Session, rows: Iterable[Mapping[str, Any]], *, source: str,
                  states: frozenset[str] = frozenset()) -> dict[str, StateCount]:
    """Upsert register rows (``retc_establishment`` columns) as source plants, per state.

    ``states`` (INEGI codes) limits the import; empty = every state.
    """
    existing = {p.source_ref: p for p in session.scalars(
        select(SourcePlant).where(SourcePlant.source == source))}
    counts: dict[str, StateCount] = {}
    for row in rows:
        state_code = str(row["state_code"])
        if states and state_code not in states:
            continue
        count = counts.setdefault(state_code, StateCount(state_code))
        why = refusal(row)
        if why:
            count.refused[why] += 1
            continue
        values = {"source_year": int(row["year"]), "legal_name": row["legal_name"],
                  "plant_name": row["establishment"] or None, "scian": row["scian"],
                  "state_code": state_code, "municipality": row["municipality"] or None,
                  "industrial_park": row["industrial_park"], "latitude": row["latitude"],
                  "longitude": row["longitude"]}
        plant = existing.get(str(row["nra"]))
        if plant is None:
            session.add(SourcePlant(source=source, source_ref=str(row["nra"]), **values))
            count.imported += 1
        else:
            for key, value in values.items():
                setattr(plant, key, value)
            count.updated += 1
        if row["latitude"] is None:
            count.without_location += 1
    return dict(sorted(counts.items()))


def source_plants(session: Session, *, state_code: str | None = None) -> list[SourcePlant]:
    """Source plants (of one state, or all), by state and name."""
    query = select(SourcePlant).order_by(SourcePlant.state_code, SourcePlant.legal_name)
    if state_code:
        query = query.where(SourcePlant.state_code == state_code)
    return list(session.scalars(query))
