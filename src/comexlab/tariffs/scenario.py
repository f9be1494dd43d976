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
(``InputError`` with one :class:`Problem` per error). Checks that need the loaded schedule (do the
prefixes exist in the edition?) are in :func:`check_prefixes`, which takes the edition's codes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from comexlab.errors import InputError, Problem
from comexlab.i18n import Msg
from comexlab.tariffs.formulas import SWISS_A_DEFAULT
from comexlab.tariffs.regime.timeline import RegimeChanges, Usmca, shipped_timeline

KNOWN_PROGRAMS: frozenset[str] = frozenset({
    "S", "S+", "MX", "CA", "A", "A*", "A+", "AU", "B", "BH", "C", "CL", "CO", "D", "E", "E*",
    "IL", "JO", "J", "J*", "J+", "K", "KR", "L", "MA", "N", "OM", "P", "PA", "PE", "R", "SG",
})
"""Special-column program codes of the HTS general notes (the hts branch's program table is the
authoritative list; the edge passes it in when loaded)."""


@dataclass(frozen=True, slots=True)
class ProductList:
    """A named product list resolved at the I/O edge from a ``budgetlab_tariff_resources`` file."""

    name: str
    file: str
    code_column: str | None          # None: plain text file, one code a line
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()   # (column, accepted values)
    description: str = ""


_ANNEX = "budgetlab_tariff_resources/s232_annex_products.csv"
PRODUCT_LISTS: dict[str, ProductList] = {p.name: p for p in (
    ProductList("budgetlab:s232_auto_parts", "budgetlab_tariff_resources/s232_auto_parts.txt",
                None, description="Section 232 automobile parts (HTS10)"),
    ProductList("budgetlab:s232_mhd_parts", "budgetlab_tariff_resources/s232_mhd_parts.txt",
                None, description="Section 232 medium/heavy-duty vehicle parts (HTS10)"),
    ProductList("budgetlab:s232_steel", _ANNEX, "hts_prefix", (("metal_type", ("steel",)),),
                "Section 232 steel, all annexes (1a, 1b, 2, 3)"),
    ProductList("budgetlab:s232_aluminum", _ANNEX, "hts_prefix",
                (("metal_type", ("aluminum",)),), "Section 232 aluminium, all annexes"),
    ProductList("budgetlab:s232_steel_1a", _ANNEX, "hts_prefix",
                (("metal_type", ("steel",)), ("annex", ("1a",))),
                "Section 232 steel, annex 1a (the metal articles themselves)"),
    ProductList("budgetlab:s232_aluminum_1a", _ANNEX, "hts_prefix",
                (("metal_type", ("aluminum",)), ("annex", ("1a",))),
                "Section 232 aluminium, annex 1a (the metal articles themselves)"),
    ProductList("budgetlab:s232_copper", "budgetlab_tariff_resources/s232_copper_products.csv",
                "hts10", description="Section 232 copper products"),
    ProductList("budgetlab:s232_derivatives",
                "budgetlab_tariff_resources/s232_derivative_products.csv", "hts_prefix",
                description="Section 232 steel/aluminium derivative products"),
    ProductList("budgetlab:ieepa_exempt", "budgetlab_tariff_resources/ieepa_exempt_products.csv",
                "hts10", description="IEEPA-exempt products (HTS10)"),
    ProductList("budgetlab:fentanyl_carveout",
                "budgetlab_tariff_resources/fentanyl_carveout_products.csv", "hts8",
                description="IEEPA fentanyl tariff carve-outs (HTS8)"),
)}


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
    approximate: bool = False
    utilisation: float = 1.0
    source_file: str = ""
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False)
    regime_changes: RegimeChanges = field(default_factory=RegimeChanges)


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


RateValue = Annotated[float, BeforeValidator(_rate), Field(ge=0, le=10)]
PrefixValue = Annotated[str, BeforeValidator(_prefix)]


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
    label: str = ""
    products: _ProductsIn = _ProductsIn()
    partners: list[Annotated[str, Field(pattern=r"^[A-Z]{3}$")]] = []


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


_OverlayIn = Annotated[_Withdraw | _Additional | _SetRate | _LinearCut | _Swiss,
                       Field(discriminator="type")]


class _BaseIn(_Model):
    edition: Annotated[str, Field(pattern=r"^\d{4}(r\d+)?$")]
    programs: list[str]
    source: Literal["usitc_dataweb", "comtrade"]
    years: list[Annotated[int, Field(ge=1990, le=2100)]]
    reporters: list[Annotated[str, Field(pattern=r"^[A-Z]{3}$")]]
    partner: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USA"
    level: Literal["hts10", "hs4"] = "hts10"
    hs4_rate: Literal["simple_average"] = "simple_average"
    regime: dt.date | None = None


class _RegimeChangesIn(_Model):
    add: list[str] = []
    remove: list[str] = []
    usmca: dict[str, Usmca] = {}


class _ScenarioIn(_Model):
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: str
    description: str = ""
    approximate: bool = False
    utilisation: Annotated[float, BeforeValidator(_rate), Field(ge=0, le=1)] = 1.0
    base: _BaseIn
    regime_changes: _RegimeChangesIn | None = None
    overlays: list[_OverlayIn]


# ---------------------------------------------------------------------------------------------
# YAML with line numbers
# ---------------------------------------------------------------------------------------------

