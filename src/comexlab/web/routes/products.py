"""Product search (page and API): HS/HTS codes by code prefix or by words, either language.

Any logged-in role may search: the nomenclature is public. The search text is bounded here
(at most 1,000 characters reach the service, which refuses more than
:data:`comexlab.nomenclature.products.MAX_QUERY` naming the field) and is never put into SQL.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from comexlab.errors import InputError
from comexlab.services.products import MAX_RESULTS, ProductSearch, search_products
from comexlab.web.auth.security import Principal, current_user, verify_csrf
from comexlab.web.context import app_context
from comexlab.web.render import render, request_lang

pages = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
api = APIRouter(tags=["products"], dependencies=[Depends(verify_csrf)])

User = Annotated[Principal, Depends(current_user)]
Text = Annotated[str, Query(max_length=1000, description="Code prefix (8703, 8703.23) or "
                                                         "words (vehículos, cotton).")]
Limit = Annotated[int, Query(ge=1, le=MAX_RESULTS)]


async def _search(request: Request, q: str, limit: int) -> ProductSearch:
    lang = request_lang(request)
    result: ProductSearch = await app_context(request).warehouse.read(
        lambda con: search_products(con, q, lang=lang, limit=limit))
    return result


@pages.get("/products")
async def products_page(request: Request, _user: User, q: Text = "", limit: Limit = 50
                        ) -> Response:
    """Search box and results: code, level, description path, links to the pages using it."""
    try:
        found = await _search(request, q, limit)
    except InputError as exc:
        return render(request, "products.html", found=None, q=q[:100],
                      error=exc.text(request_lang(request)))
    return render(request, "products.html", found=found, q=found.query, error=None)


class ProductHitOut(BaseModel):
    """One code found."""

    code: str = Field(description="digits, e.g. 870323")
    code_formatted: str = Field(description="as the schedules print it, e.g. 8703.23")
    level: str = Field(description="hs2, hs4, hs6, hts8 or hts10")
    label: str = Field(description="code — chapter › heading › … in the reader's language")
    path: str = Field(description="the label without the code")
    english_only: bool = Field(description="some part has no official text in the language")


class ProductSearchOut(BaseModel):
    """What the query was understood as, the hits and how many codes matched in all."""

    query: str
    kind: str = Field(description="code (prefix), words, or empty")
    total: int
    hits: list[ProductHitOut]


@api.get("/products", response_model=ProductSearchOut)
async def api_products(request: Request, _user: User, q: Text = "", limit: Limit = 50
                       ) -> ProductSearchOut:
    """HS/HTS codes by code prefix or by words (Spanish or English, accents optional)."""
    found = await _search(request, q, limit)
    return ProductSearchOut(
        query=found.query, kind=found.kind, total=found.total,
        hits=[ProductHitOut(code=h.code, code_formatted=h.code_formatted, level=h.level,
                            label=h.label, path=h.path, english_only=h.english_only)
              for h in found.hits])
