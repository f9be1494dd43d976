"""The Harmonized System hierarchy: codes, their parents, and the 21 HS sections.

A US HTS10 code is the HS6 subheading plus four national digits, so every product code in the
warehouse rolls up by truncation: HTS10 → HS8 → HS6 → HS4 (heading) → HS2 (chapter) → section.
Sections are not a prefix of the code; they are ranges of chapters fixed by the WCO, kept in
``data/hs_sections.csv`` with the official English (WCO) and Spanish (TIGIE, DOF) names.
Chapters 98–99 are national (US HTS Section XXII, TIGIE "operaciones especiales"), not HS;
they map to section 22, flagged ``hs = False``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from comexlab.nomenclature._data import BilingualNames, table

#: Levels of a tariff line's code (``report top --level``); with ``section``, every level.
LineLevel = Literal["hts10", "hs8", "hs6", "hs4", "hs2"]
Level = Literal[LineLevel, "section"]
#: Product levels from finest to coarsest; a code at one level rolls up to every later one.
ROLLUP_LEVELS: tuple[Level, ...] = ("hts10", "hs8", "hs6", "hs4", "hs2", "section")
DIGITS: dict[str, int] = {"hts10": 10, "hs8": 8, "hs6": 6, "hs4": 4, "hs2": 2}


@dataclass(frozen=True, slots=True)
class Section(BilingualNames):
    """One HS section: number 1–21 (22 = national chapters 98–99), names in EN and ES."""

    number: int
    roman: str
    first_chapter: int
    last_chapter: int
    hs: bool
    short_en: str
    short_es: str
    name_en: str
    name_es: str


@cache
def sections() -> tuple[Section, ...]:
    """All sections in order (the 21 HS sections, then the national section 22)."""
    return tuple(
        Section(
            number=int(r["section"]),
            roman=r["roman"],
            first_chapter=int(r["first_chapter"]),
            last_chapter=int(r["last_chapter"]),
            hs=r["hs"] == "true",
            short_en=r["short_en"],
            short_es=r["short_es"],
            name_en=r["name_en"],
            name_es=r["name_es"],
        )
        for r in table("hs_sections")
    )


@cache
def _chapter_to_section() -> dict[int, Section]:
    out: dict[int, Section] = {}
    for sec in sections():
        for chapter in range(sec.first_chapter, sec.last_chapter + 1):
            out[chapter] = sec
    return out


def clean(code: str) -> str:
    """Digits of a code as printed ('8703.23.01.40' → '8703230140'); rejects anything else."""
    digits = code.replace(".", "").replace(" ", "").strip()
    if not digits.isdigit() or len(digits) not in (2, 4, 6, 8, 10):
        raise ValueError(f"not an HS/HTS code: {code!r} (expected 2, 4, 6, 8 or 10 digits)")
    return digits


def chapter(code: str) -> str:
    """HS2 chapter of any HS/HTS code ('8703230140' → '87')."""
    return clean(code)[:2]


def heading(code: str) -> str:
    """HS4 heading of a code of at least 4 digits ('8703230140' → '8703')."""
    return _truncate(code, 4)


def subheading(code: str) -> str:
    """HS6 subheading of a code of at least 6 digits ('8703230140' → '870323')."""
    return _truncate(code, 6)


def _truncate(code: str, digits: int) -> str:
    c = clean(code)
    if len(c) < digits:
        raise ValueError(f"{code!r} has {len(c)} digits; cannot give its {digits}-digit parent")
    return c[:digits]


def section_of(code: str) -> Section:
    """HS section of a code (any length); chapters outside 01–99 raise (77 is reserved in XV)."""
    ch = int(chapter(code))
    try:
        return _chapter_to_section()[ch]
    except KeyError:
        raise ValueError(f"chapter {ch:02d} of {code!r} belongs to no HS section") from None


def section_by_number(number: int) -> Section:
    """The section with this number (1–22)."""
    for sec in sections():
        if sec.number == number:
            return sec
    raise ValueError(f"no HS section {number}")


def level_of(code: str) -> Level:
    """Product level implied by a code's length ('870323' → 'hs6')."""
    n = len(clean(code))
    return {10: "hts10", 8: "hs8", 6: "hs6", 4: "hs4", 2: "hs2"}[n]  # type: ignore[return-value]


def rollup(code: str, level: Level) -> str:
    """The code's ancestor at ``level``: a digit prefix, or the section number as a string.

    Rolling up to a finer level than the code has raises (an HS4 has no HS6 parent).
    """
    if level == "section":
        return str(section_of(code).number)
    return _truncate(code, DIGITS[level])
