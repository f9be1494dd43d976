"""Product search: "which HS/HTS code is this?" — by code prefix or by words, either language.

One service for the CLI (``comexlab hts search``) and the web (``/products``,
``/api/products``). The index is every HS2/HS4/HS6 code of the WCO file and every line of the
loaded HTS editions, each with its labels in Spanish and English
(:mod:`comexlab.warehouse.products`); the match is pure Python over that list
(:func:`comexlab.nomenclature.products.search`): no SQL is built from the search text.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.nomenclature.products import MAX_QUERY, parse_query, product_label, search
from comexlab.warehouse.products import product_names, search_index

#: Most results one search returns (the total found is reported beside them).
MAX_RESULTS = 200


@dataclass(frozen=True, slots=True)
class ProductHit:
    """One code found, labelled in the reader's language."""

    code: str
    code_formatted: str
    level: str          # 'hs2' | 'hs4' | 'hs6' | 'hts8' | 'hts10'
    label: str          # '8703.23 — Vehículo › Coches › …'
    path: str           # the label without the code
    english_only: bool  # some part has no official text in the reader's language


@dataclass(frozen=True, slots=True)
class ProductSearch:
    """The answer: what was understood, the hits shown and how many matched."""

    query: str
    kind: str           # 'code' | 'words' | 'empty'
    hits: tuple[ProductHit, ...]
    total: int


def check_query(text: str | None) -> str:
    """The search text, stripped; too long a text is refused naming the field ``q``."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY:
        raise InputError(Msg("products.error.too_long", n=len(text), max=MAX_QUERY),
                         field="q", value=text[:40] + "…")
    return text


def search_products(con: duckdb.DuckDBPyConnection, text: str | None, *, lang: str,
                    limit: int = 50) -> ProductSearch:
    """Codes whose digits start with the query, or whose labels hold every word of it.

    An empty or blank query finds nothing (the page shows how to search); ``limit`` is
    clamped to 1..:data:`MAX_RESULTS`.
    """
    query = parse_query(check_query(text))
    if query.kind == "empty":
        return ProductSearch(query=(text or "").strip(), kind="empty", hits=(), total=0)
    found, total = search(search_index(con), query, limit=max(1, min(limit, MAX_RESULTS)))
    names = product_names(con)
    hits = []
    for entry in found:
        label = product_label(entry.code, lang, names)
        hits.append(ProductHit(code=entry.code, code_formatted=label.code_formatted,
                               level=entry.level, label=label.text, path=label.path,
                               english_only=label.foreign))
    return ProductSearch(query=(text or "").strip(), kind=query.kind, hits=tuple(hits),
                         total=total)
