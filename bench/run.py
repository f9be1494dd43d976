"""Run every benchmark script in bench/ (bench_*.py) one after another and print its figures.

Benchmarks are separate from the test suite on purpose: timings on a shared 2-core machine are
noisy, so each script measures a baseline in the same run and reports ratios, and no test ever
asserts on time. Usage: ``python bench/run.py [NAME ...]`` (names without ``bench_``/``.py``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        wanted = {f"bench_{name}.py" for name in argv}
        scripts = [s for s in scripts if s.name in wanted]
    failed = 0
    for script in scripts:
        print(f"== {script.name}", flush=True)
        result = subprocess.run([sys.executable, str(script)], check=False)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
