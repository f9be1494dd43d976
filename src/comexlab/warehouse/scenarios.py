"""Scenario services: build the engine's input from the warehouse and run the pure engine.

One function per user question (``run_scenario``, ``compare_scenarios``, ``validate_file``),
shared by the CLI and the web app. The join is done in DuckDB: flows of the scenario's base
(source, years, reporters, partner) summed over the months of each year, × the HTS line of the
base edition (10-digit code, else its 8-digit parent) → the line whose printed rates apply
(``hts_line.rate_hts``) → its general rate and the base program's special rate (``hts_rate``).

HS4 flows (``nafta-ends``: Comtrade by HS4) get **approximate** heading rates: the simple,
trade-unweighted average of the ad valorem equivalents of the heading's 8-digit lines (specific
parts cannot be converted without unit values, so only their ad valorem part counts; both facts
go in the audit trail).

State reporters (``--reporter GTO``) use the national Mexican lines split by the ESTIMATED
allocation of the report module (state share of the line's SCIAN subsector in INEGI exports,
latest year): every figure for a state is labelled estimated.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from comexlab.errors import AuditNote, InputError, NotFoundError
from comexlab.sources.scenario_inputs import read_elasticities, read_product_lists
from comexlab.tariffs.ave import RATE_FIELDS, compute_ave, inputs_from_frame
from comexlab.tariffs.engine import ScenarioResult, apply
from comexlab.tariffs.scenario import KNOWN_PROGRAMS, Scenario, check_prefixes, parse_scenario

SCENARIO_PACKAGE = "comexlab.tariffs"
STATE_PREFIX = "MX-"

_RATE_SQL_COLUMNS = list(RATE_FIELDS)


# ---------------------------------------------------------------------------------------------
# Finding and validating scenarios
# ---------------------------------------------------------------------------------------------

def shipped_scenarios() -> list[str]:
    """Names of the scenarios shipped with comexlab (package data)."""
    folder = resources.files(SCENARIO_PACKAGE) / "scenarios"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir()
                  if p.name.endswith(".yaml"))


def scenario_text(ref: str) -> tuple[str, str]:
    """(YAML text, source name) of a shipped scenario name or a YAML file path."""
    if ref in shipped_scenarios():
        entry = resources.files(SCENARIO_PACKAGE) / "scenarios" / f"{ref}.yaml"
        return entry.read_text(encoding="utf-8"), f"{ref}.yaml"
    path = Path(ref)
    if path.is_file():
        return path.read_text(encoding="utf-8"), str(path)
    raise NotFoundError(f"no scenario named {ref!r} (shipped: {', '.join(shipped_scenarios())})"
                        " and no such file")


def known_programs(con: duckdb.DuckDBPyConnection | None) -> frozenset[str]:
    """Program codes of the loaded program table, or the built-in list before any HTS load."""
    if con is not None and _has_rows(con, "hts_program"):
        return frozenset(r[0] for r in con.execute("SELECT program FROM hts_program").fetchall())
    return KNOWN_PROGRAMS


def load_scenario(ref: str, con: duckdb.DuckDBPyConnection | None = None) -> Scenario:
    """Parse and validate a scenario; with a warehouse, its prefixes are checked too."""
    text, source = scenario_text(ref)
    scenario = parse_scenario(text, source=source, known_programs=known_programs(con))
    if con is not None and _has_rows(con, "hts_line"):
        codes = [r[0] for r in con.execute(
            "SELECT DISTINCT hts FROM hts_line WHERE edition = ? AND hts IS NOT NULL",
            [scenario.base.edition]).fetchall()]
        if not codes:
            raise InputError(f"HTS edition {scenario.base.edition} is not loaded "
                             "(run: comexlab hts load)", file=source,
                             row=scenario.lines.get("base.edition"), field="base.edition")
        problems = check_prefixes(scenario, codes)
        if problems:
            raise InputError(f"scenario {source}: prefixes not in the schedule",
                             problems=problems)
    return scenario


def _has_rows(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                         [table]).fetchone()
    if not exists or not exists[0]:
        return False
    row = con.execute(f'SELECT count(*) FROM (SELECT 1 FROM "{table}" LIMIT 1)').fetchone()
    return bool(row and row[0])


# ---------------------------------------------------------------------------------------------
# Engine input
# ---------------------------------------------------------------------------------------------

def _rate_select(alias: str, prefix: str) -> str:
    return ", ".join(f"{alias}.{c} AS {prefix}{c}" for c in _RATE_SQL_COLUMNS)


def _flow_cte(scenario: Scenario, *, monthly: bool) -> tuple[str, list[object]]:
    b = scenario.base
    period = "period" if monthly else "CAST(year AS VARCHAR)"
    sql = f"""
        SELECT reporter, reporter_level, reporter AS origin, partner, {period} AS period,
               product_code, product_level,
               sum(value_usd) AS value_usd,
               sum(preference_value_usd) AS preference_value_usd,
               CASE WHEN count(DISTINCT quantity_unit) = 1 AND count(quantity) = count(*)
                    THEN sum(quantity) END AS quantity,
               any_value(quantity_unit) AS quantity_unit
        FROM flow
        WHERE source = ? AND flow = 'export' AND partner = ? AND product_level = ?
          AND year IN ({", ".join("?" * len(b.years))})
          AND reporter IN ({", ".join("?" * len(b.reporters))})
        GROUP BY ALL"""
    return sql, [b.source, b.partner, b.level, *b.years, *b.reporters]


def hts10_lines_sql(scenario: Scenario, *, monthly: bool = False) -> tuple[str, list[object]]:
    """SQL (and parameters) joining the base flows to their general and program rates."""
    flows_sql, params = _flow_cte(scenario, monthly=monthly)
    ed = scenario.base.edition
    progs = scenario.base.programs
    prog_marks = ", ".join("?" * len(progs))
    naics = ("LEFT JOIN hts_naics n ON n.hts10 = f.product_code",
             "n.naics6, n.scian3 AS subsector")
    sql = f"""
        WITH f AS ({flows_sql}),
        l AS (SELECT hts, any_value(coalesce(rate_hts, hts)) AS rate_hts,
                     any_value(description) AS description
              FROM hts_line WHERE edition = ? AND hts IS NOT NULL GROUP BY hts),
        g AS (SELECT hts, arg_min(COLUMNS(* EXCLUDE (hts)), rate_text) FROM (
                SELECT hts, {", ".join(_RATE_SQL_COLUMNS)} FROM hts_rate
                WHERE edition = ? AND rate_column = 'general') GROUP BY hts),
        p AS (SELECT hts, arg_min(COLUMNS(* EXCLUDE (hts)), coalesce(ad_valorem, 0)) FROM (
                SELECT hts, {", ".join(_RATE_SQL_COLUMNS)} FROM hts_rate
                WHERE edition = ? AND rate_column = 'special' AND program IN ({prog_marks}))
              GROUP BY hts)
        SELECT f.*, coalesce(l10.description, l8.description) AS description,
               {_rate_select("g", "mfn_")}, {_rate_select("p", "pref_")}, {naics[1]}
        FROM f
        LEFT JOIN l AS l10 ON l10.hts = f.product_code
        LEFT JOIN l AS l8 ON l10.hts IS NULL AND l8.hts = left(f.product_code, 8)
        LEFT JOIN g ON g.hts = coalesce(l10.rate_hts, l8.rate_hts)
        LEFT JOIN p ON p.hts = coalesce(l10.rate_hts, l8.rate_hts)
        {naics[0]}
    """
    return sql, [*params, ed, ed, ed, *progs]


def _hs4_rates(con: duckdb.DuckDBPyConnection, scenario: Scenario) -> tuple[pd.DataFrame,
                                                                             list[AuditNote]]:
    """Simple average AVE per HS4 heading of the edition's 8-digit lines (MFN and program)."""
    ed = scenario.base.edition
    progs = list(scenario.base.programs)
    rows = con.execute(f"""
        SELECT g.hts, {_rate_select("g", "mfn_")}, {_rate_select("p", "pref_")}
        FROM (SELECT * FROM hts_rate WHERE edition = ? AND rate_column = 'general'
              AND length(hts) = 8) g
        LEFT JOIN (SELECT hts, arg_min(COLUMNS(* EXCLUDE (hts)), coalesce(ad_valorem, 0))
                   FROM (SELECT hts, {", ".join(_RATE_SQL_COLUMNS)} FROM hts_rate
                         WHERE edition = ? AND rate_column = 'special'
                           AND program IN ({", ".join("?" * len(progs))})) GROUP BY hts) p
          ON p.hts = g.hts""", [ed, ed, *progs]).df()
    rows["value_usd"] = np.nan
    mfn, mfn_method = compute_ave(inputs_from_frame(rows, "mfn_"))
    pref, _ = compute_ave(inputs_from_frame(rows, "pref_"))
    pref = np.where(rows["pref_kind"].isna(), mfn, np.fmin(pref, mfn))
    frame = pd.DataFrame({"hs4": rows["hts"].str[:4], "mfn": mfn, "pref": pref})
    heads = frame.groupby("hs4").agg(mfn=("mfn", "mean"), pref=("pref", "mean"),
                                     n=("mfn", "size")).reset_index()
    fallback = int((mfn_method == "fallback_adval_only").sum())
    notes = [
        AuditNote("hs4_simple_average", len(heads),
                  f"APPROXIMATE: heading rates are the simple (trade-unweighted) average of the "
                  f"AVEs of {len(frame):,} 8-digit lines of the {ed} edition"),
        AuditNote("ave_fallback", fallback, "8-digit lines with specific duties averaged on "
                  "their ad valorem part only (no unit values at HS4): lower bound"),
    ]
    return heads, notes


