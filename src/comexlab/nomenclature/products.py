"""Product labels an analyst recognises, and the product search: pure rules over names given.

A tariff line's own text ('Other', 'New', 'Exceeding 113 cm') names nothing; the label is the
code and the description path — chapter › heading › subheading › national lines — in the
reader's language where an official text in that language exists, in English otherwise.
The rule for choosing each part (docs/methods/product-labels.md):

* chapter (HS2) and heading (HS4): Spanish from the Comtrade-Mexico side files, English from
  the WCO HS 2022 file; the other language stands in when one file lacks the code;
* subheading (HS6): Spanish from the TIGIE subheading text SE's SIAVI pages print (about 200
  subheadings), else English (the HTS schedule's own rows for a US line, the WCO text for an
  HS6 code);
* national lines (US HTS 8/10 digits): English only, the USITC schedule's rows below the
  subheading — no Spanish edition of the US schedule exists.

Each part keeps its language, so the page and the notes can say which parts are English only.
The names are read by ``sources.hs_names`` and ``warehouse.products``; nothing here opens a
file or a database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Literal

from comexlab.nomenclature.hs import clean

PATH_SEP = " › "
CODE_SEP = " — "
#: Longest search text accepted (a code with dots is 13 characters; a few words fit easily).
MAX_QUERY = 100
#: At most this many words of a query are used.
MAX_WORDS = 8

Lang = Literal["es", "en"]


@dataclass(frozen=True, slots=True)
class HtsRow:
    """One row of an HTS edition as printed: numbered line or unnumbered grouping row."""

    row_no: int
    indent: int
    hts: str | None
    description: str


@dataclass(frozen=True, slots=True)
class HtsPath:
    """A US line's printed ancestors below its heading, split at the HS6 subheading.

    ``above``: grouping rows covering several subheadings; ``subheading``: the row whose
    lines all share the line's HS6 (empty when the schedule prints none); ``below``: the
    national rows down to the line itself.
    """

    above: tuple[str, ...]
    subheading: tuple[str, ...]
    below: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LabelPart:
    """One level of a description path: its text, language and where it was read."""

    text: str
    lang: str
    source: str  # 'wco' | 'comtrade' | 'siavi' | 'hts'


@dataclass(frozen=True)
class ProductLabel:
    """A product's code and description path in the reader's language.

    The texts are computed once (``cached_property``): reports label thousands of lines and
    the warehouse keeps the labels between requests.
    """

    code: str
    lang: str
    parts: tuple[LabelPart, ...] = ()

    @cached_property
    def code_formatted(self) -> str:
        """'8703230140' → '8703.23.01.40'; '870323' → '8703.23'; '87' → '87'."""
        return format_code(self.code)

    @cached_property
    def path(self) -> str:
        """The parts joined with ' › '."""
        return PATH_SEP.join(p.text for p in self.parts)

    @cached_property
    def text(self) -> str:
        """'8703.23 — Vehículo › Coches › Vehicles; with only…'; the code alone if unnamed."""
        return f"{self.code_formatted}{CODE_SEP}{self.path}" if self.parts else self.code_formatted

    @cached_property
    def foreign(self) -> bool:
        """Some part is not in the reader's language (no official text in it exists)."""
        return any(p.lang != self.lang for p in self.parts)


@dataclass(frozen=True, slots=True)
class ProductNames:
    """Every name the labeller may use, keyed by code digits.

    ``hs_en``: WCO HS 2022 chapters, headings and subheadings; ``hs_es``: Spanish chapter and
    heading names (Comtrade side files) and subheadings (SIAVI/TIGIE); ``hts``: US lines.
    """

    hs_en: Mapping[str, str] = field(default_factory=dict)
    hs_es: Mapping[str, str] = field(default_factory=dict)
    hts: Mapping[str, HtsPath] = field(default_factory=dict)


_SOURCE_ES = {2: "comtrade", 4: "comtrade", 6: "siavi"}


def format_code(code: str) -> str:
    """Digits grouped as the schedules print them: 4 digits, then pairs ('8703.23.01.40')."""
    if len(code) <= 4 or not code.isdigit():
        return code
    return ".".join([code[:4], *(code[i:i + 2] for i in range(4, len(code), 2))])


