"""CLI startup: `comexlab --help`, `version` and `hts show` against `python -c pass`.

Why ratios: the machine this runs on is shared and its load changes from minute to minute, so a
bare number of seconds says little. Every command is run interleaved with `python -c pass` in
the same loop, and the table gives the median wall time, the median CPU time (user + system of
the child, less sensitive to other processes) and both as multiples of `python -c pass`.

Usage (from the repository root; `--before` compares another source tree in the same run)::

    python bench/bench_cli_startup.py --warehouse W.duckdb [--before OLD/src] [--runs 10]

The warehouse must hold HTS 2026r10 (`comexlab hts load 2026r10 --warehouse W.duckdb`); without
`--warehouse` the `hts show` row is left out and the output says so.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(argv: list[str], src: Path | None) -> tuple[float, float]:
    """Wall and CPU seconds of one child process (output discarded, failure raised)."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warehouse", type=Path, help="warehouse with HTS 2026r10 loaded")
    parser.add_argument("--before", type=Path, help="src/ folder of the version to compare")
    args = parser.parse_args()

    py = sys.executable
    cli = [py, "-m", "comexlab"]
    commands: list[tuple[str, list[str]]] = [
        ("comexlab --help", [*cli, "--help"]),
        ("comexlab version", [*cli, "version"]),
    ]
    if args.warehouse is not None:
        commands.append(("comexlab hts show 8703.23.01",
                         [*cli, "hts", "show", "8703.23.01", "--warehouse",
                          str(args.warehouse.resolve())]))
    else:
        print("hts show not measured: pass --warehouse (a warehouse with HTS 2026r10)")
    trees = [("after", ROOT / "src")]
    if args.before is not None:
        trees.insert(0, ("before", args.before.resolve()))
    cases = [("python -c pass", None, [py, "-c", "pass"])]
    cases += [(f"{name} ({label})", src, argv) for label, src in trees for name, argv in commands]

    for _name, src, argv in cases:  # warm the file cache once (figures are "warm")
        _run(argv, src)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in cases}
    for _ in range(args.runs):
        for name, src, argv in cases:
            times[name].append(_run(argv, src))

    base_wall = statistics.median(w for w, _ in times["python -c pass"])
    base_cpu = statistics.median(c for _, c in times["python -c pass"])
    print(f"{args.runs} runs each, interleaved; load average {os.getloadavg()[0]:.1f}\n")
    print("| command | wall median (s) | × python -c pass | CPU median (s) | × python -c pass |")
    print("|---|---:|---:|---:|---:|")
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"| {name} | {wall:.3f} | {wall / base_wall:.1f} | {cpu:.3f} | "
              f"{cpu / base_cpu:.1f} |")


if __name__ == "__main__":
    main()
