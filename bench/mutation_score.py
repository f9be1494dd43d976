"""Mutation score per module from a finished `mutmut run` (the mutants/ folder).

Why a script: `mutmut results` lists mutants one by one and `mutmut export-cicd-stats` gives one
total; the issue asks for the score per pure module. Score = killed / (killed + survived +
no tests): a mutant no unit test reaches counts as not killed. Timeouts count as killed (the
mutant made the code loop), as mutmut does.

    python bench/mutation_score.py [mutants/] [--survivors FILE]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

# mutmut's exit codes (mutmut.stats.status_by_exit_code), grouped
KILLED = {1, 3, 36, -24, 24, 152, 255, 37}
SURVIVED = {0}
NO_TESTS = {5, 33}


def _status(code: int | None) -> str:
    if code is None:
        return "not checked"
    if code in KILLED:
        return "killed"
    if code in SURVIVED:
        return "survived"
    if code in NO_TESTS:
        return "no tests"
    return "other"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mutants", type=Path, nargs="?", default=Path("mutants"))
    parser.add_argument("--survivors", type=Path, help="write surviving mutant names here")
    args = parser.parse_args()

    rows: list[tuple[str, Counter[str]]] = []
    survivors: list[str] = []
    for meta in sorted((args.mutants / "src").rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if not codes:
            continue
        counts = Counter(_status(c) for c in codes.values())
        survivors += [k for k, c in codes.items() if _status(c) in ("survived", "no tests")]
        rows.append((str(meta.relative_to(args.mutants / "src"))[:-5], counts))

    print("| module | mutants | killed | survived | no tests | not checked | score |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    by_package: dict[str, Counter[str]] = {}
    for name, c in rows:
        by_package.setdefault(str(Path(name).parent), Counter()).update(c)
        _row(name, c)
    for package, c in sorted(by_package.items()):
        _row(f"**{package}/**", c)
    if args.survivors:
        args.survivors.write_text("\n".join(sorted(survivors)) + "\n", encoding="utf-8")


def _row(name: str, c: Counter[str]) -> None:
    decided = c["killed"] + c["survived"] + c["no tests"]
    score = f"{c['killed'] / decided:.0%}" if decided else "—"
    print(f"| {name} | {sum(c.values())} | {c['killed']} | {c['survived']} | {c['no tests']} | "
          f"{c['not checked']} | {score} |")


if __name__ == "__main__":
    main()
