"""The service functions the web layer calls, gathered in one replaceable bundle.

The web app owns no analysis: the dashboard is the report service's export report, the
scenario pages are the scenario engine's run, the registry pages are the registry services.
``default_services()`` binds those real functions (imported lazily so that one missing piece
makes only its pages answer 503, not the whole app fail to start); tests may swap a service
for a stub with ``dataclasses.replace``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from comexlab.errors import ComexlabError


class ServiceUnavailableError(ComexlabError):
    """A part of comexlab the page needs is not installed in this build."""

    code = "service_unavailable"
    http_status = 503


def _lazy(module: str, name: str) -> Callable[..., Any]:
    """A callable that imports ``module.name`` on first call (503 if it does not exist)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            fn = getattr(importlib.import_module(module), name)
        except (ModuleNotFoundError, AttributeError) as exc:
            raise ServiceUnavailableError(f"service {module}.{name} is not available") from exc
        return fn(*args, **kwargs)

    call.__name__ = name
    return call


@dataclass(frozen=True)
class Services:
    """Every service function the pages and API call (see each adapter module for signatures)."""

    dashboard: Callable[..., Any]
    dashboard_options: Callable[..., Any]
    state_exports: Callable[..., Any]
    scenario_catalog: Callable[..., Any]
    scenario_run: Callable[..., Any]
    scenario_validate: Callable[..., Any]
    scenario_saved_runs: Callable[..., Any]
    scenario_saved_run: Callable[..., Any]
    firms_list: Callable[..., Any]
    firm_detail: Callable[..., Any]
    firm_update: Callable[..., Any]
    firm_gap: Callable[..., Any]
    registry_facets: Callable[..., Any]
    clusters_graph: Callable[..., Any]
    registry_import: Callable[..., Any]
    registry_template: Callable[..., Any]
    sector_of_scian: Callable[..., Any]
    regime: Callable[..., Any]


def default_services() -> Services:
    """The real services, through the web adapters in ``comexlab.web.adapters``."""
    a = "comexlab.web.adapters"
    return Services(
        dashboard=_lazy(f"{a}.report", "dashboard"),
        dashboard_options=_lazy(f"{a}.report", "dashboard_options"),
        state_exports=_lazy(f"{a}.report", "state_exports"),
        scenario_catalog=_lazy(f"{a}.scenario", "catalog"),
        scenario_run=_lazy(f"{a}.scenario", "run"),
        scenario_validate=_lazy(f"{a}.scenario", "validate"),
        scenario_saved_runs=_lazy(f"{a}.scenario", "saved_runs"),
        scenario_saved_run=_lazy(f"{a}.scenario", "saved_run"),
        firms_list=_lazy(f"{a}.registry", "firms_list"),
        firm_detail=_lazy(f"{a}.registry", "firm_detail"),
        firm_update=_lazy(f"{a}.registry", "firm_update"),
        firm_gap=_lazy(f"{a}.registry", "firm_gap"),
        registry_facets=_lazy(f"{a}.registry", "facets"),
        clusters_graph=_lazy(f"{a}.registry", "clusters_graph"),
        registry_import=_lazy(f"{a}.registry", "import_file"),
        registry_template=_lazy(f"{a}.registry", "import_template"),
        sector_of_scian=_lazy(f"{a}.registry", "sector_of_scian"),
        regime=_lazy(f"{a}.regime", "regime"),
    )
