"""The policy timeline: one validated record per tariff measure, with dates.

The file is package data (``tariffs/data/regime/measures.yaml``) so an agency can read and
review it; :func:`parse_timeline` validates it with pydantic at this boundary. A malformed
record raises :class:`~comexlab.errors.InputError` with one problem per error naming the
record (its ``id``, or its position), the field and the YAML line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from comexlab.errors import InputError, Problem
from comexlab.i18n import Msg

PACKAGE = "comexlab.tariffs"
SHIPPED = "data/regime/measures.yaml"


class Authority(StrEnum):
    """Legal authority of a measure: the columns of the decomposition."""

    mfn = "mfn"
    ieepa_fentanyl = "ieepa_fentanyl"
    ieepa_reciprocal = "ieepa_reciprocal"
    s232 = "s232"
    s122 = "s122"
    s201 = "s201"
    s301 = "s301"
    other = "other"


class Usmca(StrEnum):
    """What a measure does to value that claimed USMCA (S/S+)."""

    exempt_claimed = "exempt_claimed"
    non_us_content = "non_us_content"
    none = "none"


class Role(StrEnum):
    """Stacking role: the key of the dispatch table in :mod:`.stacking`."""

    heading = "heading"
    metal = "metal"
    residual = "residual"
    additive = "additive"
    carve_out = "carve_out"


class ValueBasis(StrEnum):
    """The part of a line's value a measure's rate is charged on."""

    full = "full"
    metal_content = "metal_content"
    floor = "floor"


METALS = ("steel", "aluminum", "copper")
_PCT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_HEADING = re.compile(r"^99\d{2}\.\d{2}\.\d{2}$")
_PREFIX = re.compile(r"^\d{2,10}$")


def _rate(value: Any) -> Any:
    """"25%" or a fraction 0.25; a bare number above 1 is a percent typo."""
    if isinstance(value, str):
        m = _PCT.match(value)
        if not m:
            raise ValueError(f"rate {value!r} must look like '25%' or a fraction like 0.25")
        return float(m.group(1)) / 100.0
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 1:
        raise ValueError(f"rate {value} > 1: write '{value}%' for a percent or a fraction")
    return value


def _prefix(value: Any) -> Any:
    text = str(value).replace(".", "").strip()
    if not _PREFIX.match(text):
        raise ValueError(f"HTS prefix {value!r} must be 2 to 10 digits (dots allowed)")
    return text


Rate = Annotated[float, BeforeValidator(_rate), Field(ge=0, le=10)]
Prefix = Annotated[str, BeforeValidator(_prefix)]
Heading = Annotated[str, Field(pattern=_HEADING.pattern)]
Partner = Annotated[str, Field(pattern=r"^([A-Z]{3}|\*)$")]


# ---------------------------------------------------------------------------------------------
# Frozen domain values
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ProductScope:
    """Which HTS10 lines a measure hits: prefixes and named lists, minus exclusions."""

    everything: bool = False
    prefixes: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    exclude_prefixes: tuple[str, ...] = ()
    exclude_lists: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Measure:
    """One tariff measure with its dates, scope and stacking role."""

    id: str
    title: str
    authority: Authority
    headings: tuple[str, ...]
    legal: tuple[str, ...]
    rate: float
    effective_from: dt.date
    effective_to: dt.date | None
    partners: tuple[str, ...]
    products: ProductScope
    usmca: Usmca
    stacking: Role
    value_basis: ValueBasis = ValueBasis.full
    metal: str | None = None
    exclude_partners: tuple[str, ...] = ()
    heading_rates: Mapping[str, float] = field(default_factory=dict)
    modelled: bool = True
    not_modelled_reason: str = ""
    note: str = ""

    def active_on(self, day: dt.date) -> bool:
        """True when goods entered on ``day`` pay the measure (both ends inclusive)."""
        return self.effective_from <= day and (self.effective_to is None
                                               or day <= self.effective_to)

    def printed_rate(self, heading: str) -> float:
        """The rate ``heading`` should print: its own entry, else the measure's rate."""
        return self.heading_rates.get(heading, self.rate)

    def applies_to(self, partner: str) -> bool:
        """True when goods of ``partner`` (ISO3) are covered."""
        if partner in self.exclude_partners:
            return False
        return "*" in self.partners or partner in self.partners


