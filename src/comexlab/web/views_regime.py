"""View models of the "Arancel vigente" page and its JSON API (``/api/regime``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class AuthorityPart(BaseModel):
    """One authority's part of the ETR (fraction) and of the duty bill."""

    authority: str
    rate: float
    duty_usd: float


class RegimeMeasure(BaseModel):
    """A measure in force (or listed as not modelled, with the reason)."""

    id: str
    title: str
    authority: str
    rate: float
    reason: str


class RegimeLine(BaseModel):
    """One HTS10 line of the weights: value, claimed share, rate and the measures hitting it."""

    product_code: str
    description: str
    value_usd: float
    claimed_share: float | None
    etr: float | None
    measures: str


class RegimeSegment(BaseModel):
    """A stretch of days with the same regime."""

    start: dt.date
    end: dt.date
    edition: str
    measures: str
    etr: float


class RegimeView(BaseModel):
    """The regime on a date: ETR (fraction) and parts, weights, lines, series."""

    on: dt.date
    reporter: str
    edition: str
    etr: float
    parts: list[AuthorityPart]
    estimated: bool
    window_first: str
    window_last: str
    window_value_usd: float
    claimed_share: float
    measures: list[RegimeMeasure]
    not_modelled: list[RegimeMeasure]
    lines: list[RegimeLine]
    segments: list[RegimeSegment]
    computations: int
    value_unknown_rate_usd: float
    notes: list[str]
