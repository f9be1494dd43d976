"""Buyer needs against supplier profiles: a transparent score, hard filters, and the gaps.

A buyer (an OEM, a Tier 1, a buyer met at a fair) states a *need*: processes wanted,
certifications required (or "the sector's usual ones", from the registry's sector
requirements), where the supplier may be (states, or a maximum distance from the buyer's
plant), firm size and export experience. Each criterion named in ``need.hard`` filters; all
of them rank through a score whose every component is shown:

====================  ======  ==============================================================
component             weight  value (0–1)
====================  ======  ==============================================================
process coverage       0.40   wanted processes the firm runs / wanted
certification fit      0.25   required standards held (expiring counts ½) / required
distance               0.15   1 − km / max km (max km given), in listed state (states given)
size                   0.10   1 if the firm's size class is one asked for (or none asked)
program history        0.10   exporter 1; export program completed ¾, under way ½; any
                              program completed ¼; else 0
====================  ======  ==============================================================

For each firm the gaps that keep it from qualifying are listed in the reader's words,
including "missing IATF 16949 — enrolled in CERT-IATF (in progress), due 2027-03" when the
registry shows the firm on its way. Ties are broken by RFC: same input, same output.
Certification status comes from the registry's rules (:mod:`comexlab.supply.certification`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from comexlab.i18n import Msg
from comexlab.supply.certification import CertStatus, Requirement, certification_gap

CRITERIA = ("processes", "certifications", "location", "size", "export")
WEIGHTS: Mapping[str, float] = {"processes": 0.40, "certifications": 0.25, "distance": 0.15,
                                "size": 0.10, "history": 0.10}
EXPORT_KINDS = frozenset({"export_consortium", "trade_mission", "trade_fair",
                          "ecommerce_onboarding"})
ACTIVE = frozenset({"applied", "accepted", "in_progress"})


@dataclass(frozen=True, slots=True)
class ProgramStep:
    """A firm's enrolment in an agency program, as the ranking needs it."""

    program: str
    kind: str
    status: str
    status_on: date
    due: date | None = None  # the program's end
    standard: str | None = None  # the certification the program leads to, if any


@dataclass(frozen=True, slots=True)
class Supplier:
    """A registry firm as matching sees it (built by the service from the registry)."""

    rfc: str
    name: str
    state: str
    size_class: str | None
    exporter: bool
    processes: frozenset[str]
    certificates: tuple[tuple[str, CertStatus], ...] = ()  # best status per standard
    enrolments: tuple[ProgramStep, ...] = ()
    location: tuple[float, float] | None = None  # (lat, lon) of its plant
    location_basis: str = ""  # e.g. "state capital" when no plant coordinates are known


@dataclass(frozen=True, slots=True)
class Need:
    """What a buyer is looking for; ``hard`` names the criteria that filter."""

    code: str
    buyer: str
    processes: tuple[str, ...] = ()
    sector: str | None = None
    certifications: tuple[str, ...] | None = None  # None: the sector's required standards
    capacity_notes: str = ""
    states: tuple[str, ...] = ()
    origin: tuple[float, float] | None = None  # the buyer's plant (lat, lon)
    max_km: float | None = None
    sizes: tuple[str, ...] = ()
    export_experience: bool = False
    hard: frozenset[str] = frozenset({"processes"})


@dataclass(frozen=True, slots=True)
class Reference:
    """The registry's reference tables matching needs (sector requirements, standards)."""

    requirements: tuple[Requirement, ...] = ()
    includes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    standard_names: Mapping[str, str] = field(default_factory=dict)  # IATF16949 → IATF 16949

    def name(self, standard: str) -> str:
        """Display name of a standard code (the code itself if unknown)."""
        return self.standard_names.get(standard, standard)


@dataclass(frozen=True, slots=True)
class Match:
    """One firm against one need: passes the hard criteria?, score, components, gaps."""

    need: str
    rfc: str
    name: str
    qualified: bool
    score: float  # 0–1, Σ weight × component
    components: Mapping[str, float]
    failed: tuple[str, ...]  # hard criteria not met
    gaps: tuple[Msg, ...]
    distance_km: float | None = None
    covered: tuple[str, ...] = field(default=())


def required_standards(need: Need, requirements: Iterable[Requirement]) -> tuple[str, ...]:
    """The standards a need asks for: its own list, else its sector's required ones."""
    if need.certifications is not None:
        return need.certifications
    if need.sector is None:
        return ()
    return tuple(r.standard for r in requirements
                 if r.sector == need.sector and r.level == "required")


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, Earth radius 6,371 km)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _history(s: Supplier) -> float:
    if s.exporter:
        return 1.0
    steps = s.enrolments
    if any(e.kind in EXPORT_KINDS and e.status == "completed" for e in steps):
        return 0.75
    if any(e.kind in EXPORT_KINDS and e.status in ACTIVE for e in steps):
        return 0.5
    return 0.25 if any(e.status == "completed" for e in steps) else 0.0


