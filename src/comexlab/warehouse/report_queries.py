"""The queries behind the report services (:mod:`comexlab.services.reports`).

Only reading the warehouse lives here: what is loaded, flow rows of a source and window, HTS
descriptions, the load log, INEGI subsector rows, revision statuses. Choosing the source,
allocating states and computing the report are the services' and the pure ``comexlab.reports``
package's work.

The queries are Ibis expressions (:mod:`comexlab.warehouse.expr`): the report's rows are
filtered, tagged current/prior and summed per product × partner in DuckDB, so the pure code
receives one row per product, partner and window instead of one per month and reporter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd

from comexlab.reports import profiles as prof
from comexlab.reports.exports import SourceProfile
from comexlab.warehouse import expr

NATIONAL = "MEX"


# --------------------------------------------------------------------------- coverage


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                        [name]).fetchone()
    return bool(found and found[0])


def loaded_periods(con: duckdb.DuckDBPyConnection, reporter: str) -> dict[str, set[str]]:
    """Source → export periods loaded for ``reporter`` (plus what can be estimated)."""
    out: dict[str, set[str]] = {}
    samples = format_sample_sources(con)
    flow = expr.table(con, "flow")
    pairs = (flow.filter(flow.reporter == reporter, flow.flow == "export")
             .select("source", "period").distinct().to_pyarrow())
    for source, period in zip(pairs["source"].to_pylist(), pairs["period"].to_pylist(),
                              strict=True):
        if source not in samples:
            out.setdefault(source, set()).add(period)
    if reporter.startswith("MX-") and estimate_inputs_loaded(con):
        out[prof.STATE_ESTIMATED] = loaded_periods_national(con)
    return out


def format_sample_sources(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Sources loaded only from FORMAT_SAMPLE files (e.g. the shipped DataMéxico sample).

    A format sample is a few hand-copied rows: reporting from it would show a fraction of a
    state's trade as if it were the whole, so such a source never answers a report.
    """
    log = expr.table(con, "load_log")
    flows_logged = log.filter(log.dataset.startswith("flow:"))
    per_dataset = flows_logged.group_by("dataset").aggregate(
        only_samples=flows_logged.file.contains("FORMAT_SAMPLE").all())
    samples = per_dataset.filter(per_dataset.only_samples).dataset.to_pyarrow().to_pylist()
    return {str(d).removeprefix("flow:") for d in samples}