def scenario_lines(con: duckdb.DuckDBPyConnection, scenario: Scenario, *,
                   monthly: bool = False) -> tuple[pd.DataFrame, list[AuditNote]]:
    """The engine's input for the scenario's base flows, plus notes from building it."""
    if not _has_rows(con, "flow"):
        raise InputError("no flows loaded (run: comexlab flows load)", field="flow")
    if scenario.base.level == "hts10":
        _ensure_naics_table(con)
        sql, params = hts10_lines_sql(scenario, monthly=monthly)
        return con.execute(sql, params).df(), []
    flows_sql, params = _flow_cte(scenario, monthly=monthly)
    flows = con.execute(flows_sql, params).df()
    heads, notes = _hs4_rates(con, scenario)
    merged = flows.merge(heads, left_on="product_code", right_on="hs4", how="left")
    found = merged["mfn"].notna()
    merged["mfn_kind"] = np.where(found, "ad_valorem", None)
    merged["mfn_ad_valorem"] = merged["mfn"]
    merged["mfn_rate_text"] = merged["n"].map(
        lambda n: f"simple average of {int(n)} lines" if pd.notna(n) else None)
    merged["pref_kind"] = merged["mfn_kind"]
    merged["pref_ad_valorem"] = merged["pref"]
    return merged.drop(columns=["hs4", "mfn", "pref", "n"]), notes


