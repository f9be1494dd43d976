"""Matching services: suppliers for a buyer need, needs for a firm, consortia for a bill.

Each function takes an open registry session and a frozen request and returns a typed
result; the CLI (``comexlab match``) and the web page only shape it. Registry firms become
:class:`~comexlab.matching.suppliers.Supplier` profiles here (certificate status computed for
the request's ``today``, so answers are reproducible); the ranking itself is pure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from importlib import resources

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from comexlab.errors import InputError, NotFoundError, Problem
from comexlab.i18n import Msg
from comexlab.matching import consortium as cover
from comexlab.matching import needfile, places
from comexlab.matching.suppliers import (
    Match,
    Need,
    ProgramStep,
    Reference,
    Supplier,
    for_firm,
    rank,
)
from comexlab.registry import reference
from comexlab.registry.models import Enrolment, Firm
from comexlab.supply.certification import CertStatus, best_status, cert_status
from comexlab.supply.processes import processes
from comexlab.supply.rfc import normalize_rfc

MAX_NEED_BYTES = 1024 * 1024
DEMO_NEEDS = "demo_needs.yaml"


# -- reference and profiles -----------------------------------------------------------------

def matching_reference() -> Reference:
    """Sector requirements, contained standards and standard names from the registry."""
    return Reference(reference.requirements(), reference.includes(),
                     {code: s.name for code, s in reference.standards().items()})


def known_codes() -> needfile.Known:
    """Codes a need file may use."""
    return needfile.Known(frozenset(processes()), frozenset(reference.standards()),
                          frozenset(reference.sectors()))


def _program_standards(enrolments: list[Enrolment]) -> dict[str, str]:
    """Program code → the certification it leads to.

    From what its completed enrolments obtained, else from a standard's name in the
    program's name ("… certificación IATF 16949").
    """
    obtained: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, str] = {}
    for e in enrolments:
        names[e.program.code] = e.program.name
        if e.certificate_obtained:
            obtained[e.program.code][e.certificate_obtained] += 1
    out = {code: counts.most_common(1)[0][0] for code, counts in obtained.items()}
    for code, name in names.items():
        if code not in out:
            hits = [std for std, s in reference.standards().items() if s.name in name]
            if len(hits) == 1:
                out[code] = hits[0]
    return out


def load_suppliers(session: Session, *, today: date) -> tuple[Supplier, ...]:
    """Every registry firm as a matching profile, by RFC."""
    firms = session.scalars(select(Firm).order_by(Firm.rfc).options(
        selectinload(Firm.processes), selectinload(Firm.certifications),
        selectinload(Firm.enrolments).selectinload(Enrolment.program))).all()
    targets = _program_standards([e for f in firms for e in f.enrolments])
    out = []
    for f in firms:
        statuses: dict[str, list[CertStatus]] = defaultdict(list)
        for c in f.certifications:
            statuses[c.standard].append(cert_status(c.expires_on, today))
        best = {std: b for std, sts in statuses.items() if (b := best_status(sts))}
        steps = tuple(sorted(
            (_step(e, targets.get(e.program.code)) for e in f.enrolments),
            key=lambda s: (s.program, s.status_on)))
        out.append(Supplier(f.rfc, f.legal_name, f.state_code, f.size_class, f.exporter,
                            frozenset(p.process for p in f.processes),
                            tuple(sorted(best.items())), steps,
                            places.state_point(f.state_code), places.BASIS))
    return tuple(out)


def _step(e: Enrolment, standard: str | None) -> ProgramStep:
    """A registry enrolment as the pure ranking sees it."""
    return ProgramStep(e.program.code, e.program.kind, e.status, e.status_on,
                       e.program.ends_on, standard)


# -- reading need files ---------------------------------------------------------------------

def read_yaml(name: str, content: bytes, *, lang: str = "en") -> object:
    """A YAML document, refused with its line when it does not parse."""
    if len(content) > MAX_NEED_BYTES:
        raise InputError(Msg("match.need.too_big", limit="1 MB"), file=name, lang=lang)
    try:
        return yaml.safe_load(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(Msg("fair.error.unreadable", reason="UTF-8"), file=name,
                         lang=lang) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        raise InputError(Msg("match.need.yaml", line=line,
                             problem=getattr(exc, "problem", None) or type(exc).__name__),
                         file=name, lang=lang) from None


def demo_needs_file() -> tuple[str, bytes]:
    """The packaged demo needs (fictional buyers for the demo registry)."""
    path = resources.files("comexlab.matching") / "data" / DEMO_NEEDS
    return DEMO_NEEDS, path.read_bytes()


def read_needs(files: list[tuple[str, bytes]], *, lang: str = "en") -> tuple[Need, ...]:
    """Every need of the files (each holds one need or a list); codes must be unique."""
    needs: list[Need] = []
    for name, content in files:
        needs += needfile.needs_from_data(read_yaml(name, content, lang=lang),
                                          known=known_codes(), file=name, lang=lang)
    codes = Counter(n.code for n in needs)
    dupes = [c for c, k in codes.items() if k > 1]
    if dupes:
        raise InputError(Msg("match.need.refused"), lang=lang, problems=[
            Problem.of(Msg("match.need.duplicate"), None, None, "code", c, lang=lang)
            for c in sorted(dupes)])
    return tuple(needs)


# -- the three questions --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class NeedRequest:
    """Rank the registry's firms for one need file."""

    need_file: tuple[str, bytes]
    today: date
    code: str | None = None  # which need, when the file holds several
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class NeedResult:
    """The need as read and every firm against it (qualified first, by score)."""

    need: Need
    matches: tuple[Match, ...]

    @property
    def qualified(self) -> tuple[Match, ...]:
        """Firms meeting every hard requirement."""
        return tuple(m for m in self.matches if m.qualified)