def short_text(text: str) -> str:
    """A label for a narrow table: code, heading and the line's last two levels.

    '8703.23.01.40 — Vehículo › Coches › A › B › C › D' → '8703.23.01.40 — Coches › … › C › D'.
    The chapter is left out (the heading names it well enough) and skipped levels show as
    '…'; a label of two levels or fewer is kept whole. Downloads carry the whole path.
    """
    code, sep, path = text.partition(CODE_SEP)
    parts = path.split(PATH_SEP) if sep else []
    if len(parts) <= 2:
        return text
    kept = [parts[1], *(["…"] if len(parts) > 4 else []), *parts[max(2, len(parts) - 2):]]
    return f"{code}{CODE_SEP}{PATH_SEP.join(kept)}"


def _tidy(text: str) -> str:
    """One line of printed text without its trailing colon ('New:' → 'New')."""
    return " ".join(text.split()).rstrip(":").rstrip()


def _hs_part(names: ProductNames, code: str, lang: str) -> LabelPart | None:
    """The HS2/HS4/HS6 name in ``lang``, the other language standing in when it lacks one."""
    es = names.hs_es.get(code)
    en = names.hs_en.get(code)
    if lang == "es" and es:
        return LabelPart(_tidy(es), "es", _SOURCE_ES[len(code)])
    if en:
        return LabelPart(_tidy(en), "en", "wco")
    if es:
        return LabelPart(_tidy(es), "es", _SOURCE_ES[len(code)])
    return None


def product_label(code: str, lang: str, names: ProductNames) -> ProductLabel:
    """The label of an HS/HTS code: code plus chapter › heading › subheading › lines.

    A code that is not an HS/HTS code (letters, odd length) keeps its text and no path, so
    a row is never dropped for want of a name.
    """
    try:
        digits = clean(code)
    except ValueError:
        return ProductLabel(code=str(code), lang=lang)
    parts = [_hs_part(names, digits[:n], lang) for n in (2, 4) if len(digits) >= n]
    if len(digits) >= 6:
        parts += _below_heading(digits, lang, names)
    return ProductLabel(code=digits, lang=lang, parts=tuple(p for p in parts if p))


def _below_heading(digits: str, lang: str, names: ProductNames) -> list[LabelPart | None]:
    hs6 = digits[:6]
    spanish = names.hs_es.get(hs6) if lang == "es" else None
    # A 10-digit code the edition does not print (a statistical suffix DataWeb reports) is
    # named by its 8-digit line.
    line = (names.hts.get(digits) or names.hts.get(digits[:8])) if len(digits) > 6 else None
    if line is None:
        return [_hs_part(names, hs6, lang)]
    below = [LabelPart(_tidy(t), "en", "hts") for t in line.below]
    if spanish:
        return [LabelPart(_tidy(spanish), "es", "siavi"), *below]
    printed = [LabelPart(_tidy(t), "en", "hts") for t in (*line.above, *line.subheading)]
    return [*printed, *below] if printed or below else [_hs_part(names, hs6, lang)]


def hts_paths(rows: Iterable[HtsRow]) -> dict[str, HtsPath]:
    """Each 8/10-digit line's ancestors below its heading, split at its HS6 subheading.

    ``rows`` are one edition's rows in printed order. The subheading row is the highest
    ancestor all of whose numbered lines share the line's first six digits; rows above it
    group several subheadings. Why: the US schedule prints the subheading text in its own
    words, and a Spanish subheading name (when one exists) replaces exactly that part.
    """
    ordered = sorted(rows, key=lambda r: r.row_no)
    parents: list[int | None] = []
    stack: list[int] = []
    for i, row in enumerate(ordered):
        while stack and ordered[stack[-1]].indent >= row.indent:
            stack.pop()
        parents.append(stack[-1] if stack else None)
        stack.append(i)
    covers: list[set[str]] = [{r.hts[:6]} if r.hts and len(r.hts) >= 6 else set()
                              for r in ordered]
    for i in range(len(ordered) - 1, -1, -1):  # children come after their parent
        parent = parents[i]
        if parent is not None:
            covers[parent] |= covers[i]
    out: dict[str, HtsPath] = {}
    for i, row in enumerate(ordered):
        if row.hts and len(row.hts) >= 8 and row.hts not in out:
            chain = _chain(i, parents)
            out[row.hts] = _split(chain, ordered, covers, row.hts[:6])
    return out


