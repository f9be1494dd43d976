"""`comexlab report exports` and the dashboard ask the report service the same question.

Issue 11: the request (reporter resolved, window parsed, cut checked) used to be assembled twice,
once in the CLI and once in the web adapter. Both now go through ``report_request`` and
``state_report`` of :mod:`comexlab.services.reports`; here the service is replaced by a
recorder, so the test sees exactly what each edge asked.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from comexlab.cli import app
from comexlab.errors import InputError
from comexlab.services import reports as svc
from comexlab.web.adapters.report import dashboard


class _Asked(Exception):
    """Raised by the recorder: the request was made, nothing else is needed."""


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[svc.ReportRequest]:
    seen: list[svc.ReportRequest] = []

    def record(con: duckdb.DuckDBPyConnection, request: svc.ReportRequest) -> svc.StateReport:
        seen.append(request)
        raise _Asked

    monkeypatch.setattr(svc, "state_report", record)
    return seen


def test_cli_and_dashboard_make_the_same_request(asked: list[svc.ReportRequest],
                                                 tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    duckdb.connect(str(warehouse)).close()
    result = CliRunner().invoke(app, ["report", "exports", "--reporter", "Guanajuato",
                                      "--from", "2018", "--lang", "en",
                                      "--warehouse", str(warehouse)])
    assert isinstance(result.exception, _Asked), result.output
    with duckdb.connect(":memory:") as con, pytest.raises(_Asked):
        dashboard(con, reporter="MX-GTO", start="2018", end="2018", lang="en")
    cli, web = asked
    assert cli == web
    assert (cli.reporter.code, cli.window.start.code, cli.window.end.code) == (
        "MX-GTO", "2018", "2018")


def test_bad_input_is_refused_before_the_warehouse_is_opened(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.duckdb"
    result = CliRunner().invoke(app, ["report", "exports", "--reporter", "GTO", "--from", "2018",
                                      "--by", "colour", "--lang", "en",
                                      "--warehouse", str(missing)])
    # the cut is refused (by the option's one Literal, GroupCut: a usage error, exit 2), not
    # the missing warehouse (which would say "warehouse not found")
    assert result.exit_code == 2, result.output
    assert "colour" in result.output and "subsector" in result.output
    assert "not found" not in result.output
    assert not missing.exists()
    with pytest.raises(InputError, match="colour"):
        svc.report_request(svc.ReportQuestion(reporter="GTO", first="2018", by="colour",
                                              lang="en"))


def test_a_known_cut_and_no_cut_pass_through_unchanged() -> None:
    # `by` is checked against ALL_GROUP_CUTS and handed on as the same cut (None: the source's
    # default group cut), so the typed request says exactly what the user asked for
    ask = svc.ReportQuestion(reporter="GTO", first="2018", lang="en")
    assert svc.report_request(dataclasses.replace(ask, by="chapter")).by == "chapter"
    assert svc.report_request(ask).by is None
