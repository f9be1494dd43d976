"""The export report built from the Ibis queries equals the report built from the old SQL.

The reference side reads the warehouse with the SQL the service used before the Ibis rewrite
(kept verbatim below), tags windows in pandas and calls the same pure ``build_report``; every
figure of the headline and of every cut must agree, on the real DataWeb, INEGI and Comtrade
files.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd
import pytest

from comexlab.reports import profiles as prof
from comexlab.reports.cuts import add_cut_keys
from comexlab.reports.exports import STATES_IN_MEXICO, ReportInput, build_report
from comexlab.reports.reporters import resolve_reporter
from comexlab.reports.windows import Window
from comexlab.services import reports as svc
from comexlab.services.reports import ReportRequest, export_report


def _old_rows(con: duckdb.DuckDBPyConnection, source: str, periods: Sequence[str],
              **where: str) -> pd.DataFrame:
    sql = ("SELECT reporter, period, year, product_code, product_level, partner, value_usd "
           "FROM flow WHERE source = ? AND flow = 'export' AND list_contains(?, period)")
    params: list[object] = [source, list(periods)]
    for column, value in where.items():
        sql += f" AND {column} = ?"
        params.append(value)
    return con.execute(sql, params).df()


def _old_input(con: duckdb.DuckDBPyConnection, req: ReportRequest,
               profile: prof.SourceProfile) -> ReportInput:
    current = prof.periods_needed(profile, req.window)
    prior = prof.periods_needed(profile, req.window.prior())
    extra = {"partner": req.partner} if req.partner else {}
    rows = _old_rows(con, profile.source, [*current, *prior], reporter=req.reporter.code,
                     **extra)

    def tag(frame: pd.DataFrame) -> pd.DataFrame:
        window = frame["period"].map(
            lambda p: "current" if p in current else "prior" if p in prior else "")
        keep = frame["product_level"].isin([profile.product_level, "total"]) & (window != "")
        return add_cut_keys(frame.assign(window=window,
                                         is_total=frame["product_level"] == "total")[keep],
                            profile.classification)

    national = None
    if req.reporter.level == "state":
        everyone = _old_rows(con, profile.source, [*current, *prior], reporter_level="state",
                             **extra)
        if everyone.loc[everyone["period"].isin(current), "reporter"].nunique() >= (
                STATES_IN_MEXICO):
            national = tag(everyone)
    return ReportInput(rows=tag(rows), national=national)


@pytest.mark.parametrize(("reporter", "start", "end", "partner", "by"), [
    ("GTO", "2018", "2018", None, None),              # INEGI, with the national share
    ("MEX", "2026-01", "2026-02", "USA", "section"),  # DataWeb lines, monthly
    ("MEX", "2019", "2019", None, None),              # Comtrade HS4 by partner
])
def test_report_from_ibis_equals_report_from_sql(
        flows_con: duckdb.DuckDBPyConnection, reporter: str, start: str, end: str,
        partner: str | None, by: str | None) -> None:
    req = ReportRequest(reporter=resolve_reporter(reporter), window=Window.parse(start, end),
                        partner=partner, by=by, lang="en")  # type: ignore[arg-type]
    new = export_report(flows_con, req)
    old = build_report(req.reporter, req.window, new.source,
                       svc._with_labels(flows_con, req, new.source,
                                        _old_input(flows_con, req, new.source)),
                       partner=req.partner, by=req.by, top=req.top)
    assert new.total.value_usd > 0
    assert new.total == old.total
    assert [c.cut for c in new.cuts] == [c.cut for c in old.cuts]
    for mine, ref in zip(new.cuts, old.cuts, strict=True):
        pd.testing.assert_frame_equal(mine.rows, ref.rows, rtol=1e-12)
