"""DESIGN.md: a pure package never imports I/O packages; data flows one way.

Every module of the pure packages is parsed (``ast``, nothing is imported or run) and each
import — at module level or inside a function, absolute or relative — is checked against the
forbidden list. A failure names the module, the line and what it imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import comexlab

ROOT = Path(comexlab.__file__).parent
PURE = ("tariffs", "supply", "markets", "matching", "nomenclature", "reports", "sites")
FORBIDDEN = ("duckdb", "httpx", "sqlalchemy", "comexlab.sources", "comexlab.warehouse",
             "comexlab.registry", "comexlab.web", "comexlab.commands", "comexlab.cli")


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``path``."""
    package = ".".join(("comexlab", *path.relative_to(ROOT).with_suffix("").parts[:-1]))
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the module's package
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found += [(node.lineno, base)]
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _violations(path: Path) -> list[str]:
    rel = path.relative_to(ROOT.parent)
    return [f"{rel}:{line} imports {name}" for line, name in _imports(path)
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)]


@pytest.mark.parametrize("package", PURE)
def test_pure_package_imports_no_io(package: str) -> None:
    modules = sorted((ROOT / package).rglob("*.py"))
    assert modules, f"no modules found in comexlab.{package}"
    problems = [v for path in modules for v in _violations(path)]
    assert not problems, "pure package imports I/O code:\n" + "\n".join(problems)


def test_the_check_catches_an_offender(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a module inside a fake pure package that imports the warehouse two ways
    fake_root = tmp_path / "comexlab"
    (fake_root / "tariffs").mkdir(parents=True)
    bad = fake_root / "tariffs" / "leaky.py"
    bad.write_text("import duckdb\n\ndef f():\n    from ..warehouse import db\n",
                   encoding="utf-8")
    monkeypatch.setattr(__name__ + ".ROOT", fake_root)
    assert _violations(bad) == ["comexlab/tariffs/leaky.py:1 imports duckdb",
                                "comexlab/tariffs/leaky.py:4 imports comexlab.warehouse",
                                "comexlab/tariffs/leaky.py:4 imports comexlab.warehouse.db"]
