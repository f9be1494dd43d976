"""One JSON error shape for every failure the web app can produce.

Clients (the agency's scripts, the htmx pages, schemathesis) can rely on a single contract::

    {"status": 422, "code": "invalid_input", "message": "...",
     "details": [{"field": "rfc", "row": 7, "message": "..."}]}

whether the error came from a :class:`~comexlab.errors.ComexlabError`, request validation,
an HTTP exception (404, 403, 429…) or an unexpected bug (500, message without internals).
Browser requests for pages get the same information rendered as an HTML page instead.
Messages are in the reader's language: errors raised with a catalog key (:class:`Msg`) are
rendered here with the session's language.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from comexlab.errors import ComexlabError, rename_fields
from comexlab.i18n import Msg, text_of
from comexlab.web.problems import HTTP_CODES, ErrorBody, ErrorDetail, WebError, error_response
from comexlab.web.render import render_error_page, request_lang

__all__ = ["ErrorBody", "ErrorDetail", "WebError", "error_response", "install_error_handlers"]

log = logging.getLogger(__name__)

# An absolute POSIX path (two or more segments, not part of a URL) or a Windows drive path.
_POSIX_PATH = re.compile(r"(?<![\w/:.~-])/(?:[^\s/'\"<>()\[\],;]+/)+[^\s/'\"<>()\[\],;]*")
_WINDOWS_PATH = re.compile(r"\b[A-Za-z]:\\(?:[^\s\\'\"<>]+\\)*[^\s\\'\"<>]*")


@lru_cache(maxsize=256)
def _is_server_root(segment: str) -> bool:
    """Whether ``/segment`` is a folder of this machine (/work, /tmp…), not a URL like /api."""
    return os.path.isdir("/" + segment)


def _hide_posix(match: re.Match[str]) -> str:
    path = PurePosixPath(match.group(0))
    if len(path.parts) > 1 and _is_server_root(path.parts[1]):
        return path.name or "…"
    return match.group(0)


def scrub_paths(text: str) -> str:
    """``text`` with server file paths cut to the file's name.

    Error messages name the file a reader should fix or supply; where it sits on the server
    (``/work/shared/data/…``, the warehouse, a temp folder) is nobody's business but the
    operator's, who finds it in the log. App URLs (``/api/…``) are left alone.
    """
    text = _POSIX_PATH.sub(_hide_posix, text)
    return _WINDOWS_PATH.sub(lambda m: PureWindowsPath(m.group(0)).name or "…", text)


#: Domain field names (services, loaders) → the API's parameter names, where they differ. The
#: routes name their parameters like the services (``reporter``, ``start``, ``end``, ``on``), so
#: the table is short; a CLI flag (``--from``) never reaches an API client.
PARAMETERS: dict[str, str] = {}


def _details_of_comexlab(exc: ComexlabError, lang: str) -> list[ErrorDetail]:
    rename_fields(exc, PARAMETERS)
    return [ErrorDetail(field=p.field, row=p.row, message=p.text(lang)) for p in exc.problems]


#: pydantic error types → catalog messages that name the field (pydantic's text is English).
_VALIDATION_KEYS: dict[str, str] = {
    "missing": "web.invalid.missing",
    "greater_than_equal": "web.invalid.at_least", "greater_than": "web.invalid.more_than",
    "less_than_equal": "web.invalid.at_most", "less_than": "web.invalid.less_than",
    "string_too_long": "web.invalid.too_long", "string_too_short": "web.invalid.too_short",
    "too_long": "web.invalid.too_many", "too_short": "web.invalid.too_few",
    "int_parsing": "web.invalid.integer", "int_type": "web.invalid.integer",
    "int_from_float": "web.invalid.integer", "float_parsing": "web.invalid.number",
    "float_type": "web.invalid.number", "finite_number": "web.invalid.number",
    "bool_parsing": "web.invalid.bool", "bool_type": "web.invalid.bool",
    "string_type": "web.invalid.text", "string_pattern_mismatch": "web.invalid.pattern",
    "literal_error": "web.invalid.choice", "enum": "web.invalid.choice",
    "date_parsing": "web.invalid.date", "date_type": "web.invalid.date",
    "date_from_datetime_parsing": "web.invalid.date", "list_type": "web.invalid.list",
    "dict_type": "web.invalid.object", "model_attributes_type": "web.invalid.object",
    "model_type": "web.invalid.object", "extra_forbidden": "web.invalid.extra",
    "json_invalid": "web.invalid.json",
}
_LIMITS = ("ge", "gt", "le", "lt", "max_length", "min_length")


def validation_message(err: Mapping[str, Any], field: str) -> Msg:
    """The catalog message for one pydantic error, naming ``field``.

    A validator that knows the reader's words raises ``ValueError(Msg(...))``: that message is
    used as is. Other errors are told by their pydantic type and bounds (``le=1000000`` →
    "employees must be at most 1,000,000"); an unknown type gets a plain "not accepted".
    """
    ctx = err.get("ctx") or {}
    error = ctx.get("error")
    if isinstance(error, ValueError) and error.args and isinstance(error.args[0], Msg):
        return error.args[0]
    limit = next((ctx[k] for k in _LIMITS if k in ctx), "")
    shown = f"{limit:,}" if isinstance(limit, int) and not isinstance(limit, bool) else limit
    choices = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
    return Msg(_VALIDATION_KEYS.get(str(err.get("type")), "web.invalid.other"), field=field,
               limit=str(shown), choices=choices or str(ctx.get("expected", "")))


def _details_of_validation(exc: RequestValidationError, lang: str) -> list[ErrorDetail]:
    details = []
    for err in exc.errors():
        loc: tuple[Any, ...] = tuple(err.get("loc", ()))
        # ("query", "page") / ("body", "rows", 3, "rfc"): name the field, keep a list index as row
        names = [str(p) for p in loc[1:] if not isinstance(p, int)] or [str(p) for p in loc]
        rows = [p for p in loc if isinstance(p, int)]
        field = ".".join(names) or None
        details.append(
            ErrorDetail(
                field=field,
                row=rows[0] if rows else None,
                message=validation_message(err, field or "body").text(lang),
            )
        )
    return details


def _wants_html(request: Request) -> bool:
    """Pages (not /api/) asked for by a browser get an HTML error page."""
    if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
        return False
    return "text/html" in request.headers.get("accept", "")


def _render(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: list[ErrorDetail],
    headers: dict[str, str] | None = None,
) -> Response:
    message = scrub_paths(message)
    details = [d.model_copy(update={"message": scrub_paths(d.message)}) for d in details]
    if _wants_html(request):
        if status == 401 and request.method == "GET":
            from fastapi.responses import RedirectResponse

            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return render_error_page(request, status, code, message, details)
    return error_response(status, code, message, details, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Route every kind of failure to :func:`error_response` (or the HTML error page)."""

    @app.exception_handler(ComexlabError)
    async def _comexlab(request: Request, exc: ComexlabError) -> Response:
        status = exc.http_status if exc.http_status != 500 else 500
        lang = request_lang(request)
        return _render(request, status, exc.code, exc.text(lang),
                       _details_of_comexlab(exc, lang))

    @app.exception_handler(WebError)
    async def _web(request: Request, exc: WebError) -> Response:
        return _render(request, exc.status, exc.code, text_of(exc.message, request_lang(request)),
                       [], exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        lang = request_lang(request)
        return _render(request, 422, "invalid_input", Msg("web.error.invalid_request").text(lang),
                       _details_of_validation(exc, lang))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = HTTP_CODES.get(exc.status_code, "error")
        return _render(
            request, exc.status_code, code, str(exc.detail), [], getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _render(request, 500, "internal_error",
                       Msg("web.error.internal").text(request_lang(request)), [])
