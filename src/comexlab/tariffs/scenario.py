"""Tariff scenarios: a small YAML file validated into a frozen :class:`Scenario`.

A scenario says which schedule and flows it starts from (**base**: HTS edition, the preference
program the flows claim, the flows to use) and what changes (**overlays**, applied in order):

* ``withdraw_program`` — the program stops; value that claimed it pays the MFN rate.
* ``additional`` — an extra duty of ``rate`` on products for partners (Section 232/IEEPA style);
  ``stacking`` says how it combines with the rate in force: ``add`` (on top), ``max`` (the higher
  of the two) or ``replace`` (instead of it); ``preference_exempt`` spares value that claimed the
  base program (as IEEPA spared USMCA-qualifying goods).
* ``set_rate`` — the rate becomes ``rate``.
* ``linear_cut`` — every rate falls by the share ``cut``.
* ``swiss`` — Swiss formula with coefficient ``a`` (percentage points, WTO convention: 16).

Products are chosen by HTS prefixes (2–10 digits, dots allowed) and/or named lists that the I/O
edge resolves from ``budgetlab_tariff_resources`` (:data:`PRODUCT_LISTS`). Rates are written as
``"25%"`` or as a fraction ``0.25``.

Validation happens at this boundary with pydantic; errors name the YAML key **and line**
(``InputError`` with one :class:`Problem` per error) in catalog messages, never pydantic's own
wording. Checks that need the loaded schedule (do the prefixes exist in the edition?) are in
:func:`check_prefixes`, which takes the edition's codes; the warehouse checks the years.

The file is read by :class:`ScenarioLoader`, which refuses YAML anchors, aliases, tags,
duplicate keys and documents nested or sized beyond :data:`MAX_DEPTH`, :data:`MAX_NODES`,
:data:`MAX_LIST_ITEMS` and :data:`MAX_OVERLAYS`: a scenario never needs them, and they are how a
small upload turns into minutes of CPU and gigabytes of memory (docs/methods/scenarios.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from comexlab.errors import InputError, Problem
from comexlab.i18n import Msg
from comexlab.nomenclature.countries import is_known
from comexlab.tariffs.formulas import SWISS_A_DEFAULT
from comexlab.tariffs.product_lists import PRODUCT_LISTS
from comexlab.tariffs.programs import KNOWN_PROGRAMS
from comexlab.tariffs.regime.timeline import RegimeChanges, Usmca, shipped_timeline


class Stacking(StrEnum):
    """How an additional duty combines with the rate already in force."""

    add = "add"          # rate in force + additional (Section 232 on top of MFN)
    max = "max"          # the higher of the two
    instead = "replace"  # the additional rate instead of the rate in force (YAML: replace;
    #                      not named ``replace``: that would shadow ``str.replace``)


# ---------------------------------------------------------------------------------------------
# Frozen domain values (what the engine receives)
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Products:
    """Which HTS lines an overlay hits; empty prefixes and lists mean "all lines"."""

    prefixes: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    exclude_prefixes: tuple[str, ...] = ()
    exclude_lists: tuple[str, ...] = ()

    @property
    def everything(self) -> bool:
        """True when no prefix or list narrows the selection."""
        return not self.prefixes and not self.lists


@dataclass(frozen=True, slots=True)
class Overlay:
    """One change to the base rates, applied in file order."""

    type: Literal["withdraw_program", "additional", "set_rate", "linear_cut", "swiss"]
    products: Products = Products()
    partners: tuple[str, ...] = ()          # exporting countries hit (ISO3); empty = all
    programs: tuple[str, ...] = ()          # withdraw_program
    rate: float | None = None               # additional / set_rate (fraction)
    stacking: Stacking = Stacking.add       # additional
    preference_exempt: bool = False         # additional
    cut: float | None = None                # linear_cut
    a: float = SWISS_A_DEFAULT              # swiss (percentage points)
    label: str = ""


@dataclass(frozen=True, slots=True)
class Base:
    """Where the scenario starts: schedule edition, claimed program, and the flows."""

    edition: str
    programs: tuple[str, ...]
    source: str
    years: tuple[int, ...]
    reporters: tuple[str, ...]
    partner: str = "USA"
    level: str = "hts10"
    hs4_rate: Literal["simple_average"] = "simple_average"
    regime: dt.date | None = None  # start from the US tariff regime in force on this date


@dataclass(frozen=True, slots=True)
class Scenario:
    """A validated scenario; ``lines`` maps dotted YAML keys to their line numbers for errors."""

    name: str
    title: str
    base: Base
    overlays: tuple[Overlay, ...]
    description: str = ""
    title_es: str = ""
    description_es: str = ""
    approximate: bool = False
    utilisation: float = 1.0
    source_file: str = ""
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False)
    regime_changes: RegimeChanges = field(default_factory=RegimeChanges)

    def title_in(self, lang: str) -> str:
        """The title in ``lang``: the Spanish one where the YAML gives it (shipped ones do)."""
        return self.title_es if lang == "es" and self.title_es else self.title

    def description_in(self, lang: str) -> str:
        """The description in ``lang`` (English when no Spanish text is given)."""
        text = self.description_es if lang == "es" and self.description_es else self.description
        return text.strip()


# ---------------------------------------------------------------------------------------------
# Limits: what a scenario never needs is refused before it can cost time or memory
# ---------------------------------------------------------------------------------------------

MAX_OVERLAYS = 50
"""Overlays per scenario (the shipped ones have 1–4; each one is a pass over every line)."""
MAX_LIST_ITEMS = 2_000
"""Items of any one YAML list (prefixes, years, reporters…); long product sets are named lists."""
MAX_DEPTH = 8
"""YAML nesting of lists and mappings; a scenario needs 5 (the file → overlays → one overlay →
products → prefixes)."""
MAX_NODES = 40_000
"""YAML values in one file (a 64 KB upload holds at most ~32,000)."""
MAX_TEXT = 200
"""Characters of a name, title or label (a description may be 5,000)."""


class _Refusal(ValueError):
    """A value a field validator refuses, with the reason as a catalog message."""

    def __init__(self, msg: Msg) -> None:
        super().__init__(str(msg))
        self.msg = msg


# ---------------------------------------------------------------------------------------------
# Boundary models (pydantic): unknown keys are errors
# ---------------------------------------------------------------------------------------------

_PCT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*%\s*$")
_PREFIX = re.compile(r"^\d{2,10}$")


def _rate(value: Any) -> Any:
    """Accept "25%" or a fraction 0.25; a bare number above 1 is almost surely a percent typo."""
    if isinstance(value, str):
        m = _PCT.match(value)
        if not m:
            try:  # YAML 1.1 reads '1e-3' as text: accept plain numbers written that way
                return _rate(float(value))
            except ValueError:
                pass
            raise _Refusal(Msg("scenario.err.rate_text", value=repr(value)))
        return float(m.group(1)) / 100.0
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 1:
        raise _Refusal(Msg("scenario.err.rate_percent", value=value))
    return value


def _prefix(value: Any) -> Any:
    text = str(value).replace(".", "").strip()
    if not _PREFIX.match(text):
        raise _Refusal(Msg("scenario.err.prefix", value=repr(value)))
    return text


RateValue = Annotated[float, BeforeValidator(_rate), Field(ge=0, le=10)]
PrefixValue = Annotated[str, BeforeValidator(_prefix)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
ShortText = Annotated[str, Field(max_length=MAX_TEXT)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _ProductsIn(_Model):
    prefixes: list[PrefixValue] = []
    lists: list[str] = []
    exclude_prefixes: list[PrefixValue] = []
    exclude_lists: list[str] = []

    def to_domain(self) -> Products:
        return Products(tuple(self.prefixes), tuple(self.lists), tuple(self.exclude_prefixes),
                        tuple(self.exclude_lists))


class _OverlayBase(_Model):
    label: ShortText = ""
    products: _ProductsIn = _ProductsIn()
    partners: list[Country] = []


class _Withdraw(_OverlayBase):
    type: Literal["withdraw_program"]
    programs: list[str]


class _Additional(_OverlayBase):
    type: Literal["additional"]
    rate: RateValue
    stacking: Stacking
    preference_exempt: bool = False


class _SetRate(_OverlayBase):
    type: Literal["set_rate"]
    rate: RateValue


class _LinearCut(_OverlayBase):
    type: Literal["linear_cut"]
    cut: Annotated[float, BeforeValidator(_rate), Field(ge=0, le=1)]


class _Swiss(_OverlayBase):
    type: Literal["swiss"]
    a: Annotated[float, Field(gt=0, le=100)] = SWISS_A_DEFAULT


_TAG_MODELS: dict[str, type[_OverlayBase]] = {
    "withdraw_program": _Withdraw, "additional": _Additional, "set_rate": _SetRate,
    "linear_cut": _LinearCut, "swiss": _Swiss,
}
_OverlayIn = Annotated[_Withdraw | _Additional | _SetRate | _LinearCut | _Swiss,
                       Field(discriminator="type")]


class _BaseIn(_Model):
    edition: Annotated[str, Field(pattern=r"^\d{4}(r\d+)?$")]
    programs: list[str]
    source: Literal["usitc_dataweb", "comtrade"]
    years: list[Annotated[int, Field(ge=1990, le=2100)]]
    reporters: list[Country]
    partner: Country = "USA"
    level: Literal["hts10", "hs4"] = "hts10"
    hs4_rate: Literal["simple_average"] = "simple_average"
    regime: dt.date | None = None


class _RegimeChangesIn(_Model):
    add: list[str] = []
    remove: list[str] = []
    usmca: dict[str, Usmca] = {}


class _ScenarioIn(_Model):
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
    title: ShortText
    description: Annotated[str, Field(max_length=5_000)] = ""
    title_es: ShortText = ""
    description_es: Annotated[str, Field(max_length=5_000)] = ""
    approximate: bool = False
    utilisation: Annotated[float, BeforeValidator(_rate), Field(ge=0, le=1)] = 1.0
    base: _BaseIn
    regime_changes: _RegimeChangesIn | None = None
    overlays: Annotated[list[_OverlayIn], Field(max_length=MAX_OVERLAYS)]


# ---------------------------------------------------------------------------------------------
# YAML with line numbers, without aliases
# ---------------------------------------------------------------------------------------------

_YAML_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = frozenset(_YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "map",
                                                "seq"))


class _Refused(Exception):
    """A YAML construct a scenario never needs, found on ``line`` (1-based)."""

    def __init__(self, msg: Msg, line: int) -> None:
        super().__init__(str(msg))
        self.msg = msg
        self.line = line


_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ScenarioLoader(_Loader):  # type: ignore[valid-type,misc]
    """PyYAML's safe loader that refuses anchors, aliases, tags and deep or huge documents.

    WHY: a scenario never needs them, and they are how a small file becomes a large one — nine
    aliases of nine aliases of … ("billion laughs") expand 342 bytes into millions of values.
    The document's events are screened first (aliases are then mere references, nothing is
    expanded) and composed only when clean, with libyaml's C parser when PyYAML has it.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._text = stream

    def get_single_node(self) -> yaml.Node | None:
        """The document's root node, once :func:`_screen` found nothing to refuse."""
        screen = _Loader(self._text)
        try:
            _screen(screen)
        finally:
            screen.dispose()
        return super().get_single_node()  # type: ignore[no-any-return]