def _ensure_naics_table(con: duckdb.DuckDBPyConnection) -> None:
    """Before the flows loader has created ``hts_naics``, join an empty one."""
    row = con.execute("SELECT count(*) FROM information_schema.tables "
                      "WHERE table_name = 'hts_naics'").fetchone()
    if not row or not row[0]:
        con.execute("CREATE TEMP TABLE hts_naics (hts10 VARCHAR, naics6 VARCHAR, scian3 VARCHAR)")


def add_hs_groups(lines: pd.DataFrame) -> pd.DataFrame:
    """HS chapter and section (roman numeral) of each product code, for ``--by``."""
    from comexlab.nomenclature.hs import section_of

    chapter = lines["product_code"].astype(str).str[:2]
    sections = {c: _section_label(section_of, c) for c in chapter.unique()}
    return lines.assign(chapter=chapter, section=chapter.map(sections))


def _section_label(section_of: object, chapter: str) -> str:
    try:
        sec = section_of(chapter)  # type: ignore[operator]
    except (ValueError, KeyError):
        return "?"
    return f"{sec.number:02d} {sec.roman}"


# ---------------------------------------------------------------------------------------------
# State allocation (estimated)
# ---------------------------------------------------------------------------------------------

def state_shares(con: duckdb.DuckDBPyConnection, state_reporter: str) -> tuple[pd.DataFrame,
                                                                               int]:
    """Every state's share of national exports per SCIAN subsector (latest INEGI year)."""
    from comexlab.reports.allocation import subsector_shares

    base = con.execute("""
        SELECT reporter AS state, product_code AS scian3, value_usd, year FROM flow
        WHERE source = 'inegi_eaef' AND reporter_level = 'state' AND product_level = 'scian3'
          AND product_code NOT IN ('TOTAL', 'UNSPECIFIED')
          AND year = (SELECT max(year) FROM flow WHERE source = 'inegi_eaef')""").df()
    if base.empty:
        raise InputError("INEGI state exports are not loaded (run: comexlab flows load)",
                         field="--reporter", value=state_reporter)
    shares = subsector_shares(base[["state", "scian3", "value_usd"]])
    return shares, int(base["year"].iloc[0])


