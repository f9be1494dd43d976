"""Scenario services: build the engine's input from the warehouse and run the pure engine.

One function per user question (``run_scenario``, ``compare_scenarios``, ``validate_file``),
shared by the CLI and the web app; a run is asked with a frozen :class:`ScenarioRequest`.
The join is done in DuckDB (:mod:`comexlab.warehouse.scenario_lines`): flows of the scenario's base
(source, years, reporters, partner) summed over the months of each year, × the HTS line of the
base edition (10-digit code, else its 8-digit parent) → the line whose printed rates apply
(``hts_line.rate_hts``) → its general rate and the base program's special rate (``hts_rate``).

HS4 flows (``nafta-ends``: Comtrade by HS4) get **approximate** heading rates: the simple,
trade-unweighted average of the ad valorem equivalents of the heading's 8-digit lines (specific
parts cannot be converted without unit values, so only their ad valorem part counts; both facts
go in the audit trail).

State reporters (``--reporter GTO``) use the national Mexican lines (by month) split by the
report package's state allocation (:func:`comexlab.services.reports.state_lines`, the same
service the export report uses; the factors: :mod:`comexlab.reports.state_lines`): real
DataMéxico state × HS6 exports for the months loaded, the ESTIMATED split (state share of the
line's SCIAN subsector in INEGI exports of the flows' year, or the latest INEGI year before
it) elsewhere. Estimated lines say so (``estimated``) and the audit trail names the real months.

Why this join stays SQL while the other analytics are Ibis (docs/architecture.md): its speed
comes from the ENUM-typed TEMP caches of :mod:`comexlab.warehouse.scenario_cache`, whose columns
leave DuckDB as Arrow dictionaries. Ibis 12 maps an ENUM to ``string`` and casts the result to
that schema, decoding every dictionary: measured on 1 M rows of an ENUM code + a DOUBLE, Ibis
``to_pyarrow`` took 0.248 s against 0.004 s for DuckDB's own Arrow export (the dictionary kept),
which would undo the bench/README-scenario.md gains on the 202 k–2 M row inputs. The caches are
also connection-private TEMP tables, which the cursor Ibis runs on (``expr.backend``) cannot see.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from comexlab.errors import AuditNote, InputError, NotFoundError, Problem
from comexlab.i18n import Msg
from comexlab.reports.state_lines import StateLines, lines_for_state, state_factors
from comexlab.reports.windows import Window
from comexlab.services.reports import inegi_label, state_lines
from comexlab.sources.scenario_inputs import read_elasticities, read_product_lists
from comexlab.tariffs.engine import (
    ScenarioResult,
    add_hs_groups,
    apply,
    as_frame,
    compare_results,
)
from comexlab.tariffs.scenario import KNOWN_PROGRAMS, Scenario, check_prefixes, parse_scenario
from comexlab.warehouse import engine
from comexlab.warehouse import scenario_lines as q
from comexlab.warehouse.regime import regime_tracks
from comexlab.warehouse.scenario_lines import scenario_lines

SCENARIO_PACKAGE = "comexlab.tariffs"
STATE_PREFIX = "MX-"


# ---------------------------------------------------------------------------------------------
# Finding and validating scenarios
# ---------------------------------------------------------------------------------------------

def shipped_scenarios() -> list[str]:
    """Names of the scenarios shipped with comexlab (package data)."""
    folder = resources.files(SCENARIO_PACKAGE) / "scenarios"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir()
                  if p.name.endswith(".yaml"))


def shipped_text(name: str) -> tuple[str, str]:
    """(YAML text, source name) of a scenario shipped with comexlab, by name only.

    WHY only names: the web app resolves what a user types here, and a name must never reach
    the file system (``../x``, ``/etc/x``, or a file that happens to sit in the server's working
    directory). Uploaded scenarios arrive as text (:func:`parse_text`).
    """
    if name not in shipped_scenarios():
        raise NotFoundError(Msg("scenario.err.not_shipped", ref=repr(name),
                                shipped=", ".join(shipped_scenarios())))
    entry = resources.files(SCENARIO_PACKAGE) / "scenarios" / f"{name}.yaml"
    return entry.read_text(encoding="utf-8"), f"{name}.yaml"


def scenario_text(ref: str) -> tuple[str, str]:
    """(YAML text, source name) of a shipped scenario name or a YAML file path (the CLI's)."""
    if ref in shipped_scenarios():
        return shipped_text(ref)
    path = Path(ref)
    if path.is_file():
        return path.read_text(encoding="utf-8"), str(path)
    raise NotFoundError(Msg("error.unknown_scenario", ref=repr(ref),
                            shipped=", ".join(shipped_scenarios())))


def known_programs(con: duckdb.DuckDBPyConnection | None) -> frozenset[str]:
    """Program codes of the loaded program table, or the built-in list before any HTS load."""
    loaded = q.program_codes(con) if con is not None else None
    return KNOWN_PROGRAMS if loaded is None else loaded


def load_scenario(name: str, con: duckdb.DuckDBPyConnection | None = None) -> Scenario:
    """Parse and validate a SHIPPED scenario; with a warehouse, checked against its data too."""
    text, source = shipped_text(name)
    return parse_text(text, source, con)


def load_scenario_or_file(ref: str, con: duckdb.DuckDBPyConnection | None = None) -> Scenario:
    """A shipped scenario by name, or a YAML file the CLI user named explicitly."""
    text, source = scenario_text(ref)
    return parse_text(text, source, con)


def parse_text(text: str, source: str,
               con: duckdb.DuckDBPyConnection | None = None) -> Scenario:
    """Validate scenario YAML; with a warehouse, its edition, prefixes and flows must exist.

    ``source`` names the text in messages (a shipped name, the CLI's path, an upload's file
    name) — never a server path the reader did not give.
    """
    scenario = parse_scenario(text, source=source, known_programs=known_programs(con))
    if con is not None:
        _check_schedule(con, scenario)
        _check_flows(con, scenario)
    return scenario


def _check_schedule(con: duckdb.DuckDBPyConnection, scenario: Scenario) -> None:
    codes = q.edition_codes(con, scenario.base.edition)
    if codes is None:
        return
    source = scenario.source_file
    if not codes:
        raise InputError(Msg("error.scenario_edition", edition=scenario.base.edition),
                         file=source,
                         row=scenario.lines.get("base.edition"), field="base.edition")
    problems = check_prefixes(scenario, codes)
    if problems:
        raise InputError(Msg("error.scenario_prefixes", source=source), problems=problems)


def _check_flows(con: duckdb.DuckDBPyConnection, scenario: Scenario) -> None:
    """Refuse years and exporters of the base that have no loaded flows.

    WHY: without this a year nobody loaded runs on zero rows and prints an all-zero headline
    that reads like "no exposure". Before any flow load the run itself says to load flows.
    """
    b = scenario.base
    loaded = q.base_flows_loaded(con, b)
    if loaded is None:
        return
    years, reporters = loaded
    problems = []
    none = Msg("scenario.err.none_loaded")
    missing_years = [str(y) for y in b.years if y not in years]
    if missing_years:
        problems.append(Problem.of(
            Msg("scenario.err.years", source=b.source, missing=", ".join(missing_years),
                loaded=", ".join(map(str, years)) or none),
            scenario.source_file, scenario.lines.get("base.years"), "base.years"))
    missing_reporters = [r for r in b.reporters if r not in reporters]
    if missing_reporters:
        problems.append(Problem.of(
            Msg("scenario.err.reporters", source=b.source, missing=", ".join(missing_reporters),
                loaded=", ".join(reporters) or none),
            scenario.source_file, scenario.lines.get("base.reporters"), "base.reporters"))
    if problems:
        raise InputError(Msg("error.scenario_invalid", source=scenario.source_file),
                         problems=problems)


def _state_notes(state: StateLines, unmatched: float) -> list[AuditNote]:
    allocation = state.allocation
    unallocated = allocation.unallocated
    value_out = float(unallocated["value_usd"].sum())
    inegi = inegi_label(allocation.share_source)
    notes = [AuditNote(
        "unallocated_lines", len(unallocated),
        Msg("audit.detail.unallocated_lines", inegi=inegi,
            base_year=allocation.base_year_label(), value=f"{value_out:,.0f}",
            state=state.state))]
    fallbacks = allocation.fallbacks()
    if fallbacks:
        notes.append(AuditNote(
            "share_year_fallback", len(fallbacks),
            Msg("audit.detail.joined", items=[
                Msg("audit.detail.share_year_fallback", flow_year=fy, inegi=inegi, share_year=sy)
                for fy, sy in fallbacks.items()]),
            tuple(str(fy) for fy in fallbacks)))
    if state.real_periods:
        notes.append(AuditNote(
            "state_real_data", len(state.real_periods),
            Msg("audit.detail.state_real_data", periods=", ".join(state.real_periods)),
            state.real_periods))
    if unmatched:
        notes.append(AuditNote(
            "state_real_unmatched", 1,
            Msg("audit.detail.state_real_unmatched", value=f"{unmatched:,.0f}")))
    return notes


# ---------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ScenarioRequest:
    """One run of a validated scenario.

    ``reporter``: an exporter of the scenario's base (ISO3) or a Mexican state (None: all);
    ``smart``: add SMART trade creation, revenue and welfare; ``monthly``: keep the months of
    a state's lines apart; ``data_dir``: where the product lists and elasticities are read.
    """

    scenario: Scenario
    reporter: str | None = None
    smart: bool = True
    monthly: bool = False
    data_dir: Path | None = None


def run_scenario(con: duckdb.DuckDBPyConnection, request: ScenarioRequest, *,
                 checkpoint: Callable[[], None] = lambda: None) -> ScenarioResult:
    """Run a scenario on the warehouse for one reporter (or every exporter of its base).

    ``checkpoint`` is called between stages; the web's job runner passes one that raises
    when the run was cancelled or went over its time limit (the stages themselves are bounded:
    SQL can be interrupted, the engine's passes are bounded by the scenario's limits).
    """
    scenario, reporter, monthly = request.scenario, request.reporter, request.monthly
    data_dir = request.data_dir
    by_state = bool(reporter and reporter.upper() not in scenario.base.reporters)
    table, notes = scenario_lines(con, scenario, monthly=monthly or by_state)
    checkpoint()
    lines = as_frame(table)
    facts: dict[str, Any] = {}
    if reporter:
        lines, notes, facts = _restrict(con, lines, notes, reporter, monthly=monthly)
        checkpoint()
    lines = add_hs_groups(lines)
    checkpoint()
    if scenario.base.regime is not None:  # start from the US regime in force on the date
        lines = regime_tracks(lines, scenario, data_dir=data_dir)
    checkpoint()
    names = {n for ov in scenario.overlays for n in (*ov.products.lists,
                                                     *ov.products.exclude_lists)}
    result = apply(scenario, lines, product_lists=read_product_lists(names, data_dir=data_dir),
                   elasticities=read_elasticities(data_dir=data_dir) if request.smart else None)
    ran_on = engine.current()
    return dataclasses.replace(result, engine=ran_on, audit=(
        *result.audit, *(n for n in notes if n.count),
        AuditNote("engine", 1, Msg("audit.detail.engine", engine=ran_on))), **facts)


def _restrict(con: duckdb.DuckDBPyConnection, lines: pd.DataFrame, notes: list[AuditNote],
              reporter: str, *, monthly: bool,
              ) -> tuple[pd.DataFrame, list[AuditNote], dict[str, Any]]:
    """The lines of one reporter: a country of the scenario, or a Mexican state.

    ``lines`` are monthly when the reporter is a state (real data comes by month). The third
    item holds a state's facts for :class:`ScenarioResult` (``base_year``, ``real_months``).
    """
    from comexlab.nomenclature.states import state

    code = reporter.upper()
    if code in set(lines["reporter"].astype(str)):
        return lines[lines["reporter"] == code].reset_index(drop=True), notes, {}
    try:
        st = state(reporter)
    except ValueError as exc:
        raise InputError(Msg("error.scenario_reporter", reporter=repr(reporter),
                             known=", ".join(sorted(set(lines["reporter"].astype(str))))),
                         field="reporter", value=reporter) from exc
    national = lines[lines["reporter"] == "MEX"].reset_index(drop=True)
    months = sorted(set(national["period"].astype(str)))
    if not months or len(months[0]) != len("YYYY-MM"):
        raise InputError(Msg("error.scenario_state_months"), field="reporter",
                         value=reporter)
    found = state_lines(con, st.reporter, Window.parse(months[0], months[-1]))
    factors, unmatched = state_factors(found, national)
    out = lines_for_state(national, factors, st.reporter, monthly=monthly)
    facts = {"base_year": found.allocation.base_year_label(),
             "real_months": tuple(found.real_periods)}
    return out, [*notes, *_state_notes(found, unmatched)], facts


@dataclass(frozen=True, slots=True)
class CompareRequest:
    """Several runs side by side (each its own :class:`ScenarioRequest`), cut by ``by``."""

    runs: tuple[ScenarioRequest, ...]
    by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Comparison:
    """The results of each run and their headline figures side by side."""

    results: tuple[ScenarioResult, ...]
    table: pd.DataFrame  # one row per scenario × by (compare_results)


def compare_scenarios(con: duckdb.DuckDBPyConnection, request: CompareRequest) -> Comparison:
    """Run each scenario and put their headline figures side by side."""
    results = tuple(run_scenario(con, run) for run in request.runs)
    return Comparison(results, compare_results(results, request.by))


def validate_file(path: Path, con: duckdb.DuckDBPyConnection | None = None) -> Scenario:
    """Validate a scenario file (and its prefixes when a schedule is loaded)."""
    if not path.is_file():
        raise InputError(Msg("error.scenario_file"), file=path)
    return parse_text(path.read_text(encoding="utf-8"), str(path), con)