@dataclass(frozen=True, slots=True)
class RegimeChanges:
    """What a scenario changes in the regime it starts from (``regime_changes`` in its YAML).

    ``add``: measures put in force on the regime's date whatever their own dates (a measure
    restored); ``remove``: measures taken out; ``usmca``: a new USMCA treatment per measure.
    """

    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    usmca: tuple[tuple[str, Usmca], ...] = ()

    @property
    def empty(self) -> bool:
        """True when nothing changes."""
        return not (self.add or self.remove or self.usmca)

    def apply(self, timeline: Timeline, day: dt.date) -> Timeline:
        """The timeline with these changes, as seen on ``day``."""
        usmca = dict(self.usmca)
        measures = []
        for m in timeline.measures:
            if m.id in self.remove:
                continue
            if m.id in self.add:
                m = dataclasses.replace(m, effective_from=min(m.effective_from, day),
                                        effective_to=None)
            if m.id in usmca:
                m = dataclasses.replace(m, usmca=usmca[m.id])
            measures.append(m)
        return dataclasses.replace(timeline, measures=tuple(measures))

    def unknown(self, timeline: Timeline) -> list[str]:
        """Measure ids this names that the timeline does not model."""
        ids = {m.id for m in timeline.modelled()}
        return [i for i in (*self.add, *self.remove, *dict(self.usmca)) if i not in ids]


@dataclass(frozen=True, slots=True)
class EditionDate:
    """An HTS edition and the date it came into force."""

    edition: str
    effective_from: dt.date
    source: str


@dataclass(frozen=True, slots=True)
class Parameter:
    """A modelling parameter with its documented default and source."""

    name: str
    value: float
    description: str
    source: str


@dataclass(frozen=True, slots=True)
class Timeline:
    """The whole validated file."""

    measures: tuple[Measure, ...]
    editions: tuple[EditionDate, ...]
    parameters: Mapping[str, Parameter]
    lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = SHIPPED

    def measure(self, measure_id: str) -> Measure:
        """The measure called ``measure_id`` (KeyError if none)."""
        for m in self.measures:
            if m.id == measure_id:
                return m
        raise KeyError(measure_id)

    def modelled(self) -> tuple[Measure, ...]:
        """Measures that change figures."""
        return tuple(m for m in self.measures if m.modelled)

    def not_modelled(self) -> tuple[Measure, ...]:
        """Measures listed but left out of the figures, each with its reason."""
        return tuple(m for m in self.measures if not m.modelled)

    def parameter(self, name: str) -> float:
        """Value of a documented parameter."""
        return self.parameters[name].value

    def list_names(self) -> set[str]:
        """Every named product list the modelled measures use (incl. exclusions)."""
        return {n for m in self.modelled()
                for n in (*m.products.lists, *m.products.exclude_lists)}


# ---------------------------------------------------------------------------------------------
# Boundary models (pydantic)
# ---------------------------------------------------------------------------------------------

class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _ProductsIn(_Model):
    everything: bool = False
    prefixes: list[Prefix] = []
    lists: list[str] = []
    exclude_prefixes: list[Prefix] = []
    exclude_lists: list[str] = []

    @model_validator(mode="after")
    def _some(self) -> _ProductsIn:
        if not self.everything and not self.prefixes and not self.lists:
            raise ValueError("products need prefixes, lists or everything: true")
        if self.everything and (self.prefixes or self.lists):
            raise ValueError("everything: true cannot be combined with prefixes or lists")
        return self


