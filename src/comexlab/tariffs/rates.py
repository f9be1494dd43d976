"""Typed tariff rates: the contract between the HTS parser, the warehouse and the scenario engine.

A rate text from the schedule ("Free", "2.5%", "4.4¢/kg", "0.9¢/kg + 12.8%", …) becomes a
:class:`Rate`. Specific amounts are always stored in **US dollars** per quantity unit (4.4¢/kg →
0.044 USD per kg) and ad valorem parts as **fractions** (2.5% → 0.025), so that arithmetic never
has to remember which column was in cents or percent. A text that cannot be parsed is kept as a
``Rate`` of kind ``unparsed`` with its original text — never dropped, never guessed.

The parser itself (``parse_rate``) lives in :mod:`comexlab.tariffs.rate_parser`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RateKind(StrEnum):
    """Shapes a duty rate takes in the HTS."""

    blank = "blank"            # no rate printed on this line (heading rows, continuation lines)
    free = "free"              # "Free"
    ad_valorem = "ad_valorem"  # "2.5%"
    specific = "specific"      # "4.4¢/kg", "$1.035/kg", "12.9¢/liter"
    compound = "compound"      # specific + ad valorem added: "0.9¢/kg + 12.8%"
    mixed = "mixed"            # alternatives with a rule: "the greater of", minimum/maximum
    reference = "reference"    # the rate of another provision applies: "No change",
    #                            "The rate applicable to the natural juice in heading 2009"
    unparsed = "unparsed"      # a text the parser does not understand; kept verbatim


@dataclass(frozen=True, slots=True)
class SpecificDuty:
    """A specific duty component: ``amount`` USD per ``unit`` of quantity (e.g. 0.044 per kg)."""

    amount: float
    unit: str
    basis: str | None = None   # qualifier printed with it, e.g. "on drained weight", "pf.liter"


@dataclass(frozen=True, slots=True)
class AdValoremDuty:
    """An ad valorem component: ``rate`` (fraction) of the value, or of part of it (``basis``).

    Watches, rifles and metal-content lines charge different percentages on different parts of
    the value ("6% on the case + 5.3% on the battery"); ``basis`` keeps that part's wording so
    nobody adds them up as if they applied to the whole customs value.
    """

    rate: float
    basis: str | None = None


@dataclass(frozen=True, slots=True)
class Rate:
    """One parsed rate text.

    ``ad_valorem`` is a fraction; ``specific`` holds zero or more specific components (all added
    together for a compound rate). ``rule`` is set for mixed rates ("greater", "lesser",
    "minimum", "maximum") and ``range_high`` for range texts ("Free-6.5%" style), where
    ``ad_valorem`` holds the low end.

    ``ad_valorem`` is the first ad valorem component; ``ad_valorem_parts`` lists all of them
    with the part of the value each is charged on. ``base`` is set when the rate refers to
    another provision: alone (kind ``reference``) or with an addition (chapter 99: kind
    ``ad_valorem`` with ``base='applicable subheading'`` means *that rate plus* ``ad_valorem``).
    """

    text: str
    kind: RateKind
    ad_valorem: float | None = None
    specific: tuple[SpecificDuty, ...] = ()
    rule: str | None = None
    range_high: float | None = None
    # Added by the HTS parser (issue 2); all optional so the original contract still holds.
    ad_valorem_parts: tuple[AdValoremDuty, ...] = ()  # every ad valorem component, with basis
    base: str | None = None   # provision whose rate this one is, or is added to (chapter 99:
    #                           "The duty provided in the applicable subheading + 25%")
    note: str | None = None   # printed condition kept verbatim ("under bond, as prescribed …")

    @property
    def parsed(self) -> bool:
        """True unless the text was not understood (blank lines count as parsed: no rate)."""
        return self.kind is not RateKind.unparsed

    @property
    def is_compound(self) -> bool:
        """Specific and ad valorem parts are added together."""
        return self.kind is RateKind.compound

    @property
    def is_mixed(self) -> bool:
        """Alternative rates chosen by a rule (greater of / minimum / maximum)."""
        return self.kind is RateKind.mixed

    @property
    def is_additional(self) -> bool:
        """The amounts are added on top of another provision's rate (``base``)."""
        return self.base is not None and self.kind is not RateKind.reference

    @property
    def on_part_of_value(self) -> bool:
        """Some component is charged on part of the value only (metal content, battery, …)."""
        return any(p.basis for p in self.ad_valorem_parts)

    @property
    def is_free(self) -> bool:
        """Zero duty."""
        return self.kind is RateKind.free
