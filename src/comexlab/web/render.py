"""Jinja rendering with the reader's language: every label via ``t()``, numbers via Babel."""

from __future__ import annotations

import math
from datetime import date
from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from comexlab import i18n
from comexlab.web.auth.security import csrf_token, current_user_or_none
from comexlab.web.context import app_context

LANG_COOKIE = "lang"

_TEMPLATES = Jinja2Templates(directory=str(resources.files("comexlab.web") / "templates"))
# templates are package files: no modification check (two stat calls) on every render
_TEMPLATES.env.auto_reload = False


def request_lang(request: Request) -> str:
    """The reader's language: the ``lang`` cookie, else the app's default (Spanish)."""
    lang = request.cookies.get(LANG_COOKIE)
    if lang in i18n.LANGS:
        return str(lang)
    return str(app_context(request).settings.lang)


def standard_name(code: str) -> str:
    """Name of a certification standard (``IATF16949`` → ``IATF 16949``); unknown codes as is."""
    from comexlab.registry.reference import standards

    found = standards().get(code)
    return code if found is None else found.name


def short_path(path: str, head: int = 48) -> str:
    """A description path short enough for a table cell: heading › … › parent › line.

    Why: the full HTS path runs to ten lines ('Other: › Other › Other'); the heading names the
    product family and the last two steps the line. The full path stays in the cell's title.
    """
    parts = [p.strip().rstrip(":") for p in path.split(" › ") if p.strip()]
    if len(parts) <= 3:
        return " › ".join(parts)
    first = parts[0] if len(parts[0]) <= head else parts[0][:head].rstrip(" ,;") + "…"
    return " › ".join([first, "…", *parts[-2:]])


_TEMPLATES.env.filters["short_path"] = short_path
_TEMPLATES.env.filters["std"] = standard_name  # {{ codes | map('std') | join(', ') }}


def _fmt_date(value: date | None, lang: str) -> str:
    return "—" if value is None else i18n.fmt_date(value, lang)


def usd_nowrap(value: float | None, lang: str, scale: str = "auto") -> str:
    """:func:`comexlab.i18n.fmt_usd` with no-break spaces, for pages.

    Why: "US$41.52 mil M" broke as "US$41.52 / mil M" in narrow cells and cards; a no-break
    space keeps an amount on one line wherever it is shown, whatever the cell's CSS.
    """
    return i18n.fmt_usd(value, lang, scale=scale).replace(" ", "\u00a0")


def sort_value(value: object) -> str:
    """What a table cell sorts on (its ``data-value``): the raw number, not its formatted text.

    Why: "1,234.5" (en) and "1.234,5"-style texts cannot be compared reliably in the browser;
    the script in static/app.js sorts numbers on this value. Missing or NaN numbers are empty
    (sorted last); dates sort on their ISO form.
    """
    if value is None or isinstance(value, bool):
        return "" if value is None else str(int(value))
    if isinstance(value, float):
        return "" if math.isnan(value) or math.isinf(value) else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def sortable_attrs(lang: str, page_size: int = 25) -> Markup:
    """The attributes that make a ``<table>`` sortable and paged by static/app.js.

    Why: the script has no strings of its own; the pager's words come from the catalog in the
    reader's language, with ``{page}``/``{pages}``/``{first}``/``{last}``/``{total}`` left for
    the script to fill.
    """
    labels = {
        "prev": i18n.t("web.table.prev", lang), "next": i18n.t("web.table.next", lang),
        "page": i18n.t("web.table.page", lang), "rows": i18n.t("web.table.rows", lang),
        "sort": i18n.t("web.table.sort", lang),
    }
    attrs = [f'data-sortable data-page-size="{int(page_size)}"']
    attrs += [f'data-label-{k}="{escape(v)}"' for k, v in labels.items()]
    return Markup(" ".join(attrs))


def page_context(request: Request, **extra: Any) -> dict[str, Any]:
    """What every template may use: language, translator, formatters, user, CSRF token."""
    lang = request_lang(request)
    user = getattr(request.state, "user", None)
    if user is None and "uid" in request.session:
        user = current_user_or_none(request)
    return {
        "request": request,
        "lang": lang,
        "t": lambda key, **kw: i18n.t(key, lang, **kw),
        "label": lambda vocabulary, value: i18n.label(vocabulary, value, lang),
        "std": standard_name,
        "num": lambda v, digits=0: i18n.fmt_number(v, lang, digits=digits),
        "pct": lambda v, digits=1: i18n.fmt_pct(v, lang, digits=digits),
        "usd": lambda v, scale="auto": usd_nowrap(v, lang, scale),
        "fdate": lambda v: _fmt_date(v, lang),
        "val": sort_value,
        "sortable": lambda page_size=25: sortable_attrs(lang, page_size),
        "user": user,
        "csrf": csrf_token(request),
        **extra,
    }


def render_fragment(request: Request, template: str, **extra: Any) -> Markup:
    """A template rendered to HTML that can be cached and placed into a page as is."""
    return Markup(_TEMPLATES.get_template(template).render(page_context(request, **extra)))


def render(request: Request, template: str, status_code: int = 200, **extra: Any) -> HTMLResponse:
    """Render a page or an htmx fragment."""
    return _TEMPLATES.TemplateResponse(
        request, template, page_context(request, **extra), status_code=status_code
    )


def render_error_page(
    request: Request, status: int, code: str, message: str, details: list[Any]
) -> HTMLResponse:
    """The HTML face of the JSON error shape (same status, code, message and details)."""
    return render(
        request, "error.html", status_code=status,
        status=status, code=code, message=message, details=details,
    )
