"""Reporting windows ('2018', '2025-01'..'2025-08') and the prior window they are compared to.

Agencies compare a period with "the same months a year before" (JALTRADE: "Jan–Aug 2017 …
−6% on the year before"), so the prior window is the same calendar span shifted back by whole
years: by one year for anything up to twelve months, by ``ceil(months / 12)`` years for longer
windows so that the two never overlap. Annual windows shift by their number of years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from comexlab.errors import InputError
from comexlab.i18n import Msg

Grain = Literal["year", "month"]

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_MONTH_ABBR: dict[str, tuple[str, ...]] = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"),
}


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A year (``month is None``) or a calendar month."""

    year: int
    month: int | None = None

    @classmethod
    def parse(cls, text: str, *, field: str = "period") -> Period:
        """Read 'YYYY' or 'YYYY-MM'; anything else is an :class:`InputError` naming ``field``."""
        text = text.strip()
        if m := _YEAR.match(text):
            return cls(int(m.group(1)))
        if (m := _MONTH.match(text)) and 1 <= int(m.group(2)) <= 12:
            return cls(int(m.group(1)), int(m.group(2)))
        raise InputError(Msg("error.period"), field=field, value=text)

    @property
    def grain(self) -> Grain:
        """'year' or 'month'."""
        return "year" if self.month is None else "month"

    @property
    def code(self) -> str:
        """The ``flow.period`` spelling: 'YYYY' or 'YYYY-MM'."""
        return f"{self.year:04d}" if self.month is None else f"{self.year:04d}-{self.month:02d}"

    def index(self) -> int:
        """Months (or years) since year 0, for arithmetic."""
        return self.year if self.month is None else self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int, grain: Grain) -> Period:
        """Inverse of :meth:`index`."""
        if grain == "year":
            return cls(index)
        return cls(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True, slots=True)
class Window:
    """An inclusive span of periods of one grain: 2018..2018 or 2025-01..2025-08."""

    start: Period
    end: Period

    def __post_init__(self) -> None:
        if self.start.grain != self.end.grain:
            raise InputError(
                Msg("error.window_grain"),
                field="end", value=f"{self.start}..{self.end}",
            )
        if self.end < self.start:
            raise InputError(Msg("error.window_order"), field="end",
                             value=f"{self.start}..{self.end}")

    @classmethod
    def parse(cls, start: str, end: str | None = None) -> Window:
        """Window from the CLI's ``--from``/``--to`` (``--to`` defaults to ``--from``)."""
        first = Period.parse(start, field="start")
        last = Period.parse(end, field="end") if end else first
        return cls(first, last)

    @property
    def grain(self) -> Grain:
        """'year' or 'month'."""
        return self.start.grain

    def __len__(self) -> int:
        return self.end.index() - self.start.index() + 1

    def periods(self) -> tuple[Period, ...]:
        """Every period in the window, in order."""
        return tuple(Period.from_index(i, self.grain)
                     for i in range(self.start.index(), self.end.index() + 1))

    def codes(self) -> tuple[str, ...]:
        """The ``flow.period`` values of the window."""
        return tuple(p.code for p in self.periods())

    def months(self) -> tuple[str, ...]:
        """Every month the window spans ('YYYY-MM'); an annual window spans twelve a year."""
        if self.grain == "month":
            return self.codes()
        return tuple(f"{y:04d}-{m:02d}" for y in range(self.start.year, self.end.year + 1)
                     for m in range(1, 13))

    def years(self) -> tuple[int, ...]:
        """Calendar years touched by the window."""
        return tuple(range(self.start.year, self.end.year + 1))

    def shift_years(self) -> int:
        """How many years back the prior window lies (see module docstring)."""
        if self.grain == "year":
            return len(self)
        return -(-len(self) // 12)

    def prior(self) -> Window:
        """The comparison window: same calendar span, whole years earlier, never overlapping."""
        years = self.shift_years()
        step = years if self.grain == "year" else years * 12
        return Window(Period.from_index(self.start.index() - step, self.grain),
                      Period.from_index(self.end.index() - step, self.grain))

    def label(self, lang: str = "es") -> str:
        """Human label: '2018', '2016–2018', 'Jan–Feb 2026', 'Nov 2025–Feb 2026'."""
        if self.grain == "year":
            return self.start.code if len(self) == 1 else f"{self.start.code}–{self.end.code}"
        names = _MONTH_ABBR.get(lang, _MONTH_ABBR["es"])
        first = names[(self.start.month or 1) - 1]
        last = names[(self.end.month or 1) - 1]
        if len(self) == 1:
            return f"{first} {self.start.year}"
        if self.start.year == self.end.year:
            return f"{first}–{last} {self.end.year}"
        return f"{first} {self.start.year}–{last} {self.end.year}"

    def __str__(self) -> str:
        return f"{self.start}..{self.end}"
