"""The web layer's refusal (:class:`WebError`) and the one JSON error body.

Split from :mod:`comexlab.web.errors` so that the auth code can raise a :class:`WebError`
without importing the error handlers, which render HTML error pages (render → auth → errors
→ render was a cycle). :mod:`comexlab.web.errors` re-exports these names.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from comexlab.i18n import Msg

HTTP_CODES: dict[int, str] = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
    503: "unavailable",
}


class ErrorDetail(BaseModel):
    """Where one problem is (field and/or row) and what it is."""

    field: str | None = None
    row: int | None = None
    message: str


class ErrorBody(BaseModel):
    """The body of every non-2xx API response."""

    status: int
    code: str
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)


class WebError(Exception):
    """An HTTP-level refusal raised by the web layer itself (auth, CSRF, rate limit)."""

    def __init__(
        self,
        status: int,
        message: str | Msg,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.status = status
        self.code = code or HTTP_CODES.get(status, "error")
        self.message = message
        self.headers = headers or {}


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[ErrorDetail] | None = None,
    *,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build the one JSON error response."""
    body = ErrorBody(status=status, code=code, message=message, details=details or [])
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)