class _MeasureIn(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: str
    authority: Authority
    headings: list[Heading]
    legal: Annotated[list[str], Field(min_length=1)]
    rate: Rate
    effective_from: dt.date
    effective_to: dt.date | None
    partners: Annotated[list[Partner], Field(min_length=1)]
    exclude_partners: list[Partner] = []
    heading_rates: dict[Heading, Rate] = {}
    products: _ProductsIn
    usmca: Usmca
    stacking: Role
    value_basis: ValueBasis = ValueBasis.full
    metal: str | None = None
    modelled: bool = True
    not_modelled_reason: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _coherent(self) -> _MeasureIn:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError(f"effective_to {self.effective_to} is before effective_from "
                             f"{self.effective_from}")
        if self.value_basis is ValueBasis.metal_content and self.metal not in METALS:
            raise ValueError(f"value_basis metal_content needs metal: one of {METALS}")
        if self.metal is not None and self.metal not in METALS:
            raise ValueError(f"metal {self.metal!r} must be one of {METALS}")
        unknown = sorted(set(self.heading_rates) - set(self.headings))
        if unknown:
            raise ValueError(f"heading_rates names headings not under headings: {unknown}")
        if not self.modelled and not self.not_modelled_reason.strip():
            raise ValueError("modelled: false needs a not_modelled_reason")
        if self.modelled and self.stacking is Role.metal and self.usmca is Usmca.non_us_content:
            raise ValueError("non_us_content applies to vehicle programmes (stacking: heading)")
        return self

    def to_domain(self) -> Measure:
        p = self.products
        return Measure(
            id=self.id, title=self.title, authority=self.authority,
            headings=tuple(self.headings), legal=tuple(self.legal), rate=self.rate,
            effective_from=self.effective_from, effective_to=self.effective_to,
            partners=tuple(self.partners), exclude_partners=tuple(self.exclude_partners),
            heading_rates=dict(self.heading_rates),
            products=ProductScope(p.everything, tuple(p.prefixes), tuple(p.lists),
                                  tuple(p.exclude_prefixes), tuple(p.exclude_lists)),
            usmca=self.usmca, stacking=self.stacking, value_basis=self.value_basis,
            metal=self.metal, modelled=self.modelled,
            not_modelled_reason=" ".join(self.not_modelled_reason.split()),
            note=" ".join(self.note.split()))


class _EditionIn(_Model):
    edition: Annotated[str, Field(pattern=r"^\d{4}(r\d+)?$")]
    effective_from: dt.date
    source: str


class _ParameterIn(_Model):
    value: float
    description: str
    source: str


class _ListIn(_Model):
    description: str
    prefixes: Annotated[list[Prefix], Field(min_length=1)]


class _TimelineIn(_Model):
    version: int
    parameters: dict[str, _ParameterIn] = {}
    editions: Annotated[list[_EditionIn], Field(min_length=1)]
    lists: dict[Annotated[str, Field(pattern=r"^regime:[a-z0-9_]+$")], _ListIn] = {}
    measures: Annotated[list[dict[str, Any]], Field(min_length=1)]


def shipped_text() -> str:
    """The YAML text of the shipped timeline (package data)."""
    return (resources.files(PACKAGE) / SHIPPED).read_text(encoding="utf-8")


def shipped_timeline() -> Timeline:
    """The shipped timeline, validated."""
    return parse_timeline(shipped_text(), source=SHIPPED)


def _measure_lines(text: str) -> list[int]:
    """YAML line (1-based) where each record of ``measures`` starts."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if key.value == "measures" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def parse_timeline(text: str, *, source: str = SHIPPED) -> Timeline:
    """Validate the timeline YAML; every problem names its record, field and line."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(Msg("error.regime_yaml", detail=str(exc).splitlines()[0]),
                         file=source, row=mark.line + 1 if mark else None) from exc
    if not isinstance(raw, dict):
        raise InputError(Msg("error.regime_yaml", detail="not a mapping"), file=source)
    try:
        top = _TimelineIn.model_validate(raw)
    except ValidationError as exc:
        raise InputError(Msg("error.regime_invalid", source=source), problems=[
            Problem(e["msg"], file=source, field=".".join(str(x) for x in e["loc"]))
            for e in exc.errors()]) from exc
    lines = _measure_lines(text)
    measures: list[Measure] = []
    problems: list[Problem] = []
    for i, record in enumerate(top.measures):
        name = str(record.get("id") or f"#{i + 1}") if isinstance(record, dict) else f"#{i + 1}"
        try:
            measures.append(_MeasureIn.model_validate(record).to_domain())
        except ValidationError as exc:
            problems += [Problem(f"measure {name}: {e['msg']}", file=source,
                                 row=lines[i] if i < len(lines) else None,
                                 field=".".join(str(x) for x in e["loc"]) or name)
                         for e in exc.errors()]
    problems += _cross_checks(measures, top, source)
    if problems:
        raise InputError(Msg("error.regime_invalid", source=source), problems=problems)
    editions = tuple(sorted((EditionDate(e.edition, e.effective_from, e.source)
                             for e in top.editions), key=lambda e: e.effective_from))
    params = {k: Parameter(k, v.value, " ".join(v.description.split()),
                           " ".join(v.source.split())) for k, v in top.parameters.items()}
    lists = {k: tuple(v.prefixes) for k, v in top.lists.items()}
    return Timeline(tuple(measures), editions, params, lists, source)


def _cross_checks(measures: Sequence[Measure], top: _TimelineIn,
                  source: str) -> list[Problem]:
    """Ids unique; regime: lists defined; the USMCA content parameter present when used."""
    problems = []
    seen: set[str] = set()
    for m in measures:
        if m.id in seen:
            problems.append(Problem(f"measure id {m.id!r} appears twice", file=source,
                                    field="id", value=m.id))
        seen.add(m.id)
        for name in (*m.products.lists, *m.products.exclude_lists):
            if name.startswith("regime:") and name not in top.lists:
                problems.append(Problem(f"measure {m.id}: list {name!r} is not defined under "
                                        "lists", file=source, field="products.lists",
                                        value=name))
        if m.usmca is Usmca.non_us_content and "usmca_us_content_share" not in top.parameters:
            problems.append(Problem(f"measure {m.id}: usmca non_us_content needs the parameter "
                                    "usmca_us_content_share", file=source, field="parameters"))
    return problems
