"""Validation of the RFC, the Mexican taxpayer id that is the natural key of a firm.

Pure: strings in, typed values or problem lists out. Rules (SAT, *Registro Federal de
Contribuyentes*; see docs/methods/registry.md):

* persona moral (company): 12 characters = 3 letters from the name + ``YYMMDD`` of
  incorporation + 3-character homoclave;
* persona física (individual): 13 characters = 4 letters + ``YYMMDD`` of birth + homoclave;
* letters are ``A–Z``, ``Ñ`` or ``&``; the date must exist (the century is ambiguous, so
  ``000229`` is accepted because 2000 was a leap year);
* homoclave: two characters from SAT's table ``1–9 A–Z`` without ``O`` and a check digit
  ``0–9`` or ``A``;
* the check digit is SAT's modulo-11 sum. About 1.5 % of RFCs in circulation carry a wrong check
  digit (python-stdnum's note), so callers choose whether a mismatch is an error (``strict``).

The generic RFCs ``XAXX010101000`` (público en general) and ``XEXX010101000`` (foreign
residents) are valid on invoices but shared by everybody, so they cannot identify a firm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from comexlab.i18n import Msg

_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"
_HOMOCLAVE_CHARS = "123456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
_LETTERS = re.compile(r"^[A-ZÑ&]+$")
_GENERIC = {"XAXX010101000", "XEXX010101000"}


class Persona(StrEnum):
    """Kind of taxpayer an RFC belongs to, told apart by its length."""

    moral = "moral"
    fisica = "fisica"


@dataclass(frozen=True, slots=True)
class Rfc:
    """A well-formed RFC and what can be read from it."""

    value: str
    persona: Persona
    registered_on: date
    check_digit_ok: bool


def normalize_rfc(text: str) -> str:
    """Upper-case and drop the spaces/dashes people type (``MAB-930714-8T4``)."""
    return re.sub(r"[\s\-_]", "", text).upper()


def check_digit(body: str) -> str:
    """SAT check digit of the first 11 (moral) or 12 (física) characters.

    Each character's position in SAT's alphabet is weighted 13..2 over the body left-padded
    to 12 characters with spaces; the digit is ``(11 - sum) mod 11`` written as 0–9 or ``A``.
    """
    padded = body.rjust(12)
    total = sum(_ALPHABET.index(ch) * (13 - i) for i, ch in enumerate(padded))
    return _ALPHABET[(11 - total) % 11]


def _date_from(part: str, today: date | None = None) -> date | None:
    """The YYMMDD part as a date, or None if no century has that day.

    The century is the one that puts the date on or before ``today`` (a firm cannot be
    incorporated in the future); without ``today`` the 2000s are tried first.
    """
    if not part.isdigit():
        return None
    yy, mm, dd = int(part[:2]), int(part[2:4]), int(part[4:])
    candidates = []
    for century in (2000, 1900):
        try:
            candidates.append(date(century + yy, mm, dd))
        except ValueError:
            continue
    if today is not None:
        past = [d for d in candidates if d <= today]
        candidates = past or candidates
    return candidates[0] if candidates else None


def rfc_problems(text: str, *, strict: bool = False, lang: str = "en") -> list[str]:
    """Everything wrong with ``text`` as a firm's RFC (empty list = acceptable), in ``lang``.

    ``strict`` also rejects a wrong check digit.
    """
    return [m.text(lang) for m in rfc_issues(text, strict=strict)]


def rfc_issues(text: str, *, strict: bool = False) -> list[Msg]:
    """:func:`rfc_problems` as untranslated messages (catalog ``locales/validation.csv``)."""
    value = normalize_rfc(text)
    if value in _GENERIC:
        return [Msg("rfc.generic")]
    if len(value) not in (12, 13):
        return [Msg("rfc.length", n=len(value))]
    n_letters = len(value) - 9
    problems: list[Msg] = []
    if not _LETTERS.match(value[:n_letters]):
        problems.append(Msg("rfc.letters", n=n_letters))
    if _date_from(value[n_letters:n_letters + 6]) is None:
        problems.append(Msg("rfc.date", part=repr(value[n_letters:n_letters + 6])))
    homoclave = value[-3:]
    if not (homoclave[0] in _HOMOCLAVE_CHARS and homoclave[1] in _HOMOCLAVE_CHARS
            and homoclave[2] in "0123456789A"):
        problems.append(Msg("rfc.homoclave", homoclave=repr(homoclave)))
    if strict and not problems and check_digit(value[:-1]) != value[-1]:
        problems.append(Msg("rfc.check_digit", expected=repr(check_digit(value[:-1])),
                            got=repr(value[-1])))
    return problems


def parse_rfc(text: str, *, strict: bool = False, today: date | None = None) -> Rfc:
    """A validated :class:`Rfc`; raises ``ValueError`` listing every problem.

    ``today`` resolves the two-digit year (default: the system date).
    """
    problems = rfc_problems(text, strict=strict)
    if problems:
        raise ValueError("; ".join(problems))
    value = normalize_rfc(text)
    n_letters = len(value) - 9
    registered = _date_from(value[n_letters:n_letters + 6], today or date.today())
    assert registered is not None
    return Rfc(value=value, persona=Persona.moral if len(value) == 12 else Persona.fisica,
               registered_on=registered, check_digit_ok=check_digit(value[:-1]) == value[-1])


def make_rfc(letters: str, registered_on: date, homoclave2: str) -> str:
    """Build a well-formed RFC with its check digit (used by the demo generator and tests)."""
    body = f"{letters.upper()}{registered_on:%y%m%d}{homoclave2.upper()}"
    return body + check_digit(body)