def loaded_periods_national(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Months of Mexico → US lines loaded from DataWeb (the base of every estimate)."""
    flow = expr.table(con, "flow")
    periods = flow.filter(flow.source == prof.DATAWEB, flow.reporter == NATIONAL,
                          flow.flow == "export").period.as_table().distinct()
    return set(periods.to_pyarrow()["period"].to_pylist())


def estimate_inputs_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    """Allocation needs INEGI subsectors, DataWeb lines and the HTS10 → SCIAN concordance."""
    if not _table_exists(con, "hts_naics"):
        return False
    flow = expr.table(con, "flow")
    inegi = flow.filter(flow.source.isin(list(prof.INEGI_SOURCES)))
    return (_any(expr.table(con, "hts_naics")) and _any(inegi)
            and _any(flow.filter(flow.source == prof.DATAWEB, flow.reporter == NATIONAL)))


def _any(rows: ir.Table) -> bool:
    return bool(rows.limit(1).count().to_pyarrow().as_py())


def export_reporter_periods(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """(reporter, reporter_level, period) of every export loaded, format samples left out."""
    samples = format_sample_sources(con)
    flow = expr.table(con, "flow")
    exports = flow.filter(flow.flow == "export")
    if samples:
        exports = exports.filter(~exports.source.isin(sorted(samples)))
    rows = exports.select("reporter", "reporter_level", "period").distinct().to_pyarrow()
    return list(zip(rows["reporter"].to_pylist(), rows["reporter_level"].to_pylist(),
                    rows["period"].to_pylist(), strict=True))


# --------------------------------------------------------------------------- reading rows


def read_flow_rows(con: duckdb.DuckDBPyConnection, source: str, periods: Sequence[str], *,
                   reporter: str | None = None, reporter_level: str | None = None,
                   partner: str | None = None) -> pd.DataFrame:
    """Export rows of one source for ``periods``: one reporter, or every reporter of a level."""
    return flow_rows(con, source, periods, reporter=reporter, reporter_level=reporter_level,
                     partner=partner).to_pandas()


def flow_rows(con: duckdb.DuckDBPyConnection, source: str, periods: Sequence[str], *,
              reporter: str | None = None, reporter_level: str | None = None,
              partner: str | None = None) -> ir.Table:
    """Expression of :func:`read_flow_rows` (compose it before running)."""
    flow = expr.table(con, "flow")
    wanted = [flow.source == source, flow.flow == "export", flow.period.isin(list(periods))]
    for column, value in (("reporter", reporter), ("reporter_level", reporter_level),
                          ("partner", partner)):
        if value is not None:
            wanted.append(flow[column] == value)
    return flow.filter(*wanted).select("reporter", "period", "year", "product_code",
                                       "product_level", "partner", "value_usd")


def count_reporters(rows: ir.Table, periods: Sequence[str]) -> int:
    """How many reporters have rows in ``periods`` (is the national sum complete?)."""
    in_window = rows.filter(rows.period.isin(list(periods)))
    return int(in_window.reporter.nunique().to_pyarrow().as_py())


def window_rows(rows: ir.Table, current: Sequence[str], prior: Sequence[str],
                profile: SourceProfile) -> pd.DataFrame:
    """Rows of both windows summed per product × partner (months and reporters folded).

    Same rows as :func:`comexlab.reports.profiles.tag_windows` would give, less the
    period/reporter detail the report never reads: columns ``window``, ``product_code``,
    ``product_level``, ``partner``, ``value_usd``, ``is_total``. Only the source's report level
    and its own total rows are kept.
    """
    tagged = expr.tag_windows(rows, current, prior)
    tagged = tagged.filter(tagged.product_level.isin([profile.product_level, "total"]))
    summed = (tagged.group_by(["window", "product_code", "product_level", "partner"])
              .aggregate(value_usd=tagged.value_usd.sum())
              .mutate(is_total=ibis._.product_level == "total"))
    return summed.order_by(["window", "product_code", "partner"]).to_pandas()


def source_files(con: duckdb.DuckDBPyConnection, source: str) -> list[tuple[str, str, str]]:
    """(file, sha256, loaded_at) of the latest load of each file of a source, for the notes."""
    datasets = ([f"flow:{prof.DATAWEB}", f"flow:{inegi_share_source(con)}", "hts_naics"]
                if source == prof.STATE_ESTIMATED else [f"flow:{source}"])
    log = expr.table(con, "load_log")
    mine = log.filter(log.dataset.isin(datasets))
    latest = (mine.group_by("file")
              .aggregate(sha256=mine.sha256.argmax(mine.loaded_at),
                         loaded_at=mine.loaded_at.max())
              .order_by("file").to_pyarrow().to_pylist())
    return [(str(r["file"]), str(r["sha256"]), str(r["loaded_at"])) for r in latest]


# --------------------------------------------------------------------------- allocation inputs


def inegi_share_source(con: duckdb.DuckDBPyConnection) -> str | None:
    """The INEGI source the allocation uses: the newest package loaded (EEF before EAEF)."""
    flow = expr.table(con, "flow")
    found = (flow.filter(flow.source.isin(list(prof.INEGI_SOURCES))).select("source").distinct()
             .to_pyarrow()["source"].to_pylist())
    return prof.inegi_for_shares(found)


def inegi_subsector_rows(con: duckdb.DuckDBPyConnection, source: str) -> pd.DataFrame:
    """State × SCIAN subsector exports of an INEGI source: ``year, state, scian3, value_usd``.

    The 'UNSPECIFIED' rows (EEF code 000, the sum of the subsectors withheld for
    confidentiality) belong to no subsector and are left out.
    """
    flow = expr.table(con, "flow")
    inegi = flow.filter(flow.source == source, flow.product_level == "scian3",
                        flow.product_code != "UNSPECIFIED")
    return inegi.select(year=inegi.year, state=inegi.reporter, scian3=inegi.product_code,
                        value_usd=inegi.value_usd).to_pandas()


def national_hts10_lines(con: duckdb.DuckDBPyConnection, periods: Sequence[str]) -> pd.DataFrame:
    """Mexico → US DataWeb lines of ``periods``: ``period, hts10, value_usd``."""
    lines = read_flow_rows(con, prof.DATAWEB, periods, reporter=NATIONAL)
    lines = lines[lines["product_level"] == "hts10"].rename(columns={"product_code": "hts10"})
    return lines[["period", "hts10", "value_usd"]]


def hts_scian(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The HTS10 → SCIAN subsector concordance: ``hts10, scian3``."""
    return expr.table(con, "hts_naics").select("hts10", "scian3").to_pandas()


def real_state_rows(con: duckdb.DuckDBPyConnection, state: str,
                    periods: Sequence[str]) -> pd.DataFrame:
    """A state's real HS6 exports to the US (DataMéxico): ``period, state, hs6, value_usd``.

    Empty when DataMéxico is loaded only from its FORMAT_SAMPLE (see
    :func:`format_sample_sources`).
    """
    rows = read_flow_rows(con, prof.DATAMEXICO, periods, reporter=state, partner=prof.US)
    if prof.DATAMEXICO in format_sample_sources(con):
        rows = rows.iloc[0:0]
    rows = rows[rows["product_level"] == "hs6"]
    return pd.DataFrame({"period": rows["period"], "state": rows["reporter"],
                         "hs6": rows["product_code"], "value_usd": rows["value_usd"]})


def revision_statuses(con: duckdb.DuckDBPyConnection, source: str, periods: Sequence[str], *,
                      reporter: str | None = None) -> dict[str, list[str]]:
    """Non-definitive revision statuses of a source's rows in ``periods`` → their periods.

    {'preliminary': ['2025'], 'revised': ['2024']}: what the notes must say may still change.
    Empty for sources that do not flag their figures (and warehouses built before the column).
    """
    flow = expr.table(con, "flow")
    if "revision_status" not in flow.columns or not periods:
        return {}
    rows = flow.filter(flow.source == source, flow.period.isin(list(periods)),
                       flow.revision_status.notnull(), flow.revision_status != "definitive")
    if reporter is not None:
        rows = rows.filter(rows.reporter == reporter)
    found = (rows.select("revision_status", "period").distinct()
             .order_by(["revision_status", "period"]).to_pyarrow().to_pylist())
    out: dict[str, list[str]] = {}
    for r in found:
        out.setdefault(str(r["revision_status"]), []).append(str(r["period"]))
    return out


@dataclass(frozen=True, slots=True)
class StateExports:
    """Every state's exports in one year from one INEGI source (the map of the dashboard).

    ``values``: reporter ('MX-GTO') → US$, only for the states the source has that year (a
    state it lacks is absent, never 0). ``source`` is ``None`` when no INEGI source has the
    year; ``years``: the years some INEGI source has, newest first.
    """

    year: str
    source: str | None
    values: dict[str, float]
    years: tuple[str, ...]


def state_exports(con: duckdb.DuckDBPyConnection, year: str) -> StateExports:
    """How much did each state export in ``year``? (INEGI EEF, else EAEF: same as the reports).

    Each state's figure follows the report's total rule (:func:`window_total`: the source's
    total rows where it gives them — EAEF —, else the sum of its subsector rows, confidential
    remainder 'UNSPECIFIED' included), so a state's value on the map is the total its own
    dashboard shows for that year.
    """
    flow = expr.table(con, "flow")
    inegi = flow.filter(flow.source.isin(list(prof.INEGI_SOURCES)), flow.flow == "export",
                        flow.reporter_level == "state")
    years = inegi.select("source", "period").distinct().to_pyarrow().to_pylist()
    having = {str(r["source"]) for r in years if r["period"] == year}
    source = next((s for s in prof.INEGI_SOURCES if s in having), None)
    all_years = tuple(sorted({str(r["period"]) for r in years}, reverse=True))
    if source is None:
        return StateExports(year=year, source=None, values={}, years=all_years)
    level = prof.PROFILES[source].product_level
    rows = inegi.filter(inegi.source == source, inegi.period == year,
                        inegi.product_level.isin([level, "total"]))
    sums = (rows.group_by(["reporter", "product_level"])
            .aggregate(value_usd=rows.value_usd.sum()).to_pyarrow().to_pylist())
    values: dict[str, float] = {}
    for r in sorted(sums, key=lambda r: r["product_level"] != "total"):  # total rows first
        if r["value_usd"] is not None:
            values.setdefault(str(r["reporter"]), float(r["value_usd"]))
    return StateExports(year=year, source=source, values=values, years=all_years)
