"""The FastAPI application: pages (Jinja + htmx) and the JSON API under ``/api/``.

``create_app(settings)`` wires everything from one :class:`~comexlab.settings.Settings`: the
registry engine, the DuckDB warehouse (many readers, one writer), the background job runner,
signed sessions, CSRF, error handlers and the routers. The shared parts are one typed
:class:`~comexlab.web.context.AppContext` (``app.state.ctx``). Tests build apps on temp files; the
``comexlab web serve`` command builds one from the environment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from comexlab import __version__
from comexlab.registry.db import make_engine
from comexlab.registry.schema import ensure_registry_schema
from comexlab.settings import Settings, get_settings
from comexlab.web.auth.security import SESSION_LIFETIME
from comexlab.web.cache import TTLCache
from comexlab.web.context import GZIP_LEVEL, AppContext, Services
from comexlab.web.db import session_factory
from comexlab.web.errors import ErrorBody, install_error_handlers
from comexlab.web.jobs import JobRunner
from comexlab.web.ratelimit import LoginRateLimiter
from comexlab.web.secret import session_key
from comexlab.web.warehouse import Warehouse

SESSION_COOKIE = "comexlab_session"
SESSION_MAX_AGE = int(SESSION_LIFETIME.total_seconds())  # one working day, as the server row
HSTS = "max-age=31536000; includeSubDomains"

_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'"
)


def create_app(
    settings: Settings | None = None,
    *,
    services: Services | None = None,
    readers: int = 4,
    job_workers: int = 2,
    login_rate: str = "5/minute",
    login_rate_user: str = "10/minute",
    login_rate_ip: str = "30/minute",
    dashboard_cache_ttl: float = 300.0,
) -> FastAPI:
    """Build the web app for ``settings`` (the environment's settings by default)."""
    settings = settings or get_settings()
    key = session_key(settings)
    engine = make_engine(settings.registry_url)
    ensure_registry_schema(engine)
    warehouse = Warehouse(settings.warehouse, readers=readers)
    jobs = JobRunner(workers=job_workers, per_user=settings.scenario_runs_per_user,
                     total=settings.scenario_runs_total, time_limit=settings.scenario_time_limit)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()
        warehouse.close()
        engine.dispose()

    app = FastAPI(
        title="comexlab",
        version=__version__,
        description="Trade flows, tariff scenarios and the supplier registry of a state "
        "trade-promotion agency. Every error has the shape of `ErrorBody`.",
        openapi_url="/openapi.json",
        docs_url=None,  # served by routes/docs.py from vendored assets (the CSP allows no CDN)
        redoc_url=None,
        lifespan=lifespan,
        responses={
            401: {"model": ErrorBody, "description": "Not logged in"},
            403: {"model": ErrorBody, "description": "Forbidden (role, firm or CSRF)"},
            422: {"model": ErrorBody, "description": "Invalid input"},
        },
    )
    ctx = AppContext(
        settings=settings,
        session_key_source=key.source,
        engine=engine,
        sessions=session_factory(engine),
        warehouse=warehouse,
        jobs=jobs,
        login_limiter=LoginRateLimiter(
            per_ip_user=login_rate, per_user=login_rate_user, per_ip=login_rate_ip
        ),
        dashboard_cache=TTLCache(ttl=dashboard_cache_ttl),
        services=services or Services(),
    )
    warehouse.on_write(ctx.dashboard_cache.clear)
    warehouse.on_write(ctx.page_cache.clear)
    app.state.ctx = ctx  # the handlers' one way in: web.context.app_context(request)

    install_error_handlers(app)
    # level 6, not Starlette's 9: the same size within 0.1% on our pages, 20% less CPU
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=GZIP_LEVEL)
    app.add_middleware(
        SessionMiddleware,
        secret_key=key.value,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=settings.https,
    )

    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.https)
    if settings.forwarded_allow_ips.strip():
        # outermost: the client address every later layer sees (the login limiter's IP) is
        # taken from X-Forwarded-For only when the connecting peer is a listed proxy
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)

    static_dir = resources.files("comexlab.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")
    # Swagger UI's files come from the swagger-ui-bundle package (no CDN, nothing vendored)
    app.mount("/swagger-ui", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path),
              name="swagger-ui")
    _include_routers(app)
    return app


class SecurityHeadersMiddleware:
    """Add CSP and friends to every response (plain ASGI: no per-request task overhead)."""

    _HEADERS: tuple[tuple[bytes, bytes], ...] = (
        (b"content-security-policy", _CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    )

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self._headers = self._HEADERS + (
            ((b"strict-transport-security", HSTS.encode()),) if hsts else ()
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response start message."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in self._headers if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _include_routers(app: FastAPI) -> None:
    from comexlab.web.routes import (
        admin,
        auth,
        dashboard,
        docs,
        markets,
        matching,
        products,
        regime,
        registry,
        scenarios,
        sites,
        supply,
    )

    for module in (auth, dashboard, scenarios, regime, markets, products, registry, supply,
                   sites, matching, admin):
        app.include_router(module.pages)
        app.include_router(module.api, prefix="/api")
    app.include_router(docs.pages)
