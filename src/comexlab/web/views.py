"""What the pages show, as typed models: the JSON API returns them, the templates render them.

Adapters (``comexlab.web.adapters``) fill these from the services' own results; the web layer
computes nothing here, it only names and shapes what the services produced.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from comexlab.registry.cells import MAX_EMPLOYEES
from comexlab.web.problems import ErrorDetail


class Option(BaseModel):
    """A choice in a form (code and label in the reader's language)."""

    code: str
    label: str


# --- dashboard (state export report) -------------------------------------------------------
class Cut(BaseModel):
    """One row of a cut (sector, product, destination) with the prior window."""

    code: str
    label: str
    value_usd: float
    prior_usd: float | None = None
    full_label: str | None = Field(
        default=None, description="products: the whole description path (label is shortened)")
    change: float | None = Field(default=None, description="fraction, e.g. -0.06")
    share: float | None = Field(default=None, description="fraction of the total")


class SeriesPoint(BaseModel):
    """One period of the monthly/annual total series (line chart)."""

    period: str
    value_usd: float


class Missing(BaseModel):
    """A cut the data cannot give for this reporter, and why (never invented)."""

    cut: str
    reason: str


class Dashboard(BaseModel):
    """The state export report for one reporter and window."""

    reporter: str
    reporter_label: str
    estimated: bool = Field(default=False, description="figures are ESTIMATED (allocation)")
    start: str
    end: str
    prior_start: str | None = None
    prior_end: str | None = None
    total_usd: float | None
    prior_total_usd: float | None = None
    change: float | None = None
    national_share: float | None = None
    sectors: list[Cut] = Field(default_factory=list)
    products: list[Cut] = Field(default_factory=list)
    destinations: list[Cut] = Field(default_factory=list)
    series: list[SeriesPoint] = Field(default_factory=list)
    missing: list[Missing] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)


class DashboardOptions(BaseModel):
    """Reporters and periods the warehouse holds, and the default choice."""

    reporters: list[Option]
    periods: list[str]
    default_reporter: str | None
    default_start: str | None
    default_end: str | None


# --- scenarios ------------------------------------------------------------------------------
class ScenarioInfo(BaseModel):
    """A shipped scenario."""

    name: str
    title: str
    description: str = ""


class Figure(BaseModel):
    """A headline figure."""

    key: str
    label: str
    value: float | None
    kind: Literal["usd", "pct", "number", "text"] = "number"
    text: str | None = None
    primary: bool = False  # one of the four figures shown first and big


class AggRow(BaseModel):
    """Exposure of one group (sector, section, chapter)."""

    code: str
    label: str
    exports_usd: float
    exposed_usd: float | None = None
    exposed_share: float | None = None
    duty_before_usd: float | None = None
    duty_after_usd: float | None = None
    neutralising_cut: float | None = None


#: How a line-table column is formatted on screen.
ColumnKind = Literal["text", "usd", "pct", "number"]


class Column(BaseModel):
    """A column of the line table."""

    name: str
    label: str
    kind: ColumnKind = "text"


class RunStatus(BaseModel):
    """A scenario run as the progress poll sees it."""

    run_id: str
    scenario: str
    status: Literal["queued", "running", "done", "failed", "cancelled", "timed_out"]
    progress: float
    message: str = ""
    error: str | None = None


class SavedRun(BaseModel):
    """A kept scenario run as the runs list shows it."""

    run_id: str
    scenario: str
    title: str
    username: str
    finished_at: datetime
    reporter: str | None = None
    headline: dict[str, float | None] = Field(default_factory=dict)


class RunResult(BaseModel):
    """A finished scenario run: headline, aggregates, audit notes, line count."""

    run_id: str
    scenario: str
    title: str
    headline: list[Figure]
    by_group: dict[str, list[AggRow]]
    notes: list[str] = Field(default_factory=list)
    line_count: int
    columns: list[Column]


