"""The layer contracts in .importlinter hold (issue 11): CI fails on a wrong-way import.

``make test`` runs ``lint-imports`` after ruff; this test runs it too so that a plain
``pytest tests/unit`` catches a broken contract (pure package importing DuckDB, web importing
the CLI, registry importing web, a new import cycle, ...).
"""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint_imports() -> Path:
    exe = Path(sys.executable).parent / "lint-imports"
    assert exe.exists(), f"{exe} not found: install the dev extras (pip install -e '.[dev]')"
    return exe


def test_every_layer_contract_is_kept() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([str(_lint_imports()), "--no-cache"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_no_cycle_is_ignored() -> None:
    # The two package loops inside tariffs/ (regime.lists → scenario for ProductList,
    # regime.compute → engine for prefix_mask) were ignored; the leaf modules
    # tariffs/product_lists.py and tariffs/prefixes.py removed them, so nothing may be ignored.
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter", encoding="utf-8")
    contract = config["importlinter:contract:no-cycles"]
    assert contract["type"] == "acyclic_siblings"
    assert "ignore_imports" not in contract
