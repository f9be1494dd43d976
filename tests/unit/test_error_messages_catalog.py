"""Every error a loader or the warehouse shows a person comes from the catalog (issue 11).

The scan reads the source of ``sources/`` and ``warehouse/`` (AST, not text) and fails on a
``raise`` whose exception is built from a bare string literal or f-string, and on the other
message carriers (``Problem``/``Problem.of``, ``fail_at_first``/``map_fixed``, ``AuditNote``)
given one: such text reaches readers in English only. Use ``Msg(key, **params)`` with a key in
``locales/*.csv`` (English and Spanish). The few raises listed in :data:`ALLOWED` are internal
invariants no user input can reach.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import comexlab

PACKAGE = Path(comexlab.__file__).parent
SCANNED = ("sources", "warehouse")

#: (file relative to the package, start of the text): programming errors, not user messages.
ALLOWED = {
    ("sources/http.py", "unreachable: the loop returns or raises"),
    ("warehouse/db.py", "replace_rows needs a non-empty 'where'"),
}

#: Message carriers and the position of their message argument (keyword ``message``/``detail``
#: is checked too).
CARRIERS = {"Problem": 0, "of": 0, "fail_at_first": 4, "map_fixed": 4, "AuditNote": 2}


def _literal(node: ast.expr | None) -> bool:
    """A bare English text: a string literal, an f-string, or text glued to one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _literal(node.left) or _literal(node.right)
    if isinstance(node, ast.IfExp):
        return _literal(node.body) or _literal(node.orelse)
    return False


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _message_args(call: ast.Call, position: int | None) -> list[ast.expr]:
    args = list(call.args) if position is None else call.args[position:position + 1]
    return args + [k.value for k in call.keywords if k.arg in ("message", "detail", "hint")]


def bare_messages(source: str, filename: str = "<test>") -> list[tuple[int, str]]:
    """(line, code) of every raise or message carrier built from bare English text."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            call, position = node.exc, None
        elif isinstance(node, ast.Call) and _name(node.func) in CARRIERS:
            call, position = node, CARRIERS[_name(node.func)]
        else:
            continue
        if any(_literal(a) for a in _message_args(call, position)):
            found.append((node.lineno, ast.unparse(call)))
    return found


def _allowed(relative: str, code: str) -> bool:
    return any(relative == file and text in code for file, text in ALLOWED)


def test_no_english_only_error_in_sources_and_warehouse() -> None:
    offenders = []
    for folder in SCANNED:
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            relative = path.relative_to(PACKAGE).as_posix()
            offenders += [f"{relative}:{line}: {code[:100]}"
                          for line, code in bare_messages(path.read_text(encoding="utf-8"),
                                                          str(path))
                          if not _allowed(relative, code)]
    assert not offenders, ("English-only messages (use Msg with a catalog key):\n"
                           + "\n".join(offenders))


def test_scanned_folders_exist() -> None:
    """A renamed folder would make the scan above pass on nothing."""
    for folder in SCANNED:
        assert len(list((PACKAGE / folder).rglob("*.py"))) > 5, folder


@pytest.mark.parametrize("code", [
    'raise InputError("usmca exceeds total", file=p)',
    'raise InputError(f"month {m} out of range", file=p)',
    'raise ValueError("bad " + name)',
    'raise InputError("a" if x else Msg("k"))',
    'problems.append(Problem("not a number", str(path), 2, "value"))',
    'problems.append(Problem.of(f"not a {n}-digit code", str(path), 2, "hs10"))',
    'ft.fail_at_first(df, bad, path, "usmca_value", "usmca_value exceeds total_value")',
    'ft.map_fixed(df, "imp_exp", path, FLOWS, message="1 or 2")',
    'AuditNote("unit_converted", 3, "thousands of USD")',
])
def test_scan_catches_bare_text(code: str) -> None:
    assert bare_messages(f"def f():\n    {code}\n")


@pytest.mark.parametrize("code", [
    'raise InputError(Msg("error.src.usmca_exceeds"), file=p)',
    'raise InputError(Msg("error.src.name_month", month=m), file=p) from exc',
    'problems.append(Problem.of(Msg("error.src.not_a_number"), str(path), 2, "value"))',
    'ft.fail_at_first(df, bad, path, "usmca_value", Msg("error.src.usmca_exceeds"))',
    'AuditNote("unit_converted", 3, Msg("audit.detail.thousands_usd"))',
    'raise',
    'raise InputError(Msg("k"), field="lists", value="x")',
])
def test_scan_lets_catalog_messages_pass(code: str) -> None:
    assert bare_messages(f"def f():\n    {code}\n") == []