def _chain(i: int, parents: list[int | None]) -> list[int]:
    chain: list[int] = []
    j: int | None = i
    while j is not None:
        chain.append(j)
        j = parents[j]
    return chain[::-1]


def _split(chain: list[int], rows: list[HtsRow], covers: list[set[str]], hs6: str) -> HtsPath:
    below_heading = chain[1:] if chain and rows[chain[0]].indent == 0 else chain
    texts = [rows[k].description for k in below_heading]
    for n, k in enumerate(below_heading):
        if covers[k] == {hs6}:
            return HtsPath(tuple(texts[:n]), (texts[n],), tuple(texts[n + 1:]))
    return HtsPath((), (), tuple(texts))


# --------------------------------------------------------------------------- search


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed: 'Vehículos, N.E.C.' → 'vehiculos n e c'."""
    return _normalise(text)


@lru_cache(maxsize=65536)
def _normalise(text: str) -> str:
    # Cached: the index normalises the same chapter and heading names thousands of times.
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", bare.casefold()).split())


@dataclass(frozen=True, slots=True)
class Query:
    """A search text understood: a code prefix, words, or nothing to look for."""

    kind: Literal["code", "words", "empty"]
    digits: str = ""
    words: tuple[str, ...] = ()


_CODE_TEXT = re.compile(r"[0-9][0-9.\s]*")


def parse_query(text: str) -> Query:
    """'8703.23' → code prefix '870323'; 'Vehículos  eléctricos' → words; '' → empty.

    The caller bounds the length (:data:`MAX_QUERY`); here only the first :data:`MAX_WORDS`
    words count, and a code prefix longer than 10 digits matches nothing.
    """
    stripped = text.strip()
    if stripped and _CODE_TEXT.fullmatch(stripped):
        return Query("code", digits=re.sub(r"\D", "", stripped))
    words = tuple(dict.fromkeys(_stem(w) for w in normalise(stripped).split()))[:MAX_WORDS]
    return Query("words", words=words) if words else Query("empty")


def _stem(word: str) -> str:
    """A plural made singular, so that the word also finds names printed in the singular.

    'vehiculos' → 'vehiculo' (finds 'Vehículo' and 'Vehículos'), 'motores' → 'motor',
    'camiones' → 'camion', 'vehicles' → 'vehicl'. Words match from their start, so a shorter
    stem only widens the match; short words are kept as typed.
    """
    if len(word) > 4 and word.endswith("es") and word[-3] not in "aeiou":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """One searchable code: digits, level ('hs2' … 'hts10') and its text in both languages."""

    code: str
    level: str
    haystack: str  # normalised, padded with spaces so ' word' finds word starts


def search_entry(code: str, level: str, texts: Iterable[str]) -> SearchEntry:
    """An index entry from every text naming the code (each text once)."""
    return SearchEntry(code, level,
                       " " + " ".join(normalise(t) for t in dict.fromkeys(texts)) + " ")


def names_of(code: str, names: ProductNames) -> list[str]:
    """Every text of either language that may appear in the code's labels (for the index).

    The same texts as :func:`product_label` in both languages, without building the labels:
    the index covers some 37,000 codes.
    """
    texts = [t for n in (2, 4, 6) if len(code) >= n
             for t in (names.hs_es.get(code[:n]), names.hs_en.get(code[:n])) if t]
    line = (names.hts.get(code) or names.hts.get(code[:8])) if len(code) > 6 else None
    if line is not None:
        texts += [*line.above, *line.subheading, *line.below]
    return texts


_LEVEL_ORDER = {"hs2": 0, "hs4": 1, "hs6": 2, "hts8": 3, "hts10": 4}


def search(entries: Iterable[SearchEntry], query: Query, *, limit: int = 50
           ) -> tuple[list[SearchEntry], int]:
    """Entries matching ``query`` (chapters first, then headings, … lines) and how many match.

    Code queries match by prefix of the digits; word queries need every word to start a
    word of the entry's text ('vehic' finds 'vehículos'), in either language.
    """
    if query.kind == "empty":
        return [], 0
    if query.kind == "code":
        found = [e for e in entries if e.code.startswith(query.digits)]
    else:
        needles = [" " + w for w in query.words]
        found = [e for e in entries if all(n in e.haystack for n in needles)]
    found.sort(key=lambda e: (_LEVEL_ORDER.get(e.level, 9), e.code))
    return found[:max(0, limit)], len(found)
