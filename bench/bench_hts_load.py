"""Bench: load the full newest HTS edition (2026 Rev. 10) into DuckDB.

Each variant runs in its own subprocess so peak RSS (``ru_maxrss``) is that variant's alone:

* ``comexlab``   — read + validate + parse every rate + atomic load of hts_line/hts_rate;
* ``pandas``     — baseline: ``json.load`` + ``pandas.DataFrame`` + insert into DuckDB (no
                   validation, no parsing: the least a loader can do);
* ``duckdb``     — baseline: DuckDB's own ``read_json`` of the same file into a table.

Usage: ``PYTHONPATH=src python bench/bench_hts_load.py [--repeat 3] [--record]``; ``--record``
appends the figures to bench/README-hts.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

EDITION = "2026r10"


def _run_comexlab(path: Path, db: Path) -> int:
    from comexlab.warehouse import hts
    from comexlab.warehouse.db import connect

    con = connect(db)
    result = hts.load_edition(con, EDITION, path)
    con.close()
    return result.lines


def _run_pandas(path: Path, db: Path) -> int:
    import gzip

    import duckdb
    import pandas as pd

    rows = json.loads(gzip.decompress(path.read_bytes()))
    df = pd.DataFrame(rows)
    df = df.astype({c: "string" for c in df.columns})
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE hts AS SELECT * FROM df")
    n = con.execute("SELECT count(*) FROM hts").fetchone()[0]
    con.close()
    return int(n)


def _run_duckdb(path: Path, db: Path) -> int:
    import duckdb

    con = duckdb.connect(str(db))
    con.execute(f"CREATE TABLE hts AS SELECT * FROM read_json('{path}', format='array', "
                "maximum_object_size=100000000)")
    n = con.execute("SELECT count(*) FROM hts").fetchone()[0]
    con.close()
    return int(n)


VARIANTS = {"comexlab": _run_comexlab, "pandas": _run_pandas, "duckdb": _run_duckdb}


def child(variant: str, path: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        rows = VARIANTS[variant](Path(path), Path(tmp) / "bench.duckdb")
        wall = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"variant": variant, "rows": rows, "wall_s": wall, "peak_mib": peak_mib}))


def measure(variant: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", variant, str(path)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    from comexlab.sources.files import data_path
    from comexlab.sources.usitc_hts import EDITIONS

    path = data_path(EDITIONS[EDITION].file)
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.repeat):
        for variant in VARIANTS:
            r = measure(variant, path)
            if variant not in best or r["wall_s"] < best[variant]["wall_s"]:
                best[variant] = r
    base = best["comexlab"]
    lines = ["| variant | rows | wall (s) | peak RSS (MiB) | time vs comexlab | RSS vs comexlab |",
             "|---|---|---|---|---|---|"]
    for variant, r in best.items():
        lines.append(f"| {variant} | {int(r['rows']):,} | {r['wall_s']:.2f} | "
                     f"{r['peak_mib']:.0f} | {r['wall_s'] / base['wall_s']:.2f}× | "
                     f"{r['peak_mib'] / base['peak_mib']:.2f}× |")
    header = (f"### {date.today()} — HTS {EDITION}, best of {args.repeat}, "
              f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    report = "\n".join([header, "", *lines, ""])
    print(report)
    if args.record:
        readme = Path(__file__).with_name("README-hts.md")
        with readme.open("a", encoding="utf-8") as fh:
            fh.write("\n" + report)


if __name__ == "__main__":
    main()
