"""Reading spreadsheet cells into typed values, with a reason whenever a cell is wrong.

Cells arrive typed from Excel (int, float, datetime, bool) or as text from CSV; both go through
the same parsers so an export read back in either format yields the same values. Dates accept
ISO ``2026-03-31`` and the Mexican ``31/03/2026``; booleans accept yes/no, sí/no, true/false, 1/0.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import pycountry

from comexlab.i18n import Msg
from comexlab.registry import reference
from comexlab.supply.processes import processes
from comexlab.supply.rfc import normalize_rfc, rfc_issues


class CellError(ValueError):
    """A cell that cannot be read; ``msg`` says why, in the user's terms and language."""

    def __init__(self, msg: Msg) -> None:
        super().__init__(str(msg))
        self.msg = msg


Cleaner = Callable[[Any], Any]

# Bounds of plausible values: beyond them a cell is a typo (or an attack), never a fact, and
# letting it through overflows PostgreSQL's INTEGER (2**31 - 1) or stores NaN/inf.
MAX_EMPLOYEES = 1_000_000  # Mexico's largest employers have ~400k; the web form uses it too
MAX_USD = 1e12  # one trillion dollars: more than all of Mexico's annual exports
FIRST_DAY = date(1900, 1, 1)  # Excel cannot hold an earlier date anyway
LAST_DAY = date(2100, 12, 31)
MAX_TEXT = 10_000  # characters of a free-text cell (notes, descriptions)
# C0 control characters other than tab and line breaks: PostgreSQL refuses NUL outright and the
# others are invisible in every screen that shows the registry.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_TRUE = {"yes", "y", "si", "sí", "s", "true", "verdadero", "1", "x"}
_FALSE = {"no", "n", "false", "falso", "0"}


def is_blank(raw: object) -> bool:
    """True for an empty cell (None or only spaces)."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def as_text(raw: object) -> str:
    """Text of a cell; whole numbers Excel stored as floats lose their ``.0``."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    return str(raw).strip()


def as_plain_text(raw: object) -> str:
    """A free-text cell: any characters but control codes (NUL, escape, …)."""
    text = as_text(raw)
    if _CONTROL.search(text):
        raise CellError(Msg("import.cell.control"))
    return text


def as_int(raw: object) -> int:
    """An integer cell (``1,250`` and ``12.0`` accepted)."""
    if isinstance(raw, bool):
        raise CellError(Msg("import.cell.int"))
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = as_text(raw).replace(",", "")
    try:
        number = float(text)
    except ValueError:
        raise CellError(Msg("import.cell.int")) from None
    if not number.is_integer():
        raise CellError(Msg("import.cell.int"))
    return int(number)


def as_float(raw: object) -> float:
    """A number cell (thousands separators ``,`` accepted)."""
    if isinstance(raw, bool):
        raise CellError(Msg("import.cell.number"))
    if isinstance(raw, int | float):
        number = float(raw)
    else:
        try:
            number = float(as_text(raw).replace(",", ""))
        except ValueError:
            raise CellError(Msg("import.cell.number")) from None
    if not math.isfinite(number):  # "nan", "inf", "1e999": never a figure
        raise CellError(Msg("import.cell.number"))
    return number


def as_date(raw: object) -> date:
    """A date cell: an Excel date, ``YYYY-MM-DD`` or ``DD/MM/YYYY``, between 1900 and 2100."""
    day = _date(raw)
    if not FIRST_DAY <= day <= LAST_DAY:  # 0026-03-31 or 2206-03-31: a typo, not a date
        raise CellError(Msg("import.cell.date_range", first=FIRST_DAY.isoformat(),
                            last=LAST_DAY.isoformat()))
    return day


def _date(raw: object) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = as_text(raw)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(Msg("import.cell.date"))


def as_bool(raw: object) -> bool:
    """A yes/no cell."""
    if isinstance(raw, bool):
        return raw
    text = as_text(raw).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(Msg("import.cell.bool"))


def as_codes(raw: object) -> list[str]:
    """A list cell: codes separated by ``;`` or ``,`` (duplicates dropped, order kept)."""
    parts = [p.strip() for p in re.split(r"[;,]", as_plain_text(raw))]
    return list(dict.fromkeys(p for p in parts if p))


PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": as_plain_text, "int": as_int, "float": as_float, "date": as_date, "bool": as_bool,
    "codes": as_codes,
}


# -- cleaners: parsed value in, canonical value out (or CellError) ----------------------------

def rfc(value: str) -> str:
    """A firm's RFC in canonical form."""
    problems = rfc_issues(value)
    if problems:
        raise CellError(Msg("import.cell.joined", problems=problems))
    return normalize_rfc(value)


def _inegi_code(width: int, problem_of: Callable[[str], Msg | None]) -> Cleaner:
    """Cleaner of an INEGI code of ``width`` digits (Excel's ``1`` becomes ``01``)."""

    def clean(value: str) -> str:
        code = value.zfill(width) if value.isdigit() else value
        problem = problem_of(code)
        if problem:
            raise CellError(problem)
        return code

    return clean


state = _inegi_code(2, reference.state_problem)
municipality = _inegi_code(3, reference.municipality_problem)


class Choice:
    """Cleaner accepting one of an enum's values (case-insensitive).

    A class rather than a closure so the template's help sheet can list the allowed codes
    (``options``) with their names in the reader's language (``enum.<vocabulary>.<code>``).
    """

    def __init__(self, options: type[StrEnum], vocabulary: str) -> None:
        self.options = tuple(o.value for o in options)
        self.vocabulary = vocabulary

    def __call__(self, value: str) -> str:
        """The code ``value`` names (spaces/hyphens as underscores), or a cell error."""
        key = value.strip().lower().replace(" ", "_").replace("-", "_")
        if key not in self.options:
            raise CellError(Msg("import.cell.choice", options=", ".join(sorted(self.options))))
        return key


def choice(options: type[StrEnum], vocabulary: str) -> Cleaner:
    """Cleaner accepting one of an enum's values; ``vocabulary`` names its labels."""
    return Choice(options, vocabulary)


def _known(message_key: str, known: Callable[[], Any]) -> Cleaner:
    """Cleaner of a list of codes of the table ``known()``; ``message_key`` names the error."""
    def clean(values: list[str]) -> list[str]:
        table = known()
        out = [v.strip().lower() for v in values]
        unknown = [v for v in out if v not in table]
        if unknown:
            raise CellError(Msg(message_key, codes=", ".join(unknown), known=", ".join(table)))
        return sorted(out)

    return clean


sectors = _known("import.cell.unknown_sector", reference.sectors)
process_codes = _known("import.cell.unknown_process", processes)


def sector(value: str) -> str:
    """One sector code."""
    return sectors([value])[0]


def countries(values: list[str]) -> list[str]:
    """ISO 3166-1 alpha-3 codes (alpha-2 accepted and converted)."""
    out = []
    for value in values:
        key = value.strip().upper()
        found = (pycountry.countries.get(alpha_3=key) if len(key) == 3
                 else pycountry.countries.get(alpha_2=key) if len(key) == 2 else None)
        if found is None:
            raise CellError(Msg("import.cell.country", value=repr(value)))
        out.append(found.alpha_3)
    return sorted(set(out))


def standard(value: str) -> str:
    """Code of a certification standard as written in ``registry/data/standards.csv``."""
    code = reference.standard_code(value)
    if code is None:
        raise CellError(Msg("import.cell.standard", known=", ".join(reference.standards())))
    return code


def email(value: str) -> str:
    """An e-mail address (shape only)."""
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise CellError(Msg("import.cell.email"))
    return value.lower()


def non_negative(value: float) -> float:
    """A count or amount that cannot be below zero."""
    if value < 0:
        raise CellError(Msg("import.cell.negative"))
    return value


def at_most(largest: float) -> Cleaner:
    """Cleaner of a count or amount between 0 and ``largest`` (both included)."""

    def clean(value: float) -> float:
        non_negative(value)
        if value > largest:
            raise CellError(Msg("import.cell.too_large", largest=f"{largest:,.0f}"))
        return value

    return clean


employees = at_most(MAX_EMPLOYEES)
usd = at_most(MAX_USD)


def code(value: str) -> str:
    """A short identifier: letters, digits, ``-`` and ``_``, kept upper-case."""
    key = value.strip().upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9_\-]{0,39}", key):
        raise CellError(Msg("import.cell.code"))
    return key
