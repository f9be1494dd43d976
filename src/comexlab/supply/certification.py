"""Certification status and sector certification gaps: pure rules over dates and code sets.

A certificate is *expired* once its expiry date has passed, *expiring* when it expires within
``within_days`` of ``today`` (inclusive: it is still valid that day), else *valid*. A sector's
requirements (package data ``registry/data/sector_requirements.csv``) list the standards its
buyers ask for; a firm's gap is the required standards it holds no valid (or expiring)
certificate for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

DEFAULT_EXPIRING_DAYS = 90


class CertStatus(StrEnum):
    """Computed status of a certificate on a given day."""

    valid = "valid"
    expiring = "expiring"
    expired = "expired"


def cert_status(expires_on: date, today: date, *,
                within_days: int = DEFAULT_EXPIRING_DAYS) -> CertStatus:
    """Status of a certificate expiring on ``expires_on`` as seen on ``today``."""
    if expires_on < today:
        return CertStatus.expired
    if expires_on <= today + timedelta(days=within_days):
        return CertStatus.expiring
    return CertStatus.valid


@dataclass(frozen=True, slots=True)
class Requirement:
    """One standard a sector's buyers ask for, and why we say so."""

    sector: str
    standard: str
    level: str  # "required" or "recommended"
    source: str


@dataclass(frozen=True, slots=True)
class Gap:
    """What a firm lacks to sell to a sector.

    ``missing`` are required standards with no current certificate; ``expired`` the subset of
    those the firm once held; ``expiring`` required standards held but about to lapse;
    ``recommended_missing`` the recommended ones not held.
    """

    sector: str
    required: tuple[str, ...]
    held: tuple[str, ...]
    missing: tuple[str, ...]
    expired: tuple[str, ...]
    expiring: tuple[str, ...]
    recommended_missing: tuple[str, ...]

    @property
    def ready(self) -> bool:
        """True when no required certification is missing."""
        return not self.missing


def with_included(statuses: Mapping[str, CertStatus],
                  includes: Mapping[str, Iterable[str]]) -> dict[str, CertStatus]:
    """Statuses extended to the standards each held one contains.

    An IATF 16949 certificate attests conformity with ISO 9001 too (IATF 16949:2016 is a
    supplement to ISO 9001:2015), so a firm holding only IATF 16949 lacks no ISO 9001.
    """
    out = dict(statuses)
    for held, status in statuses.items():
        for inner in includes.get(held, ()):
            best = best_status([status, out[inner]] if inner in out else [status])
            assert best is not None
            out[inner] = best
    return out


def certification_gap(sector: str, requirements: Iterable[Requirement],
                      statuses: Mapping[str, CertStatus],
                      includes: Mapping[str, Iterable[str]] | None = None) -> Gap:
    """Gap of a firm whose best status per standard is ``statuses`` against ``sector``.

    ``statuses`` maps standard code → the best status among the firm's certificates for it;
    ``includes`` says which standards contain others (see :func:`with_included`).
    """
    statuses = with_included(statuses, includes or {})
    reqs = [r for r in requirements if r.sector == sector]
    required = tuple(r.standard for r in reqs if r.level == "required")
    recommended = tuple(r.standard for r in reqs if r.level != "required")
    current = {s for s, st in statuses.items() if st is not CertStatus.expired}
    return Gap(
        sector=sector,
        required=required,
        held=tuple(s for s in required if s in current),
        missing=tuple(s for s in required if s not in current),
        expired=tuple(s for s in required if statuses.get(s) is CertStatus.expired),
        expiring=tuple(s for s in required if statuses.get(s) is CertStatus.expiring),
        recommended_missing=tuple(s for s in recommended if s not in current),
    )


_RANK = {CertStatus.valid: 0, CertStatus.expiring: 1, CertStatus.expired: 2}


def best_status(statuses: Iterable[CertStatus]) -> CertStatus | None:
    """The most favourable status among several certificates of one standard."""
    ranked = sorted(statuses, key=_RANK.__getitem__)
    return ranked[0] if ranked else None