def allocate_to_state(lines: pd.DataFrame, shares: pd.DataFrame, state_reporter: str,
                      base_year: int) -> tuple[pd.DataFrame, AuditNote]:
    """ESTIMATED state lines: national value × state share of the line's subsector.

    Lines whose subsector is unmapped or absent from INEGI (agriculture, …) cannot be allocated
    to any state: their national value is reported in the audit trail, never spread.
    """
    covered = set(shares["scian3"])
    mine = shares[shares["state"] == state_reporter][["scian3", "state_share"]]
    merged = lines.merge(mine.rename(columns={"scian3": "subsector"}), on="subsector",
                         how="left")
    share = merged["state_share"].fillna(0.0).to_numpy()
    unallocated = ~merged["subsector"].isin(covered) & (merged["value_usd"] > 0)
    value_out = float(merged.loc[unallocated, "value_usd"].sum())
    note = AuditNote(
        "unallocated_lines", int(unallocated.sum()),
        f"national lines with no SCIAN subsector in INEGI EAEF (base year {base_year}; "
        f"agriculture, unmapped codes) cannot be allocated to any state "
        f"(US${value_out:,.0f} nationally, left out of {state_reporter})")
    out = merged.assign(
        reporter=state_reporter, reporter_level="state",
        value_usd=merged["value_usd"] * share,
        preference_value_usd=merged["preference_value_usd"] * share,
        quantity=merged["quantity"] * share,
        estimated=True,
    ).drop(columns=["state_share"])
    return out[out["value_usd"] > 0].reset_index(drop=True), note


# ---------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------

def run_scenario(con: duckdb.DuckDBPyConnection, scenario: Scenario, *,
                 reporter: str | None = None, smart: bool = True,
                 data_dir: Path | None = None, monthly: bool = False) -> ScenarioResult:
    """Run a scenario on the warehouse; ``reporter`` = ISO3 country or Mexican state."""
    lines, notes = scenario_lines(con, scenario, monthly=monthly)
    if reporter:
        lines, notes = _restrict(con, lines, notes, reporter)
    lines = add_hs_groups(lines)
    names = {n for ov in scenario.overlays for n in (*ov.products.lists,
                                                     *ov.products.exclude_lists)}
    result = apply(scenario, lines, product_lists=read_product_lists(names, data_dir=data_dir),
                   elasticities=read_elasticities(data_dir=data_dir) if smart else None)
    return dataclasses.replace(result, audit=(*result.audit, *(n for n in notes if n.count)))


def _restrict(con: duckdb.DuckDBPyConnection, lines: pd.DataFrame, notes: list[AuditNote],
              reporter: str) -> tuple[pd.DataFrame, list[AuditNote]]:
    from comexlab.nomenclature.states import state

    code = reporter.upper()
    if code in set(lines["reporter"]):
        return lines[lines["reporter"] == code].reset_index(drop=True), notes
    try:
        st = state(reporter)
    except ValueError as exc:
        raise InputError(f"unknown reporter {reporter!r}: not a country in the scenario "
                         f"({', '.join(sorted(set(lines['reporter'])))}) nor a Mexican state",
                         field="--reporter", value=reporter) from exc
    national = lines[lines["reporter"] == "MEX"]
    shares, year = state_shares(con, st.reporter)
    allocated, note = allocate_to_state(national, shares, st.reporter, year)
    return allocated, [*notes, note]


def compare_scenarios(results: Sequence[ScenarioResult], by: Sequence[str] = ()) -> pd.DataFrame:
    """Headline figures of several scenario results side by side (one row per scenario × by)."""
    frames = []
    for res in results:
        agg = res.aggregate(by)
        agg.insert(0, "scenario", res.scenario.name)
        frames.append(agg)
    return pd.concat(frames, ignore_index=True)


def validate_file(path: Path, con: duckdb.DuckDBPyConnection | None = None) -> Scenario:
    """Validate a scenario file (and its prefixes when a schedule is loaded)."""
    if not path.is_file():
        raise InputError("scenario file not found", file=path)
    return load_scenario(str(path), con)
