"""The hand mutants of issue 11: apply each, run the tests that should catch it, revert.

Why: these are the realistic wrong numbers a first hand mutation check found surviving; each
must now fail a test. mutmut (`make mutate`) covers the systematic mutants; this script keeps
the hand-picked ones checkable in two minutes. `--compare OLD` runs the same mutants against
another checkout (e.g. the commit before the tests were added, unpacked with `git archive`).

    python bench/hand_mutants.py [--compare /tmp/old-checkout]

Each source file is restored in a ``finally`` block; run it on a clean work tree.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_SPECS = ("specs = tuple(SpecificDuty(sign * c.amount, c.unit, c.basis) for c in comps\n"
          "                  if isinstance(c, SpecificDuty))")
_HAUK = 'ok = (frame["positive"] == 1) & (frame["impliedelasticity"] > 0)'
PARSER, AVE = "src/comexlab/tariffs/rate_parser.py", "src/comexlab/tariffs/ave.py"
SMART, HAUK = "src/comexlab/tariffs/smart.py", "src/comexlab/sources/scenario_inputs.py"
T_PARSER, T_AVE = "tests/unit/test_rate_parser.py", "tests/unit/test_scenario_ave.py"
T_SMART, T_ENGINE = "tests/unit/test_scenario_formulas.py", "tests/unit/test_scenario_engine.py"
T_HAUK = ["tests/integration/test_hauk_elasticities.py", "tests/integration/test_scenario_run.py"]

# (name, file, code, mutated code, tests that must catch it)
MUTANTS: list[tuple[str, str, str, str, list[str]]] = [
    ("parser takes last ad valorem part", PARSER,
     "ad_valorem=advs[0].rate if advs", "ad_valorem=advs[-1].rate if advs", [T_PARSER, T_AVE]),
    ("'not less than' as a cap (AVE)", AVE,
     'isin(["lesser", "maximum"])', 'isin(["lesser", "maximum", "minimum"])', [T_AVE]),
    ("'not less than' parsed as a cap", PARSER,
     'rule="minimum" if m["min"] else "maximum"', 'rule="maximum"', [T_PARSER, T_AVE]),
    ("second specific part dropped (AVE)", AVE,
     "(self.specific2_amount, self.specific2_unit)):", "):", [T_AVE]),
    ("second specific part dropped (parser)", PARSER, _SPECS, _SPECS + "[:1]",
     [T_PARSER, T_AVE]),
    ("real data drops other states' estimates", "src/comexlab/reports/allocation.py",
     "keep = [(p, s) not in real_keys", "keep = [p not in {k[0] for k in real_keys}",
     ["tests/unit/test_state_allocation.py"]),
    ("headline cut over all value", "src/comexlab/tariffs/engine.py",
     '"neutralising_cut": per(agg["_cut_x_value"], kv)',
     '"neutralising_cut": per(agg["_cut_x_value"], agg["value_usd"])', [T_ENGINE]),
    ("SMART creation without (1 + t0)", SMART,
     "/ ((1.0 + t0) * damp)", "/ damp", [T_SMART, T_ENGINE]),
    ("SMART welfare with t1 - t0", SMART,
     "return 0.5 * (t0 + t1) * creation", "return 0.5 * (t1 - t0) * creation",
     [T_SMART, T_ENGINE]),
    ("Hauk wrong sign kept", HAUK, _HAUK, 'ok = frame["impliedelasticity"].notna()', T_HAUK),
    ("Hauk wrong sign kept as magnitude", HAUK, _HAUK + "\n    kept = frame[ok]",
     'ok = frame["impliedelasticity"].notna()\n'
     '    kept = frame[ok].assign(impliedelasticity=frame["impliedelasticity"].abs())', T_HAUK),
]


def run(root: Path, tests: list[str]) -> str:
    """KILLED if the tests fail, survived if they pass."""
    tests = [t for t in tests if (root / t).exists()]
    if not tests:
        return "no test file"
    data = os.environ.get("COMEXLAB_DATA", str(ROOT.parent / "shared" / "data"))
    env = dict(os.environ, PYTHONPATH=f"{root}/src", COMEXLAB_DATA=data)
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                        *tests], cwd=root, env=env, capture_output=True, text=True, timeout=900)
    return {0: "survived", 1: "KILLED"}.get(r.returncode, f"error (pytest exit {r.returncode})")


def check(roots: list[tuple[str, Path]], path: str, old: str, new: str,
          tests: list[str]) -> dict[str, str]:
    """Apply one mutant in each checkout, run its tests, restore the file."""
    res = {}
    for label, root in roots:
        f = root / path
        src = f.read_text(encoding="utf-8")
        if src.count(old) != 1:
            raise SystemExit(f"{path}: the code to mutate is not there once: {old!r}")
        f.write_text(src.replace(old, new), encoding="utf-8")
        try:
            res[label] = run(root, tests)
        finally:
            f.write_text(src, encoding="utf-8")
    return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", type=Path, help="another checkout to run the same mutants on")
    args = parser.parse_args()
    roots = [("this", ROOT)] + ([("compare", args.compare.resolve())] if args.compare else [])
    for name, path, old, new, tests in MUTANTS:
        print(f"{name:40s} {check(roots, path, old, new, tests)}", flush=True)


if __name__ == "__main__":
    main()
