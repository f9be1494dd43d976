"""CLI startup: verb groups and heavy libraries are imported only when a command needs them.

Checked on what is imported, not on time (no timed assertions): each case runs in a fresh
interpreter, because this test process has long imported pandas & co. Figures are in
bench/README-cli.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import comexlab
from comexlab import cli

HEAVY = ("ibis", "pandas", "duckdb", "pyarrow", "sqlalchemy", "fastapi", "openpyxl", "numpy")
SRC = str(Path(comexlab.__file__).resolve().parent.parent)

_PROBE = """
import json, sys
args, heavy = json.loads(sys.argv[1]), json.loads(sys.argv[2])
sys.argv = ["comexlab", *args]
from comexlab.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules
                        if m in heavy or m.startswith("comexlab.commands"))))
"""


def _imported(*argv: str) -> list[str]:
    """Modules loaded by running ``comexlab argv`` in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": SRC}
    out = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(list(argv)),
                          json.dumps(HEAVY)], capture_output=True, text=True, env=env,
                         check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("argv", [["version"], ["--help"]])
def test_version_and_help_import_no_heavy_library_nor_group(argv: list[str]) -> None:
    assert _imported(*argv) == []


def test_a_group_is_imported_when_run() -> None:
    loaded = _imported("web", "--help")
    assert "comexlab.commands.web" in loaded
    assert "comexlab.commands.hts" not in loaded
    assert not {"ibis", "pandas"} & set(loaded)


def test_hts_group_does_not_import_ibis() -> None:
    # `hts show` runs plain DuckDB SQL; Ibis is for coverage and diff only
    loaded = _imported("hts", "--help")
    assert "comexlab.commands.hts" in loaded and "pandas" in loaded
    assert "ibis" not in loaded


@pytest.mark.parametrize("name", list(cli.GROUPS))
def test_listed_help_is_the_group_own_help(name: str) -> None:
    # the root help lists groups from cli.GROUPS without importing them: same text as the module
    app = cli.load_group(name)
    assert cli.GROUPS[name].help_text() == app.info.help


def test_root_help_lists_every_group() -> None:
    result = CliRunner().invoke(cli.app, ["--help"])
    assert result.exit_code == 0
    for name in cli.GROUPS:
        assert name in result.output


def test_a_missing_group_module_is_an_error_not_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(cli.GROUPS, "ghost", cli.LazyGroup("no_such_module", "Ghost."))
    result = CliRunner().invoke(cli.app, ["ghost", "--help"])
    assert isinstance(result.exception, ModuleNotFoundError)
    assert "comexlab.commands.no_such_module" in str(result.exception)