def _screen(loader: yaml.SafeLoader) -> None:
    """Refuse, at its line, the first alias, anchor, tag, or excess of depth or size."""
    depth = nodes = 0
    while (event := loader.get_event()) is not None:
        line = event.start_mark.line + 1
        if isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            continue
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(Msg("scenario.err.alias", name=event.anchor), line)
        if not isinstance(event, yaml.NodeEvent):
            continue
        if event.anchor:
            raise _Refused(Msg("scenario.err.anchor", name=event.anchor), line)
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and tag not in _PLAIN_TAGS:
            raise _Refused(Msg("scenario.err.tag", tag=tag.replace(_YAML_TAG, "!!")), line)
        nodes += 1
        if nodes > MAX_NODES:
            raise _Refused(Msg("scenario.err.nodes", max=f"{MAX_NODES:,}"), line)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(Msg("scenario.err.depth", depth=MAX_DEPTH), line)


Lines = dict[tuple[str | int, ...], int]


def _load_with_lines(text: str, source: str) -> tuple[Any, Lines]:
    """Parse YAML keeping the (1-based) line of every key and list item, keyed by path.

    One loader builds every value. (The old code made a new loader per scalar, and each one
    re-checked the whole text: 14,673 values × 198 KB took 16 of the 19 s a 198 KB file cost.)
    """
    loader = ScenarioLoader(text)
    try:
        root = loader.get_single_node()
        lines: Lines = {}
        return _Walker(loader, lines).value(root, ()), lines
    except _Refused as exc:
        raise InputError(exc.msg, file=source, row=exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise InputError(Msg("scenario.err.yaml", problem=problem,
                             column=mark.column + 1 if mark else "?"),
                         file=source, row=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise InputError(Msg("scenario.err.yaml", problem=str(exc), column="?"),
                         file=source) from None
    finally:
        loader.dispose()


@dataclass
class _Walker:
    """Turns composed nodes into Python values, recording each key's line."""

    loader: ScenarioLoader
    lines: Lines

    def value(self, node: yaml.Node | None, path: tuple[str | int, ...]) -> Any:
        if node is None:
            return None
        line = node.start_mark.line + 1
        self.lines.setdefault(path, line)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if len(node.value) > MAX_LIST_ITEMS:
                raise _Refused(Msg("scenario.err.list_items", max=f"{MAX_LIST_ITEMS:,}"), line)
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node)
        except (ValueError, KeyError, TypeError, yaml.YAMLError):
            raise _Refused(Msg("scenario.err.scalar", value=repr(str(node.value)[:60]),
                               tag=node.tag.removeprefix(_YAML_TAG)), line) from None

    def _mapping(self, node: yaml.MappingNode, path: tuple[str | int, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused(Msg("scenario.err.complex_key"), line)
            key = str(key_node.value)
            if key in out:
                raise _Refused(Msg("scenario.err.duplicate_key", key=key,
                                   first=self.lines[(*path, key)]), line)
            self.lines[(*path, key)] = line
            out[key] = self.value(value_node, (*path, key))
        return out


def _line_of(loc: Iterable[str | int], lines: Mapping[tuple[str | int, ...], int]) -> int | None:
    """Line of the deepest known ancestor of ``loc``."""
    path: tuple[str | int, ...] = ()
    best = lines.get(())
    for part in loc:
        candidate = (*path, part)
        if candidate in lines:
            path = candidate
            best = lines[candidate]
    return best


def _dotted(loc: Iterable[str | int]) -> str:
    return ".".join(str(p) for p in loc)


# ---------------------------------------------------------------------------------------------
# Pydantic's errors in the analyst's words
# ---------------------------------------------------------------------------------------------

_TYPE_MESSAGES: dict[str, str] = {
    "missing": "scenario.err.missing",
    "string_type": "scenario.err.text",
    "int_parsing": "scenario.err.integer", "int_type": "scenario.err.integer",
    "int_from_float": "scenario.err.integer",
    "float_parsing": "scenario.err.number", "float_type": "scenario.err.number",
    "finite_number": "scenario.err.number",
    "bool_parsing": "scenario.err.bool", "bool_type": "scenario.err.bool",
    "list_type": "scenario.err.list",
    "dict_type": "scenario.err.mapping", "model_type": "scenario.err.mapping",
    "model_attributes_type": "scenario.err.mapping",
}
_RANGE_TYPES = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})
#: (low, high, as percent) of the fields with bounds, for range messages.
_BOUNDS: dict[str, tuple[float, float, bool]] = {
    "rate": (0, 10, True), "cut": (0, 1, True), "utilisation": (0, 1, True),
    "years": (1990, 2100, False), "a": (0, 100, False),
}
_PATTERN_MESSAGES: dict[str, str] = {
    "name": "scenario.err.name", "edition": "scenario.err.edition",
    "partner": "scenario.err.iso3", "partners": "scenario.err.iso3",
    "reporters": "scenario.err.iso3",
}


def _strip_tags(raw: Sequence[str | int]) -> tuple[str | int, ...]:
    """``loc`` without the union tag pydantic inserts after ``overlays.N``."""
    out: list[str | int] = []
    for i, part in enumerate(raw):
        if (part in _TAG_MODELS and i >= 2 and raw[i - 2] == "overlays"
                and isinstance(raw[i - 1], int)):
            continue
        out.append(part)
    return tuple(out)


_NESTED_MODELS: dict[str, type[BaseModel]] = {
    "base": _BaseIn, "products": _ProductsIn, "overlays": _OverlayBase,
}


def _model_at(raw: Sequence[str | int]) -> type[BaseModel] | None:
    """The boundary model at a (tagged) ``loc``, to list the keys allowed there."""
    model: type[BaseModel] = _ScenarioIn
    for i, part in enumerate(raw):
        if isinstance(part, int):
            continue
        if part in _TAG_MODELS and i >= 2 and raw[i - 2] == "overlays":
            model = _TAG_MODELS[part]
        elif part in _NESTED_MODELS:
            model = _NESTED_MODELS[part]
        else:
            return None
    return model


def _choices(expected: str) -> str:
    """"'add', 'max' or 'replace'" → "add, max, replace" (no English 'or' in Spanish text)."""
    return ", ".join(re.findall(r"'([^']*)'", expected)) or expected


def _fmt_bound(value: float, percent: bool) -> str:
    return f"{value * 100:g}%" if percent else f"{value:g}"


def _message_of(err: Any, raw: Sequence[str | int], key: str) -> Msg:
    """A catalog message for one pydantic error (never pydantic's own wording)."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "value_error" and isinstance(ctx.get("error"), _Refusal):
        return ctx["error"].msg
    if kind == "extra_forbidden":
        model = _model_at(raw[:-1])
        allowed = ", ".join(model.model_fields) if model is not None else "—"
        return Msg("scenario.err.unknown_key", key=key, allowed=allowed)
    types = ", ".join(_TAG_MODELS)
    if kind == "union_tag_invalid":
        return Msg("scenario.err.overlay_type", value=repr(ctx.get("tag", "")), types=types)
    if kind == "union_tag_not_found":
        return Msg("scenario.err.overlay_no_type", types=types)
    if kind in ("literal_error", "enum"):
        return Msg("scenario.err.choice", key=key, choices=_choices(str(ctx.get("expected"))))
    if kind == "string_pattern_mismatch":
        return Msg(_PATTERN_MESSAGES.get(key, "scenario.err.pattern"), key=key)
    if kind in _RANGE_TYPES and key in _BOUNDS:
        low, high, percent = _BOUNDS[key]
        return Msg("scenario.err.range", key=key, low=_fmt_bound(low, percent),
                   high=_fmt_bound(high, percent))
    if kind == "too_long":
        return Msg("scenario.err.too_many", key=key, max=ctx.get("max_length", "?"))
    if kind == "string_too_long":
        return Msg("scenario.err.too_long", key=key, max=ctx.get("max_length", "?"))
    return Msg(_TYPE_MESSAGES.get(kind, "scenario.err.other"), key=key)


def _shown(value: object) -> str | None:
    """The offending value when it is a plain value (not a whole mapping), shortened."""
    if isinstance(value, str | int | float | bool):
        text = str(value)
        return text if len(text) <= 60 else text[:59] + "…"
    return None


def _problems_of(exc: ValidationError, source: str, lines: Lines) -> list[Problem]:
    problems = []
    for err in exc.errors():
        raw = tuple(err["loc"])
        loc = _strip_tags(raw)
        names = [p for p in loc if isinstance(p, str)]
        key = names[-1] if names else ""
        refusal = isinstance((err.get("ctx") or {}).get("error"), _Refusal)  # names the value
        value = None if err["type"] == "missing" or refusal else _shown(err.get("input"))
        problems.append(Problem.of(_message_of(err, raw, key), source, _line_of(loc, lines),
                                   _dotted(loc), value))
    return problems


def _by_line(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.row or 0, p.field or ""))


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------

def parse_scenario(text: str, *, source: str = "<scenario>",
                   known_programs: Iterable[str] = KNOWN_PROGRAMS) -> Scenario:
    """Validate scenario YAML into a :class:`Scenario`.

    Raises ``InputError`` listing every problem with its key and line, in catalog messages
    (the edges show them in the reader's language).
    """
    data, lines = _load_with_lines(text, source)
    if not isinstance(data, dict):
        raise InputError(Msg("error.scenario_mapping"), file=source, row=lines.get((), 1))
    try:
        model = _ScenarioIn.model_validate(data)
    except ValidationError as exc:
        raise InputError(Msg("error.scenario_invalid", source=source),
                         problems=_by_line(_problems_of(exc, source, lines))) from None
    return _to_domain(model, source, lines, frozenset(known_programs))


@dataclass
class _Checks:
    """Cross-field checks of a validated model; each problem names its key and line."""

    source: str
    lines: Mapping[tuple[str | int, ...], int]
    known_programs: frozenset[str]
    problems: list[Problem] = field(default_factory=list)

    def add(self, msg: Msg, path: tuple[str | int, ...], value: object = None) -> None:
        self.problems.append(Problem.of(msg, self.source, _line_of(path, self.lines),
                                        _dotted(path), None if value is None else str(value)))

    def programs(self, programs: list[str], path: tuple[str | int, ...]) -> None:
        for i, prog in enumerate(programs):
            if prog not in self.known_programs:
                self.add(Msg("scenario.err.program", program=repr(prog),
                             known=", ".join(sorted(self.known_programs))), (*path, i), prog)

    def countries(self, codes: list[str], path: tuple[str | int, ...],
                  reporters: list[str] | None = None) -> None:
        for i, code in enumerate(codes):
            if not is_known(code):
                self.add(Msg("scenario.err.country", code=code), (*path, i), code)
            elif reporters is not None and code not in reporters:
                self.add(Msg("scenario.err.partner_not_reporter", code=code,
                             reporters=", ".join(reporters)), (*path, i), code)

    def lists(self, products: Products, path: tuple[str | int, ...]) -> None:
        for list_field in ("lists", "exclude_lists"):
            for j, name in enumerate(getattr(products, list_field)):
                if name not in PRODUCT_LISTS:
                    self.add(Msg("scenario.err.product_list", known=", ".join(sorted(
                        PRODUCT_LISTS))), (*path, "products", list_field, j), name)


def _to_domain(model: _ScenarioIn, source: str, lines: Mapping[tuple[str | int, ...], int],
               known_programs: frozenset[str]) -> Scenario:
    checks = _Checks(source, lines, known_programs)
    b = model.base
    checks.programs(b.programs, ("base", "programs"))
    checks.countries(b.reporters, ("base", "reporters"))
    checks.countries([b.partner], ("base", "partner"))
    overlays: list[Overlay] = []
    for i, ov in enumerate(model.overlays):
        path: tuple[str | int, ...] = ("overlays", i)
        products = ov.products.to_domain()
        checks.lists(products, path)
        checks.countries(ov.partners, (*path, "partners"), b.reporters)
        if isinstance(ov, _Withdraw):
            checks.programs(ov.programs, (*path, "programs"))
            stray = [p for p in ov.programs if p not in b.programs]
            if stray:
                checks.add(Msg("scenario.err.withdraw_not_base", programs=", ".join(stray),
                               base=", ".join(b.programs)), (*path, "programs"))
        if isinstance(ov, _Additional) and products.everything:
            checks.add(Msg("scenario.err.additional_products"), path)
        overlays.append(Overlay(
            type=ov.type, products=products, partners=tuple(ov.partners),
            programs=tuple(getattr(ov, "programs", ())), rate=getattr(ov, "rate", None),
            stacking=getattr(ov, "stacking", Stacking.add),
            preference_exempt=getattr(ov, "preference_exempt", False),
            cut=getattr(ov, "cut", None), a=getattr(ov, "a", SWISS_A_DEFAULT), label=ov.label))
    changes = _regime_changes(model, checks)
    if checks.problems:
        raise InputError(Msg("error.scenario_invalid", source=source),
                         problems=_by_line(checks.problems))
    return Scenario(
        name=model.name, title=model.title, description=model.description,
        title_es=model.title_es, description_es=model.description_es.strip(),
        approximate=model.approximate, utilisation=model.utilisation, source_file=source,
        base=Base(b.edition, tuple(b.programs), b.source, tuple(b.years), tuple(b.reporters),
                  b.partner, b.level, b.hs4_rate, b.regime),
        overlays=tuple(overlays),
        lines={_dotted(k): v for k, v in lines.items()},
        regime_changes=changes,
    )


def _regime_changes(model: _ScenarioIn, checks: _Checks) -> RegimeChanges:
    """``regime_changes`` as a domain value; it needs ``base.regime`` and known measure ids."""
    raw = model.regime_changes
    if raw is None:
        return RegimeChanges()
    changes = RegimeChanges(tuple(raw.add), tuple(raw.remove), tuple(raw.usmca.items()))
    where = ("regime_changes",)
    if model.base.regime is None:
        checks.add(Msg("scenario.err.regime_needs_date"), where)
    for name in changes.unknown(shipped_timeline()):
        checks.add(Msg("scenario.err.regime_unknown_measure", measure=name), where, name)
    return changes


def check_prefixes(scenario: Scenario, codes: Iterable[str]) -> list[Problem]:
    """Prefixes that match no HTS line of the scenario's edition (``codes`` = its HTS codes)."""
    code_list = list(codes)
    by_len: dict[int, set[str]] = {}
    for n in range(2, 11):
        by_len[n] = {c[:n] for c in code_list if len(c) >= n}
    problems = []
    for i, ov in enumerate(scenario.overlays):
        for field_name in ("prefixes", "exclude_prefixes"):
            for j, prefix in enumerate(getattr(ov.products, field_name)):
                if prefix not in by_len.get(len(prefix), set()):
                    key = f"overlays.{i}.products.{field_name}.{j}"
                    problems.append(Problem.of(
                        Msg("scenario.err.prefix_unknown", prefix=prefix,
                            edition=scenario.base.edition),
                        scenario.source_file, scenario.lines.get(key), key, prefix))
    return problems
