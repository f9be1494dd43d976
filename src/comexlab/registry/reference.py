"""Reference tables of the registry: states, standards, sectors and their requirements.

Standards and sectors are package data files (``registry/data/*.csv``) rather than Python
literals so that an agency can review and extend them; states come from the project's one state
table (:mod:`comexlab.nomenclature.states`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from comexlab.i18n import Msg
from comexlab.nomenclature.states import states as mx_states
from comexlab.package_data import csv_table
from comexlab.supply.certification import Requirement


def _rows(name: str) -> tuple[dict[str, str], ...]:
    return csv_table("comexlab.registry", name)


@dataclass(frozen=True, slots=True)
class Standard:
    """A certification standard."""

    code: str
    name: str
    scope_en: str
    scope_es: str
    issuer: str
    includes: tuple[str, ...] = ()  # standards whose requirements this one contains


@dataclass(frozen=True, slots=True)
class Sector:
    """A buyer sector firms sell to."""

    code: str
    name_en: str
    name_es: str
    scian3: str = ""  # SCIAN subsectors (space-separated) whose exports this sector's buyers make


@lru_cache(maxsize=1)
def states() -> dict[str, str]:
    """INEGI state code (``01``–``32``) → state name (the project's state table)."""
    return {st.inegi: st.name for st in mx_states()}


@lru_cache(maxsize=1)
def standards() -> dict[str, Standard]:
    """Certification standards by code (``ISO9001``, ``IATF16949``, …)."""
    return {r["code"]: Standard(r["code"], r["name"], r["scope_en"], r["scope_es"], r["issuer"],
                                tuple(c for c in r["includes"].split(";") if c))
            for r in _rows("standards.csv")}


def includes() -> dict[str, tuple[str, ...]]:
    """Standard → standards it contains (IATF 16949 and AS9100 contain ISO 9001)."""
    return {code: std.includes for code, std in standards().items() if std.includes}


@lru_cache(maxsize=1)
def sectors() -> dict[str, Sector]:
    """Buyer sectors by code."""
    return {r["code"]: Sector(**r) for r in _rows("sectors.csv")}


@lru_cache(maxsize=1)
def requirements() -> tuple[Requirement, ...]:
    """Certification requirements of each sector, with their source."""
    return tuple(Requirement(r["sector"], r["standard"], r["level"], r["source"])
                 for r in _rows("sector_requirements.csv"))


_STANDARD_SPELLING = re.compile(r"[\s\-_/:.]")


def standard_code(text: str) -> str | None:
    """Code of a standard written as people write it (``ISO 9001``, ``iatf-16949``) or None."""
    key = _STANDARD_SPELLING.sub("", text).upper()
    for code, std in standards().items():
        if key in (_STANDARD_SPELLING.sub("", code).upper(),
                   _STANDARD_SPELLING.sub("", std.name).upper()):
            return code
    return None


def state_problem(code: str) -> Msg | None:
    """Why ``code`` is not an INEGI state code, or None."""
    if not re.fullmatch(r"\d{2}", code):
        return Msg("import.cell.state_format")
    if code not in states():
        return Msg("import.cell.state_unknown", code=code)
    return None


def municipality_problem(code: str) -> Msg | None:
    """Why ``code`` is not a three-digit INEGI municipality code within a state, or None."""
    if not re.fullmatch(r"\d{3}", code) or code == "000":
        return Msg("import.cell.municipality_format")
    if int(code) > 570:  # Oaxaca, the state with most municipalities, has 570
        return Msg("import.cell.municipality_range")
    return None
