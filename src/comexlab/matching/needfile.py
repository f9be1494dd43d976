"""A buyer need or a consortium bill as written by an agency officer (YAML), checked.

The service parses the YAML (``yaml.safe_load``) and hands the mapping here with the known
codes; every problem is collected with the file, the need and the field, in the reader's
language, and nothing is ranked if one is wrong. Example::

    code: N-2026-014
    buyer: OEM Silao (demo)
    sector: automotive
    processes: [stamping, welding]
    certifications: usual          # the sector's required standards; or a list [IATF16949]
    capacity: "2 M parts/year, 3 shifts"
    location: {from_state: "11", max_km: 300}   # or {states: ["11", "14"]}
    sizes: [small, medium]
    export_experience: true
    hard: [processes, location]    # the others only rank
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from comexlab.errors import InputError, Problem
from comexlab.i18n import Msg
from comexlab.matching.places import state_point
from comexlab.matching.suppliers import CRITERIA, Need

SIZES = ("micro", "small", "medium", "large")
FIELDS = frozenset({"code", "buyer", "sector", "processes", "certifications", "capacity",
                    "location", "sizes", "export_experience", "hard"})


@dataclass(frozen=True, slots=True)
class Known:
    """Codes a need may use (from the process taxonomy and the registry's references)."""

    processes: frozenset[str]
    standards: frozenset[str]
    sectors: frozenset[str]


class _Collector:
    def __init__(self, file: str, where: str) -> None:
        self.file, self.where, self.problems = file, where, []  # type: ignore[var-annotated]

    def add(self, msg: Msg, field: str, value: object = None) -> None:
        self.problems.append(Problem.of(msg, self.file, None, f"{self.where}{field}",
                                        None if value is None else str(value)))


def _codes(raw: object, known: frozenset[str], field: str, bad: _Collector,
           msg_key: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        bad.add(Msg("match.need.list"), field, raw)
        return ()
    for item in items:
        if item not in known:
            bad.add(Msg(msg_key, known=", ".join(sorted(known))), field, item)
    return tuple(dict.fromkeys(items))


def _location(raw: object, bad: _Collector) -> tuple[tuple[str, ...], tuple[float, float] | None,
                                                      float | None]:
    if raw is None:
        return (), None, None
    if not isinstance(raw, Mapping) or set(raw) - {"states", "from_state", "max_km"}:
        bad.add(Msg("match.need.location"), "location", raw)
        return (), None, None
    states = tuple(str(s).zfill(2) for s in raw.get("states") or ())
    for code in states:
        if state_point(code) is None:
            bad.add(Msg("match.need.state"), "location.states", code)
    origin = None
    if raw.get("from_state") is not None:
        origin = state_point(str(raw["from_state"]))
        if origin is None:
            bad.add(Msg("match.need.state"), "location.from_state", raw["from_state"])
    max_km = raw.get("max_km")
    if max_km is not None and (isinstance(max_km, bool) or not isinstance(max_km, int | float)
                               or max_km <= 0):
        bad.add(Msg("match.need.max_km"), "location.max_km", max_km)
        max_km = None
    if (max_km is None) != (origin is None) and "max_km" in raw:
        bad.add(Msg("match.need.max_km_origin"), "location", raw)
    return states, origin, None if max_km is None else float(max_km)


def _need(data: object, known: Known, file: str, index: int,
          problems: list[Problem]) -> Need:
    where = f"[{index}]." if index else ""
    bad = _Collector(file, where)
    if not isinstance(data, Mapping):
        bad.add(Msg("match.need.not_mapping"), "", type(data).__name__)
        problems += bad.problems
        return Need("?", "?")
    for extra in sorted(set(map(str, data)) - FIELDS):
        bad.add(Msg("match.need.unknown_field", known=", ".join(sorted(FIELDS))), extra)
    code, buyer = str(data.get("code") or "").strip(), str(data.get("buyer") or "").strip()
    if not code:
        bad.add(Msg("match.need.required"), "code")
    sector = data.get("sector")
    if sector is not None and sector not in known.sectors:
        bad.add(Msg("match.need.sector", known=", ".join(sorted(known.sectors))), "sector",
                sector)
    processes = _codes(data.get("processes"), known.processes, "processes", bad,
                       "match.need.process")
    raw_certs = data.get("certifications", "usual")
    certs = None if raw_certs == "usual" else _codes(raw_certs, known.standards,
                                                    "certifications", bad, "match.need.standard")
    if raw_certs == "usual" and sector is None and "certifications" in data:
        bad.add(Msg("match.need.usual_without_sector"), "certifications", raw_certs)
    states, origin, max_km = _location(data.get("location"), bad)
    sizes = _codes(data.get("sizes"), frozenset(SIZES), "sizes", bad, "match.need.size")
    hard = _codes(data.get("hard", ["processes"]), frozenset(CRITERIA), "hard", bad,
                  "match.need.hard")
    export = data.get("export_experience", False)
    if not isinstance(export, bool):
        bad.add(Msg("match.need.bool"), "export_experience", export)
        export = False
    problems += bad.problems
    return Need(code, buyer or code, processes, sector if isinstance(sector, str) else None,
                certs, str(data.get("capacity") or ""), states, origin, max_km, sizes, export,
                frozenset(hard))


def needs_from_data(data: object, *, known: Known, file: str, lang: str = "en"
                    ) -> tuple[Need, ...]:
    """A YAML document holding one need (a mapping) or several (a list of mappings)."""
    items: Sequence[Any] = data if isinstance(data, list) else [data]
    problems: list[Problem] = []
    needs = tuple(_need(item, known, file, i + 1 if len(items) > 1 else 0, problems)
                  for i, item in enumerate(items))
    codes = [n.code for n in needs]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(Problem.of(Msg("match.need.duplicate"), file, None, "code", code))
    if not items:
        problems.append(Problem.of(Msg("match.need.empty"), file))
    if problems:
        raise InputError(Msg("match.need.refused"), problems=problems, lang=lang)
    return needs


def bill_from_data(data: object, *, known: Known, file: str, lang: str = "en"
                   ) -> tuple[tuple[str, ...], Need]:
    """A consortium file: ``bill`` (processes) plus need-like filters for every member.

    ``certifications``, ``location`` and ``sizes`` (default: micro, small, medium — a
    consortium is of SMEs) apply to each member as hard filters.
    """
    bad = _Collector(file, "")
    if not isinstance(data, Mapping) or "bill" not in data:
        bad.add(Msg("match.need.bill"), "bill")
        raise InputError(Msg("match.need.refused"), problems=bad.problems, lang=lang)
    bill = _codes(data["bill"], known.processes, "bill", bad, "match.need.process")
    if not bill and not bad.problems:
        bad.add(Msg("match.need.bill"), "bill")
    rest = {k: v for k, v in data.items() if k != "bill"}
    rest.setdefault("code", "consortium")
    rest.setdefault("sizes", ["micro", "small", "medium"])
    rest.setdefault("certifications", [])
    rest["hard"] = ["certifications", "location", "size"]
    problems = list(bad.problems)
    need = _need(rest, known, file, 0, problems)
    if problems:
        raise InputError(Msg("match.need.refused"), problems=problems, lang=lang)
    return bill, need