def _load_with_lines(text: str, source: str) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    """Parse YAML keeping the (1-based) line of every key and list item, keyed by path."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(Msg("error.yaml", problem=str(getattr(exc, "problem", exc))), file=source,
                         row=mark.line + 1 if mark else None) from exc
    lines: dict[tuple[str | int, ...], int] = {}

    def walk(node: yaml.Node | None, path: tuple[str | int, ...]) -> Any:
        if node is None:
            return None
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                lines[(*path, key)] = key_node.start_mark.line + 1
                out[key] = walk(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [walk(item, (*path, i)) for i, item in enumerate(node.value)]
        return yaml.SafeLoader(text).construct_object(node, deep=True)  # scalar with its tag

    return walk(root, ()), lines


def _line_of(loc: Iterable[str | int], lines: Mapping[tuple[str | int, ...], int]) -> int | None:
    """Line of the deepest known ancestor of ``loc`` (pydantic adds union tags we skip)."""
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
# Public API
# ---------------------------------------------------------------------------------------------

def parse_scenario(text: str, *, source: str = "<scenario>",
                   known_programs: Iterable[str] = KNOWN_PROGRAMS) -> Scenario:
    """Validate scenario YAML into a :class:`Scenario`.

    Raises ``InputError`` listing every problem with its key and line.
    """
    data, lines = _load_with_lines(text, source)
    if not isinstance(data, dict):
        raise InputError(Msg("error.scenario_mapping"), file=source, row=1)
    try:
        model = _ScenarioIn.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = [p for p in err["loc"] if p not in _UNION_TAGS]
            problems.append(Problem(err["msg"], source, _line_of(loc, lines), _dotted(loc),
                                    None if err["type"] == "missing" else str(err.get("input"))))
        raise InputError(Msg("error.scenario_invalid", source=source),
                         problems=problems) from exc
    return _to_domain(model, source, lines, frozenset(known_programs))


_UNION_TAGS = {"withdraw_program", "additional", "set_rate", "linear_cut", "swiss"}


def _to_domain(model: _ScenarioIn, source: str, lines: Mapping[tuple[str | int, ...], int],
               known_programs: frozenset[str]) -> Scenario:
    problems: list[Problem] = []

    def check_programs(programs: list[str], path: tuple[str | int, ...]) -> None:
        for i, prog in enumerate(programs):
            if prog not in known_programs:
                problems.append(Problem(f"unknown program {prog!r}", source,
                                        _line_of((*path, i), lines), _dotted((*path, i)), prog))

    check_programs(model.base.programs, ("base", "programs"))
    overlays: list[Overlay] = []
    for i, ov in enumerate(model.overlays):
        path: tuple[str | int, ...] = ("overlays", i)
        products = ov.products.to_domain()
        for list_field in ("lists", "exclude_lists"):
            for j, name in enumerate(getattr(products, list_field)):
                if name not in PRODUCT_LISTS:
                    where = (*path, "products", list_field, j)
                    problems.append(Problem(
                        f"unknown product list; known: {', '.join(sorted(PRODUCT_LISTS))}",
                        source, _line_of(where, lines), _dotted(where), name))
        if isinstance(ov, _Withdraw):
            check_programs(ov.programs, (*path, "programs"))
            stray = [p for p in ov.programs if p not in model.base.programs]
            if stray:
                problems.append(Problem(
                    f"program(s) {stray} are not the base program(s) {model.base.programs}",
                    source, _line_of((*path, "programs"), lines), _dotted((*path, "programs"))))
        if isinstance(ov, _Additional) and products.everything:
            problems.append(Problem("an additional duty needs products (prefixes or lists)",
                                    source, _line_of(path, lines), _dotted(path)))
        overlays.append(Overlay(
            type=ov.type, products=products, partners=tuple(ov.partners),
            programs=tuple(getattr(ov, "programs", ())), rate=getattr(ov, "rate", None),
            stacking=getattr(ov, "stacking", Stacking.add),
            preference_exempt=getattr(ov, "preference_exempt", False),
            cut=getattr(ov, "cut", None), a=getattr(ov, "a", SWISS_A_DEFAULT), label=ov.label))
    changes = _regime_changes(model, source, lines, problems)
    if problems:
        raise InputError(Msg("error.scenario_invalid", source=source), problems=problems)
    b = model.base
    return Scenario(
        name=model.name, title=model.title, description=model.description,
        approximate=model.approximate, utilisation=model.utilisation, source_file=source,
        base=Base(b.edition, tuple(b.programs), b.source, tuple(b.years), tuple(b.reporters),
                  b.partner, b.level, b.hs4_rate, b.regime),
        overlays=tuple(overlays),
        lines={_dotted(k): v for k, v in lines.items()},
        regime_changes=changes,
    )


def _regime_changes(model: _ScenarioIn, source: str, lines: Mapping[tuple[str | int, ...], int],
                    problems: list[Problem]) -> RegimeChanges:
    """``regime_changes`` as a domain value; it needs ``base.regime`` and known measure ids."""
    raw = model.regime_changes
    if raw is None:
        return RegimeChanges()
    changes = RegimeChanges(tuple(raw.add), tuple(raw.remove), tuple(raw.usmca.items()))
    where = ("regime_changes",)
    if model.base.regime is None:
        problems.append(Problem("regime_changes needs base.regime (the date of the regime "
                                "it changes)", source, _line_of(where, lines), _dotted(where)))
    for name in changes.unknown(shipped_timeline()):
        problems.append(Problem("not a modelled measure of the regime timeline", source,
                                _line_of(where, lines), _dotted(where), name))
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
                    problems.append(Problem(
                        f"prefix {prefix} matches no line of HTS edition {scenario.base.edition}",
                        scenario.source_file, scenario.lines.get(key), key, prefix))
    return problems
