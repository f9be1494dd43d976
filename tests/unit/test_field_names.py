"""Services name fields in the domain's words; each edge shows its own name (issue 11).

Before, services raised ``field="--from"`` (a CLI flag) and that name reached API clients.
Now ``reports.windows`` says ``start``; the CLI shows ``--from`` (``cli.main`` maps through
``commands.choices.FLAGS``) and the web API ``start`` (its parameter).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from comexlab import cli
from comexlab.commands.choices import FLAGS
from comexlab.errors import InputError, Problem, rename_fields
from comexlab.i18n import Msg
from comexlab.reports.windows import Window


def test_window_names_the_domain_fields() -> None:
    with pytest.raises(InputError) as bad_start:
        Window.parse("2018-13")
    assert bad_start.value.field == "start"
    with pytest.raises(InputError) as reversed_window:
        Window.parse("2019-02", "2019-01")
    assert reversed_window.value.field == "end"


def test_rename_fields_maps_options_but_not_a_files_columns() -> None:
    exc = InputError(Msg("error.period"), field="start", value="2018-13")
    rename_fields(exc, FLAGS)
    assert exc.field == "--from" and exc.problems[0].field == "--from"
    in_file = InputError(Msg("error.src.usmca_exceeds"), problems=[
        Problem.of(Msg("error.src.usmca_exceeds"), "m.csv", 3, "start"),  # a column named so
        Problem.of(Msg("error.period"), None, None, "end")])
    rename_fields(in_file, FLAGS)
    assert [p.field for p in in_file.problems] == ["start", "--to"]


def test_no_flag_name_in_the_domain_layers() -> None:
    """A CLI flag as a field name below the edges would reach API clients again."""
    import comexlab

    root = Path(comexlab.__file__).parent
    offenders = [f"{p.relative_to(root)}:{i}"
                 for folder in ("sources", "warehouse", "registry", "services", "reports",
                                "tariffs", "supply", "markets", "matching", "sites", "web")
                 for p in (root / folder).rglob("*.py")
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if 'field="--' in line or "field='--" in line]
    assert offenders == []


def test_cli_prints_the_flag(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                             tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "argv", ["comexlab", "report", "exports", "--reporter", "MEX",
                                      "--from", "2018-13", "--warehouse",
                                      str(tmp_path / "none.duckdb"), "--lang", "en"])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "field '--from'" in err and "'2018-13'" in err
    assert "field 'start'" not in err
