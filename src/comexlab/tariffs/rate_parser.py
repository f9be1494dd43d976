"""Turn the rate texts printed in the HTS into typed :class:`~comexlab.tariffs.rates.Rate` values.

Why a hand-made grammar rather than one big regex: the schedule prints rates as a handful of
*components* joined by ``+`` ("36¢ each + 5.6% + 2¢/jewel"), each component an ad valorem
percentage or a specific amount per unit, optionally followed by the part of the goods it is
charged on ("on drained weight", "on the battery"). Around that core there are a few fixed
sentence shapes (ranges, "the greater of", sugar polarity scales, chapter 99 "duty provided in
the applicable subheading + 25%", references to another provision). Each shape is one small
function; :func:`parse_rate` tries them in order and, if none fits, returns an ``unparsed`` Rate
that keeps the text. Nothing is guessed: a text is either fully understood or flagged.

Units are normalised (``pf. Liter`` → ``pf.liter``, ``doz.`` → ``doz``); amounts in cents become
US dollars and percentages become fractions, using :class:`decimal.Decimal` so that 4.4¢ is
exactly 0.044 and 33 1/3% is 0.3333….

The special column ("Free (A+,AU,…) 4% (KR) See 9823.xx (S+)") is split by
:func:`parse_special` into one (program, Rate) pair per program code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from decimal import Decimal
from functools import lru_cache

from comexlab.tariffs.rates import AdValoremDuty, Rate, RateKind, SpecificDuty

# A number as printed: "4.4", "1,000", "0.020668", "33 1/3" (a third).
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?(?:\s+\d+/\d+)?"

# Printed unit → canonical unit. Order matters only for documentation; lookup is by key.
UNITS: dict[str, str] = {
    "kg": "kg", "clean kg": "clean kg", "g": "g", "t": "t",
    "liter": "liter", "l": "liter", "pf.liter": "pf.liter", "pf. liter": "pf.liter",
    "proof liter": "pf.liter", "bbl": "bbl", "m": "m", "lin. m": "lin.m", "lin.m": "lin.m",
    "m2": "m2", "m3": "m3", "doz.": "doz", "doz": "doz", "pr.": "pr", "pr": "pr",
    "gross": "gross", "line/gross": "line/gross", "line/ gross": "line/gross",
    "1000": "1000", "1,000": "1000", "thousand": "1000", "thou": "1000", "thou.": "1000",
    "1,000 pins": "1000 pins", "1000 pins": "1000 pins",
    "head": "head", "jewel": "jewel", "article": "article", "pack": "pack",
    "each": "each", "piece": "piece",
}
_UNIT_ALT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))

_AD_VALOREM = re.compile(
    rf"^(?P<num>{_NUM})\s*(?:%|percent\b)\s*(?P<basis>(?:on|of|upon)\b.*)?$", re.IGNORECASE
)
_SPECIFIC = re.compile(
    rf"^(?:\$\s*(?P<usd>{_NUM})|(?P<cents>{_NUM})\s*¢)\s*"
    rf"(?:/\s*(?P<unit>{_UNIT_ALT})(?![A-Za-z0-9])|(?P<each>each)\b"
    rf"|for each other (?P<piece>piece) or part)\s*,?\s*(?P<basis>.*)$",
    re.IGNORECASE,
)
_FREE = re.compile(r"^free\b\s*[,.;]?\s*(?P<note>.*)$", re.IGNORECASE)
_RANGE = re.compile(
    rf"^(?P<low>free|{_NUM}\s*%)\s*(?:-|–|—|to)\s*(?P<high>{_NUM})\s*%$", re.IGNORECASE
)
_GREATER_OF = re.compile(
    r"^(?:the\s+)?(?P<rule>greater|higher|lesser|lower) of\s+(?P<a>.+?)\s+or\s+(?P<b>.+)$",
    re.IGNORECASE,
)
_WHICHEVER = re.compile(
    r"^(?P<a>.+?)\s+or\s+(?P<b>.+?),?\s+whichever is (?P<rule>greater|higher|lesser|lower)$",
    re.IGNORECASE,
)
_BOUND = re.compile(
    r"^(?P<a>.+?),?\s+but not (?:(?P<min>less) than|(?P<max>more than|to exceed|over))\s+"
    r"(?P<b>.+)$",
    re.IGNORECASE,
)
_POLARITY = re.compile(
    rf"^(?P<rate>(?:\$\s*{_NUM}|{_NUM}\s*¢)\s*/\s*kg)\s+less\s+(?P<step>(?:\$\s*{_NUM}|{_NUM}\s*¢)"
    rf"\s*/\s*kg)\s+for each degree under 100 degrees.*?but not less(?: than)?\s+"
    rf"(?P<floor>(?:\$\s*{_NUM}|{_NUM}\s*¢)\s*/\s*kg)$",
    re.IGNORECASE,
)
_PLATE_CAP = re.compile(r",\s*(?P<note>but if consisting in part of a plate.*)$", re.IGNORECASE)
_DUTY_PROVIDED = re.compile(
    r"^the duty(?: rate)? provided (?:for )?in\s*"
    r"(?P<base>(?:the applicable|such|subheadings?)\b.*?)"
    r"\s*(?:(?P<op>\+|plus\b|minus\b)\s*(?:a duty of\s+)?(?P<rest>.+))?$",
    re.IGNORECASE,
)
_RATE_OF = re.compile(
    r"^the (?:rate|duty)(?: of duty)? ap[a-z ]{0,6}?able,?\s+(?P<base>(?:i?to|tp|in)\b.+)$"
    r"|^the (?:duty )?rate provided for\s+(?P<base2>.+)$",
    re.IGNORECASE,
)
_SEE = re.compile(r"^see\s+(?P<base>.+)$", re.IGNORECASE)
_NO_CHANGE = re.compile(r"^no change\.?$", re.IGNORECASE)
_A_DUTY = re.compile(r"^a duty\b.+$", re.IGNORECASE)
_FOOTNOTE_MARK = re.compile(r"(?:(?:^|\s+)\d/|\s*\(\d\))$")

RULES = {"greater": "greater", "higher": "greater", "lesser": "lesser", "lower": "lesser"}


def normalize(text: str) -> str:
    """One spacing and spelling for the same rate, whatever the file's layout artefacts.

    Collapses whitespace (including no-break spaces and newlines), re-joins words the PDF
    conversion split at a hyphen ("ap- plicable"), glues "¢ /kg" and "/ liter", and drops
    trailing punctuation and footnote markers ("1/"), which are not part of the rate.
    """
    s = text.replace("\xa0", " ").replace("\u2009", " ")
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"(?<=[a-z])- (?=[a-z])", "", s)
    s = re.sub(r"¢\s+/", "¢/", s)
    s = re.sub(r"/\s+(?=[A-Za-z0-9])", "/", s)
    s = re.sub(r"\bpf\.\s*liter\b", "pf.liter", s, flags=re.IGNORECASE)
    s = re.sub(r"\bliter\b", "liter", s, flags=re.IGNORECASE)
    s = re.sub(r"(?<=[0-9])(?=(?:of|on) )", " ", s)
    s = re.sub(r"\+(?=\S)", "+ ", s)
    s = re.sub(r"(?<=\S)\+", " +", s)
    s = _FOOTNOTE_MARK.sub("", s)
    return s.rstrip(" ,;.").strip()


def _number(text: str) -> Decimal:
    parts = text.replace(",", "").split()
    value = Decimal(parts[0])
    if len(parts) == 2:  # "33 1/3"
        num, den = parts[1].split("/")
        value += Decimal(num) / Decimal(den)
    return value


def _fraction(text: str) -> float:
    """'2.5' (percent) → 0.025, exactly as printed."""
    return float(_number(text) / 100)


def _usd(usd: str | None, cents: str | None) -> float:
    if usd is not None:
        return float(_number(usd))
    assert cents is not None
    return float(_number(cents) / 100)


def _basis(text: str | None) -> str | None:
    if not text:
        return None
    return text.strip().rstrip(" ,;.") or None


Component = AdValoremDuty | SpecificDuty


def _component(text: str) -> Component | None:
    """One ad valorem or specific component, or None when the text is neither."""
    m = _AD_VALOREM.match(text)
    if m:
        return AdValoremDuty(_fraction(m["num"]), _basis(m["basis"]))
    m = _SPECIFIC.match(text)
    if m:
        unit = UNITS[m["unit"].lower()] if m["unit"] else ("piece" if m["piece"] else "each")
        basis = _basis(m["basis"])
        if basis and not re.match(r"^(on|of|over|in|including|for)\b", basis, re.IGNORECASE):
            return None  # trailing words that are not a qualifier: do not guess
        return SpecificDuty(_usd(m["usd"], m["cents"]), unit, basis)
    return None


def _components(text: str) -> list[Component] | None:
    """Split on '+' and parse each part; None if any part is not understood."""
    parts = [p.strip() for p in re.split(r"\s\+\s|\splus\s", text) if p.strip()]
    if not parts:
        return None
    out: list[Component] = []
    for part in parts:
        comp = _component(part)
        if comp is None:
            return None
        out.append(comp)
    return out


def _from_components(text: str, comps: list[Component], *, base: str | None = None,
                     rule: str | None = None, note: str | None = None,
                     sign: int = 1) -> Rate:
    advs = tuple(AdValoremDuty(sign * c.rate, c.basis) for c in comps
                 if isinstance(c, AdValoremDuty))
    specs = tuple(SpecificDuty(sign * c.amount, c.unit, c.basis) for c in comps
                  if isinstance(c, SpecificDuty))
    if rule is not None:
        kind = RateKind.mixed
    elif advs and specs:
        kind = RateKind.compound
    elif specs:
        kind = RateKind.specific
    else:
        kind = RateKind.ad_valorem
    return Rate(
        text=text, kind=kind, ad_valorem=advs[0].rate if advs else None, specific=specs,
        rule=rule, ad_valorem_parts=advs, base=base, note=note,
    )


# --- the sentence shapes, tried in order ------------------------------------------------------
Shape = Callable[[str, str], Rate | None]


def _free(text: str, s: str) -> Rate | None:
    m = _FREE.match(s)
    if not m or (m["note"] and not re.match(r"^(?:(?:under|for|if|when)\b|\(see\b.*\)$)",
                                            m["note"], re.I)):
        return None
    return Rate(text=text, kind=RateKind.free, ad_valorem=0.0, note=_basis(m["note"]))


def _range(text: str, s: str) -> Rate | None:
    m = _RANGE.match(s)
    if not m:
        return None
    low = 0.0 if m["low"].lower() == "free" else _fraction(m["low"].rstrip("% "))
    high = _fraction(m["high"])
    return Rate(text=text, kind=RateKind.ad_valorem, ad_valorem=low, range_high=high,
                ad_valorem_parts=(AdValoremDuty(low),))


def _alternatives(text: str, s: str) -> Rate | None:
    for pattern in (_GREATER_OF, _WHICHEVER):
        m = pattern.match(s)
        if m:
            a, b = _components(m["a"]), _components(m["b"])
            if a and b:
                return _from_components(text, a + b, rule=RULES[m["rule"].lower()])
    m = _BOUND.match(s)
    if m and not _POLARITY.match(s):
        a, b = _components(m["a"]), _components(m["b"])
        if a and b:
            return _from_components(text, a + b, rule="minimum" if m["min"] else "maximum")
    return None


def _polarity(text: str, s: str) -> Rate | None:
    """Sugar: a rate at 100 degrees polarity, reduced per degree below, with a floor."""
    m = _POLARITY.match(s)
    if not m:
        return None
    top = _component(m["rate"])
    if not isinstance(top, SpecificDuty):
        return None
    note = f"less {m['step']} for each degree under 100 degrees, but not less than {m['floor']}"
    return Rate(text=text, kind=RateKind.specific,
                specific=(SpecificDuty(top.amount, top.unit, "at 100 degrees polarity"),),
                rule="per_degree", note=note)


def _duty_provided(text: str, s: str) -> Rate | None:
    """Chapter 99/98: 'The duty provided in the applicable subheading + 25%'."""
    m = _DUTY_PROVIDED.match(s)
    if not m:
        return None
    base = re.sub(r"^(the|such)\s+", "", m["base"].strip(), flags=re.I)
    base = "applicable subheading" if base.lower() in ("applicable subheading", "subheading") \
        else base
    if not m["op"]:
        return Rate(text=text, kind=RateKind.reference, base=base)
    comps = _components(m["rest"])
    if comps is None:
        return None
    sign = -1 if m["op"].lower() == "minus" else 1
    return _from_components(text, comps, base=base, sign=sign)


def _reference(text: str, s: str) -> Rate | None:
    """The rate of another provision applies ('No change', 'The rate applicable to …')."""
    if _NO_CHANGE.match(s):
        return Rate(text=text, kind=RateKind.reference, base="underlying subheading")
    for pattern in (_RATE_OF, _SEE):
        m = pattern.match(s)
        if m:
            base = m["base"] or m.groupdict().get("base2")
            return Rate(text=text, kind=RateKind.reference, base=base)
    if _A_DUTY.match(s):
        return Rate(text=text, kind=RateKind.reference, base=s)
    return None


def _plain(text: str, s: str) -> Rate | None:
    note = None
    m = _PLATE_CAP.search(s)
    if m:
        note, s = m["note"], s[: m.start()]
    comps = _components(s)
    return None if comps is None else _from_components(text, comps, note=note)


SHAPES: tuple[Shape, ...] = (_free, _range, _polarity, _duty_provided, _reference,
                             _alternatives, _plain)


@lru_cache(maxsize=8192)
def parse_rate(text: str) -> Rate:
    """Parse one rate text; never raises, an unknown shape comes back as ``unparsed``.

    Cached because a schedule repeats the same few hundred texts tens of thousands of times.
    """
    s = normalize(text or "")
    if not s:
        return Rate(text=text or "", kind=RateKind.blank)
    for shape in SHAPES:
        rate = shape(text, s)
        if rate is not None:
            return rate
    return Rate(text=text, kind=RateKind.unparsed)


# --- special column ---------------------------------------------------------------------------
_CODE_LIST = re.compile(r"\(\s*([A-Z][A-Z+*]*(?:[,.\s]+[A-Z][A-Z+*]*)*)[\s,.]*\)")
# "(s)", "(p)": lower-case markers the 2013 file prints after some code lists; not programs.
_MARKER = re.compile(r"\((?:[a-z])\)|(?<=\))\s*\d/(?=\s|$)")


def _split_codes(group: str, known: Collection[str] | None) -> list[str]:
    """Program codes in a parenthesised list, un-gluing source typos like 'PESG' → PE, SG."""
    codes: list[str] = []
    for token in re.split(r"[,.\s]+", group.strip()):
        if not token:
            continue
        if known is None or token in known:
            codes.append(token)
            continue
        codes.extend(_segment(token, known) or [token])
    return codes


def _segment(token: str, known: Collection[str]) -> list[str] | None:
    """Split a glued token into known codes (longest first); None if it cannot be done."""
    if not token:
        return []
    for size in range(min(3, len(token)), 0, -1):
        head = token[:size]
        if head in known:
            rest = _segment(token[size:], known)
            if rest is not None:
                return [head, *rest]
    return None


def parse_special(text: str, known: Collection[str] | None = None
                  ) -> list[tuple[str | None, Rate]]:
    """Split a column-1 special text into (program code, Rate) pairs, in printed order.

    Each rate is followed by the parenthesised codes of the programs granting it; "See 9823.xx
    (S+)" gives a ``reference`` Rate pointing at that chapter 98/99 provision. ``known`` (the
    program table's codes) lets glued codes be split. Text that names no program ("No change")
    comes back as one pair with program ``None``; text left over after the last code list is
    returned as an ``unparsed`` pair with program ``None`` — never silently dropped.
    """
    s = re.sub(r"\s+", " ", _MARKER.sub(" ", (text or "").replace("\xa0", " "))).strip()
    if not s:
        return []
    out: list[tuple[str | None, Rate]] = []
    pos = 0
    for m in _CODE_LIST.finditer(s):
        rate_text = s[pos:m.start()].strip()
        pos = m.end()
        rate = parse_rate(rate_text) if rate_text else Rate(text="", kind=RateKind.unparsed)
        out.extend((code, rate) for code in _split_codes(m[1], known))
    rest = s[pos:].strip()
    if rest and not (out and _FOOTNOTE_MARK.fullmatch(" " + rest)):
        tail = parse_rate(rest) if not out else Rate(text=rest, kind=RateKind.unparsed)
        out.append((None, tail))
    return out
