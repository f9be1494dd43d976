"""What a request handler can reach: one typed :class:`AppContext` per app.

``create_app`` builds it once (settings, the registry engine and its sessions, the DuckDB
warehouse, the job runner, the caches) and keeps it as ``app.state.ctx``; handlers take it with
:func:`app_context`, so mypy and an editor follow every attribute to its type.

Routes import the adapter functions they call directly. Four calls go through
:class:`Services` instead, because tests replace them with doubles typed by the protocols
below: the dashboard (a counting double proves the single-flight cache), the scenario run (a
slow double holds a job open), the clusters graph (a failing double checks the error pages)
and the states' exports of the map (a double without one state checks the no-data hatching).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import duckdb
from fastapi import FastAPI, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from comexlab.services.reports import StateExports
from comexlab.settings import Settings
from comexlab.web.adapters import registry as registry_adapter
from comexlab.web.adapters import report as report_adapter
from comexlab.web.adapters import scenario as scenario_adapter
from comexlab.web.cache import TTLCache
from comexlab.web.jobs import JobRunner
from comexlab.web.lines import CompletedRun
from comexlab.web.ratelimit import LoginRateLimiter
from comexlab.web.views import ClusterGraph, Dashboard
from comexlab.web.warehouse import Warehouse

#: gzip level of every compressed response: 6, not Starlette's 9 — the same size within 0.1% on
#: our pages for about 20% less CPU (bench/README-web.md)
GZIP_LEVEL = 6


class DashboardService(Protocol):
    """The state export report as the dashboard shows it (``adapters/report.dashboard``)."""

    def __call__(self, con: duckdb.DuckDBPyConnection, *, reporter: str, start: str, end: str,
                 lang: str, estimated: bool) -> Dashboard:
        """Totals, cuts and series of ``reporter``'s exports from ``start`` to ``end``."""


class ScenarioRunService(Protocol):
    """One scenario run in a background job, kept in the warehouse (``adapters/scenario.run``)."""

    def __call__(
        self, *, warehouse: Warehouse, scenario: str | None, yaml_text: str | None,
        reporter: str | None, lang: str, progress: Callable[[float, str], None], username: str,
        run_id: str, owner_id: int | None, source: str, checkpoint: Callable[[], None],
        on_stop: Callable[[Callable[[], None]], None] | None,
    ) -> CompletedRun:
        """Run a shipped (``scenario``) or uploaded (``yaml_text``) scenario, reporting progress."""


class StateExportsService(Protocol):
    """Every state's exports in one year (``adapters/report.state_exports``; the map)."""

    def __call__(self, con: duckdb.DuckDBPyConnection, *, year: str) -> StateExports:
        """Each state's total for ``year`` from INEGI EEF, else EAEF."""


class ClustersGraphService(Protocol):
    """Clusters and their links (``adapters/registry.clusters_graph``)."""

    def __call__(self, session: Session) -> ClusterGraph:
        """Every cluster with its member count, and the typed links between them."""


@dataclass(frozen=True)
class Services:
    """The replaceable service calls: the real adapters unless a test passes doubles."""

    dashboard: DashboardService = report_adapter.dashboard
    scenario_run: ScenarioRunService = scenario_adapter.run
    clusters_graph: ClustersGraphService = registry_adapter.clusters_graph
    state_exports: StateExportsService = report_adapter.state_exports


@dataclass(frozen=True)
class AppContext:
    """Everything the handlers of one app share (built by ``create_app``, never per request)."""

    settings: Settings
    session_key_source: str  # where the session key came from (a file or the environment)
    engine: Engine  # the registry database
    sessions: sessionmaker[Session]
    warehouse: Warehouse
    jobs: JobRunner
    login_limiter: LoginRateLimiter
    dashboard_cache: TTLCache  # dashboard and regime views; cleared on every warehouse write
    services: Services = field(default_factory=Services)
    # whole dashboard pages (HTML and gzip) by ETag, i.e. per session, report and language: a
    # reload or a back-and-forth between reporters is bytes from memory; cleared on writes
    page_cache: TTLCache = field(default_factory=lambda: TTLCache(maxsize=128, ttl=300.0))
    # a B2B fair's generated files, kept for their download links (per user and token)
    fair_exports: TTLCache = field(default_factory=lambda: TTLCache(maxsize=32, ttl=3600.0))


def context_of(app: FastAPI) -> AppContext:
    """The context ``create_app`` built for ``app``."""
    ctx: AppContext = app.state.ctx
    return ctx


def app_context(request: Request) -> AppContext:
    """The context of the app serving ``request``."""
    return context_of(request.app)