def _cert_gaps(s: Supplier, required: tuple[str, ...],
               ref: Reference) -> tuple[float, list[Msg], bool]:
    if not required:
        return 1.0, [], True
    reqs = [Requirement("need", std, "required", "") for std in required]
    gap = certification_gap("need", reqs, dict(s.certificates), ref.includes)
    held = len(gap.held) - 0.5 * len(gap.expiring)
    msgs: list[Msg] = []
    for std in gap.missing:
        on_way = [e for e in s.enrolments if e.standard == std and e.status in ACTIVE]
        if on_way:
            e = on_way[0]
            msgs.append(Msg("match.gap.cert_enrolled", standard=ref.name(std), program=e.program,
                            status=Msg(f"enum.enrolment_status.{e.status}"),
                            due=e.due.strftime("%Y-%m") if e.due else "—"))
        elif std in gap.expired:
            msgs.append(Msg("match.gap.cert_expired", standard=ref.name(std)))
        else:
            msgs.append(Msg("match.gap.cert_missing", standard=ref.name(std)))
    msgs += [Msg("match.gap.cert_expiring", standard=ref.name(std)) for std in gap.expiring]
    return held / len(required), msgs, not gap.missing


def _location(need: Need, s: Supplier) -> tuple[float, list[Msg], bool, float | None]:
    score, msgs, ok, km = 1.0, [], True, None
    if need.states and s.state not in need.states:
        score, ok = 0.0, False
        msgs.append(Msg("match.gap.state", state=s.state, states=", ".join(need.states)))
    if need.max_km is not None and need.origin is not None:
        if s.location is None:
            return 0.0, [*msgs, Msg("match.gap.no_location")], False, None
        km = km_between(need.origin, s.location)
        score = min(score, max(0.0, 1 - km / need.max_km)) if need.max_km > 0 else 0.0
        if km > need.max_km:
            ok = False
            msgs.append(Msg("match.gap.far", km=round(km), max_km=round(need.max_km)))
    return score, msgs, ok, km


def evaluate(need: Need, s: Supplier, ref: Reference) -> Match:
    """How ``s`` fares against ``need``: every component, the hard checks and the gaps."""
    wanted = need.processes
    covered = tuple(p for p in wanted if p in s.processes)
    gaps: list[Msg] = [Msg("match.gap.process", process=Msg(f"enum.process.{p}"))
                       for p in wanted if p not in s.processes]
    cert_score, cert_msgs, cert_ok = _cert_gaps(s, required_standards(need, ref.requirements),
                                                ref)
    where, where_msgs, where_ok, km = _location(need, s)
    size_ok = not need.sizes or s.size_class in need.sizes
    history = _history(s)
    export_ok = not need.export_experience or history >= 0.75
    gaps += cert_msgs + where_msgs
    if not size_ok:
        gaps.append(Msg("match.gap.size", size=s.size_class or "—",
                        sizes=", ".join(need.sizes)))
    if not export_ok:
        gaps.append(Msg("match.gap.export"))
    components = {"processes": len(covered) / len(wanted) if wanted else 1.0,
                  "certifications": cert_score, "distance": where,
                  "size": 1.0 if size_ok else 0.0, "history": history}
    checks = {"processes": len(covered) == len(wanted), "certifications": cert_ok,
              "location": where_ok, "size": size_ok, "export": export_ok}
    failed = tuple(c for c in CRITERIA if c in need.hard and not checks[c])
    score = sum(WEIGHTS[k] * v for k, v in components.items())
    return Match(need.code, s.rfc, s.name, not failed, round(score, 6), components, failed,
                 tuple(gaps), km, covered)


def rank(need: Need, suppliers: Sequence[Supplier], ref: Reference) -> tuple[Match, ...]:
    """Every supplier against ``need``: qualified first, then by score, then by RFC."""
    matches = [evaluate(need, s, ref) for s in suppliers]
    return tuple(sorted(matches, key=lambda m: (not m.qualified, -m.score, m.rfc)))


def for_firm(s: Supplier, needs: Sequence[Need], ref: Reference) -> tuple[Match, ...]:
    """The reverse view: the needs ``s`` fits first, then the others with what it lacks."""
    matches = [evaluate(n, s, ref) for n in needs]
    return tuple(sorted(matches, key=lambda m: (not m.qualified, -m.score, m.need)))