def suppliers_for_need(session: Session, request: NeedRequest) -> NeedResult:
    """Which registry firms fit this buyer need, with their score components and gaps."""
    needs = read_needs([request.need_file], lang=request.lang)
    if request.code is not None:
        needs = tuple(n for n in needs if n.code == request.code)
    if len(needs) != 1:
        codes = ", ".join(n.code for n in read_needs([request.need_file], lang=request.lang))
        raise InputError(Msg("match.need.choose", codes=codes), file=request.need_file[0],
                         field="code", value=request.code, lang=request.lang)
    return rank_need(session, needs[0], today=request.today)


def rank_need(session: Session, need: Need, *, today: date) -> NeedResult:
    """Every registry firm against an already checked need (the web form's path)."""
    suppliers = load_suppliers(session, today=today)
    return NeedResult(need, rank(need, suppliers, matching_reference()))


@dataclass(frozen=True, slots=True)
class FirmRequest:
    """The open needs one firm fits (and what it lacks for the others)."""

    rfc: str
    need_files: tuple[tuple[str, bytes], ...]
    today: date
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class FirmResult:
    """The firm's profile and every need against it (fits first)."""

    supplier: Supplier
    needs: tuple[Need, ...]
    matches: tuple[Match, ...]


def needs_for_firm(session: Session, request: FirmRequest) -> FirmResult:
    """The reverse view: which open needs a firm fits, and its gaps for the others."""
    rfc = normalize_rfc(request.rfc)
    found = [s for s in load_suppliers(session, today=request.today) if s.rfc == rfc]
    if not found:
        raise NotFoundError(Msg("error.no_firm", rfc=rfc), lang=request.lang)
    needs = read_needs(list(request.need_files), lang=request.lang)
    return FirmResult(found[0], needs, for_firm(found[0], needs, matching_reference()))


@dataclass(frozen=True, slots=True)
class ConsortiumRequest:
    """A bill of processes to cover with the fewest SMEs."""

    bill_file: tuple[str, bytes]
    today: date
    time_limit: float = 10.0
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class ConsortiumResult:
    """The smallest covering group, its proof, and each member's match to the filters."""

    consortium: cover.Consortium
    members: tuple[Match, ...]
    filters: Need


def consortium_for_bill(session: Session, request: ConsortiumRequest) -> ConsortiumResult:
    """An export consortium: the fewest eligible SMEs whose processes cover the bill."""
    name, content = request.bill_file
    bill, filters = needfile.bill_from_data(read_yaml(name, content, lang=request.lang),
                                            known=known_codes(), file=name, lang=request.lang)
    ref = matching_reference()
    suppliers = load_suppliers(session, today=request.today)
    scored = rank(Need(filters.code, filters.buyer, bill, filters.sector,
                       filters.certifications, "", filters.states, filters.origin,
                       filters.max_km, filters.sizes, filters.export_experience,
                       filters.hard), suppliers, ref)
    eligible_rfcs = {m.rfc for m in scored if m.qualified}
    eligible = [s for s in suppliers if s.rfc in eligible_rfcs]
    result = cover.minimum_cover(bill, eligible, scores={m.rfc: m.score for m in scored},
                                 time_limit=request.time_limit)
    members = tuple(m for m in scored if m.rfc in set(result.members))
    return ConsortiumResult(result, members, filters)
