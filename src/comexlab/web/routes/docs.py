"""``/api/docs``: Swagger UI over ``/openapi.json``, entirely from the package.

FastAPI's built-in page loads Swagger UI from a CDN and starts it with an inline script; the
app's CSP (``script-src 'self'``) blocks both, so the page was blank. This page loads Swagger
UI from the ``swagger-ui-bundle`` package, served by the app at ``/swagger-ui`` (see
``web/app.py``), and starts it with ``static/docs.js``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from comexlab.web.render import render

pages = APIRouter(include_in_schema=False)


@pages.get("/api/docs")
def api_docs(request: Request) -> Response:
    """The interactive API documentation."""
    return render(request, "api_docs.html")