class LinePage(BaseModel):
    """One page of the line table after sorting and filtering."""

    total: int
    page: int
    page_size: int
    sort: str | None
    desc: bool
    q: str | None
    columns: list[Column]
    rows: list[dict[str, str | float | int | bool | None]]


# --- registry -------------------------------------------------------------------------------
CertStatus = Literal["valid", "expiring", "expired"]


class FirmRow(BaseModel):
    """A firm in the list."""

    id: int
    rfc: str
    legal_name: str
    state: str
    municipality: str | None = None
    size_class: str | None = None
    employees: int | None = None
    chain_role: str | None = None
    processes: list[str] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list, description="current standards")
    clusters: list[str] = Field(default_factory=list)


class FirmPage(BaseModel):
    """A page of the firms list."""

    total: int
    page: int
    page_size: int
    firms: list[FirmRow]


class CertView(BaseModel):
    """A certificate, with its status computed (by the registry) from the expiry date."""

    standard: str
    certificate_number: str
    certifying_body: str | None = None
    issued_on: date
    expires_on: date
    status: CertStatus
    plant: str | None = None


class FirmDetail(BaseModel):
    """Everything the firm page shows (the registry's firm profile)."""

    id: int
    rfc: str
    legal_name: str
    state: str
    state_name: str
    municipality_name: str | None = None
    municipality: str | None = None
    employees: int | None = None
    activity: str
    size_class: str | None = None
    chain_role: str | None = None
    exporter: bool = False
    website: str | None = None
    destinations: list[str] = Field(default_factory=list)
    sectors: list[str] = Field(default_factory=list)
    processes: list[str] = Field(default_factory=list)
    plants: list[str] = Field(default_factory=list)
    contacts: list[str] = Field(default_factory=list)
    certifications: list[CertView] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)
    enrolments: list[str] = Field(default_factory=list)
    is_demo: bool = False


class FirmEdit(BaseModel):
    """What a firm user (or an admin) may change on the firm page."""

    website: str | None = Field(default=None, max_length=300)
    employees: int | None = Field(default=None, ge=0, le=MAX_EMPLOYEES)  # the importer's range
    exporter: bool | None = None


class GapView(BaseModel):
    """Certifications a sector's buyers require that the firm lacks."""

    firm_id: int
    sector: str
    required: list[str]
    held: list[str]
    missing: list[str]
    expired: list[str] = Field(default_factory=list)
    expiring: list[str] = Field(default_factory=list)
    recommended_missing: list[str] = Field(default_factory=list)


class GraphNode(BaseModel):
    """A cluster in the graph."""

    id: str
    name: str
    state: str
    members: int
    sector: str | None = None


class GraphLink(BaseModel):
    """A link between two clusters.

    ``kinds`` are codes (``supplier_exchange``); pages show them through ``enum.cluster_link``.
    ``kind`` joins them with ", " (kept for API clients that read one string).
    """

    source: str
    target: str
    kind: str
    kinds: list[str] = Field(default_factory=list)


class ClusterGraph(BaseModel):
    """Clusters and their links."""

    nodes: list[GraphNode]
    links: list[GraphLink]


class Facets(BaseModel):
    """Filter choices for the firms list."""

    processes: list[Option]
    clusters: list[Option]
    programs: list[Option]
    sectors: list[Option]
    states: list[Option]

    def name(self, kind: str, code: str) -> str:
        """The label of ``code`` among the ``kind`` choices (the code itself when unknown)."""
        options: list[Option] = getattr(self, kind)
        return next((o.label for o in options if o.code == code), code)


class ImportReport(BaseModel):
    """Outcome of an import (or its dry run): every bad row, and whether anything was written."""

    file: str
    dry_run: bool
    written: bool
    rows: int
    counts: dict[str, int] = Field(default_factory=dict)
    errors: list[ErrorDetail] = Field(default_factory=list)
